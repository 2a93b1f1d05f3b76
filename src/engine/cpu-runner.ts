import { CLASSES, COLLAPSE_TIME, type Model } from '../models/types.js';
import { RkStepper } from '../integrators/stepper.js';
import { tableaus } from '../integrators/tableaus.js';
import { axisValues, cellValues, type ResolvedSpec } from '../sweep/spec.js';
import { emptyResult, type SweepResult } from './result.js';

export interface CellOutcome {
  state: Float64Array;
  classCode: number;
  readouts: Float64Array;
  collapseTime: number;
}

function bounded(y: Float64Array, bound: number): boolean {
  for (let d = 0; d < y.length; d++) if (!(Math.abs(y[d]) <= bound)) return false;
  return true;
}

/**
 * Integrates one cell in f64 exactly as the WGSL kernel does (same steps, same divergence latch,
 * same collapse-time rule), so the two can be compared cell for cell.
 */
export function integrateCell(model: Model, P: Float64Array, method: string, dt: number, steps: number, onStep?: (t: number, y: Float64Array) => void): CellOutcome {
  const f = (y: Float64Array, out: Float64Array) => model.rhs(y, P, out);
  const stepper = new RkStepper(tableaus[method], model.state.length);
  const y = model.initialState(P);
  const next = new Float64Array(y.length);
  const dy = new Float64Array(y.length);
  let collapseTime = model.isCollapsed(y, P) ? 0 : (COLLAPSE_TIME.missing ?? -1);
  let diverged = !bounded(y, model.divergenceBound);
  onStep?.(0, y);
  for (let n = 0; n < steps && !diverged; n++) {
    next.set(y);
    stepper.step(f, next, dt);
    if (!bounded(next, model.divergenceBound)) {
      diverged = true;
      break;
    }
    y.set(next);
    if (collapseTime < 0 && model.isCollapsed(y, P)) collapseTime = (n + 1) * dt;
    onStep?.((n + 1) * dt, y);
  }
  model.rhs(y, P, dy);
  const readouts = new Float64Array(model.readouts.length);
  model.readout(y, P, readouts);
  const classCode = diverged ? CLASSES.diverged.code : CLASSES[model.classify(y, dy, P)].code;
  return { state: y, classCode, readouts, collapseTime };
}

/** The f64 reference runner: plain loops over the same spec, the same outputs as the GPU runner. */
export function runSweepCpu(spec: ResolvedSpec): SweepResult {
  const t0 = performance.now();
  const { model } = spec;
  const result = emptyResult(spec, Float64Array, 'cpu-f64');
  const xs = axisValues(spec.x);
  const ys = axisValues(spec.y);
  const S = model.state.length;
  const M = model.readouts.length + 1;
  const P = new Float64Array(model.params.length);
  for (let j = 0; j < spec.y.n; j++) {
    for (let i = 0; i < spec.x.n; i++) {
      const cell = j * spec.x.n + i;
      cellValues(spec, xs, ys, i, j, P);
      const out = integrateCell(model, P, spec.integrator.method, spec.integrator.dt, spec.integrator.steps);
      result.classes[cell] = out.classCode;
      result.finalState.set(out.state, cell * S);
      result.metrics.set(out.readouts, cell * M);
      result.metrics[cell * M + M - 1] = out.collapseTime;
    }
  }
  result.tReached = spec.integrator.steps * spec.integrator.dt;
  result.timings.ms = performance.now() - t0;
  result.timings.kernelMs = result.timings.ms;
  result.timings.instanceSteps = spec.x.n * spec.y.n * spec.integrator.steps;
  result.timings.endedAt = new Date().toISOString();
  return result;
}
