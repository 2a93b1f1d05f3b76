/**
 * Closed forms of the cosine-loss eigenmode reconstruction (shared/science/bao-cosine.md §2B), in f64.
 * They are not Bao's equations (the paper text was unavailable); they follow from Tian's linear model
 * with the norms frozen, reduced onto the invariant curve s = p²/α_p.
 *
 * On that curve ṗ = −p·G(p) with G(p) = η − a·h(p) and h(p) = τp − κp² − (q/α_p)p⁵. For κ, q ≥ 0,
 * h is concave on p > 0 (h'' = −2κ − 20(q/α_p)p³ < 0), so G has at most two positive roots p⁻ < p⁺
 * on either side of the maximiser p* of h, and η* = a·h(p*) is the critical weight decay.
 */

/** The coefficients of §2B at a given prediction norm N_Ψ (target norm N_Φ = r·N_Ψ). */
export interface CosineCoefficients {
  /** 1/(N_Ψ N_Φ). */
  a: number;
  /** (1+σ²) ρ N_Φ/N_Ψ. */
  kappa: number;
  /** 2τ(1+σ²)/N_Ψ². */
  q: number;
  tau: number;
  /** Predictor learning-rate ratio α_p. */
  alphaP: number;
}

/** Physical inputs of the coefficients: augmentation σ², mean cosine ρ, EMA ratio τ, α_p, N_Ψ, N_Φ/N_Ψ. */
export interface CosineInputs {
  augmentation: number;
  meanCosine: number;
  tau: number;
  predictorLr: number;
  norm: number;
  normRatio: number;
}

export function cosineCoefficients(v: CosineInputs): CosineCoefficients {
  const nPsi = v.norm;
  const nPhi = v.normRatio * v.norm;
  const c = 1 + v.augmentation;
  return {
    a: 1 / (nPsi * nPhi),
    kappa: (c * v.meanCosine * nPhi) / nPsi,
    q: (2 * v.tau * c) / (nPsi * nPsi),
    tau: v.tau,
    alphaP: v.predictorLr,
  };
}

/** h(p) = τp − κp² − (q/α_p)p⁵, the growth term of the reduced equation (§2B). */
export function growth(c: CosineCoefficients, p: number): number {
  return c.tau * p - c.kappa * p * p - (c.q / c.alphaP) * p ** 5;
}

function growthSlope(c: CosineCoefficients, p: number): number {
  return c.tau - 2 * c.kappa * p - 5 * (c.q / c.alphaP) * p ** 4;
}

/** Bisection to full f64 resolution for a sign change of f on [lo, hi] (f(lo) > 0 ≥ f(hi) or reverse). */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  const fLo = f(lo);
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (f(mid) > 0 === fLo > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The maximiser p* of h on p ≥ 0 and η* = a·h(p*) (§2B "Phase boundary"). h' is strictly
 * decreasing, so p* is the root of h' (0 when τ ≤ 0). Example: N = 1, σ² = 0.5, ρ = τ = α_p = 1
 * gives η* = 0.157760300 at p* = 0.295308.
 */
export function criticalWeightDecay(c: CosineCoefficients): { etaStar: number; pStar: number } {
  if (!(c.tau > 0)) return { etaStar: 0, pStar: 0 };
  // h'(τ/(2κ)) ≤ 0 and h'((τα_p/(5q))^{1/4}) ≤ 0, so the smaller one brackets p*.
  let hi = Infinity;
  if (c.kappa > 0) hi = c.tau / (2 * c.kappa);
  if (c.q > 0) hi = Math.min(hi, ((c.tau * c.alphaP) / (5 * c.q)) ** 0.25);
  const pStar = bisect((p) => growthSlope(c, p), 0, hi);
  return { etaStar: c.a * growth(c, pStar), pStar };
}

/**
 * The non-trivial fixed points p⁻ (unstable, basin edge) and p⁺ (stable) of the reduced equation at
 * weight decay η, or undefined when η ≥ η* (collapse only). At η = 0, p⁻ = 0 merges with the origin.
 * Example: N = 1, η = 0.05 (other values as above) gives p⁻ = 0.0544483737, p⁺ = 0.4862825846.
 */
export function nonTrivialRoots(c: CosineCoefficients, eta: number): { pMinus: number; pPlus: number } | undefined {
  const { etaStar, pStar } = criticalWeightDecay(c);
  if (!(eta < etaStar)) return undefined;
  const g = (p: number) => eta - c.a * growth(c, p);
  const pMinus = eta > 0 ? bisect(g, 0, pStar) : 0;
  // G → +∞ as p → ∞ (the −p⁵ or −p² term), so doubling finds an upper bracket for p⁺.
  let hi = 2 * pStar;
  for (let i = 0; i < 64 && g(hi) < 0; i++) hi *= 2;
  const pPlus = bisect(g, pStar, hi);
  return { pMinus, pPlus };
}

/** Tian's L2 phase boundary η_c = τ²/(4(1+σ²)) (§2A), drawn as a reference line. */
export function tianCriticalWeightDecay(tau: number, augmentation: number): number {
  return (tau * tau) / (4 * (1 + augmentation));
}
