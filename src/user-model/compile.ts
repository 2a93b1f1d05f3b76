/**
 * A model file (schema.ts) becomes a `Model` like any built-in one: the same fields, a WGSL source
 * for buildKernel and f64 methods for the reference runner, so nothing downstream can tell it apart.
 * Every problem is reported with the field it is in, `rhs.y: unknown identifier "sigm" at column 7
 * (did you mean "sigma"?)`; all of them at once (UserModelError.issues), so an editor can mark each line.
 */
import type { z } from 'zod';
import { type ClassId, type Model, type NumberParam, type OverlayCurve, type Param, type Preset, type SliceContext } from '../models/types.js';
import { echo, formatZodIssue } from '../util/messages.js';
import { checkExpression, closest, ExprError } from './check.js';
import { compileBoolean, compileNumber, newContext, nextCall, type Context } from './f64.js';
import { CONSTANTS, FUNCTIONS, countOps, namedUses, reads, type Binding, type Expr, type Type } from './ir.js';
import { modelFileShape, type ModelFile } from './schema.js';
import { scopeFor, type Declared, type Field } from './scopes.js';
import { jacobianWgsl, modelClasses, modelWgsl, type ModelParts } from './wgsl.js';
import { Differentiator } from './derivative.js';

export interface ModelIssue {
  path: string;
  message: string;
}

export class UserModelError extends Error {
  override name = 'UserModelError';
  constructor(readonly issues: ModelIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  }
}

/** Names an identifier may not take: the functions, the constants and mathjs's operator words. */
const kReserved = new Set([...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS), 'and', 'or', 'not', 'xor', 'mod', 'to', 'in', 'true', 'false', 'null', 'undefined']);

/** The model file each compiled model came from (specToJson writes it back into manifests). */
const sources = new WeakMap<Model, ModelFile>();

export function modelFileOf(model: Model): ModelFile | undefined {
  return sources.get(model);
}

/** The symbolic Jacobian of each compiled model's right-hand side (derivative.ts). */
const jacobians = new WeakMap<Model, { entries: Expr[][]; slots: number }>();

export interface UserJacobian {
  /** J = ∂f/∂y at (y, P) in f64, row-major: out[i·S + j] = ∂f_i/∂y_j. */
  evaluate(y: Float64Array, P: Float64Array, out: Float64Array): void;
  /** `fn jacobian(y: State, P: Params) -> array<f32, S·S>`, to be joined after the model's WGSL. */
  wgsl: string;
  /** The entries that are not identically zero, as (i, j). */
  nonZero: Array<[number, number]>;
}

/** The Jacobian of a model compiled from a model file; undefined for a built-in model. */
export function userJacobian(model: Model): UserJacobian | undefined {
  const j = jacobians.get(model);
  if (!j) return undefined;
  const S = model.state.length;
  const c = newContext(j.slots);
  const named = namedUses(j.entries.flat());
  const namedFns = named.map((b) => compileNumber(b.expr));
  const fns = j.entries.map((row) => row.map((e) => compileNumber(e)));
  return {
    evaluate(y, P, out) {
      c.y = y;
      c.P = P;
      for (let k = 0; k < named.length; k++) c.v[named[k].slot] = namedFns[k](c);
      for (let r = 0; r < S; r++) for (let q = 0; q < S; q++) out[r * S + q] = fns[r][q](c);
    },
    wgsl: jacobianWgsl(model.state.map((s) => s.id), j.entries, model.wgsl),
    nonZero: j.entries.flatMap((row, r) => row.flatMap((e, q) => (e.k === 'num' && e.v === 0 ? [] : [[r, q] as [number, number]]))),
  };
}

