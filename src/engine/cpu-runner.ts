import { CLASSES, COLLAPSE_TIME, cellMetrics, type Model } from '../models/types.js';
import { RkStepper } from '../integrators/stepper.js';
import { trialStepper } from '../integrators/adaptive.js';
import { isRosenbrock, noJacobianMessage, RosenbrockStepper, type Jacobian } from '../integrators/rosenbrock.js';
import { userJacobian } from '../user-model/jacobian.js';
import { decideStep, kControllerDefaults } from '../integrators/controller.js';
import { controllerOrder, isFsal } from '../integrators/tableaus.js';
import { isMap, tableauOf } from '../integrators/map.js';
import { collapseOffset } from '../integrators/hermite.js';
import {
  axisValues,
  cellValues,
  type ResolvedIntegrator,
  type ResolvedSettle,
  type ResolvedSpec,
  type ResolvedTimelapse,
} from './resolved-spec.js';
import { emptyResult, totalSteps, type SweepResult } from './result.js';
import { QuietClock } from './settle.js';

/** How a cell ended, as a CELL_STATUS name. */
export type CellEnd = 'settled' | 'done' | 'diverged' | 'stiff';

export interface CellOutcome {
  state: Float64Array;
  classCode: number;
  readouts: Float64Array;
  collapseTime: number;
  /** Flow time at which the cell stopped early, −1 if it ran to tEnd (or diverged / went stiff). */
  tSettled: number;
  /** Step attempts, accepted and rejected. */
  steps: number;
  end: CellEnd;
  /** The class at each time-lapse frame (run.timelapse), else undefined. */
  frames?: Uint8Array;
}

/**
 * A map's increment per unit of time, mapStep(y) − y: it stands where a flow's f(y) stands (the
 * generic settle test, classify's dy), as the kernel's stepRate, so a map is settled when a step
 * moves it by less than tol·‖y‖.
 */
function mapIncrement(model: Model, P: Float64Array): (y: Float64Array, out: Float64Array) => void {
  const step = model.map?.step;
  if (!step) throw new Error(`model ${model.id} has no training-step map`);
  return (y, out) => {
    step(y, P, out);
    for (let d = 0; d < y.length; d++) out[d] -= y[d];
  };
}

/** J(y) at this cell's parameters, for a Rosenbrock method; a model without one is refused by name. */
function cellJacobian(model: Model, P: Float64Array, method: string): Jacobian {
  const jacobian = userJacobian(model);
  if (!jacobian) throw new Error(noJacobianMessage(method, model.id));
  return (y, out) => jacobian.evaluate(y, P, out);
}

/** What integrateCell needs of a spec. */
export interface CellRun {
  integrator: ResolvedIntegrator;
  settle: ResolvedSettle | false;
  timelapse?: ResolvedTimelapse | false;
}

function bounded(y: Float64Array, bound: number): boolean {
  for (let d = 0; d < y.length; d++) if (!(Math.abs(y[d]) <= bound)) return false;
  return true;
}

