/**
 * Wen & Li (NeurIPS 2022), "The Mechanism of Prediction Head in Non-contrastive SSL": a
 * RECONSTRUCTION built for shared/science/wen-li.md (the paper's text was unavailable). Two neurons
 * on the unit circle see a strong and a weak feature through an identity predictor whose
 * off-diagonals train; the state is the angle form (φ₁, φ₂, E₁₂, E₂₁), so the circle constraint is
 * exact. Neurons are numbered 1, 2 (the spec's r = 0, 1; its E01, E10 are E₁₂, E₂₁ here).
 * f64 twin of shaders/models/wen-li.wgsl; the two rhs agree term for term.
 */
import wgsl from '../../shaders/models/wen-li.wgsl?raw';
import {
  numberParam,
  paramIndices,
  type ClassId,
  type Model,
  type OverlayCurve,
  type Param,
  type ParamVector,
  type Preset,
  type SettleVerdict,
  type SliceContext,
} from './types.js';
import { zeroContour } from './contour.js';

const num = numberParam;

/** Options of `activationPower`; option k is q = k + 2. */
const Q_OPTIONS = ['q2', 'q3', 'q4'] as const;

// λ_j < 1/m = 0.5 keeps N < 1, so (1 − 1/N) < 0 and the flow does not reverse (spec "Pitfalls").
const params = [
  num(
    'strongFeatureWeight',
    'λ₀',
    'strong-feature weight',
    'Occurrence × magnitude^{2q} of the strong feature; below 0.5.',
    'param',
    0.4,
    0.01,
    0.49,
  ),
  num(
    'weakFeatureWeight',
    'λ₁',
    'weak-feature weight',
    'Occurrence × magnitude^{2q} of the weak feature; below 0.5.',
    'param',
    0.2,
    0.01,
    0.49,
  ),
  {
    kind: 'choice',
    id: 'activationPower',
    symbol: 'q',
    label: 'activation power',
    role: 'param',
    options: Q_OPTIONS,
    default: 'q2',
    description: 'Power of the smoothed ReLU h = max(a, 0)^q; integer q = 2, 3, 4 (the WGSL multiplies instead of calling pow).',
  },
  {
    kind: 'choice',
    id: 'predictor',
    symbol: 'E',
    label: 'predictor',
    role: 'param',
    options: ['on', 'off'],
    default: 'on',
    description: 'on: off-diagonals E₁₂, E₂₁ trained from 0; off: E ≡ I (no predictor).',
  },
  num(
    'predictorLr',
    'η_E',
    'predictor learning-rate ratio',
    'Learning rate of the predictor off-diagonals relative to the encoder.',
    'param',
    1,
    0.01,
    10,
    'log',
  ),
  num(
    'theta1',
    'θ₁',
    'initial angle of neuron 1',
    'Angle of neuron 1 from the strong axis at t = 0, inside (0, π/2) (a_rj = 0 is invariant).',
    'initial',
    0.55,
    0.01,
    1.56,
  ),
  num(
    'theta2',
    'θ₂',
    'initial angle of neuron 2',
    'Angle of neuron 2 from the strong axis at t = 0, inside (0, π/2).',
    'initial',
    1.0,
    0.01,
    1.56,
  ),
] as const satisfies readonly Param[];
const ix = paramIndices(params);
const kPredictorOn = 0;

// Shared with the WGSL (kWenLiHeld, kWenLiCollapsedCoverage, kWenLiMinNorm), spec "Classes".
const kHeld = 0.9;
const kCollapsedCoverage = 1e-2;
const kMinNorm = 1e-6;
/** Without the predictor a neuron is settled within this angle of its end, 0 or π/2 (kWenLiSettledAngle). */
export const kSettledAngle = 1e-5;

/**
 * The settle rule (WGSL `settleVerdict`, term for term).
 * - Predictor off (E ≡ I): each neuron obeys its own 1-D flow dφ/dt = |1 − 1/N| q sin φ cos φ
 *   [λ₁ sin^{2q−2} φ − λ₀ cos^{2q−2} φ], whose sign says which end (0 or π/2) it is bound for; the ends
 *   are hyperbolic sinks and θ_c lies in [0.14, 1.43] for every allowed λ, so a neuron within 1e-5 of an
 *   end never leaves it. Both neurons there: 'stop' (class, alignments to 1e-5, coverage and collapse
 *   time decided), except both on the weak feature, where the coverage ‖h_w‖/‖h_s‖ grows without bound
 *   ('generic': φ ≈ π/2 keeps ‖y‖ of order 1, and the f32 stall ends it). Otherwise 'continue': the
 *   generic test is wrong at the strong end (φ → 0 puts the state at the origin of the angle chart, so
 *   the scaled rate stays near q λ₀ |1 − 1/N| and never falls under tol) and at θ_c (a cell starting
 *   on the saddle is quiet from t = 0 and the relative hold would stop it at once).
 * - Predictor on: 'generic'. Every end state keeps ‖y‖ of order one (full: an angle at π/2; partial:
 *   E ≠ 0; collapsed: E₁₂ = E₂₁ = 1/N − 1 ≠ 0), so the scaled rate measures the approach, and there is
 *   no closed form to decide the fate sooner.
 */
