import { controllerOrder, denseA, errorWeights, isAdaptive, isFsal, stages, type Tableau } from './tableaus.js';
import { decideStep, errorNorm, type ControllerSettings } from './controller.js';
import type { Rhs } from './stepper.js';
import { isRosenbrock, RosenbrockStepper, type Jacobian } from './rosenbrock.js';

/**
 * One embedded Runge–Kutta stepper for every adaptive tableau (the f64 twin of the adaptive WGSL
 * stepper): a trial step yields the candidate solution and its scaled error norm; accepting,
 * rejecting and choosing the next step is the controller's job (controller.ts). Stage storage is
 * allocated once, so nothing is allocated per step.
 */
export class AdaptiveRkStepper {
  /** After trial(): f(yNew) when the tableau is FSAL (its last stage); otherwise the last stage, which is not f(yNew). */
  readonly kLast: Float64Array;
  /** Whether kLast may be reused as the next step's k1 (derived from the numbers by isFsal). */
  readonly fsal: boolean;
  /** Stage derivatives; k[0] is a copy of the caller's k1, so k1 may even be kLast. */
  private readonly k: Float64Array[];
  private readonly yStage: Float64Array;
  private readonly e: Float64Array;
  private readonly a: number[];
  private readonly bMinusBHat: number[];
  private readonly s: number;

  constructor(
    private readonly tableau: Tableau,
    private readonly dim: number,
  ) {
    if (!isAdaptive(tableau)) throw new Error(`${tableau.name}: not an adaptive pair (no bHat), use RkStepper`);
    this.s = stages(tableau);
    this.a = denseA(tableau);
    this.bMinusBHat = errorWeights(tableau);
    this.fsal = isFsal(tableau);
    this.k = Array.from({ length: this.s }, () => new Float64Array(dim));
    this.kLast = this.k[this.s - 1];
    this.yStage = new Float64Array(dim);
    this.e = new Float64Array(dim);
  }

  /**
   * One trial step of size dt from y, whose derivative k1 = f(y) is given. Writes the candidate
   * into yNew and returns the error norm (errorNorm of e = dt·Σ (b_i − bHat_i) k_i). After it,
   * `kLast` holds f(yNew) when the tableau is FSAL (its last stage), else is recomputed by the
   * caller. y and k1 are not modified; yNew must not alias y.
   */
  trial(f: Rhs, y: Float64Array, k1: Float64Array, dt: number, rtol: number, atol: number, yNew: Float64Array): number {
    const { k, yStage, e, a, s, dim, fsal } = this;
    const b = this.tableau.b;
    k[0].set(k1);
    for (let i = 1; i < s; i++) {
      // With FSAL the last row of a is b, so the last stage point is yNew itself: write it there.
      const target = fsal && i === s - 1 ? yNew : yStage;
      for (let d = 0; d < dim; d++) {
        let acc = y[d];
        for (let j = 0; j < i; j++) acc += dt * a[i * s + j] * k[j][d];
        target[d] = acc;
      }
      f(target, k[i]);
    }
    if (!fsal) {
      for (let d = 0; d < dim; d++) {
        let acc = y[d];
        for (let j = 0; j < s; j++) acc += dt * b[j] * k[j][d];
        yNew[d] = acc;
      }
    }
    for (let d = 0; d < dim; d++) {
      let acc = 0;
      for (let j = 0; j < s; j++) acc += this.bMinusBHat[j] * k[j][d];
      e[d] = dt * acc;
    }
    return errorNorm(e, y, yNew, rtol, atol);
  }
}

/** What the adaptive loops need of a stepper: AdaptiveRkStepper's contract, which RosenbrockStepper shares. */
export interface TrialStepper {
  readonly kLast: Float64Array;
  readonly fsal: boolean;
  trial(f: Rhs, y: Float64Array, k1: Float64Array, dt: number, rtol: number, atol: number, yNew: Float64Array): number;
}

