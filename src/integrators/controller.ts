/**
 * The PI step-size controller of the adaptive steppers, as pure functions of numbers (no state):
 * the caller keeps `prevErr` per trajectory, so the WGSL twin can keep it per invocation. The
 * shape is OrdinaryDiffEq's PIController (after Gustafsson 1991, ACM TOMS 17, "Control theoretic
 * techniques for stepsize selection in explicit Runge–Kutta methods"): the step grows with
 * err^(−β1) and is damped by the previous accepted error's prevErr^(β2).
 * This file is the specification the WGSL version follows line by line; change both together.
 */

export interface ControllerSettings {
  /** Relative tolerance, per component. */
  rtol: number;
  /** Absolute tolerance, per component. */
  atol: number;
  /** A rejected step that asks for less than this is reported as stiff instead of retried. */
  dtMin: number;
  /** Upper bound of every proposed step. */
  dtMax: number;
  /** Safety factor on the predicted optimal step (0.9). */
  safety: number;
  /** Least step factor (0.2): a bad error estimate never shrinks the step more than 5×. */
  facMin: number;
  /** Largest step factor (10): one tiny error estimate never grows the step more than 10×. */
  facMax: number;
}

export const kControllerDefaults = { safety: 0.9, facMin: 0.2, facMax: 10 };

/** Floor of the remembered error, so a near-zero error does not freeze the PI term prevErr^β2 at 0. */
const kPrevErrFloor = 1e-4;

/**
 * Scaled RMS error norm: sqrt(mean_i (e_i / (atol + rtol·max(|y_i|, |yNew_i|)))²). A step is
 * acceptable when this is ≤ 1. Example: e = [1e-7], y = [1], yNew = [1], rtol = 1e-6, atol = 0
 * gives 0.1. NaN anywhere gives NaN, which decideStep rejects.
 */
export function errorNorm(e: ArrayLike<number>, y: ArrayLike<number>, yNew: ArrayLike<number>, rtol: number, atol: number): number {
  let sum = 0;
  for (let i = 0; i < e.length; i++) {
    const scale = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
    const r = e[i] / scale;
    sum += r * r;
  }
  return Math.sqrt(sum / e.length);
}

export interface StepDecision {
  accept: boolean;
  /** Step to try next: after a rejection, the retry of the same step. */
  dtNext: number;
  /** Error to remember for the PI term (unchanged by a rejection). */
  prevErr: number;
  /** True when a rejection asks for a step below dtMin: the caller stops the trajectory. */
  stiff: boolean;
}

/**
 * Accepts or rejects a trial step of size dt whose error norm is err, and proposes the next step.
 * q = controllerOrder(tableau); β1 = 0.7/q, β2 = 0.4/q (OrdinaryDiffEq's PIController defaults).
 * prevErr is the remembered error of the trajectory, 1 before its first step.
 *
 * accept iff err ≤ 1 (NaN rejects):
 *   fac = err === 0 ? facMax : safety · err^(−β1) · prevErr^(β2), clamped to [facMin, facMax];
 *   dtNext = min(dt·fac, dtMax); prevErr' = max(err, 1e-4); stiff = false.
 * reject:
 *   fac = max(facMin, min(1, safety · err^(−β1))), NaN err → facMin;
 *   dtNext = dt·fac; prevErr unchanged; stiff = dtNext < dtMin.
 */
export function decideStep(err: number, dt: number, prevErr: number, q: number, s: ControllerSettings): StepDecision {
  const beta1 = 0.7 / q;
  const beta2 = 0.4 / q;
  if (err <= 1) {
    const facPi = err === 0 ? s.facMax : s.safety * err ** -beta1 * prevErr ** beta2;
    const fac = Math.min(s.facMax, Math.max(s.facMin, facPi));
    return { accept: true, dtNext: Math.min(dt * fac, s.dtMax), prevErr: Math.max(err, kPrevErrFloor), stiff: false };
  }
  // Math.min/max propagate NaN, so a NaN error is mapped to the strongest shrink explicitly.
  const fac = Number.isNaN(err) ? s.facMin : Math.max(s.facMin, Math.min(1, s.safety * err ** -beta1));
  const dtNext = dt * fac;
  return { accept: false, dtNext, prevErr, stiff: dtNext < s.dtMin };
}