function verdict(y: Float64Array, _dy: Float64Array, P: ParamVector): SettleVerdict {
  if (P[ix.predictor] === kPredictorOn) return 'generic';
  const half = Math.PI / 2;
  const strong1 = Math.abs(y[0]) <= kSettledAngle;
  const strong2 = Math.abs(y[1]) <= kSettledAngle;
  const weak1 = Math.abs(y[0] - half) <= kSettledAngle;
  const weak2 = Math.abs(y[1] - half) <= kSettledAngle;
  if (weak1 && weak2) return 'generic';
  return (strong1 || weak1) && (strong2 || weak2) ? 'stop' : 'continue';
}

/** max(a, 0)^(q−1), zero where the neuron is not aligned with the feature. */
const power = (a: number, q: number) => (a > 0 ? (q === 2 ? a : q === 3 ? a * a : a * a * a) : 0);

/** The activation power q of the chosen option. */
export const activationPower = (P: ParamVector) => P[ix.activationPower] + 2;

/** h = max(a, 0)^q. */
const activation = (a: number, q: number) => power(a, q) * a;

/** ‖h_.w‖² and ‖h_.s‖² (feature columns of h over both neurons). */
function columns(y: Float64Array, P: ParamVector): [number, number] {
  const q = activationPower(P);
  const [h1s, h1w, h2s, h2w] = [Math.cos(y[0]), Math.sin(y[0]), Math.cos(y[1]), Math.sin(y[1])].map((a) => activation(a, q));
  return [h1w * h1w + h2w * h2w, h1s * h1s + h2s * h2s];
}

/** θ_c = arctan((λ₀/λ₁)^{1/(2q−2)}): without a predictor a neuron ends on the weak feature iff θ > θ_c. */
export function criticalAngle(strong: number, weak: number, q: number): number {
  return Math.atan((strong / weak) ** (1 / (2 * q - 2)));
}

function predictClass(P: ParamVector): ClassId | undefined {
  if (P[ix.predictor] === kPredictorOn) return undefined; // numerical only (spec "With predictor")
  const thetaC = criticalAngle(P[ix.strongFeatureWeight], P[ix.weakFeatureWeight], activationPower(P));
  const t1 = P[ix.theta1];
  const t2 = P[ix.theta2];
  if (t1 === thetaC || t2 === thetaC) return undefined;
  const weak = Number(t1 > thetaC) + Number(t2 > thetaC);
  // Both neurons on the weak feature is neither "full" nor "collapsed": the spec's "anything else".
  return weak === 0 ? 'collapsed' : weak === 1 ? 'full' : 'partial';
}

/**
 * θ_r = θ_c(λ₀, λ₁, q) for each neuron whose angle, or whose θ_c, the slice moves. A boundary
 * without the predictor; with it, a reference showing what the predictor changes.
 */
function overlays(slice: SliceContext): OverlayCurve[] {
  const off = slice.values[ix.predictor] !== kPredictorOn;
  const out: OverlayCurve[] = [];
  for (const [r, id] of [
    [1, 'theta1'],
    [2, 'theta2'],
  ] as const) {
    const f = (P: ParamVector) =>
      Math.log(Math.tan(P[ix[id]])) - Math.log(P[ix.strongFeatureWeight] / P[ix.weakFeatureWeight]) / (2 * activationPower(P) - 2);
    const points = zeroContour(wenLi, slice, f);
    if (points.length < 2) continue;
    out.push({
      id: `theta-c-${r}`,
      label: off ? `θ${r === 1 ? '₁' : '₂'} = θ_c = arctan((λ₀/λ₁)^{1/(2q−2)})` : `θ_c without predictor (neuron ${r})`,
      kind: off ? 'boundary' : 'reference',
      source: 'closed form, wen-li.md "Closed form without predictor" (reconstruction)',
      points,
    });
  }
  return out;
}

/**
 * Without the predictor each neuron sits at 0 (stable), θ_c (unstable) or π/2 (stable). With it,
 * the two full states keep E = 0 and attract (dE₁₂/dt = −η_E λ E₁₂ near them); the partial state
 * has no closed form.
 */
