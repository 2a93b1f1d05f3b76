import wgsl from '../../shaders/models/bao-cosine.wgsl?raw';
import {
  DERIVED,
  paramIndices,
  type ClassId,
  type Model,
  type OverlayCurve,
  type Param,
  type ParamVector,
  type Preset,
  type SettleRule,
  type SettleVerdict,
  type SliceContext,
} from './types.js';
import {
  cosineCoefficients,
  criticalWeightDecay,
  nonTrivialRoots,
  tianCriticalWeightDecay,
  type CosineCoefficients,
} from './bao-cosine-closed-form.js';

/**
 * Cosine-loss eigenmode dynamics, a RECONSTRUCTION following Bao 2023 (shared/science/bao-cosine.md
 * §2B): Tian's linear model under the cosine loss with the norms N_Ψ (prediction) and N_Φ = r·N_Ψ
 * (target) frozen, or relaxing towards a floor to show claim (g). f64 twin of
 * shaders/models/bao-cosine.wgsl; the two rhs agree term for term.
 */

const params = [
  {
    id: 'weightDecay',
    symbol: 'η',
    label: 'weight decay',
    description: 'Weight decay on the encoder and the predictor.',
    role: 'param',
    kind: 'number',
    default: 0.05,
    min: 0,
    max: 2,
    scale: 'linear',
  },
  {
    id: 'augmentation',
    symbol: 'σ²',
    label: 'augmentation strength',
    description: 'Variance of the additive Gaussian augmentation noise.',
    role: 'param',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 10,
    scale: 'linear',
  },
  {
    id: 'predictorLr',
    symbol: 'α_p',
    label: 'predictor learning-rate ratio',
    description: 'Learning rate of the predictor relative to the encoder.',
    role: 'param',
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 100,
    scale: 'log',
  },
  {
    id: 'norm',
    symbol: 'N_Ψ',
    label: 'prediction norm',
    description:
      'Online-prediction norm N_Ψ ≈ ‖f‖, frozen (Assumption 5 as the reviews describe it), or its initial value when the norms relax.',
    role: 'param',
    kind: 'number',
    default: 1,
    min: 0.05,
    max: 10,
    scale: 'linear',
  },
  {
    id: 'normRatio',
    symbol: 'N_Φ/N_Ψ',
    label: 'target-to-prediction norm ratio',
    description: 'Target norm N_Φ ≈ ‖g‖ as a multiple of N_Ψ.',
    role: 'param',
    kind: 'number',
    default: 1,
    min: 0.1,
    max: 10,
    scale: 'log',
  },
  {
    id: 'meanCosine',
    symbol: 'ρ',
    label: 'mean cosine similarity',
    description: 'E[fᵀg] = ρ N_Ψ N_Φ.',
    role: 'param',
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 1,
    scale: 'linear',
  },
  {
    id: 'tau',
    symbol: 'τ',
    label: 'EMA ratio',
    description: 'Target-to-online eigenvalue ratio (1 for SimSiam).',
    role: 'param',
    kind: 'number',
    default: 1,
    min: 0,
    max: 2,
    scale: 'linear',
  },
  {
    id: 'norms',
    symbol: 'N',
    label: 'norm dynamics',
    description: 'frozen: N_Ψ, N_Φ constant; relaxing: dN_Ψ/dt = −η(N_Ψ − N_floor), ratio kept.',
    role: 'param',
    kind: 'choice',
    options: ['frozen', 'relaxing'],
    default: 'frozen',
  },
  {
    id: 'normFloor',
    symbol: 'N_floor',
    label: 'norm floor',
    description: 'Value the relaxing prediction norm decays to (keeps a = 1/(N_Ψ N_Φ) finite).',
    role: 'param',
    kind: 'number',
    default: 0.5,
    min: 0.01,
    max: 10,
    scale: 'linear',
  },
  {
    id: 'p0',
    symbol: 'p₀',
    label: 'initial predictor eigenvalue',
    description: 'p(0) ≥ 0; capped at 1 because the p⁶ term makes fixed-step RK4 silently wrong above it (p₀ = 1.5 at dt 0.1).',
    role: 'initial',
    kind: 'number',
    default: 0.3,
    min: 0,
    max: 1,
    scale: 'linear',
  },
  {
    id: 's0',
    symbol: 's₀',
    label: 'initial online eigenvalue',
    description: 's(0); off the invariant curve only to show transients.',
    role: 'initial',
    kind: 'number',
    default: 'derived',
    derivedAs: 'on the invariant curve s0 = p0²/α_p',
    min: 0,
    max: 100,
    scale: 'linear',
  },
] as const satisfies readonly Param[];

