import type { DerivedSeries, Model, ParamVector } from '../models/types.js';
import { integrateCell, type CellOutcome, type CellRun } from '../engine/cpu-runner.js';

/** A cell's f64 trajectory at a subset of its steps, for the inspector. */
export interface Trajectory {
  /** Flow times of the kept samples, ascending; t[0] = 0 and the last is the final step reached. */
  t: Float64Array;
  /** One series per state variable (model.state order), aligned with `t`. */
  states: Float64Array[];
  /** The same outcome as the sweep runners report for this cell (class, end state, collapse time). */
  outcome: CellOutcome;
}

export interface TrajectoryOptions extends CellRun {
  /** Upper bound on the samples kept (default 2000). */
  maxPoints?: number;
}

/**
 * Flow times at which to keep a sample of a run to tEnd: half spaced evenly in log t (from
 * tEnd·1e-6) and half evenly in t, so a log time axis resolves early transients (collapse times
 * span decades) and a linear one the late approach to the end state. Ascending, at most
 * `maxPoints`, the last one tEnd. A step is kept when it is the first to reach a target.
 */
export function sampleTimes(tEnd: number, maxPoints: number): Float64Array {
  // Room for t = 0 and a final state that stopped between two targets.
  const half = Math.max(2, Math.floor((maxPoints - 3) / 2));
  const kept = new Set<number>([tEnd]);
  const first = tEnd * 1e-6;
  for (let k = 0; k < half; k++) {
    kept.add(first * (tEnd / first) ** (k / (half - 1)));
    kept.add(((k + 1) * tEnd) / half);
  }
  return Float64Array.from([...kept].filter((t) => t <= tEnd).sort((a, b) => a - b));
}

/**
 * Integrates one cell with the f64 reference (integrateCell, the runners' own loop, early exit
 * included) and keeps t = 0, the first step to reach each of `sampleTimes` and the last step. A
 * cell that stops early (settled, diverged, stiff) ends its series where the runners stop it.
 *
 * @example
 * const spec = parseSpec(json);
 * const tr = cellTrajectory(spec.model, P, { integrator: spec.integrator, settle: spec.settle });
 * tr.states[0] // w(t) at tr.t
 */
export function cellTrajectory(model: Model, P: ParamVector, opts: TrajectoryOptions): Trajectory {
  const targets = sampleTimes(opts.integrator.tEnd, opts.maxPoints ?? 2000);
  const S = model.state.length;
  const t: number[] = [];
  const states: number[][] = model.state.map(() => []);
  const keep = (time: number, y: Float64Array) => {
    t.push(time);
    for (let d = 0; d < S; d++) states[d].push(y[d]);
  };
  let k = 0;
  let lastT = 0;
  const outcome = integrateCell(model, P, opts, (time, y) => {
    lastT = time;
    if (time === 0) return keep(time, y);
    if (k >= targets.length || time < targets[k]) return;
    keep(time, y);
    while (k < targets.length && targets[k] <= time) k++;
  });
  if (t[t.length - 1] !== lastT) keep(lastT, outcome.state);
  return { t: Float64Array.from(t), states: states.map((s) => Float64Array.from(s)), outcome };
}

/**
 * A model's derived series along a trajectory: one array per curve (series.count(P) of them),
 * aligned with `tr.t`.
 *
 * @example
 * const [lambda] = model.series!;
 * seriesValues(lambda, tr, P)[3] // λ₃ at tr.t
 */
export function seriesValues(series: DerivedSeries, tr: Pick<Trajectory, 't' | 'states'>, P: ParamVector): Float64Array[] {
  const K = series.count(P);
  const curves = Array.from({ length: K }, () => new Float64Array(tr.t.length));
  const y = new Float64Array(tr.states.length);
  const out = new Float64Array(K);
  for (let s = 0; s < tr.t.length; s++) {
    for (let d = 0; d < y.length; d++) y[d] = tr.states[d][s];
    series.values(y, P, out);
    for (let k = 0; k < K; k++) curves[k][s] = out[k];
  }
  return curves;
}
