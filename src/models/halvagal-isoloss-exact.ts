/**
 * The exact expectation of halvagal-isoloss's cosine updates (shared/science/halvagal-isoloss.md §8.1,
 * X7/X8), without the mean-field closure A4. The per-mode decoupling is exact; what A4 approximates
 * are the two expectations per mode
 *   T1_m = E[a_m c_m / (‖p‖ ‖z2‖)],   T2_m = E[(pᵀz2) a_m² / (‖p‖³ ‖z2‖)],
 * with (a_m, c_m) ~ N(0, [[s11, s21], [s21, s22]]) independent across modes, ‖p‖² = Σ α_k a_k²,
 * ‖z2‖² = Σ β_k c_k², pᵀz2 = Σ γ_k a_k c_k (α_k = λ_k²u_k², β_k = v_k², γ_k = λ_k u_k v_k).
 * Writing 1/r and 1/r³ as Gaussian integrals turns both into one 2-D integral over (x, y) shared by
 * every mode (§8.1), computed here by a trapezoid rule after x = sinh(w)/Np, y = sinh(w')/Nz: the
 * integrand is smooth and even in w, so the rule converges geometrically in the node spacing h.
 */

/** Node spacing of the sinh-trapezoid rule: relative error of T1, T2 ≤ 2e-4 (tested; §8.1 measured 1.4e-4). */
export const kQuadratureStep = 0.4;
/**
 * Range past ½ ln(Σα / min α) that the rule covers (§8.1). Beyond it the integrand falls like
 * e^{−(M+1)w}: 4.5 is past 1e-6 for M ≥ 2; a lone mode needs 7.5.
 */
const rangeMargin = (M: number) => (M === 1 ? 7.5 : 4.5);

export interface QuadratureOptions {
  /** Node spacing in w (default kQuadratureStep). */
  h?: number;
  /** Extra range in w beyond the default (a reference rule takes more). */
  extend?: number;
  /** Rescale T2 so that Σγ T1 = Σα T2 holds to rounding (default true). */
  conserve?: boolean;
}

export interface ViewStatistics {
  s11: number;
  s21: number;
  s22: number;
}

/** Trapezoid nodes w = 0, h, 2h, … ≤ wMax of ∫₀^∞ g(sinh w) cosh w dw, the weight at w = 0 halved. */
export function sinhNodes(h: number, wMax: number): { xi: Float64Array; weight: Float64Array } {
  const n = Math.floor(wMax / h) + 1;
  const xi = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xi[i] = Math.sinh(i * h);
    weight[i] = h * Math.cosh(i * h) * (i === 0 ? 0.5 : 1);
  }
  return { xi, weight };
}

function rangeOf(c: Float64Array, extend: number): number {
  let sum = 0;
  let min = Infinity;
  for (const v of c) {
    sum += v;
    if (v > 0) min = Math.min(min, v);
  }
  return 0.5 * Math.log(sum / min) + rangeMargin(c.length) + extend;
}

/**
 * T1_m and T2_m for every mode, written into t1 and t2. u, v, lambda: the online std, target std and
 * predictor eigenvalue of each mode. Cost: (nodes in x) · (nodes in y) · M, a few hundred to a few thousand nodes.
 */