/** `classes.1.when` → `classes[1].when`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${echo(String(k))}`)).join('') || 'model';
}

/** FNV-1a of the file's JSON: the kernel cache key changes whenever the file does. */
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Checks a parsed model file and builds its Model. Throws UserModelError listing every problem. */
export function compileUserModel(input: unknown): Model {
  const parsed = modelFileShape.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserModelError([{ path: pathText(issue.path), message: formatZodIssue({ ...issue, path: [] } as z.core.$ZodIssue).replace(/^spec: /, '') }]);
  }
  const file = parsed.data;
  const issues: ModelIssue[] = [];
  const fail = (path: string, message: string) => issues.push({ path, message });
  const declared = new Map<string, Declared>();
  const declare = (path: string, name: string, d: Declared): boolean => {
    const other = declared.get(name);
    if (other) return !fail(path, `"${name}" is already ${other.what}`);
    if (kReserved.has(name)) return !fail(path, `"${name}" is reserved (a function, constant or operator word)`);
    if (name.startsWith('d_')) return !fail(path, `"${name}": names starting with d_ are the rates d_x of the state variables`);
    if (name.includes('__')) return !fail(path, `"${name}": names may not contain __ (kept for generated code)`);
    declared.set(name, d);
    return true;
  };
  const check = (path: string, text: string, field: Field, want: Type): Expr => {
    try {
      return checkExpression(text, scopeFor(declared, field), want);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      fail(path, e.message);
      return want === 'number' ? { k: 'num', v: 0 } : { k: 'bool', v: false };
    }
  };

  // Parameters, then initial conditions: the order of P.
  const params: Param[] = [];
  const paramList = [...(file.params ?? []).map((p, i) => ({ p, path: `params[${i}]`, role: 'param' as const })), ...(file.initial ?? []).map((p, i) => ({ p, path: `initial[${i}]`, role: 'initial' as const }))];
  for (const { p, path, role } of paramList) {
    const index = params.length;
    if ('options' in p) {
      if (!p.options.includes(p.default)) fail(`${path}.default`, `"${echo(p.default)}" is not one of ${p.options.join(', ')}`);
      declare(`${path}.id`, p.id, { binding: { kind: 'choice', name: p.id, index, options: p.options }, what: 'a choice parameter' });
      params.push({ kind: 'choice', id: p.id, symbol: p.symbol, label: p.label ?? p.id, description: p.description ?? '', role, options: p.options, default: p.default });
      continue;
    }
    const scale = p.scale ?? 'linear';
    if (!(p.min < p.max)) fail(`${path}.min`, `must be less than max (${p.min} ≥ ${p.max})`);
    if (scale === 'log' && p.min <= 0) fail(`${path}.min`, `a log scale needs min > 0 (got ${p.min})`);
    let derived: Expr | undefined;
    if (typeof p.default === 'string') {
      if (role !== 'initial') fail(`${path}.default`, 'only an initial condition may be a formula; a parameter needs a number');
      else derived = check(`${path}.default`, p.default, 'formula', 'number');
    } else if (p.default < p.min || p.default > p.max) fail(`${path}.default`, `${p.default} is outside [${p.min}, ${p.max}]`);
    const what = role === 'param' ? 'a parameter' : 'an initial condition';
    declare(`${path}.id`, p.id, { binding: { kind: 'param', name: p.id, index, derived }, what });
    const param: NumberParam = {
      kind: 'number', id: p.id, symbol: p.symbol, label: p.label ?? p.id, description: p.description ?? '', role,
      default: derived ? 'derived' : (p.default as number), min: p.min, max: p.max, scale,
      ...(derived ? { derivedAs: `${p.id} = ${p.default}` } : {}), ...(p.integer ? { integer: true } : {}), ...(p.units ? { units: p.units } : {}),
    };
    params.push(param);
  }

  file.state.forEach((s, i) => {
    declare(`state[${i}].id`, s.id, { binding: { kind: 'state', name: s.id, index: i }, what: 'a state variable' });
    declared.set(`d_${s.id}`, { binding: { kind: 'rate', name: `d_${s.id}`, index: i }, what: `the rate of ${s.id}` });
  });

  let slots = 0;
  const namedBinding = (name: string, expr: Expr): Extract<Binding, { kind: 'named' }> => ({ kind: 'named', name, slot: slots++, expr });
  for (const [name, text] of Object.entries(file.let ?? {})) {
    const path = `let.${echo(name)}`;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      fail(path, 'a name must start with a letter and hold only ASCII letters, digits and _');
      continue;
    }
    const expr = check(path, text, 'let', 'number');
    declare(path, name, { binding: namedBinding(name, expr), what: 'a let definition', readsState: reads(expr, 'state') });
  }

  const readouts = (file.readouts ?? []).map((r, i) => {
    const binding = namedBinding(r.id, check(`readouts[${i}].value`, r.value, 'readout', 'number'));
    return { id: r.id, binding, path: `readouts[${i}].id` };
  });
  // Declared before the other fields are checked, so that they can say why a readout is out of their reach;
  // a readout reads the state and the lets, not the other readouts.
  readouts.forEach((r) => declare(r.path, r.id, { binding: r.binding, what: 'a readout', readout: true }));

  const initialState = file.state.map((s, i) => {
    const text = s.initial ?? (declared.get(`${s.id}0`)?.binding.kind === 'param' ? `${s.id}0` : undefined);
    if (text === undefined) {
      fail(`state[${i}].initial`, `required: an expression of the parameters and initial conditions (there is no initial condition "${s.id}0")`);
      return { k: 'num', v: 0 } as Expr;
    }
    return check(`state[${i}].initial`, text, 'initialState', 'number');
  });

  const stateIds = file.state.map((s) => s.id);
  for (const key of Object.keys(file.rhs)) {
    if (!stateIds.includes(key)) fail(`rhs.${echo(key)}`, `"${echo(key)}" is not a state variable${closest(key, stateIds) ? ` (did you mean "${closest(key, stateIds)}"?)` : ''}; one expression per state variable: ${stateIds.join(', ')}`);
  }
  const rhs = file.state.map((s) => {
    if (!Object.hasOwn(file.rhs, s.id)) {
      fail(`rhs.${s.id}`, `required: d${s.id}/dt as an expression`);
      return { k: 'num', v: 0 } as Expr;
    }
    return check(`rhs.${s.id}`, file.rhs[s.id], 'rhs', 'number');
  });

  const classes = file.classes.map((c, i) => ({ class: c.class, when: check(`classes[${i}].when`, c.when, 'class', 'boolean') }));
  const collapsed = file.collapsed === undefined ? undefined : check('collapsed', file.collapsed, 'collapsed', 'boolean');
  const settle = file.settle && {
    stop: check('settle.stop', file.settle.stop, 'settle', 'boolean'),
    continue: file.settle.continue === undefined ? undefined : check('settle.continue', file.settle.continue, 'settle', 'boolean'),
  };
  const overlays = (file.overlays ?? []).map((o, i) => {
    for (const axis of ['x', 'y'] as const) {
      const b = declared.get(o[axis])?.binding;
      if (b?.kind !== 'param') fail(`overlays[${i}].${axis}`, `"${echo(o[axis])}" is not a number parameter or initial condition of this model`);
    }
    return { ...o, curve: check(`overlays[${i}].curve`, o.curve, 'overlay', 'number') };
  });
  if (issues.length > 0) throw new UserModelError(issues);

  const parts: ModelParts = { id: file.id, state: stateIds, initialState, rhs, readouts, classes, otherwise: file.otherwise, collapsed, settle };
  const differentiator = new Differentiator(() => slots++);
  const jacobianEntries = rhs.map((f) => stateIds.map((_, j) => differentiator.d(f, j)));
  const model = buildModel(file, params, parts, slots, overlays);
  sources.set(model, file);
  jacobians.set(model, { entries: jacobianEntries, slots });
  return model;
}

