/**
 * Ziyin, Lubana, Ueda & Tanaka (ICLR 2023), "What shapes the loss landscape of self-supervised
 * learning?": a RECONSTRUCTION built for shared/science/ziyin-landscape.md (the paper's text was
 * unavailable). The linear model's flow decouples per eigendirection, dw_i/dt = 2 m_i w_i − Q_i w_i³
 * with m_i = a_i − κ s − γ/2 and Q_i = (a_i + s)²; direction i is learned iff m_i > 0.
 *
 * Four directions, fixed (State = vec4): data variances a_i = a·(1, a₂/a₁, a₃/a₁, a₄/a₁), one
 * augmentation variance s shared by all of them, and `directions` saying how many are present (P1 and
 * P2 use one, P3 the spectrum a = [1, .6, .3, .1]). Absent directions start and stay at w = 0.
 * f64 twin of shaders/models/ziyin-landscape.wgsl.
 */
import wgsl from '../../shaders/models/ziyin-landscape.wgsl?raw';
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

const DIRECTIONS = ['one', 'two', 'three', 'four'] as const;
export const kDirections = DIRECTIONS.length;

const params = [
  num(
    'dataVariance',
    'a',
    'data variance',
    'Variance a₁ of the data along the leading direction; the others are a·(a_i/a₁).',
    'param',
    1,
    0,
    2,
  ),
  num('augmentation', 's', 'augmentation variance', 'Variance of the augmentation noise, shared by every direction.', 'param', 0.2, 0, 10),
  num('weightDecay', 'γ', 'weight decay', 'Penalty (γ/2)‖W‖²_F.', 'param', 0, 0, 3),
  num(
    'invariance',
    'κ',
    'invariance weight',
    'Weight of the alignment term; 0 for InfoNCE-like and spectral losses, 1/2 for distance InfoNCE with clean negatives, > 0 for an explicit invariance term.',
    'param',
    1,
    0,
    2,
  ),
  num('ratio2', 'a₂/a₁', 'variance ratio of direction 2', 'Data variance of direction 2 relative to direction 1.', 'param', 0.6, 0, 2),
  num('ratio3', 'a₃/a₁', 'variance ratio of direction 3', 'Data variance of direction 3 relative to direction 1.', 'param', 0.3, 0, 2),
  num('ratio4', 'a₄/a₁', 'variance ratio of direction 4', 'Data variance of direction 4 relative to direction 1.', 'param', 0.1, 0, 2),
  {
    kind: 'choice',
    id: 'directions',
    symbol: 'd',
    label: 'directions present',
    role: 'param',
    options: DIRECTIONS,
    default: 'four',
    description: 'How many of the four directions the data has (the first ones); absent directions stay at w = 0.',
  },
  num(
    'w0',
    'w₀',
    'initial weight',
    'w_i at t = 0 in every present direction (never 0: w = 0 is invariant).',
    'initial',
    1e-2,
    2e-3,
    3,
    'log',
  ),
] as const satisfies readonly Param[];
const ix = paramIndices(params);

// Shared with the WGSL (kZiyinSmallW2, kZiyinCollapsedW2, kZiyinSettledRel).
const kSmallW2 = 1e-4;
const kCollapsedW2 = 1e-6;
/** A learned direction is settled once |w² − 2m/Q| ≤ this · 2m/Q (its λ readout is final to this). */
export const kSettledRel = 1e-4;

const kRatio = [-1, ix.ratio2, ix.ratio3, ix.ratio4];
const present = (P: ParamVector) => P[ix.directions] + 1;
const variance = (P: ParamVector, i: number) => P[ix.dataVariance] * (i === 0 ? 1 : P[kRatio[i]]);

/** m_i = a_i − κ s − γ/2, the escape rate of w = 0 over 2 (spec "Decoupled per eigendirection"). */
export function growthRate(P: ParamVector, i: number): number {
  return variance(P, i) - (P[ix.invariance] * P[ix.augmentation] + 0.5 * P[ix.weightDecay]);
}

/** Q_i = (a_i + s)², the quartic coefficient. */
export function quartic(P: ParamVector, i: number): number {
  return (variance(P, i) + P[ix.augmentation]) ** 2;
}

/**
 * The settle rule (WGSL `settleVerdict`, term for term). Each direction is a 1-D gradient flow with a
 * closed-form end: m ≤ 0 → w decays to 0 (w·ẇ = 2m w² − Q w⁴ ≤ 0, so once w² < 1e-6 it is not
 * learned, its λ < 1e-6 only shrinks, and the collapse time, latched at every w² < 1e-6, is
 * recorded); m > 0 → w → w* with w*² = 2m/Q. So a cell is decided once every present direction is
 * either (m ≤ 0 and w² < 1e-6) or (m > 0 and |w² − 2m/Q| ≤ 1e-4 · 2m/Q): 'stop'. Otherwise
 * 'continue': the generic scaled-rate test is wrong here, because a collapsing direction decays
 * exponentially with a finite scaled rate 2|m| (it would never settle, or settle on the other
 * directions while this one is still above the collapse threshold), and near m = 0 the rate is tiny
 * from t = 0 (the generic test would stop a slowly escaping direction at once).
 */