/** The trial stepper of an adaptive method: the embedded Runge–Kutta one, or a Rosenbrock method's, which needs J. */
export function trialStepper(tableau: Tableau, dim: number, jacobian?: Jacobian): TrialStepper {
  if (!isRosenbrock(tableau)) return new AdaptiveRkStepper(tableau, dim);
  if (!jacobian) throw new Error(`${tableau.name}: a linearly implicit method needs the Jacobian ∂f/∂y`);
  return new RosenbrockStepper(tableau, dim, jacobian);
}

export interface AdaptiveResult {
  /** State at t (a fresh array). */
  y: Float64Array;
  /** tEnd when status is 'done', else the time reached. */
  t: number;
  accepted: number;
  rejected: number;
  /** 'stiff': the controller asked for a step below dtMin (or too small to advance t); integration stopped at t. */
  status: 'done' | 'stiff';
}

function checkArguments(dt0: number, tEnd: number, s: ControllerSettings): void {
  // Each guard closes a way to loop forever: a step that cannot move t, or shrink without limit.
  if (!(dt0 > 0)) throw new Error(`integrateAdaptive: dt0 must be > 0, got ${dt0}`);
  if (!Number.isFinite(tEnd)) throw new Error(`integrateAdaptive: tEnd must be finite, got ${tEnd}`);
  if (!(s.dtMin > 0)) throw new Error(`integrateAdaptive: dtMin must be > 0, got ${s.dtMin}`);
  if (!(s.dtMax >= s.dtMin)) throw new Error(`integrateAdaptive: dtMax (${s.dtMax}) must be ≥ dtMin (${s.dtMin})`);
}

/**
 * Adaptive integration of y0 from 0 to tEnd: first step dt0; last step clipped so t ends exactly
 * at tEnd. Returns the end state and counts. status 'stiff' if the controller asked for dt < dtMin
 * (stops there). A Rosenbrock method (rosenbrock.ts) takes the Jacobian as `jacobian`. Example: integrateAdaptive(dp5, f, [1], 1e-3, 10, { rtol: 1e-6, atol: 1e-9,
 * dtMin: 1e-12, dtMax: 1, ...kControllerDefaults }).
 */
export function integrateAdaptive(
  tableau: Tableau,
  f: Rhs,
  y0: ArrayLike<number>,
  dt0: number,
  tEnd: number,
  settings: ControllerSettings,
  jacobian?: Jacobian,
): AdaptiveResult {
  checkArguments(dt0, tEnd, settings);
  const q = controllerOrder(tableau);
  let y = Float64Array.from(y0);
  let yNew = new Float64Array(y.length);
  const k1 = new Float64Array(y.length);
  const stepper = trialStepper(tableau, y.length, jacobian);
  f(y, k1);
  let t = 0;
  let dt = dt0;
  let prevErr = 1;
  let accepted = 0;
  let rejected = 0;
  while (t < tEnd) {
    const remaining = tEnd - t;
    const dtTry = Math.min(dt, remaining);
    // A step below t's float resolution would be accepted forever without moving t.
    if (t + dtTry === t) return { y, t, accepted, rejected, status: 'stiff' };
    const err = stepper.trial(f, y, k1, dtTry, settings.rtol, settings.atol, yNew);
    const d = decideStep(err, dtTry, prevErr, q, settings);
    if (d.accept) {
      [y, yNew] = [yNew, y];
      t = dtTry === remaining ? tEnd : t + dtTry;
      if (stepper.fsal) k1.set(stepper.kLast);
      else f(y, k1);
      prevErr = d.prevErr;
      dt = d.dtNext;
      accepted++;
    } else {
      rejected++;
      if (d.stiff) return { y, t, accepted, rejected, status: 'stiff' };
      dt = d.dtNext;
    }
  }
  return { y, t, accepted, rejected, status: 'done' };
}