function fixedPoints(P: ParamVector): Array<{ label: string; state: number[]; stable: boolean }> {
  const half = Math.PI / 2;
  if (P[ix.predictor] === kPredictorOn) {
    return [
      { label: 'full (neuron 1 strong, neuron 2 weak)', state: [0, half, 0, 0], stable: true },
      { label: 'full (neuron 1 weak, neuron 2 strong)', state: [half, 0, 0, 0], stable: true },
    ];
  }
  const thetaC = criticalAngle(P[ix.strongFeatureWeight], P[ix.weakFeatureWeight], activationPower(P));
  const ends = [
    { v: 0, name: 'strong', stable: true },
    { v: thetaC, name: 'θ_c', stable: false },
    { v: half, name: 'weak', stable: true },
  ];
  return ends.flatMap((a) =>
    ends.map((b) => ({ label: `neuron 1 ${a.name}, neuron 2 ${b.name}`, state: [a.v, b.v, 0, 0], stable: a.stable && b.stable })),
  );
}

const pw = (q: 2 | 3, predictor: 'on' | 'off') => ({ strongFeatureWeight: 0.4, activationPower: `q${q}`, predictor, predictorLr: 1 });
const axes = {
  x: { param: 'weakFeatureWeight', min: 0.05, max: 0.45, n: 128 },
  y: { param: 'theta2', min: 0.56, max: 1.5, n: 128 },
};
// Classes settle by T = 250 on these axes at dt = 0.5 (checked in f64 against dt = 0.1, T = 4000 on 32×32);
// T = 1000 leaves room for cells closer to θ_c, where the saddle delays the escape logarithmically.
// Dormand–Prince at rtol 1e-5 with early exit: the fewest step attempts at classes equal to the rk4
// dt = 0.5 fixed-horizon run on all four presets at 64² (0 differing cells).
const run = { method: 'dp5', dt: 0.5, tEnd: 1000, rtol: 1e-5 };
const fixedHorizon = { method: 'rk4', dt: 0.5 };

const presets: readonly Preset[] = [
  {
    id: 'pw1-predictor',
    title: 'PW1 · the predictor rescues the weak feature (q = 2)',
    caption:
      'Reconstruction: with the trained predictor most cells below θ_c(λ₁) learn both features (full) or part of the weak one (partial).',
    spec: { params: pw(2, 'on'), initial: { theta1: 0.55 }, ...axes, integrator: run },
    fixedHorizon,
  },
  {
    id: 'pw1-no-predictor',
    title: 'PW1 · without the predictor (q = 2)',
    caption:
      'Reconstruction: E ≡ I, neuron 2 ends on the weak feature iff θ₂ > θ_c = arctan((λ₀/λ₁)^{1/2}); below, both neurons hold the strong one.',
    spec: { params: pw(2, 'off'), initial: { theta1: 0.55 }, ...axes, integrator: run },
    fixedHorizon,
  },
  {
    id: 'pw2-predictor',
    title: 'PW2 · sharper activation (q = 3)',
    caption:
      'Reconstruction: at q = 3 the predictor leaves a partial state (weak feature partly represented) wherever it does not reach full.',
    spec: { params: pw(3, 'on'), initial: { theta1: 0.55 }, ...axes, integrator: run },
    fixedHorizon,
  },
  {
    id: 'pw2-no-predictor',
    title: 'PW2 · without the predictor (q = 3)',
    caption: 'Reconstruction: E ≡ I at q = 3, boundary θ_c = arctan((λ₀/λ₁)^{1/4}).',
    spec: { params: pw(3, 'off'), initial: { theta1: 0.55 }, ...axes, integrator: run },
    fixedHorizon,
  },
];

