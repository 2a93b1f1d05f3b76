import type { ClassId, Model } from '../../src/models/types.js';
import { parseSpec, type ResolvedSpec } from '../../src/sweep/spec.js';
import type { SweepResult } from '../../src/engine/result.js';

export type Values = Record<string, number | string>;

/** A reference case in one shape for every model: values by id, the run, the expected end. */
export interface ReferenceCase {
  id: string;
  values: Values;
  tEnd: number;
  dt: number;
  class: Exclude<ClassId, 'diverged'>;
  /** Expected end state by state id (omitted ids are not checked). */
  state?: Record<string, number>;
  /** Expected readouts by readout id, held to the same tolerances as the state. */
  readouts?: Record<string, number>;
  /** Absolute tolerance on the state in f64; the f32 GPU run gets `gpuTolerance`. */
  tolerance?: number;
  gpuTolerance?: number;
}

/**
 * A sweep whose cell (i, j) has exactly `values`: the two axes are two numeric parameters of the
 * model, each with n = 2 and the case's value at one end (axis ends are exact in f32 and f64).
 * `spec.model` is the concrete model for the case's structural values.
 */
export function singleCellSpec(model: Model, values: Values, tEnd: number, dt: number): { spec: ResolvedSpec; i: number; j: number } {
  const numeric = model.params.filter((p) => p.kind === 'number' && !p.structural && typeof (values[p.id] ?? p.default) === 'number');
  const [px, py] = numeric;
  const placed: number[] = [];
  const axis = (p: (typeof numeric)[number]) => {
    if (p.kind !== 'number') throw new Error('unreachable');
    const v = (values[p.id] ?? p.default) as number;
    const delta = 1e-3 * Math.max(1, Math.abs(v));
    const up = v + delta <= p.max;
    placed.push(up ? 0 : 1);
    return { param: p.id, min: up ? v : v - delta, max: up ? v + delta : v, n: 2, scale: 'linear' as const };
  };
  const x = axis(px);
  const y = axis(py);
  const params: Values = {};
  const initial: Values = {};
  for (const [id, v] of Object.entries(values)) {
    if (id === px.id || id === py.id) continue;
    const p = model.params.find((q) => q.id === id);
    if (!p) throw new Error(`${model.id} has no parameter ${id}`);
    (p.role === 'initial' ? initial : params)[id] = v;
  }
  // The spec's end states are the ODE's at tEnd: a fixed-horizon run, no early exit.
  const spec = parseSpec({ model: model.id, params, initial, x, y, integrator: { dt, tEnd }, settle: false }, [model]);
  return { spec, i: placed[0], j: placed[1] };
}

/** Readouts of cell (i, j) (the engine's metrics, after them in a record, left out). */
export function cellReadouts(r: SweepResult, i: number, j: number): number[] {
  const M = r.spec.model.readouts.length + 1;
  const cell = j * r.nx + i;
  return Array.from(r.metrics.subarray(cell * M, cell * M + M - 1));
}

export function cellState(r: SweepResult, i: number, j: number): number[] {
  const S = r.spec.model.state.length;
  const cell = j * r.nx + i;
  return Array.from(r.finalState.subarray(cell * S, cell * S + S));
}

/** Cells whose class differs from a 4-neighbour's (or any of 8): where f32 and f64 may legitimately disagree. */
export function nearClassChange(classes: Uint8Array, nx: number, ny: number, neighbours: 4 | 8 = 4): Uint8Array {
  const near = new Uint8Array(nx * ny);
  const offsets =
    neighbours === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = classes[j * nx + i];
      for (const [di, dj] of offsets) {
        const a = i + di;
        const b = j + dj;
        if (a >= 0 && a < nx && b >= 0 && b < ny && classes[b * nx + a] !== c) near[j * nx + i] = 1;
      }
    }
  }
  return near;
}

/** Cells whose 8 neighbours all share their class in `classes` (where the grid resolves the answer). */
export function interior(classes: Uint8Array, nx: number, ny: number): number[] {
  const near = nearClassChange(classes, nx, ny, 8);
  return Array.from(near.keys()).filter((cell) => near[cell] === 0);
}

/** The largest |gpu − cpu| / (1 + |cpu|) over every final state component of two runs of one spec. */
export function worstFinalStateGap(gpu: { finalState: ArrayLike<number> }, cpu: { finalState: ArrayLike<number> }): number {
  let worst = 0;
  for (let k = 0; k < cpu.finalState.length; k++)
    worst = Math.max(worst, Math.abs(gpu.finalState[k] - cpu.finalState[k]) / (1 + Math.abs(cpu.finalState[k])));
  return worst;
}
