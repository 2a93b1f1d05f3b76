import type { Model, ParamVector } from '../models/types.js';
import { integrateCell, type CellOutcome } from '../engine/cpu-runner.js';

/** A cell's f64 trajectory at a subset of its steps, for the inspector. */
export interface Trajectory {
  /** Flow times of the kept samples, ascending; t[0] = 0 and the last is the final step reached. */
  t: Float64Array;
  /** One series per state variable (model.state order), aligned with `t`. */
  states: Float64Array[];
  /** The same outcome as the sweep runners report for this cell (class, end state, collapse time). */
  outcome: CellOutcome;
}

export interface TrajectoryOptions {
  method: string;
  dt: number;
  tEnd: number;
  /** Upper bound on the samples kept (default 2000). */
  maxPoints?: number;
}

/**
 * Step indices to keep out of 0 … steps: half spaced evenly in log(n) and half evenly in n, so a
 * log time axis resolves early transients (collapse times span decades) and a linear one the late
 * approach to the end state. Always keeps 0 and `steps`; at most `maxPoints` indices, ascending.
 */
export function sampleSteps(steps: number, maxPoints: number): Uint32Array {
  if (steps + 1 <= maxPoints) return Uint32Array.from({ length: steps + 1 }, (_, n) => n);
  const half = Math.max(2, Math.floor((maxPoints - 1) / 2));
  const kept = new Set<number>([0, steps]);
  for (let k = 0; k < half; k++) {
    kept.add(Math.round(Math.pow(steps, k / (half - 1))));
    kept.add(Math.round((k * steps) / (half - 1)));
  }
  return Uint32Array.from([...kept].sort((a, b) => a - b));
}

/**
 * Integrates one cell with the f64 reference (integrateCell, the runners' own loop) and keeps the
 * samples of `sampleSteps`. A diverged cell stops at its last finite state, as in the runners, and
 * the series end there.
 *
 * @example
 * const tr = cellTrajectory(tianL2, P, { method: 'rk4', dt: 0.05, tEnd: 3000 });
 * tr.states[0] // w(t) at tr.t
 */
export function cellTrajectory(model: Model, P: ParamVector, opts: TrajectoryOptions): Trajectory {
  const steps = Math.ceil(opts.tEnd / opts.dt - 1e-9);
  const keep = sampleSteps(steps, opts.maxPoints ?? 2000);
  const S = model.state.length;
  const t = new Float64Array(keep.length);
  const states = model.state.map(() => new Float64Array(keep.length));
  let n = 0;
  let k = 0;
  const outcome = integrateCell(model, P, opts.method, opts.dt, steps, (time, y) => {
    if (n++ !== keep[k]) return;
    t[k] = time;
    for (let d = 0; d < S; d++) states[d][k] = y[d];
    k++;
  });
  // A diverged cell stops early: its last finite state (the outcome's) closes the series.
  if (k < keep.length && (k === 0 || t[k - 1] !== (n - 1) * opts.dt)) {
    t[k] = (n - 1) * opts.dt;
    for (let d = 0; d < S; d++) states[d][k] = outcome.state[d];
    k++;
  }
  return { t: t.slice(0, k), states: states.map((s) => s.slice(0, k)), outcome };
}