export const wenLi: Model = {
  id: 'wen-li',
  title: 'Wen & Li 2022 — prediction head, strong and weak features (reconstruction)',
  citation: {
    authors: 'Z. Wen, Y. Li',
    title: 'The Mechanism of Prediction Head in Non-contrastive Self-supervised Learning',
    venue: 'NeurIPS 2022',
    arxiv: '2205.06226',
  },
  status: 'reconstruction',
  note: "Reconstruction: the gradient flow of a loss built for this spec from the paper's ingredients (identity predictor with trained off-diagonals, normalised stop-gradient target, polynomial activation); not the paper's theorem setting or constants.",
  version: 1,
  wgsl,
  state: [
    { id: 'phi1', symbol: 'φ₁', label: 'angle of neuron 1 from the strong feature' },
    { id: 'phi2', symbol: 'φ₂', label: 'angle of neuron 2 from the strong feature' },
    { id: 'e12', symbol: 'E₁₂', label: 'predictor entry E₁₂ (spec E01)' },
    { id: 'e21', symbol: 'E₂₁', label: 'predictor entry E₂₁ (spec E10)' },
  ],
  params,
  readouts: [
    { id: 'weakCoverage', symbol: '‖h_w‖/‖h_s‖', label: 'weak coverage ‖h_.w‖/‖h_.s‖', units: '' },
    { id: 'a1Strong', symbol: 'a₁ₛ', label: 'final alignment of neuron 1 with the strong feature', units: '' },
    { id: 'a1Weak', symbol: 'a₁w', label: 'final alignment of neuron 1 with the weak feature', units: '' },
    { id: 'a2Strong', symbol: 'a₂ₛ', label: 'final alignment of neuron 2 with the strong feature', units: '' },
    { id: 'a2Weak', symbol: 'a₂w', label: 'final alignment of neuron 2 with the weak feature', units: '' },
  ],
  classes: ['collapsed', 'partial', 'full', 'diverged'],
  divergenceBound: 1e6,
  defaults: { dt: 0.5, tEnd: 1000 },
  flopsPerRhs: 89, // counted in shaders/models/wen-li.wgsl rhs (sin, cos, sqrt, max as one each)

  initialState(P) {
    return Float64Array.of(P[ix.theta1], P[ix.theta2], 0, 0);
  },

  rhs(y, P, out) {
    const q = activationPower(P);
    const l0 = P[ix.strongFeatureWeight];
    const l1 = P[ix.weakFeatureWeight];
    // Alignments (neuron r, feature s|w) and h = max(a, 0)^q; scalar code, no allocation per call.
    const c1 = Math.cos(y[0]),
      s1 = Math.sin(y[0]),
      c2 = Math.cos(y[1]),
      s2 = Math.sin(y[1]);
    const p1s = power(c1, q),
      p1w = power(s1, q),
      p2s = power(c2, q),
      p2w = power(s2, q);
    const h1s = p1s * c1,
      h1w = p1w * s1,
      h2s = p2s * c2,
      h2w = p2w * s2;
    // Normalised stop-gradient target u = h/N, N² = Σ_j λ_j ‖h_.j‖².
    const invN = 1 / Math.max(Math.sqrt(l0 * (h1s * h1s + h2s * h2s) + l1 * (h1w * h1w + h2w * h2w)), kMinNorm);
    const e12 = y[2];
    const e21 = y[3];
    // Residuals e_.j = E h_.j − u_.j, E = I + [[0, E₁₂], [E₂₁, 0]].
    const r1s = h1s + e12 * h2s - invN * h1s,
      r1w = h1w + e12 * h2w - invN * h1w;
    const r2s = e21 * h1s + h2s - invN * h2s,
      r2w = e21 * h1w + h2w - invN * h2w;
    // g_rj = λ_j q (Eᵀ e_.j)_r a_rj^{q−1}; dφ = sin φ g_s − cos φ g_w (Riemannian flow on the circle).
    const g1s = q * l0 * (r1s + e21 * r2s) * p1s,
      g1w = q * l1 * (r1w + e21 * r2w) * p1w;
    const g2s = q * l0 * (e12 * r1s + r2s) * p2s,
      g2w = q * l1 * (e12 * r1w + r2w) * p2w;
    out[0] = s1 * g1s - c1 * g1w;
    out[1] = s2 * g2s - c2 * g2w;
    const etaE = P[ix.predictor] === kPredictorOn ? -P[ix.predictorLr] : 0;
    out[2] = etaE * (l0 * r1s * h2s + l1 * r1w * h2w);
    out[3] = etaE * (l0 * r2s * h1s + l1 * r2w * h1w);
  },

  classify(y, _dy, P) {
    const A = [Math.cos(y[0]), Math.sin(y[0]), Math.cos(y[1]), Math.sin(y[1])];
    if ((A[0] > kHeld && A[3] > kHeld) || (A[1] > kHeld && A[2] > kHeld)) return 'full';
    return this.isCollapsed(y, P) ? 'collapsed' : 'partial';
  },

  isCollapsed(y, P) {
    const [weak, strong] = columns(y, P);
    return weak < kCollapsedCoverage * kCollapsedCoverage * strong;
  },

  readout(y, P, out) {
    const [weak, strong] = columns(y, P);
    out[0] = Math.sqrt(weak) / Math.max(Math.sqrt(strong), 1e-30);
    out[1] = Math.cos(y[0]);
    out[2] = Math.sin(y[0]);
    out[3] = Math.cos(y[1]);
    out[4] = Math.sin(y[1]);
  },

  overlays,
  predictClass,
  fixedPoints,
  presets,
  settle: {
    description:
      'Without the predictor each neuron follows its own 1-D flow to 0 or π/2 (the side of θ_c decides which); a cell stops once ' +
      'both angles are within 1e-5 of their ends (class, alignments, coverage and collapse time final), and continues before ' +
      'that: at the strong end the state goes to the origin of the angle chart, where the generic scaled rate never falls under ' +
      'tol, and a cell starting on θ_c would pass the generic test at t = 0. Both neurons on the weak feature (coverage grows ' +
      'without bound) and every cell with the predictor use the generic test: their end states have ‖y‖ of order one.',
    verdict,
  },
};
