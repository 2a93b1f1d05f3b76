/**
 * halvagal-isoloss's training step (§8.2): the toy trains by u ← u + δu once per step, δu the expected
 * update at the given η (E5/E6/E10, or the cosine losses under the cell's closure), i.e. explicit
 * Euler in u with dt = 1, not in ln u. The WGSL twin is mapStep in shaders/models/halvagal-isoloss.wgsl.
 *
 * In log-std form a step is ℓ ← ℓ + ln|1 + r| with r = δu/u = the flow's dℓ/dt: a step that carries u
 * through zero (1 + r < 0) flips that mode's sign, as in the toy, where λ = |eig(W Wᵀ)|^α ignores it;
 * it matters only relative to an EMA target, whose sign block σ = sign(v/u) flips with it. The target
 * is then stepped once, v ← v + (u_new − v)/τ_ema (BYOL's order: the target follows the updated
 * online weights). Clocks count the steps spent below 0.9 λ*. The SimSiam cosine drift is never
 * dropped here (driftDropped is a device for the stiff flow): it is what makes §8.2's floor.
 *
 * Symmetry breaking: the expected step maps an isotropic spectrum to an isotropic one exactly, and a
 * spectrum that contracts towards isotropy reaches it to the last bit (f64 or f32), after which the
 * instability of §8.2 (cosine + wd: the isotropic state of the step is unstable once tr F is small)
 * has nothing to amplify; in the toy, sampling noise (and rounding in eig) provides it. So each step
 * adds ε·(2m/(M−1) − 1) to ln u_m (zero mean over the modes, parameter symmetryBreaking, default
 * 1e-6: a few f32 ulps of ln u, so the GPU's step breaks the symmetry too; scaled by η it would fall
 * below half an ulp at η = 0.1). The price: a stable state that the step contracts at rate ~η shifts by
 * ~ε/η in ln u (1e-4 at η = 0.01); ε = 0 turns it off. The floor the instability then reaches does
 * not depend on ε (1e-9 … 1e-4, tested).
 */
import { flow, ix } from './halvagal-isoloss-flow.js';
import type { ParamVector } from './types.js';

/** |1 + r| floor: a step landing exactly on u = 0 leaves ln u finite (it falls by 69 and is collapsed). */
export const kStepFloor = 1e-30;

const rate = new Float64Array(4 * 64 + 1);

export function trainingStep(y: Float64Array, P: ParamVector, M: number, ema: boolean, out: Float64Array): void {
  flow(y, P, M, ema, rate, false);
  out.set(y);
  const tau = P[ix.emaTime];
  for (let m = 0; m < M; m++) {
    const factor = 1 + rate[m];
    out[m] = y[m] + Math.log(Math.max(Math.abs(factor), kStepFloor));
    out[m] += M > 1 ? P[ix.symmetryBreaking] * ((2 * m) / (M - 1) - 1) : 0;
    out[M + m] = y[M + m] + rate[M + m];
    if (ema) {
      const sign = factor < 0 ? -y[3 * M + m] : y[3 * M + m];
      // v_new/e^top with top = max(ℓ_new, ℓv): neither exponential overflows however far apart u and v are.
      const top = Math.max(out[m], y[2 * M + m]);
      const v = (1 - 1 / tau) * sign * Math.exp(y[2 * M + m] - top) + Math.exp(out[m] - top) / tau;
      out[2 * M + m] = top + Math.log(Math.max(Math.abs(v), kStepFloor));
      out[3 * M + m] = v < 0 ? -1 : 1;
    }
  }
}
