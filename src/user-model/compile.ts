/**
 * A model file (schema.ts) becomes a `Model` like any built-in one: the same fields, a WGSL source
 * for buildKernel and f64 methods for the reference runner, so nothing downstream can tell it apart.
 * Every problem is reported with the field it is in, `rhs.y: unknown identifier "sigm" at column 7
 * (did you mean "sigma"?)`; all of them at once (UserModelError.issues), so an editor can mark each line.
 */
import type { z } from 'zod';
import type { Model, NumberParam, Param } from '../models/types.js';
import { echo, formatZodIssue } from '../util/messages.js';
import { checkExpression, closest, ExprError } from './check.js';
import { CONSTANTS, FUNCTIONS, reads, type Binding, type Expr, type Type } from './ir.js';
import { modelFileShape } from './schema.js';
import { scopeFor, type Declared, type Field } from './scopes.js';
import type { ModelParts } from './wgsl.js';
import { Differentiator } from './derivative.js';
import { registerJacobian } from './jacobian.js';
import { buildJacobian } from './jacobian-build.js';
import { buildModel } from './model.js';
import { rememberModelFile } from './sources.js';

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
const kReserved = new Set([
  ...Object.keys(FUNCTIONS),
  ...Object.keys(CONSTANTS),
  'and',
  'or',
  'not',
  'xor',
  'mod',
  'to',
  'in',
  'true',
  'false',
  'null',
  'undefined',
]);

export { modelFileOf } from './sources.js';

export { userJacobian, type UserJacobian } from './jacobian.js';

/** `classes.1.when` → `classes[1].when`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${echo(String(k))}`)).join('') || 'model';
}

/** Checks a parsed model file and builds its Model. Throws UserModelError listing every problem. */
export function compileUserModel(input: unknown): Model {
  const parsed = modelFileShape.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserModelError([
      { path: pathText(issue.path), message: formatZodIssue({ ...issue, path: [] } as z.core.$ZodIssue).replace(/^spec: /, '') },
    ]);
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
  const paramList = [
    ...(file.params ?? []).map((p, i) => ({ p, path: `params[${i}]`, role: 'param' as const })),
    ...(file.initial ?? []).map((p, i) => ({ p, path: `initial[${i}]`, role: 'initial' as const })),
  ];
  for (const { p, path, role } of paramList) {
    const index = params.length;
    if ('options' in p) {
      if (!p.options.includes(p.default)) fail(`${path}.default`, `"${echo(p.default)}" is not one of ${p.options.join(', ')}`);
      declare(`${path}.id`, p.id, { binding: { kind: 'choice', name: p.id, index, options: p.options }, what: 'a choice parameter' });
      params.push({
        kind: 'choice',
        id: p.id,
        symbol: p.symbol,
        label: p.label ?? p.id,
        description: p.description ?? '',
        role,
        options: p.options,
        default: p.default,
      });
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
      kind: 'number',
      id: p.id,
      symbol: p.symbol,
      label: p.label ?? p.id,
      description: p.description ?? '',
      role,
      default: derived ? 'derived' : (p.default as number),
      min: p.min,
      max: p.max,
      scale,
      ...(derived ? { derivedAs: `${p.id} = ${p.default}` } : {}),
      ...(p.integer ? { integer: true } : {}),
      ...(p.units ? { units: p.units } : {}),
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
  readouts.forEach((r) => {
    declare(r.path, r.id, { binding: r.binding, what: 'a readout', readout: true });
  });

  const initialState = file.state.map((s, i) => {
    const text = s.initial ?? (declared.get(`${s.id}0`)?.binding.kind === 'param' ? `${s.id}0` : undefined);
    if (text === undefined) {
      fail(
        `state[${i}].initial`,
        `required: an expression of the parameters and initial conditions (there is no initial condition "${s.id}0")`,
      );
      return { k: 'num', v: 0 } as Expr;
    }
    return check(`state[${i}].initial`, text, 'initialState', 'number');
  });

  const stateIds = file.state.map((s) => s.id);
  for (const key of Object.keys(file.rhs)) {
    if (!stateIds.includes(key))
      fail(
        `rhs.${echo(key)}`,
        `"${echo(key)}" is not a state variable${closest(key, stateIds) ? ` (did you mean "${closest(key, stateIds)}"?)` : ''}; one expression per state variable: ${stateIds.join(', ')}`,
      );
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
      if (b?.kind !== 'param')
        fail(`overlays[${i}].${axis}`, `"${echo(o[axis])}" is not a number parameter or initial condition of this model`);
    }
    return { ...o, curve: check(`overlays[${i}].curve`, o.curve, 'overlay', 'number') };
  });
  if (issues.length > 0) throw new UserModelError(issues);

  const parts: ModelParts = {
    id: file.id,
    state: stateIds,
    initialState,
    rhs,
    readouts,
    classes,
    otherwise: file.otherwise,
    collapsed,
    settle,
  };
  const differentiator = new Differentiator(() => slots++);
  const jacobianEntries = rhs.map((f) => stateIds.map((_, j) => differentiator.d(f, j)));
  const model = buildModel(file, params, parts, slots, overlays);
  rememberModelFile(model, file);
  const contextSlots = slots;
  registerJacobian(model, () => buildJacobian(model, jacobianEntries, contextSlots));
  return model;
}
