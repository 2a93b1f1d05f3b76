/**
 * Tian, Chen & Ganguli (ICML 2021), "Understanding Self-supervised Learning Dynamics without
 * Contrastive Pairs": one decoupled eigenmode of a linear BYOL/SimSiam network under the L2 loss,
 * integrated in the primitive weights (w, p, w_a) of tian-l2.md §3. This file is the schema and the
 * glue; the maths lives in tian-l2-closed-form.ts and, in f32, shaders/models/tian-l2.wgsl.
 */
import wgsl from '../../shaders/models/tian-l2.wgsl?raw';
import {
  DERIVED,
  numberParam,
  paramIndices,
  type ClassId,
  type Model,
  type Param,
  type ParamVector,
  type Preset,
  type SettleRule,
  type SettleVerdict,
} from './types.js';
import { TARGETS, eigenmodeFlow, fixedPointsOf, predictClosedForm, tianOverlays, type TianValues } from './tian-l2-closed-form.js';

/** Collapse thresholds on s = w² (§7); the WGSL carries the same values (kTianCollapsedS, ...). */
export const kCollapsedS = 1e-8;
export const kSlowCollapseS = 1e-4;
const kTinyW = 1e-20;

const num = numberParam;

const params = [
  num('weightDecay', 'η', 'weight decay', 'Weight decay in flow time, on W and W_p (not on the target).', 'param', 0.04, 0, 1, 'linear'),
  num(
    'augmentation',
    'σ²',
    'augmentation variance',
    'Isotropic augmentation variance (Assumption 2: X = I, X′ = σ² I).',
    'param',
    0,
    0,
    10,
    'linear',
  ),
  num(
    'predictorLr',
    'α_p',
    'predictor learning-rate ratio',
    'Learning rate of the predictor relative to the online net.',
    'param',
    1,
    0.01,
    1000,
    'log',
  ),
  num('emaRate', 'β', 'EMA rate', 'Target EMA rate in flow time (BYOL only); αβ = 1 − γ_a per step.', 'param', 0.4, 0.001, 1000, 'log'),
  num('tau', 'τ', 'frozen target ratio', 'Constant target/online ratio w_a = τ w (target = fixed only).', 'param', 1, 0, 2, 'linear'),
  {
    kind: 'choice',
    id: 'target',
    symbol: 'W_a',
    label: 'target network',
    role: 'param',
    default: 'simsiam',
    options: TARGETS,
    description: 'simsiam: w_a ≡ w; byol: w_a an EMA of w at rate β; fixed: w_a = τ w (the slow-EMA analyses).',
  },
  num('p0', 'p₀', 'initial predictor eigenvalue', 'Predictor eigenvalue at t = 0; its sign matters.', 'initial', 0.3, -2, 2, 'linear'),
  num(
    's0',
    's₀',
    'initial representation strength',
    'Eigenvalue s = w² of F = W Wᵀ at t = 0 (w0 = √s0).',
    'initial',
    'derived',
    0,
    100,
    'linear',
    { derivedAs: 'on the invariant parabola s0 = p0²/α_p' },
  ),
  num(
    'wa0',
    'w_a₀',
    'initial target weight',
    'Target weight at t = 0 (BYOL only; the paper starts from 0).',
    'initial',
    0,
    -10,
    10,
    'linear',
  ),
] as const satisfies readonly Param[];

const ix = paramIndices(params);
const kEta = ix.weightDecay;
const kSigma2 = ix.augmentation;
const kAlphaP = ix.predictorLr;
const kBeta = ix.emaRate;
const kTau = ix.tau;
const kTarget = ix.target;
const kP0 = ix.p0;
const kS0 = ix.s0;
const kWa0 = ix.wa0;
const kByol = TARGETS.indexOf('byol');
const kFixed = TARGETS.indexOf('fixed');

/** The parameter vector under its ids, for the closed forms. */
export function tianValues(P: ParamVector): TianValues {
  return {
    weightDecay: P[kEta],
    augmentation: P[kSigma2],
    predictorLr: P[kAlphaP],
    emaRate: P[kBeta],
    tau: P[kTau],
    target: TARGETS[P[kTarget]],
    p0: P[kP0],
    s0: P[kS0],
    wa0: P[kWa0],
  };
}

