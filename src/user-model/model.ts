/**
 * The `Model` of a checked model file: the WGSL source (wgsl.ts) and the f64 methods (f64.ts) over
 * one shared context, so that the engine sees the same contract as for a built-in model.
 */
import type { ClassId, Model, OverlayCurve, Param, Preset, SliceContext } from '../models/types.js';
import { compileBoolean, compileNumber, newContext, nextCall, type Context } from './f64.js';
import { countOps, namedUses, type Expr } from './ir.js';
import type { ModelFile } from './schema.js';
import { modelClasses, modelWgsl, type ModelParts } from './wgsl.js';

/** FNV-1a of the file's JSON: the kernel cache key changes whenever the file does. */
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export type CheckedOverlay = Omit<NonNullable<ModelFile['overlays']>[number], 'curve'> & { curve: Expr };

export function buildModel(file: ModelFile, params: Param[], parts: ModelParts, slots: number, overlays: CheckedOverlay[]): Model {
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
    citation: {
      authors: file.citation?.authors ?? '',
      title: file.citation?.title ?? '',
      venue: file.citation?.venue ?? '',
      arxiv: file.citation?.arxiv ?? '',
    },
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
      if (run.length > 1)
        out.push({
          id: out.some((q) => q.id === o.id) ? `${o.id}-${out.length}` : o.id,
          label: o.label,
          kind: o.kind ?? 'boundary',
          source: o.source ?? 'model file',
          points: run,
        });
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