// Indices into P, in the order of `params` (the WGSL side gets the same ones as kP_<id>).
const ix = paramIndices(params);
const kRelaxing = 1; // option index of `relaxing` in `norms`
const S_P = 0;
const S_S = 1;
const S_NORM = 2;

// Collapse thresholds, shared with the WGSL (kBaoCollapseP, kBaoCollapseS); see spec §6.
const kCollapseP = 1e-6;
const kCollapseS = 1e-4;
const kOverlayPoints = 200;

// Early exit (WGSL kBaoSafeS, kBaoBoundK): below kSafeS the state is left to run until p itself is
// below kCollapseP (s could underflow f32 before p does, and the classifier's second rule needs ṡ < 0);
// kBoundK is the K of the region p ≥ K·α_p a τ s/η in which ṗ ≤ −(1 − 1/K) η p.
export const kSettleSafeS = 1e-16;
const kBoundK = 4;

/**
 * The settle verdict, f64 twin of `settleVerdict` in shaders/models/bao-cosine.wgsl (term for term).
 *
 * Why not the generic test: the state carries the norm N ≈ 1, so near the origin the scaled rate is
 * ≈ η p / N, which falls under tol while p is still far above the classifier's 1e-6 (a premature
 * stop), while a collapsing cell's own relative rate stays ≈ η (it would never settle by itself).
 *
 * Proof of 'stop' (bao-cosine.md §2B, §6 classifier). p, s ≥ 0 is invariant (ṗ = α_p a τ s ≥ 0 at
 * p = 0, ṡ ∝ s). With φ(p) = τp − κp² and B = s(τ − κp − q p² s), ṡ = 2pa·B − 2ηs = 2sλ with λ = a(φ(p) − q p³ s) − η ≤ a_hi·max(φ, 0) − η, where a_hi = 1/(r N_lo²) and N_lo is
 * the smallest norm the coefficients will see (the relaxing norm moves monotonically to the floor;
 * κ does not depend on N). While s does not grow, ṗ ≤ α_p a_hi τ s − ηp keeps p ≤ U = max(p,
 * α_p a_hi τ s/η). If a_hi·max_{[0,U]} φ ≤ η/2, then λ ≤ −η/2 for ever (first-exit argument) and:
 * - route 1: U < 1e-6: |p| < 1e-6 now and for ever, collapsed by the first rule now and at tEnd;
 * - route 2 (earlier): 1e-16 ≤ s < 1e-4 and p ≥ k s with k = 4 α_p a_hi τ/η. On the edge p = k s,
 *   d(p − k s)/dt ≥ s·α_p a (τ − κp − q p² s) > 0 when τ − κU − q_hi U² s > τ/2, so p ≥ k s holds for
 *   ever, and there ṗ ≤ −¾ηp < 0 and ṡ < 0: the second rule (s < 1e-4, p ṗ < 0, ṡ < 0) holds now
 *   and at tEnd. Also d ln s/dt ≥ −2η(1 + ε) with ε = a_hi q_hi U³ s/η ≤ 0.1, so by the time p is
 *   below 1e-6 (from U ≤ 1) s has dropped by at most e^{−41}: it stays a normal f32 number, ṡ < 0.
 * 'continue' near the origin (s < 1e-4) without a proof; 'generic' elsewhere (p⁺ is reached
 * exponentially; the relaxing norm's own rate keeps the test honest while N still moves).
 */