const frozenTau = (P: ParamVector) => (P[kTarget] === kFixed ? P[kTau] : 1);

/**
 * Early exit (src/engine/settle.ts). Relative safety margin of the fate test: the growth rate of ln|w|
 * must stay below −kSettleMargin·(η + τ²/(4a)) (a = 1+σ²; τ²/(4a) is the largest growth p(τ − ap)
 * can give, tian-l2.md §4), far above f32 rounding of the state and of the test itself.
 */
export const kSettleMargin = 0.01;

/** max over p in [lo, hi] of the growth rate p(τ − ap) − η of ln|w| (concave in p, vertex τ/(2a)). */
function growthMax(lo: number, hi: number, tau: number, a: number, eta: number): number {
  const pc = Math.min(Math.max(tau / (2 * a), lo), hi);
  return pc * (tau - a * pc) - eta;
}

/**
 * The settle verdict, f64 twin of `settleVerdict` in shaders/models/tian-l2.wgsl (term for term).
 *
 * Why not the generic test alone: near w = 0 it is wrong both ways. A collapsing cell decays like
 * e^{−ηt} (scaled rate ≈ η, never small: it would run to tEnd); at η = 0 the collapse can be algebraic
 * (H1, rate ~ 1/t); and at η = 0 a state with tiny w is nearly still (ẇ, ṗ ∝ w) while it may regrow
 * (p in the window p(τ − ap) > 0), so the generic test would stop it as collapsed.
 *
 * 'stop' where the collapse is proved absorbing (§3 equations, §4 fixed points, §7 classifier):
 * - w = 0 (and w_a = 0 for BYOL) exactly: invariant (ẇ = p·e − η·w = 0), in f32 too.
 * - SimSiam / frozen τ: ẇ = λ(p)·w exactly, λ(p) = p(τ − ap) − η. While s = w² does not grow, p stays
 *   in I = [L, U]: L = min(p, 0) (ṗ ≥ 0 at p ≤ 0 since τ ≥ 0), U = max(p, min(τ/a, α_p s τ/η))
 *   (ṗ ≤ 0 at p = U). At η = 0 the exact integral p² − α_p s = d is conserved (§3 Eqn 14), so for
 *   d > 0 p never crosses ±√d: I = [p, −√d] (p < 0) or [√d, U] (p > 0). If max_I λ < −margin, then
 *   s decreases for ever and p never leaves I (first-exit argument). With s < 1e-4 now, classify
 *   says collapsed now and at any later time (s < 1e-4 and w·ẇ = λ s < 0): the fixed-horizon class.
 * - BYOL (w, p, w_a): with V = max(|w|, |w_a|), d⁺V/dt ≤ V·max(|p| − ap² − η, 0) (comparison system
 *   with |p|, the w_a row gives β(|w| − |w_a|) ≤ 0), so V never grows while x − ax² − η < 0 on
 *   x ∈ [0, M]; and |ṗ| ≤ α_p V² − η|p| keeps |p| ≤ M = max(|p|, α_p V²/η) (η > 0). w is not monotone
 *   here, so the gate is V² < 1e-8: then s < 1e-8 for ever, collapsed now and at tEnd (first rule).
 * 'continue' near the collapsed set (V² < 1e-4) where no stop is proved: the generic test cannot tell
 *   a collapse from a regrowth there (η = 0, or an η = 0 algebraic collapse).
 * 'generic' elsewhere: the non-collapsed fixed points p*₊ (and the η = 0 line p = τ/a) are reached
 *   exponentially, where the generic test is right.
 */