export function cosineExpectations(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  lambda: ArrayLike<number>,
  stats: ViewStatistics,
  t1: Float64Array,
  t2: Float64Array,
  options: QuadratureOptions = {},
): void {
  const { h = kQuadratureStep, extend = 0, conserve = true } = options;
  const M = u.length;
  const { s11, s21, s22 } = stats;
  const delta = s11 * s22 - s21 * s21;
  const a = new Float64Array(M);
  const b = new Float64Array(M);
  const g = new Float64Array(M);
  let sumA = 0;
  let sumB = 0;
  for (let k = 0; k < M; k++) {
    a[k] = lambda[k] * lambda[k] * u[k] * u[k];
    b[k] = v[k] * v[k];
    g[k] = lambda[k] * u[k] * v[k];
    sumA += a[k];
    sumB += b[k];
  }
  const np = Math.sqrt(s11 * sumA);
  const nz = Math.sqrt(s22 * sumB);
  const X = sinhNodes(h, rangeOf(a, extend));
  const Y = sinhNodes(h, rangeOf(b, extend));
  const d = new Float64Array(M);
  t1.fill(0);
  t2.fill(0);
  for (let i = 0; i < X.xi.length; i++) {
    const x = X.xi[i] / np;
    const x2 = x * x;
    for (let j = 0; j < Y.xi.length; j++) {
      const y = Y.xi[j] / nz;
      const y2 = y * y;
      // G = Π d_k^{−1/2}, as one exponential of a sum of logs: the product underflows for large M.
      let logG = 0;
      let gammaX = 0;
      for (let k = 0; k < M; k++) {
        d[k] = 1 + 2 * s11 * a[k] * x2 + 2 * s22 * b[k] * y2 + 4 * delta * a[k] * b[k] * x2 * y2;
        logG -= 0.5 * Math.log(d[k]);
        gammaX += (g[k] * s21) / d[k];
      }
      const w = X.weight[i] * Y.weight[j] * Math.exp(logG);
      if (w === 0) continue;
      for (let k = 0; k < M; k++) {
        const Xk = s21 / d[k];
        const Pk = (s11 + 2 * delta * b[k] * y2) / d[k];
        t1[k] += w * Xk;
        t2[k] += w * x2 * Pk * (gammaX + 2 * g[k] * Xk);
      }
    }
  }
  // dx dy = (dw/Np)(dw'/Nz); the prefactors 4/π and 8/π of §8.1.
  const scale = 1 / (np * nz);
  for (let k = 0; k < M; k++) {
    t1[k] *= (4 / Math.PI) * scale;
    t2[k] *= (8 / Math.PI) * scale;
  }
  if (!conserve) return;
  // Σγ T1 = Σα T2 holds exactly (both are E[cos∠(p, z2)]), and it is what conserves Σf (cosine) and
  // Σλf (IsoLoss-cosine) at wd = 0: rescale T2 so that the rule keeps it to rounding (§8.1); the
  // change is of the size of the quadrature error.
  let lhs = 0;
  let rhs = 0;
  for (let k = 0; k < M; k++) {
    lhs += g[k] * t1[k];
    rhs += a[k] * t2[k];
  }
  // Signed: a training step can flip a target's sign (EMA), and then γ_k < 0.
  if (rhs !== 0) for (let k = 0; k < M; k++) t2[k] *= lhs / rhs;
}

/** The mean-field (A4) values of the same expectations: T1 ≈ s21/(Np Nz), T2 ≈ s11 s21 Σγ/(Np³ Nz). */
export function meanFieldExpectations(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  lambda: ArrayLike<number>,
  stats: ViewStatistics,
  t1: Float64Array,
  t2: Float64Array,
): void {
  let np2 = 0;
  let nz2 = 0;
  let c = 0;
  for (let k = 0; k < u.length; k++) {
    np2 += stats.s11 * lambda[k] * lambda[k] * u[k] * u[k];
    nz2 += stats.s22 * v[k] * v[k];
    c += lambda[k] * u[k] * v[k];
  }
  const np = Math.sqrt(np2);
  const nz = Math.sqrt(nz2);
  t1.fill(stats.s21 / (np * nz));
  t2.fill((stats.s11 * stats.s21 * c) / (np2 * np * nz));
}

/**
 * du_m/dt of the cosine losses from T1, T2: X7 (cosine, with the mode's own λ_m as learning-rate
 * multiplier) or X8 (IsoLoss-cosine, without), weight decay included. With the A4 values of T1, T2
 * this is E7/E8 exactly.
 */
export function cosineDrift(
  isoLoss: boolean,
  eta: number,
  weightDecay: number,
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  lambda: ArrayLike<number>,
  t1: Float64Array,
  t2: Float64Array,
  out: Float64Array,
): void {
  for (let m = 0; m < u.length; m++) {
    const pull = v[m] * t1[m] - lambda[m] * u[m] * t2[m];
    out[m] = eta * (isoLoss ? 1 : lambda[m]) * pull - eta * weightDecay * u[m];
  }
}

/** The WGSL constants the f32 twin (shaders/models/halvagal-isoloss-exact.wgsl) reads, from this file's. */
export function exactQuadratureWgslConstants(): string {
  return `const kQuadratureStep = ${kQuadratureStep};`;
}