type CheckedOverlay = Omit<NonNullable<ModelFile['overlays']>[number], 'curve'> & { curve: Expr };

function buildModel(file: ModelFile, params: Param[], parts: ModelParts, slots: number, overlays: CheckedOverlay[]): Model {
  const c = newContext(slots);
  /** Eager: fills the slots of the named definitions these expressions read, in definition order. */
  const prepare = (roots: readonly Expr[]) => {
    const named = namedUses(roots);
    const slotList = named.map((b) => b.slot);
    const fns = named.map((b) => compileNumber(b.expr));
    // Plain indexed loops: no iterator or tuple allocated per call on this hot path.
    return () => {
      for (let k = 0; k < fns.length; k++) c.v[slotList[k]] = fns[k](c);
    };
  };
  /** Lazy: each definition is computed where first read in this call (f64.ts). */
  const startLazy = () => () => nextCall(c);
  const S = parts.state.length;
  const initial = { prepare: prepare(parts.initialState), values: parts.initialState.map((e) => compileNumber(e)) };
  const rhs = { prepare: prepare(parts.rhs), values: parts.rhs.map((e) => compileNumber(e)) };
  const readoutRoots = parts.readouts.map((r) => ({ k: 'ref', b: r.binding }) as Expr);
  const readout = { prepare: prepare(readoutRoots), values: readoutRoots.map((e) => compileNumber(e)) };
  const classes = { prepare: startLazy(), rules: parts.classes.map((r) => [r.class, compileBoolean(r.when, true)] as const) };
  const collapsed = parts.collapsed && { prepare: startLazy(), test: compileBoolean(parts.collapsed, true) };
  const settle = parts.settle && {
    prepare: startLazy(),
    stop: compileBoolean(parts.settle.stop, true),
    goOn: parts.settle.continue ? compileBoolean(parts.settle.continue, true) : () => false,
  };
  const rhsUses = namedUses(parts.rhs).map((b) => b.expr);
  const presets = (file.presets ?? []) as unknown as Preset[];

  return {
    id: file.id,
    variant: `file-${hashOf(JSON.stringify(file))}`,
    title: file.title,
    citation: { authors: file.citation?.authors ?? '', title: file.citation?.title ?? '', venue: file.citation?.venue ?? '', arxiv: file.citation?.arxiv ?? '' },
    status: 'user',
    note: file.note ?? 'Defined in a model file.',
    version: file.version ?? 1,
    wgsl: modelWgsl(parts),
    state: file.state.map((s) => ({ id: s.id, symbol: s.symbol, label: s.label ?? s.id })),
    params,
    readouts: (file.readouts ?? []).map((r) => ({ id: r.id, symbol: r.symbol, label: r.label ?? r.id, units: r.units ?? '' })),
    classes: modelClasses(parts),
    divergenceBound: file.divergenceBound ?? 1e6,
    defaults: { ...file.defaults },
    flopsPerRhs: [...parts.rhs, ...rhsUses].reduce((s, e) => s + countOps(e), 0),

    initialState(P) {
      c.P = P;
      initial.prepare();
      const y = new Float64Array(S);
      for (let i = 0; i < S; i++) y[i] = initial.values[i](c);
      return y;
    },
    rhs(y, P, out) {
      c.y = y;
      c.P = P;
      rhs.prepare();
      for (let i = 0; i < S; i++) out[i] = rhs.values[i](c);
    },
    classify(y, dy, P): ClassId {
      c.y = y;
      c.dy = dy;
      c.P = P;
      classes.prepare();
      for (let k = 0; k < classes.rules.length; k++) if (classes.rules[k][1](c)) return classes.rules[k][0];
      return parts.otherwise;
    },
    isCollapsed(y, P) {
      if (!collapsed) return false;
      c.y = y;
      c.P = P;
      collapsed.prepare();
      return collapsed.test(c);
    },
    readout(y, P, out) {
      c.y = y;
      c.P = P;
      readout.prepare();
      for (let i = 0; i < readout.values.length; i++) out[i] = readout.values[i](c);
    },
    overlays: (slice) => overlayCurves(overlays, params, slice, c),
    predictClass: () => undefined,
    fixedPoints: () => [],
    presets,
    ...(settle && file.settle
      ? {
          settle: {
            description: file.settle.description,
            verdict(y, dy, P) {
              c.y = y;
              c.dy = dy;
              c.P = P;
              settle.prepare();
              return settle.stop(c) ? 'stop' : settle.goOn(c) ? 'continue' : 'generic';
            },
          },
        }
      : {}),
  };
}