export function tianSettleVerdict(y: Float64Array, _dy: Float64Array, P: ParamVector): SettleVerdict {
  const eta = P[kEta];
  const a = 1 + P[kSigma2];
  const alphaP = P[kAlphaP];
  const byol = P[kTarget] === kByol;
  const w = y[0];
  const p = y[1];
  const wa = y[2];
  const s = w * w;
  if (byol) {
    const v = Math.max(Math.abs(w), Math.abs(wa));
    const v2 = v * v;
    if (v2 === 0) return 'stop';
    if (v2 < kCollapsedS && eta > 0) {
      const m = Math.max(Math.abs(p), (alphaP * v2) / eta);
      if (growthMax(0, m, 1, a, eta) + kSettleMargin * (eta + 1 / (4 * a)) < 0) return 'stop';
    }
    return v2 < kSlowCollapseS ? 'continue' : 'generic';
  }
  if (s === 0) return 'stop';
  if (s < kSlowCollapseS) {
    const tau = frozenTau(P);
    let lo = Math.min(p, 0);
    let hi = Math.max(p, eta > 0 ? Math.min(tau / a, (alphaP * s * tau) / eta) : tau / a);
    const d = p * p - alphaP * s;
    if (eta === 0 && d > 0) {
      if (p < 0) hi = -Math.sqrt(d);
      else lo = Math.sqrt(d);
    }
    if (growthMax(lo, hi, tau, a, eta) + kSettleMargin * (eta + (tau * tau) / (4 * a)) < 0) return 'stop';
    return 'continue';
  }
  return 'generic';
}

const settle: SettleRule = {
  description:
    'Collapse test from the equations, not the generic rate test: a cell stops once w ≈ 0 and the growth rate of ln|w|, ' +
    'p(τ − (1+σ²)p) − η, is proved negative (1 % margin) for every p the decaying predictor can still reach ' +
    '(at η = 0 via the exact integral p² − α_p s); for BYOL once max(|w|, |w_a|)² < 1e-8 with the same bound on |p|. ' +
    'Near w = 0 without such a proof the cell keeps running (a regrowth or the slow η = 0 collapse); elsewhere the generic test.',
  verdict: tianSettleVerdict,
};

// η grid rows start at 0; §7's T ≥ max(3000, 50/η) is applied at the first non-zero row.
// P1–P4 run dp5 (rtol 1e-6) with early exit: same 64² classes as their fixed-step RK4 references
// (fixedHorizon) in 5–200× fewer step attempts; dt is then only the first step.
const tEndFor = (etaFirstRow: number) => Math.max(3000, Math.ceil(50 / etaFirstRow / 100) * 100);
const n = 128;