function verdict(y: Float64Array, _dy: Float64Array, P: ParamVector): SettleVerdict {
  for (let i = 0; i < present(P); i++) {
    const m = growthRate(P, i);
    const w2 = y[i] * y[i];
    const target = (2 * m) / quartic(P, i);
    const done = m <= 0 ? w2 < kCollapsedW2 : Math.abs(w2 - target) <= kSettledRel * target;
    if (!done) return 'continue';
  }
  return 'stop';
}

function rank(y: Float64Array, dy: Float64Array, P: ParamVector): number {
  let r = 0;
  for (let i = 0; i < present(P); i++) if (y[i] * y[i] >= kSmallW2 || y[i] * dy[i] > 0) r++;
  return r;
}

/**
 * Rank = #{present i : m_i > 0}: rank 0 collapsed, every present direction learned non-collapsed,
 * anything between partial (dimensional collapse). Undecided where a learned point would sit below
 * the classification threshold (0 ≤ 2m/Q < 1e-4), a band far thinner than a grid cell.
 */
function predictClass(P: ParamVector): ClassId | undefined {
  let learned = 0;
  for (let i = 0; i < present(P); i++) {
    const m = growthRate(P, i);
    if (m >= 0 && 2 * m < kSmallW2 * quartic(P, i)) return undefined;
    if (m > 0) learned++;
  }
  return learned === 0 ? 'collapsed' : learned === present(P) ? 'non-collapsed' : 'partial';
}

/** m_i = 0 for every present direction whose m_i the slice moves: γ = 2(a_i − κs), a_i = κs + γ/2, … */
function overlays(slice: SliceContext): OverlayCurve[] {
  const out: OverlayCurve[] = [];
  for (let i = 0; i < present(slice.values); i++) {
    const points = zeroContour(ziyinLandscape, slice, (P) => growthRate(P, i));
    if (points.length < 2) continue;
    const ai = i === 0 ? 'a' : `a·a${'₂₃₄'[i - 1]}/a₁`;
    out.push({
      id: `direction-${i + 1}`,
      label: `direction ${i + 1}: ${ai} = κs + γ/2 (m = 0)`,
      kind: 'boundary',
      source: 'closed form, ziyin-landscape.md "Fixed points and closed-form collapse conditions" (reconstruction)',
      points,
    });
  }
  return out;
}

/** The origin, and the point with w_i = √(2m_i/Q_i) wherever m_i > 0 (0 elsewhere). */
function fixedPoints(P: ParamVector): Array<{ label: string; state: number[]; stable: boolean }> {
  const ms = Array.from({ length: present(P) }, (_, i) => growthRate(P, i));
  const hyperbolic = ms.every((m) => m !== 0);
  const origin = { label: 'complete collapse (origin)', state: [0, 0, 0, 0], stable: hyperbolic && ms.every((m) => m < 0) };
  if (!ms.some((m) => m > 0)) return [origin];
  const learned = [0, 1, 2, 3].map((i) => (i < ms.length && ms[i] > 0 ? Math.sqrt((2 * ms[i]) / quartic(P, i)) : 0));
  return [origin, { label: `learned (rank ${ms.filter((m) => m > 0).length})`, state: learned, stable: hyperbolic }];
}