/** Points per overlay curve across the axis. */
const kOverlayPoints = 257;

/** The overlays drawn on this slice: curves whose two parameters are its axes (either way round), cut where they leave the plot. */
function overlayCurves(overlays: CheckedOverlay[], params: Param[], slice: SliceContext, c: Context): OverlayCurve[] {
  const out: OverlayCurve[] = [];
  for (const o of overlays) {
    const swap = o.x === slice.y.param && o.y === slice.x.param;
    if (!swap && !(o.x === slice.x.param && o.y === slice.y.param)) continue;
    const along = swap ? slice.y : slice.x;
    const across = swap ? slice.x : slice.y;
    const f = compileNumber(o.curve, true);
    const values = Float64Array.from(slice.values);
    const xIndex = params.findIndex((p) => p.id === o.x);
    c.P = values;
    let run: Array<[number, number]> = [];
    const flush = () => {
      if (run.length > 1) out.push({ id: out.some((q) => q.id === o.id) ? `${o.id}-${out.length}` : o.id, label: o.label, kind: o.kind ?? 'boundary', source: o.source ?? 'model file', points: run });
      run = [];
    };
    for (let k = 0; k < kOverlayPoints; k++) {
      values[xIndex] = along.min + ((along.max - along.min) * k) / (kOverlayPoints - 1);
      nextCall(c);
      const v = f(c);
      if (Number.isFinite(v) && v >= across.min && v <= across.max) run.push(swap ? [v, values[xIndex]] : [values[xIndex], v]);
      else flush();
    }
    flush();
  }
  return out;
}