export function baoSettleVerdict(y: Float64Array, _dy: Float64Array, P: ParamVector): SettleVerdict {
  const p = y[S_P];
  const s = y[S_S];
  if (!(s < kCollapseS)) return 'generic';
  const eta = P[ix.weightDecay];
  if (eta > 0 && p >= 0 && s >= 0) {
    const tau = P[ix.tau];
    const c = 1 + P[ix.augmentation];
    const nEff = Math.max(y[S_NORM], Math.min(P[ix.norm], P[ix.normFloor]));
    const nLo = P[ix.norms] === kRelaxing ? Math.min(nEff, P[ix.normFloor]) : nEff;
    const aHi = 1 / (P[ix.normRatio] * nLo * nLo);
    const kappa = c * P[ix.meanCosine] * P[ix.normRatio];
    const qHi = (2 * tau * c) / (nLo * nLo);
    const slaved = (P[ix.predictorLr] * aHi * tau * s) / eta;
    const u = Math.max(p, slaved);
    const pc = Math.min(Math.max(tau / (2 * kappa), 0), u);
    const decays = aHi * (tau * pc - kappa * pc * pc) <= 0.5 * eta;
    if (decays && u < kCollapseP) return 'stop';
    if (
      decays &&
      s >= kSettleSafeS &&
      p >= kBoundK * slaved &&
      p <= 1 &&
      tau - kappa * p - qHi * p * p * s > 0.5 * tau &&
      aHi * qHi * p * p * p * s <= 0.1 * eta
    )
      return 'stop';
  }
  return 'continue';
}

const settle: SettleRule = {
  description:
    'Collapse test from the equations, not the generic rate test (whose scale is set by the norm N ≈ 1, so it would stop a ' +
    'collapsing cell early). Near the origin (s < 1e-4) a cell stops once ln s provably decays at ≥ η/2 for every p it can still ' +
    'reach and either p < 1e-6 for ever or p ≥ 4α_p a τ s/η (then ṗ, ṡ < 0 for ever: the classifier says collapsed now and at tEnd); ' +
    'otherwise near the origin it keeps running; elsewhere the generic test.',
  verdict: baoSettleVerdict,
};

function initialS(P: ParamVector): number {
  return P[ix.s0] === DERIVED ? (P[ix.p0] * P[ix.p0]) / P[ix.predictorLr] : P[ix.s0];
}

/** §2B coefficients at prediction norm n, with the other values taken from P. */
function coefficientsAt(P: ParamVector, n: number): CosineCoefficients {
  return cosineCoefficients({
    augmentation: P[ix.augmentation],
    meanCosine: P[ix.meanCosine],
    tau: P[ix.tau],
    predictorLr: P[ix.predictorLr],
    norm: n,
    normRatio: P[ix.normRatio],
  });
}

/** The norm of the long-time dynamics: the frozen value, or the floor the relaxing norm tends to. */
function settledNorm(P: ParamVector): number {
  return P[ix.norms] === kRelaxing ? P[ix.normFloor] : P[ix.norm];
}

function predictClass(P: ParamVector): ClassId | undefined {
  if (P[ix.norms] === kRelaxing) return undefined; // the race of claim (g) has no closed form
  const p0 = P[ix.p0];
  const onCurve = P[ix.s0] === DERIVED || Math.abs(P[ix.s0] - (p0 * p0) / P[ix.predictorLr]) <= 1e-12 * Math.max(1, P[ix.s0]);
  if (!onCurve) return undefined;
  const eta = P[ix.weightDecay];
  const c = coefficientsAt(P, P[ix.norm]);
  const { etaStar } = criticalWeightDecay(c);
  if (eta === etaStar) return undefined; // marginal: algebraic, not exponential, approach to p = 0
  if (eta > etaStar) return 'collapsed';
  const { pMinus } = nonTrivialRoots(c, eta)!;
  if (p0 < pMinus) return 'collapsed';
  if (p0 > pMinus) return 'non-collapsed';
  return undefined;
}