// Classes are decided at once (see classify); T = 400 lets w* ~ √(2m/Q) settle for |m| ≳ 0.01.
// Tsit5 at rtol 1e-5 with early exit: the fewest step attempts at classes equal to the rk4 dt = 0.1
// fixed-horizon run on every preset at 64² (0 differing cells; λ readouts within 1e-4 relative, the rule's tolerance).
const run = { method: 'tsit5', dt: 0.1, tEnd: 400, rtol: 1e-5 };
const fixedHorizon = { method: 'rk4', dt: 0.1 };
const presets: readonly Preset[] = [
  {
    id: 'p1-augmentation-vs-weight-decay',
    title: 'P1 · augmentation against weight decay',
    caption: 'Reconstruction: one direction, a = 1, κ = 1; it collapses above the line γ = 2(a − κs).',
    spec: {
      params: { dataVariance: 1, invariance: 1, directions: 'one' },
      x: { param: 'augmentation', min: 0, max: 2, n: 128 },
      y: { param: 'weightDecay', min: 0, max: 2, n: 128 },
      integrator: run,
    },
    fixedHorizon,
  },
  {
    id: 'p2-augmentation-vs-variance',
    title: 'P2 · augmentation against data variance',
    caption: 'Reconstruction: one direction, γ = 0.2, κ = 1; learned iff the data variance beats the augmentation, a > κs + γ/2.',
    spec: {
      params: { weightDecay: 0.2, invariance: 1, directions: 'one' },
      x: { param: 'augmentation', min: 0, max: 2, n: 128 },
      y: { param: 'dataVariance', min: 0, max: 2, n: 128 },
      integrator: run,
    },
    fixedHorizon,
  },
  {
    id: 'p3-rank-staircase',
    title: 'P3 · rank staircase of a spectrum',
    caption:
      "Reconstruction: a = [1, .6, .3, .1], κ = 1; direction i is lost beyond γ = 2(a_i − s), so the rank steps down with γ (row s = 0.2 is the spec's).",
    spec: {
      params: { dataVariance: 1, ratio2: 0.6, ratio3: 0.3, ratio4: 0.1, invariance: 1, directions: 'four' },
      x: { param: 'weightDecay', min: 0, max: 2, n: 128 },
      y: { param: 'augmentation', min: 0, max: 1, n: 128 },
      integrator: run,
    },
    fixedHorizon,
  },
];

export const ziyinLandscape: Model = {
  id: 'ziyin-landscape',
  title: 'Ziyin et al. 2023 — per-direction SSL landscape (reconstruction)',
  citation: {
    authors: 'L. Ziyin, E. S. Lubana, M. Ueda, H. Tanaka',
    title: 'What shapes the loss landscape of self-supervised learning?',
    venue: 'ICLR 2023',
    arxiv: '2210.00638',
  },
  status: 'reconstruction',
  note: "Reconstruction: a linear model built for this spec from the abstract (the invariance weight κ is this spec's knob; the paper's constant is unknown); not the paper's equations.",
  version: 1,
  wgsl,
  state: [1, 2, 3, 4].map((i) => ({ id: `w${i}`, symbol: `w${'₁₂₃₄'[i - 1]}`, label: `weight along direction ${i}` })),
  params,
  readouts: [
    { id: 'rank', symbol: 'rank', label: 'number of learned directions', units: 'directions' },
    ...[1, 2, 3, 4].map((i) => ({
      id: `lambda${i}`,
      symbol: `λ${'₁₂₃₄'[i - 1]}`,
      label: `eigenvalue w² of WᵀW along direction ${i}`,
      units: '',
    })),
  ],
  classes: ['collapsed', 'partial', 'non-collapsed', 'diverged'],
  divergenceBound: 1e6,
  defaults: { dt: 0.1, tEnd: 400 },
  flopsPerRhs: 43, // counted in shaders/models/ziyin-landscape.wgsl rhs (10 per direction, 3 shared)

  initialState(P) {
    return Float64Array.from({ length: kDirections }, (_, i) => (i < present(P) ? P[ix.w0] : 0));
  },

  rhs(y, P, out) {
    const s = P[ix.augmentation];
    const shift = P[ix.invariance] * s + 0.5 * P[ix.weightDecay];
    for (let i = 0; i < kDirections; i++) {
      const a = variance(P, i);
      const c = a + s;
      out[i] = 2 * (a - shift) * y[i] - c * c * (y[i] * y[i] * y[i]);
    }
  },

  classify(y, dy, P) {
    const r = rank(y, dy, P);
    return r === 0 ? 'collapsed' : r === present(P) ? 'non-collapsed' : 'partial';
  },

  isCollapsed(y, P) {
    for (let i = 0; i < present(P); i++) if (y[i] * y[i] >= kCollapsedW2) return false;
    return true;
  },

  readout(y, P, out) {
    const dy = new Float64Array(kDirections);
    this.rhs(y, P, dy);
    out[0] = rank(y, dy, P);
    for (let i = 0; i < kDirections; i++) out[1 + i] = y[i] * y[i];
  },

  overlays,
  predictClass,
  fixedPoints,
  presets,
  settle: {
    description:
      'Closed-form end per direction (m_i = a_i − κs − γ/2): a cell stops once every present direction has either collapsed ' +
      '(m ≤ 0 and w² < 1e-6; from there w only decays, and the collapse time is already recorded) or reached its learned point ' +
      '(m > 0 and |w² − 2m/Q| ≤ 1e-4·2m/Q, so the λ readouts are final to 1e-4; ten times the rtol the presets use, so an adaptive step jittering at its tolerance still passes). Until then it continues: a collapsing ' +
      'direction decays exponentially at a finite scaled rate 2|m|, which the generic test would never call settled, and near ' +
      'm = 0 the rate is small from t = 0, which the generic test would stop at once.',
    verdict,
  },
};
