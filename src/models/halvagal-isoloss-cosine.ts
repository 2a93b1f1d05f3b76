/**
 * The cosine losses' per-mode drift coefficients of halvagal-isoloss in log space, under either
 * closure: the mean-field one (A4, E7/E8) or the exact expectation (X7/X8, halvagal-isoloss-exact.ts).
 * The WGSL twin is hvCosineTerms in shaders/models/halvagal-isoloss.wgsl (keep the two term for term).
 *
 * With a_m = ln(λ_m u_m), b_m = ln |v_m|, shifts sa = max a, sb = max b and the shifted sums
 * Sa = Σ e^{2(a−sa)}, Sb = Σ e^{2(b−sb)}, Sc = Σ σ e^{a−sa+b−sb} (σ_m = sign(v_m/u_m); each term ≤ 1,
 * so no sum under- or overflows in f32), both closures give the drift of mode m as
 *   dℓ_m/dt = k1_m σ_m e^{x_m} − k2_m e^{y_m} − η·wd,
 *   x_m = μ_m + ℓv_m − ℓ_m − sa − sb,  y_m = μ_m + 2αℓ_m − 2sa,  μ_m = 2αℓ_m (cosine) or 0 (IsoLoss).
 * Mean-field: k1 = K = η s21/√(s11 s22 Sa Sb) and k2 = K Sc/Sa for every mode. Exact: k1_m = η T1'_m,
 * k2_m = η T2'_m, where T1', T2' are X7/X8's expectations at the shifted scales u'_m = e^{a_m−sa},
 * v'_m = σ_m e^{b_m−sb}, λ' = 1 (T1 scales as 1/(‖p‖‖z2‖) and T2 as 1/‖p‖², which the exponents carry):
 * the quadrature sees only ratios, which is what keeps it finite in f32 for collapsed modes.
 */
import { cosineExpectations, type ViewStatistics } from './halvagal-isoloss-exact.js';

/** The largest M the family allows: scratch arrays are sized for it. */
const kMaxModes = 64;

export interface CosineCoefficients {
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  sa: number;
  sb: number;
  /** η/(Np Nz), the settle rule's rate unit (mean-field norms under either closure). */
  unit: number;
}

export interface CosineInputs {
  /** ℓ_m = ln u_m. */
  logU: ArrayLike<number>;
  /** ln |v_m| (ℓ_m itself for a SimSiam target). */
  logV: ArrayLike<number>;
  /** σ_m = sign(v_m/u_m): +1 always on the flow; a training step can flip it (EMA target). */
  sign: ArrayLike<number>;
  M: number;
  alpha: number;
  eta: number;
  stats: ViewStatistics;
  exact: boolean;
  /** The loss drift is dropped (k1 = k2 = 0): driftDropped in halvagal-isoloss-flow.ts. */
  dropped: boolean;
}

const scratch = {
  u: new Float64Array(kMaxModes),
  v: new Float64Array(kMaxModes),
  ones: new Float64Array(kMaxModes).fill(1),
};

/** The coefficients of the drift above, written into out (its arrays hold at least M entries). */
export function cosineCoefficients(i: CosineInputs, out: CosineCoefficients): CosineCoefficients {
  const { logU, logV, sign, M } = i;
  const twoAlpha = 2 * i.alpha;
  let sa = (twoAlpha + 1) * logU[0];
  let sb = logV[0];
  for (let m = 1; m < M; m++) {
    sa = Math.max(sa, (twoAlpha + 1) * logU[m]);
    sb = Math.max(sb, logV[m]);
  }
  let Sa = 0;
  let Sb = 0;
  let Sc = 0;
  for (let m = 0; m < M; m++) {
    const a = (twoAlpha + 1) * logU[m] - sa;
    const b = logV[m] - sb;
    Sa += Math.exp(2 * a);
    Sb += Math.exp(2 * b);
    Sc += sign[m] * Math.exp(a + b);
    scratch.u[m] = Math.exp(a);
    scratch.v[m] = sign[m] * Math.exp(b);
  }
  const { s11, s21, s22 } = i.stats;
  const root = Math.sqrt(s11 * s22 * Sa * Sb);
  out.sa = sa;
  out.sb = sb;
  out.unit = (i.eta * Math.exp(-sa - sb)) / root;
  if (i.dropped) {
    out.k1.fill(0, 0, M);
    out.k2.fill(0, 0, M);
  } else if (i.exact) {
    const t1 = out.k1.subarray(0, M);
    const t2 = out.k2.subarray(0, M);
    cosineExpectations(scratch.u.subarray(0, M), scratch.v.subarray(0, M), scratch.ones.subarray(0, M), i.stats, t1, t2);
    for (let m = 0; m < M; m++) {
      t1[m] *= i.eta;
      t2[m] *= i.eta;
    }
  } else {
    const K = (i.eta * s21) / root;
    out.k1.fill(K, 0, M);
    out.k2.fill((K * Sc) / Sa, 0, M);
  }
  return out;
}

export const newCosineCoefficients = (): CosineCoefficients => ({
  k1: new Float64Array(kMaxModes),
  k2: new Float64Array(kMaxModes),
  sa: 0,
  sb: 0,
  unit: 0,
});