/** Samples of `param` over [min, max], geometric for log-scale parameters. */
function samples(param: string, min: number, max: number): number[] {
  const def = params.find((p) => p.id === param);
  const log = def?.kind === 'number' && def.scale === 'log' && min > 0;
  return Array.from({ length: kOverlayPoints }, (_, i) => {
    const f = i / (kOverlayPoints - 1);
    return log ? min * (max / min) ** f : min + f * (max - min);
  });
}

/**
 * Closed-form curves in a slice with weightDecay on one axis (either orientation): η*(other axis)
 * (§2B phase boundary; a reference only when the norms relax), p₀ = p⁻(η) in the (η, p₀) plane, and
 * Tian's L2 line η_c (§2A). Points outside the slice are dropped; every curve is monotone, so what
 * remains is one piece.
 */
function overlays(slice: SliceContext): OverlayCurve[] {
  const etaOnX = slice.x.param === 'weightDecay';
  if (!etaOnX && slice.y.param !== 'weightDecay') return [];
  const eta = etaOnX ? slice.x : slice.y;
  const other = etaOnX ? slice.y : slice.x;
  if (other.param === 'norms') return [];
  const relaxing = slice.values[ix.norms] === kRelaxing;
  const inside = ([e, v]: [number, number]) =>
    e >= eta.min && e <= eta.max && v >= Math.min(other.min, other.max) && v <= Math.max(other.min, other.max);
  const curve = (id: string, label: string, kind: OverlayCurve['kind'], source: string, pts: Array<[number, number]>): OverlayCurve => ({
    id,
    label,
    kind,
    source,
    points: pts.filter(inside).map(([e, v]) => (etaOnX ? [e, v] : [v, e])),
  });
  const at = (v: number) => {
    const P = Float64Array.from(slice.values);
    P[params.findIndex((p) => p.id === other.param)] = v;
    return P;
  };
  const vs = samples(other.param, other.min, other.max);
  const out: OverlayCurve[] = [];
  // A relaxing norm passes through every value between N₀ and the floor, so η*(N₀) and η*(N_floor)
  // bracket the outcome without being exact boundaries.
  const norms: Array<{ tag: string; n: (P: ParamVector) => number }> = relaxing
    ? [
        { tag: 'initial', n: (P) => P[ix.norm] },
        { tag: 'floor', n: (P) => P[ix.normFloor] },
      ]
    : [{ tag: '', n: (P) => P[ix.norm] }];
  const closedForm = 'closed form, bao-cosine.md §2B (reconstruction), f64 bisection';
  const starCurve = (tag: string, pts: Array<[number, number]>) =>
    curve(
      tag ? `eta-star-${tag}` : 'eta-star',
      tag ? `η* at N_Ψ = ${tag === 'floor' ? 'N_floor' : 'N₀'}` : 'η* (no equilibrium beyond)',
      relaxing ? 'reference' : 'boundary',
      closedForm,
      pts,
    );
  if (other.param === 'p0') {
    for (const { tag, n } of norms) {
      const { etaStar, pStar } = criticalWeightDecay(coefficientsAt(slice.values, n(slice.values)));
      // Below p* the line η = η* separates nothing: p₀ < p⁻ ≈ p* collapses on both sides.
      const from = relaxing ? other.min : Math.max(other.min, pStar);
      out.push(
        starCurve(
          tag,
          samples('p0', from, other.max).map((v) => [etaStar, v]),
        ),
      );
    }
    if (!relaxing) {
      const c = coefficientsAt(slice.values, slice.values[ix.norm]);
      const { etaStar, pStar } = criticalWeightDecay(c);
      const pts = samples('weightDecay', eta.min, eta.max).flatMap((e): Array<[number, number]> => {
        const r = nonTrivialRoots(c, e);
        return r ? [[e, r.pMinus]] : [];
      });
      pts.push([etaStar, pStar]); // p⁻ → p* as η → η*: the curve meets the η* line
      out.push(curve('p-minus', 'p₀ = p⁻(η), basin edge', 'boundary', closedForm, pts));
    }
  } else if (other.param !== 's0') {
    for (const { tag, n } of norms) {
      out.push(
        starCurve(
          tag,
          vs.map((v): [number, number] => {
            const P = at(v);
            return [criticalWeightDecay(coefficientsAt(P, n(P))).etaStar, v];
          }),
        ),
      );
    }
  }
  const tian = vs.map((v): [number, number] => {
    const P = at(v);
    return [tianCriticalWeightDecay(P[ix.tau], P[ix.augmentation]), v];
  });
  out.push(curve('tian-eta-c', 'Tian L2 η_c = τ²/(4(1+σ²))', 'reference', 'closed form, bao-cosine.md §2A', tian));
  return out.filter((c) => c.points.length > 0);
}