function same(a: Float64Array, b: Float64Array): boolean {
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

/**
 * Integrates one cell in f64 exactly as the WGSL kernel does (`advance` in shaders/sweep.wgsl: the
 * same fate test at t = 0 and after each step, the same drivers, divergence latch, collapse-time and stall
 * rules), so the two can be compared cell for cell. `onStep` sees every accepted step.
 */
export function integrateCell(model: Model, P: Float64Array, run: CellRun, onStep?: (t: number, y: Float64Array) => void): CellOutcome {
  const it = run.integrator;
  const tableau = tableauOf(it.method);
  const S = model.state.length;
  const map = isMap(it.method);
  // As the kernel's stepRate: a map's f is its increment per step (see src/integrators/map.ts).
  const f = map ? mapIncrement(model, P) : (y: Float64Array, out: Float64Array) => model.rhs(y, P, out);
  const jac = isRosenbrock(tableau) ? cellJacobian(model, P, it.method) : undefined;
  const fixed =
    it.adaptive || map ? undefined : isRosenbrock(tableau) && jac ? new RosenbrockStepper(tableau, S, jac) : new RkStepper(tableau, S);
  const adaptive = it.adaptive ? trialStepper(tableau, S, jac) : undefined;
  const q = it.adaptive ? controllerOrder(tableau) : 0;
  const fsal = adaptive !== undefined && isFsal(tableau);
  const controller = { ...kControllerDefaults, rtol: it.rtol, atol: it.atol, dtMin: it.dtMin, dtMax: it.dtMax };
  const lastDt = it.tEnd - (it.steps - 1) * it.dt;

  const tl = run.timelapse || undefined;
  const frames = tl ? new Uint8Array(tl.frames) : undefined;
  let frame = 0;

  let y: Float64Array = model.initialState(P);
  let next: Float64Array = new Float64Array(S);
  const k1 = new Float64Array(S);
  const f0 = new Float64Array(S);
  let t = 0;
  let dt = it.dt;
  let prevErr = 1;
  let accepted = 0;
  let rejected = 0;
  const clock = new QuietClock();
  // The kernel's `fate`: whether the cell goes on at (y, k1) after its latest step or at t = 0.
  const fate = (stalled: boolean): CellEnd | undefined => {
    if (run.settle) {
      const verdict = (!map && model.settle?.verdict(y, k1, P)) || 'generic';
      const decided = verdict === 'stop' || (verdict === 'generic' && clock.settled(t, y, k1, run.settle));
      // A cell headed for collapse stops once it has crossed the collapse threshold (t_c on record).
      if (stalled || (decided && (model.isCollapsed(y, P) || model.classify(y, k1, P) !== 'collapsed'))) return 'settled';
    }
    if (t >= it.tEnd) return 'done';
    if (accepted + rejected >= it.steps) return 'stiff';
    return undefined;
  };
  // As the kernel's recordFrames: frames due get the class now; once the cell has ended, all the rest.
  const frameReached = (k: number) => (it.adaptive ? t >= tl!.times[k] : accepted >= tl!.steps[k]);
  const record = (classCode: number, ended: boolean) => {
    while (frames && frame < frames.length && (ended || frameReached(frame))) frames[frame++] = classCode;
  };
  let collapseTime = model.isCollapsed(y, P) ? 0 : (COLLAPSE_TIME.missing ?? -1);
  f(y, k1);
  onStep?.(0, y);
  let end: CellEnd | undefined = bounded(y, model.divergenceBound) ? fate(false) : 'diverged';
  while (!end) {
    let h: number;
    let last: boolean;
    let landsOn = it.tEnd;
    if (map) {
      last = accepted + 1 >= it.steps;
      h = 1;
      model.map!.step(y, P, next);
    } else if (fixed) {
      last = accepted + 1 >= it.steps;
      h = last ? lastDt : it.dt;
      next.set(y);
      fixed.stepFrom(f, next, k1, h);
    } else {
      // A time-lapse frame is a stop: the step that would pass it lands on it.
      landsOn = tl && frame < tl.frames ? Math.min(it.tEnd, tl.times[frame]) : it.tEnd;
      const remaining = landsOn - t;
      last = dt >= remaining;
      h = last ? remaining : dt;
      const err = adaptive!.trial(f, y, k1, h, it.rtol, it.atol, next);
      const d = decideStep(err, h, prevErr, q, controller);
      dt = d.dtNext;
      prevErr = d.prevErr;
      if (!d.accept) {
        rejected++;
        end = d.stiff ? 'stiff' : fate(false);
        continue;
      }
    }
    accepted++;
    if (!bounded(next, model.divergenceBound)) {
      end = 'diverged';
      break;
    }
    const stalled = same(next, y) && (!adaptive || dt >= it.dtMax);
    const t0 = t;
    f0.set(k1);
    [y, next] = [next, y];
    t = last ? landsOn : t + h;
    if (fsal) k1.set(adaptive!.kLast);
    else f(y, k1);
    // `next` holds the step's start state until the next step overwrites it.
    if (collapseTime < 0 && model.isCollapsed(y, P)) {
      collapseTime = t0 + (map ? h : collapseOffset(next, f0, y, k1, h, (z) => model.isCollapsed(z, P)));
    }
    onStep?.(t, y);
    end = fate(stalled);
    if (!end && frames) record(CLASSES[model.classify(y, k1, P)].code, false);
  }
  const readouts = new Float64Array(model.readouts.length);
  model.readout(y, P, readouts);
  const classCode =
    end === 'diverged' ? CLASSES.diverged.code : end === 'stiff' ? CLASSES.stiff.code : CLASSES[model.classify(y, k1, P)].code;
  record(classCode, true);
  return { state: y, classCode, readouts, collapseTime, tSettled: end === 'settled' ? t : -1, steps: accepted + rejected, end, frames };
}

export interface CpuRunOptions {
  /** Integrate only these grid cells (j·nx + i, any order); the others stay empty, as runSweepGpu's `cells`. */
  cells?: Uint32Array;
  /** Write into this result (an earlier run's, same spec) instead of a new one, as runSweepGpu's `into`. */
  into?: SweepResult;
}

/** The f64 reference runner: plain loops over the same spec, the same outputs as the GPU runner. */
export function runSweepCpu(spec: ResolvedSpec, opts: CpuRunOptions = {}): SweepResult {
  const t0 = performance.now();
  const { model } = spec;
  const result = opts.into ?? emptyResult(spec, Float64Array, 'cpu-f64');
  result.timings = { startedAt: new Date().toISOString(), endedAt: '', ms: 0, kernelMs: 0, instanceSteps: 0 };
  const xs = axisValues(spec.x);
  const ys = axisValues(spec.y);
  const S = model.state.length;
  const M = cellMetrics(model).length;
  const P = new Float64Array(model.params.length);
  const nx = spec.x.n;
  const cellCount = opts.cells ? opts.cells.length : nx * spec.y.n;
  for (let k = 0; k < cellCount; k++) {
    const cell = opts.cells ? opts.cells[k] : k;
    if (cell >= nx * spec.y.n) throw new Error(`runSweepCpu: cell ${cell} is outside the ${nx * spec.y.n}-cell grid`);
    cellValues(spec, xs, ys, cell % nx, Math.floor(cell / nx), P);
    const out = integrateCell(model, P, spec);
    result.classes[cell] = out.classCode;
    result.finalState.set(out.state, cell * S);
    result.metrics.set(out.readouts, cell * M);
    // The engine's metrics in ENGINE_METRICS order, after the readouts.
    result.metrics.set([out.collapseTime, out.tSettled, out.steps], cell * M + model.readouts.length);
    if (out.frames && result.timelapse)
      out.frames.forEach((c, k) => {
        result.timelapse!.classes[k * nx * spec.y.n + cell] = c;
      });
  }
  result.tReached = spec.integrator.tEnd;
  result.timings.ms = performance.now() - t0;
  result.timings.kernelMs = result.timings.ms;
  result.timings.instanceSteps = totalSteps(result, opts.cells);
  result.timings.endedAt = new Date().toISOString();
  return result;
}
