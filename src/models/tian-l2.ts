/**
 * Tian, Chen & Ganguli (ICML 2021), "Understanding Self-supervised Learning Dynamics without
 * Contrastive Pairs": one decoupled eigenmode of a linear BYOL/SimSiam network under the L2 loss,
 * integrated in the primitive weights (w, p, w_a) of tian-l2.md §3. This file is the schema and the
 * glue; the maths lives in tian-l2-closed-form.ts and, in f32, shaders/models/tian-l2.wgsl.
 */
import wgsl from '../../shaders/models/tian-l2.wgsl?raw';
import { DERIVED, type ClassId, type Model, type Param, type ParamVector, type Preset } from './types.js';
import {
  TARGETS, eigenmodeFlow, fixedPointsOf, predictClosedForm, tianOverlays, type TianValues,
} from './tian-l2-closed-form.js';

/** Collapse thresholds on s = w² (§7); the WGSL carries the same values (kTianCollapsedS, ...). */
export const kCollapsedS = 1e-8;
export const kSlowCollapseS = 1e-4;
const kTinyW = 1e-20;

const num = (
  id: string, symbol: string, label: string, description: string, role: 'param' | 'initial',
  def: number | 'derived', min: number, max: number, scale: 'linear' | 'log', derivedAs?: string,
): Param => ({ kind: 'number', id, symbol, label, description, role, default: def, min, max, scale, ...(derivedAs ? { derivedAs } : {}) });

const params: readonly Param[] = [
  num('weightDecay', 'η', 'weight decay', 'Weight decay in flow time, on W and W_p (not on the target).', 'param', 0.04, 0, 1, 'linear'),
  num('augmentation', 'σ²', 'augmentation variance', 'Isotropic augmentation variance (Assumption 2: X = I, X′ = σ² I).', 'param', 0, 0, 10, 'linear'),
  num('predictorLr', 'α_p', 'predictor learning-rate ratio', 'Learning rate of the predictor relative to the online net.', 'param', 1, 0.01, 1000, 'log'),
  num('emaRate', 'β', 'EMA rate', 'Target EMA rate in flow time (BYOL only); αβ = 1 − γ_a per step.', 'param', 0.4, 0.001, 1000, 'log'),
  num('tau', 'τ', 'frozen target ratio', 'Constant target/online ratio w_a = τ w (target = fixed only).', 'param', 1, 0, 2, 'linear'),
  {
    kind: 'choice', id: 'target', symbol: 'W_a', label: 'target network', role: 'param', default: 'simsiam', options: TARGETS,
    description: 'simsiam: w_a ≡ w; byol: w_a an EMA of w at rate β; fixed: w_a = τ w (the slow-EMA analyses).',
  },
  num('p0', 'p₀', 'initial predictor eigenvalue', 'Predictor eigenvalue at t = 0; its sign matters.', 'initial', 0.3, -2, 2, 'linear'),
  num('s0', 's₀', 'initial representation strength', 'Eigenvalue s = w² of F = W Wᵀ at t = 0 (w0 = √s0).', 'initial', 'derived', 0, 100, 'linear',
    'on the invariant parabola s0 = p0²/α_p'),
  num('wa0', 'w_a₀', 'initial target weight', 'Target weight at t = 0 (BYOL only; the paper starts from 0).', 'initial', 0, -10, 10, 'linear'),
];

const at = (id: string) => params.findIndex((p) => p.id === id);
const kEta = at('weightDecay');
const kSigma2 = at('augmentation');
const kAlphaP = at('predictorLr');
const kBeta = at('emaRate');
const kTau = at('tau');
const kTarget = at('target');
const kP0 = at('p0');
const kS0 = at('s0');
const kWa0 = at('wa0');
const kByol = TARGETS.indexOf('byol');
const kFixed = TARGETS.indexOf('fixed');

/** The parameter vector under its ids, for the closed forms. */
export function tianValues(P: ParamVector): TianValues {
  return {
    weightDecay: P[kEta], augmentation: P[kSigma2], predictorLr: P[kAlphaP], emaRate: P[kBeta], tau: P[kTau],
    target: TARGETS[P[kTarget]], p0: P[kP0], s0: P[kS0], wa0: P[kWa0],
  };
}

const frozenTau = (P: ParamVector) => (P[kTarget] === kFixed ? P[kTau] : 1);

// η grid rows start at 0; §7's T ≥ max(3000, 50/η) is applied at the first non-zero row.
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
      integrator: { dt: 0.05, tEnd: tEndFor(0.3 / (n - 1)) },
    },
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
      integrator: { dt: 0.05, tEnd: tEndFor(0.3 / (n - 1)) },
    },
  },
  {
    id: 'fig3-basin-eta0',
    title: 'P3 · Fig. 3 basin at η = 0',
    caption: 'No weight decay: collapse only below s0 = p0² (p0 < 0) or s0 = p0² − 1 (p0 > 1); the paper\'s c > 0 is not necessary.',
    spec: {
      params: { target: 'simsiam', weightDecay: 0, augmentation: 0, predictorLr: 1 },
      x: { param: 'p0', min: -1, max: 1.5, n, scale: 'linear' },
      y: { param: 's0', min: 0, max: 1.5, n, scale: 'linear' },
      integrator: { dt: 0.05, tEnd: 3000 },
    },
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
      integrator: { dt: 0.005, tEnd: 3000 },
    },
  },
  {
    id: 'ema-rate',
    title: 'P5 · EMA rate',
    caption: 'BYOL from w0 = p0, w_a0 = 0 at η = 0.04: a slow EMA raises the collapse threshold above SimSiam\'s p*₋ = 0.0417; dt = 0.01 for β up to 100.',
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
  note: 'From the paper\'s equations (Eqns 11–16, App. D); the η = 0 criterion, the off-parabola separatrix and the EMA thresholds are derived numerically, not the paper\'s.',
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
};