function fixedPoints(P: ParamVector): Array<{ label: string; state: number[]; stable: boolean }> {
  const eta = P[ix.weightDecay];
  const n = settledNorm(P);
  const out = [{ label: 'collapse (origin)', state: [0, 0, n], stable: eta > 0 }];
  const roots = nonTrivialRoots(coefficientsAt(P, n), eta);
  if (!roots) return out;
  const alphaP = P[ix.predictorLr];
  // On the invariant curve s = p²/α_p (§2A conservation, which §2B keeps); off it s − p²/α_p decays at 2η.
  if (roots.pMinus > 0) out.push({ label: 'p⁻ (basin edge)', state: [roots.pMinus, roots.pMinus ** 2 / alphaP, n], stable: false });
  out.push({ label: 'p⁺ (non-collapsed)', state: [roots.pPlus, roots.pPlus ** 2 / alphaP, n], stable: eta > 0 });
  return out;
}

const presets: readonly Preset[] = [
  {
    id: 'norm-vs-weight-decay',
    title: 'Smaller norms resist collapse',
    caption: 'Reconstruction: outcome from p₀ = 0.3 over weight decay and frozen prediction norm N_Ψ = N_Φ, with the η*(N) overlay.',
    spec: {
      params: { augmentation: 0.5, meanCosine: 1, tau: 1, predictorLr: 1, normRatio: 1, norms: 'frozen' },
      initial: { p0: 0.3, s0: 'derived' },
      x: { param: 'weightDecay', min: 0, max: 0.4, n: 128 },
      y: { param: 'norm', min: 0.4, max: 1.5, n: 128 },
      // dp5 with early exit: the 64² classes of the rk4 reference in 12× fewer step attempts.
      integrator: { method: 'dp5', dt: 0.05, tEnd: 3000 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.05 },
  },
  {
    id: 'emergence',
    title: 'An equilibrium emerges as the norms shrink',
    caption: 'Reconstruction: norms relax from 1 to 0.5 at rate η; cells right of η*(N₀) can still end non-collapsed.',
    spec: {
      params: { augmentation: 0.5, meanCosine: 1, tau: 1, predictorLr: 1, normRatio: 1, norm: 1, norms: 'relaxing', normFloor: 0.5 },
      initial: { s0: 'derived' },
      x: { param: 'weightDecay', min: 0.05, max: 0.4, n: 128 },
      y: { param: 'p0', min: 0.02, max: 0.8, n: 128 },
      integrator: { method: 'rk4', dt: 0.1, tEnd: 2000 },
    },
  },
  {
    id: 'basin',
    title: 'Basin of the non-collapsed equilibrium',
    caption: 'Reconstruction: frozen norms N = 1; p₀ below p⁻(η) or η above η* collapses.',
    spec: {
      params: { augmentation: 0.5, meanCosine: 1, tau: 1, predictorLr: 1, normRatio: 1, norm: 1, norms: 'frozen' },
      initial: { s0: 'derived' },
      x: { param: 'weightDecay', min: 0.001, max: 0.2, n: 128 },
      y: { param: 'p0', min: 0.001, max: 0.6, n: 128 },
      // dp5 at rtol 1e-5 with early exit: the 64² classes of the rk4 reference in 17× fewer step attempts.
      integrator: { method: 'dp5', dt: 0.1, tEnd: 5000, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.1 },
  },
];

export const baoCosine: Model = {
  id: 'bao-cosine',
  title: 'Cosine-loss eigenmode dynamics (reconstruction following Bao 2023)',
  citation: {
    authors: 'Han Bao',
    title: 'Feature Normalization Prevents Collapse of Non-contrastive Learning Dynamics',
    venue: 'Neural Computation 2025',
    arxiv: '2309.16109',
  },
  status: 'reconstruction',
  note: "Reconstruction derived from Tian's linear model with frozen norms; not Bao's equations (paper text unavailable).",
  version: 1,
  wgsl,
  state: [
    { id: 'p', symbol: 'p', label: 'predictor eigenvalue' },
    { id: 's', symbol: 's', label: 'online eigenvalue' },
    { id: 'norm', symbol: 'N_Ψ', label: 'prediction norm' },
  ],
  params,
  readouts: [{ id: 'normFinal', symbol: 'N_Ψ', label: 'final prediction norm N_Ψ', units: 'dimensionless' }],
  classes: ['collapsed', 'non-collapsed', 'diverged'],
  divergenceBound: 1e6,
  defaults: { dt: 0.1, tEnd: 5000 },
  flopsPerRhs: 34, // counted in shaders/models/bao-cosine.wgsl rhs

  initialState(P) {
    return Float64Array.of(P[ix.p0], initialS(P), P[ix.norm]);
  },

  rhs(y, P, out) {
    const eta = P[ix.weightDecay];
    const tau = P[ix.tau];
    const c = 1 + P[ix.augmentation];
    // Clamp stage values at the lower of N₀ and the floor (the exact flow stays between them), §6.
    const nPsi = Math.max(y[S_NORM], Math.min(P[ix.norm], P[ix.normFloor]));
    const nPhi = P[ix.normRatio] * nPsi;
    // §2B: a = 1/(N_Ψ N_Φ), κ = (1+σ²)ρ N_Φ/N_Ψ, q = 2τ(1+σ²)/N_Ψ², B = τs − κps − qp²s².
    const a = 1 / (nPsi * nPhi);
    const kappa = (c * P[ix.meanCosine] * nPhi) / nPsi;
    const q = (2 * tau * c) / (nPsi * nPsi);
    const p = y[S_P];
    const s = y[S_S];
    const b = tau * s - kappa * p * s - q * p * p * s * s;
    out[S_P] = P[ix.predictorLr] * a * b - eta * p;
    out[S_S] = 2 * p * a * b - 2 * eta * s;
    out[S_NORM] = P[ix.norms] === kRelaxing ? -eta * (y[S_NORM] - P[ix.normFloor]) : 0;
  },

  classify(y, dy) {
    const p = y[S_P];
    if (Math.abs(p) < kCollapseP) return 'collapsed';
    if (y[S_S] < kCollapseS && p * dy[S_P] < 0 && dy[S_S] < 0) return 'collapsed';
    return 'non-collapsed';
  },

  isCollapsed(y) {
    return Math.abs(y[S_P]) < kCollapseP;
  },

  readout(y, _P, out) {
    out[0] = y[S_NORM];
  },

  overlays,
  predictClass,
  fixedPoints,
  presets,
  settle,
};