const presets: readonly Preset[] = [
  {
    id: 'weight-decay-threshold',
    title: 'P1 · weight-decay threshold (Fig. 4 in 2-D)',
    caption: 'SimSiam on the parabola s0 = p0²: collapse above η*(p0) = p0(1 − p0), and for every p0 above η_c = 1/4.',
    spec: {
      params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
      x: { param: 'p0', min: 0, max: 1, n, scale: 'linear' },
      y: { param: 'weightDecay', min: 0, max: 0.3, n, scale: 'linear' },
      integrator: { method: 'dp5', dt: 0.05, tEnd: tEndFor(0.3 / (n - 1)) },
    },
    fixedHorizon: { method: 'rk4', dt: 0.05 },
  },
  {
    id: 'augmentation-vs-weight-decay',
    title: 'P2 · augmentation vs weight decay',
    caption: 'SimSiam from p0 = 0.3 on the parabola: stronger augmentation lowers η*(σ²) and η_c = 1/(4(1+σ²)).',
    spec: {
      params: { target: 'simsiam', predictorLr: 1 },
      initial: { p0: 0.3 },
      x: { param: 'augmentation', min: 0, max: 3, n, scale: 'linear' },
      y: { param: 'weightDecay', min: 0, max: 0.3, n, scale: 'linear' },
      integrator: { method: 'dp5', dt: 0.05, tEnd: tEndFor(0.3 / (n - 1)) },
    },
    fixedHorizon: { method: 'rk4', dt: 0.05 },
  },
  {
    id: 'fig3-basin-eta0',
    title: 'P3 · Fig. 3 basin at η = 0',
    caption: "No weight decay: collapse only below s0 = p0² (p0 < 0) or s0 = p0² − 1 (p0 > 1); the paper's c > 0 is not necessary.",
    spec: {
      params: { target: 'simsiam', weightDecay: 0, augmentation: 0, predictorLr: 1 },
      x: { param: 'p0', min: -1, max: 1.5, n, scale: 'linear' },
      y: { param: 's0', min: 0, max: 1.5, n, scale: 'linear' },
      integrator: { method: 'dp5', dt: 0.05, tEnd: 3000 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.05 },
  },
  {
    id: 'predictor-learning-rate',
    title: 'P4 · predictor learning rate',
    caption: 'Obs#1: at p0 = 0.02, η = 0.04 collapse lies below the line α_p s0 = 0.0028063; dt = 0.005 because α_p s0 reaches 100.',
    spec: {
      params: { target: 'simsiam', weightDecay: 0.04, augmentation: 0 },
      initial: { p0: 0.02 },
      x: { param: 'predictorLr', min: 0.1, max: 100, n, scale: 'log' },
      y: { param: 's0', min: 1e-5, max: 1, n, scale: 'log' },
      integrator: { method: 'dp5', dt: 0.005, tEnd: 3000 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.005 },
  },
  {
    id: 'ema-rate',
    title: 'P5 · EMA rate',
    caption:
      "BYOL from w0 = p0, w_a0 = 0 at η = 0.04: a slow EMA raises the collapse threshold above SimSiam's p*₋ = 0.0417; dt = 0.01 for β up to 100.",
    spec: {
      params: { target: 'byol', weightDecay: 0.04, augmentation: 0, predictorLr: 1 },
      initial: { wa0: 0 },
      x: { param: 'emaRate', min: 0.01, max: 100, n, scale: 'log' },
      y: { param: 'p0', min: 0.03, max: 0.1, n, scale: 'linear' },
      integrator: { dt: 0.01, tEnd: Math.max(3000, 50 / 0.01) },
    },
  },
];

export const tianL2: Model = {
  id: 'tian-l2',
  title: 'Tian et al. 2021 — L2 loss eigenmode dynamics (BYOL/SimSiam)',
  citation: {
    authors: 'Y. Tian, X. Chen, S. Ganguli',
    title: 'Understanding Self-supervised Learning Dynamics without Contrastive Pairs',
    venue: 'ICML 2021',
    arxiv: '2102.06810',
  },
  status: 'paper',
  note: "From the paper's equations (Eqns 11–16, App. D); the η = 0 criterion, the off-parabola separatrix and the EMA thresholds are derived numerically, not the paper's.",
  version: 1,
  wgsl,
  state: [
    { id: 'w', symbol: 'w', label: 'online weight (singular value of W)' },
    { id: 'p', symbol: 'p', label: 'predictor eigenvalue' },
    { id: 'wa', symbol: 'w_a', label: 'target weight' },
  ],
  params,
  readouts: [
    { id: 's', symbol: 's', label: 'final representation strength s = w²', units: '' },
    { id: 'tauEff', symbol: 'τ', label: 'target/online ratio τ = w_a/w', units: '' },
  ],
  classes: ['collapsed', 'non-collapsed', 'diverged'],
  divergenceBound: 1e6,
  defaults: { dt: 0.05, tEnd: 3000 },
  flopsPerRhs: 15, // counted in shaders/models/tian-l2.wgsl rhs

  initialState(P) {
    const p0 = P[kP0];
    const s0 = P[kS0] === DERIVED ? (p0 * p0) / P[kAlphaP] : P[kS0];
    const w0 = Math.sqrt(Math.max(s0, 0));
    return Float64Array.of(w0, p0, P[kTarget] === kByol ? P[kWa0] : frozenTau(P) * w0);
  },
  rhs(y, P, out) {
    eigenmodeFlow(y, P[kEta], 1 + P[kSigma2], P[kAlphaP], P[kBeta], frozenTau(P), P[kTarget] === kByol, out);
  },
  classify(y, dy): ClassId {
    const s = y[0] * y[0];
    return s < kCollapsedS || (s < kSlowCollapseS && y[0] * dy[0] < 0) ? 'collapsed' : 'non-collapsed';
  },
  isCollapsed(y) {
    return y[0] * y[0] < kCollapsedS;
  },
  readout(y, _P, out) {
    out[0] = y[0] * y[0];
    out[1] = Math.abs(y[0]) > kTinyW ? y[2] / y[0] : 0;
  },

  overlays: (slice) => tianOverlays(slice, tianValues(slice.values)),
  predictClass: (P) => predictClosedForm(tianValues(P)),
  fixedPoints: (P) => fixedPointsOf(tianValues(P)),
  presets,
  settle,
};
