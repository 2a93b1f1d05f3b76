/**
 * Halvagal, Laborieux & Zenke (NeurIPS 2023), "Implicit variance regularization in non-contrastive
 * SSL": M eigenmodes of a linear SimSiam/BYOL net under the Euclidean, cosine and IsoLoss losses. A
 * RECONSTRUCTION from the authors' toy code (halvagal-isoloss.md §0). This file is the family and its
 * presets; the schema and f64 flow are in halvagal-isoloss-flow.ts, the closed forms in
 * halvagal-isoloss-closed-form.ts, the f32 twin in shaders/models/halvagal-isoloss.wgsl.
 *
 * `modes` (M), `target`, `cosineExpectation` and the Gaussian initial spectrum (its seed and N) are
 * structural: `instantiate` returns the concrete model for them, with `kModes`, `kEmaTarget`, `kHvExact`,
 * `kHvGaussian` and the drawn unit spectrum prepended to the WGSL, and the exact quadrature (or a stub
 * that is never called, so that the other kernels do not carry it) appended.
 */
import wgslBody from '../../shaders/models/halvagal-isoloss.wgsl?raw';
import exactWgsl from '../../shaders/models/halvagal-isoloss-exact.wgsl?raw';
import type { Metric, Model, ParamVector, Preset, StateVar } from './types.js';
import {
  blownUp,
  COSINE_EXPECTATIONS,
  collapsedModes,
  flow,
  initialState,
  isGaussianSpectrum,
  ix,
  params,
  readout,
  isCosine,
  settleVerdict,
  TARGETS,
  unitSpectrum,
} from './halvagal-isoloss-flow.js';
import { fixedPoints, overlays, predictClass } from './halvagal-isoloss-closed-form.js';
import { exactQuadratureWgslConstants } from './halvagal-isoloss-exact.js';
import { trainingStep } from './halvagal-isoloss-map.js';

const n = 128;
// H1–H4 run Dormand–Prince at rtol 1e-5 with early exit: at 64² the same classes as their rk4
// fixed-horizon runs (fixedHorizon) with 4–21× fewer step attempts than their own rk4 with early exit; reach times within 0.35 flow time
// (≤ 1.6 % relative) of the fixed step's, which itself resolves them only to its dt.

/**
 * One of the paper's eigenvalue figures (§4): a Gaussian init trained by 1500 steps at η = 0.01 (SimSiam
 * target), on a small (s₀, wd) slice with the inspector opened on the figure's cell s₀ = 1/4, wd = 0.
 * Fixed horizon (settle: false): the figures run every step, and the early exit would cut the curves.
 */
function trajectoryPreset(
  id: string,
  title: string,
  caption: string,
  params: Record<string, number | string>,
  init: { inputDim: number; initSeed: number },
): Preset {
  return {
    id,
    title,
    caption,
    spec: {
      params: { target: 'simsiam', learningRate: 0.01, ...params },
      initial: { initialSpectrum: 'gaussian', ...init },
      x: { param: 'initScale', min: 0.1, max: 1, n: 32, scale: 'log' },
      y: { param: 'weightDecay', min: 0, max: 0.02, n: 32, scale: 'linear' },
      integrator: { method: 'map', tEnd: 1500 },
      settle: false,
    },
    inspect: { x: 0.25, y: 0 },
  };
}

const presets: readonly Preset[] = [
  {
    id: 'weight-decay-euclidean',
    title: 'H1 · (wd, λ₀) phase map, Euclidean',
    caption:
      'Reconstruction: a mode collapses below λ₀ = λ₋(wd) and at any λ₀ beyond wd = s21²/(4 s11) = 1/4 (modes = 2, ρ₀ = 4 adds a partial band).',
    spec: {
      params: { modes: 1, loss: 'euclidean', target: 'simsiam' },
      x: { param: 'weightDecay', min: 0, max: 0.3, n, scale: 'linear' },
      y: { param: 'lambda0', min: 0.005, max: 0.5, n, scale: 'log' },
      integrator: { method: 'dp5', dt: 0.25, tEnd: 250, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.25 },
  },
  {
    id: 'weight-decay-isoloss',
    title: 'H2 · (wd, λ₀) phase map, IsoLoss',
    caption: 'Reconstruction: IsoLoss-Euclidean has no λ₀ threshold; every mode goes to s21 − wd and collapses only beyond wd = s21.',
    spec: {
      params: { modes: 1, loss: 'isoloss-euclidean', target: 'simsiam' },
      x: { param: 'weightDecay', min: 0, max: 1.2, n, scale: 'linear' },
      y: { param: 'lambda0', min: 0.005, max: 0.5, n, scale: 'log' },
      integrator: { method: 'dp5', dt: 0.25, tEnd: 250, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.25 },
  },
  {
    id: 'reach-time-alpha',
    title: 'H3 · time to 0.9 λ* over (λ₀, α)',
    caption: 'Reconstruction: metric reach0 is E12, ≈ 1/(2αηλ₀) for the Euclidean loss; set loss = isoloss-euclidean for ln(1/λ₀)/r.',
    spec: {
      params: { modes: 1, loss: 'euclidean', target: 'simsiam' },
      x: { param: 'lambda0', min: 0.002, max: 0.5, n, scale: 'log' },
      y: { param: 'predictorExponent', min: 0.25, max: 2, n, scale: 'linear' },
      integrator: { method: 'dp5', dt: 0.05, tEnd: 1200, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.05 },
  },
  {
    id: 'reach-time-ema',
    title: 'H4 · time to 0.9 λ* over (τ_ema, λ₀)',
    caption: 'Reconstruction: an EMA target slows recruitment (metric reach0), more for the Euclidean loss than for IsoLoss.',
    spec: {
      params: { modes: 1, loss: 'euclidean', target: 'ema' },
      x: { param: 'emaTime', min: 0.1, max: 100, n, scale: 'log' },
      y: { param: 'lambda0', min: 0.01, max: 0.5, n, scale: 'log' },
      integrator: { method: 'dp5', dt: 0.05, tEnd: 1000, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.05 },
  },
  {
    id: 'spectrum-cosine',
    title: 'H5 · cosine spectrum over (λ₀, ρ₀)',
    caption:
      'Reconstruction, mean-field closure (A4): eight modes under the cosine loss end isotropic at the mean of f₀ (effectiveRank → 8), the slow ones late; cosineExpectation = exact gives the toy’s times (~10³× the cost a step).',
    spec: {
      // Mean-field: the exact closure's full 128² frame takes tens of minutes on a CPU Vulkan (bench).
      params: { modes: 8, loss: 'cosine', target: 'simsiam', learningRate: 0.1, cosineExpectation: 'mean-field' },
      x: { param: 'lambda0', min: 0.01, max: 1, n, scale: 'log' },
      y: { param: 'lambda0Ratio', min: 1, max: 100, n, scale: 'log' },
      // Tsit5 at rtol 1e-5: classes equal to the rk4 dt = 0.1 fixed-horizon run at 32², 64× fewer step attempts.
      integrator: { method: 'tsit5', dt: 0.1, tEnd: 2000, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.1 },
  },
  {
    id: 'training-step-cosine-floor',
    title: 'H6 · training step: the cosine + wd floor over (wd, η)',
    caption:
      'Reconstruction, training step (map, 3000 steps), mean-field closure: the flow collapses at any wd > 0, the step stops on a floor λ ∝ η/M once tr F is small (§8.2); exact closure: the toy’s floor 0.015–0.018 at η = 0.1.',
    spec: {
      params: { modes: 4, loss: 'cosine', target: 'simsiam', cosineExpectation: 'mean-field' },
      initial: { lambda0: 0.01, lambda0Ratio: 50 },
      x: { param: 'weightDecay', min: 0, max: 0.1, n, scale: 'linear' },
      y: { param: 'learningRate', min: 0.003, max: 0.3, n, scale: 'log' },
      integrator: { method: 'map', tEnd: 3000 },
    },
  },
  {
    id: 'fig2-training-step',
    title: 'H7 · Fig. 2 init, training step over (wd, s₀)',
    caption:
      'Reconstruction, training step (map, 1500 steps at η = 0.01, Euclidean): the paper’s Gaussian init W0 = s₀·randn(10, 15) (one seeded draw), partial collapse where its small modes fall below λ₋(wd).',
    spec: {
      params: { modes: 10, loss: 'euclidean', target: 'simsiam', learningRate: 0.01 },
      initial: { initialSpectrum: 'gaussian', inputDim: 15, initSeed: 2 },
      x: { param: 'weightDecay', min: 0, max: 0.3, n, scale: 'linear' },
      y: { param: 'initScale', min: 0.05, max: 1, n, scale: 'log' },
      integrator: { method: 'map', tEnd: 1500 },
    },
  },
  // Trajectory presets (inspect): the paper's figures are eigenvalue trajectories of one init; the
  // slice around it is small and the explorer opens the inspector on the figure's own cell.
  trajectoryPreset(
    'fig2-trajectory',
    'H8 · Fig. 2 trajectory: ten eigenvalues, Euclidean training step',
    'Reconstruction, training step (map, 1500 steps at η = 0.01, Euclidean): W0 = randn(10, 15)/4 (one seeded draw), all ten λ_m rise to 1, the small ones last; the inspector opens on s₀ = 0.25, wd = 0.',
    { modes: 10, loss: 'euclidean' },
    { inputDim: 15, initSeed: 2 },
  ),
  trajectoryPreset(
    'fig5-euclidean',
    'H9 · Fig. 5 trajectory: two eigenvalues, Euclidean training step',
    'Reconstruction, training step (map, 1500 steps at η = 0.01, Euclidean), W0 = s₀·randn(2, 6): both λ_m go to 1 whatever the init scale; the inspector opens on s₀ = 0.25 (the figure’s W0; 0.5 is its 2·W0).',
    { modes: 2, loss: 'euclidean' },
    { inputDim: 6, initSeed: 5 },
  ),
  trajectoryPreset(
    'fig5-cosine',
    'H10 · Fig. 5 trajectory: two eigenvalues, cosine training step',
    'Reconstruction, training step (map, 1500 steps at η = 0.01, cosine, mean-field closure), W0 = s₀·randn(2, 6): Σ f_m is conserved, both λ_m meet at the mean of f₀ (isotropy), so the end value scales with s₀²; the inspector opens on s₀ = 0.25.',
    { modes: 2, loss: 'cosine', cosineExpectation: 'mean-field' },
    { inputDim: 6, initSeed: 5 },
  ),
];

const modesOf = (P: ParamVector) => P[ix.modes];
const emaOf = (P: ParamVector) => TARGETS[P[ix.target]] === 'ema';

/** The structural values a concrete model is built for. */
interface Variant {
  M: number;
  ema: boolean;
  exact: boolean;
  /** The unit-scale Gaussian initial spectrum, or undefined for the log-spaced one. */
  spectrum?: Float64Array;
}

/** Stands in for halvagal-isoloss-exact.wgsl in a mean-field kernel: same names, never called (kHvExact is false). */
const exactStub = `alias ModeArray = array<f32, kModes>;
struct CosineTerms {
  t1: ModeArray,
  t2: ModeArray,
}
fn cosineExpectations(u: ModeArray, v: ModeArray, lambda: ModeArray, s11: f32, s21: f32, s22: f32) -> CosineTerms {
  var none: CosineTerms;
  return none;
}`;

function variantWgsl({ M, ema, exact, spectrum }: Variant): string {
  const unit = spectrum ? Array.from(spectrum, (e) => e.toPrecision(9)) : Array<string>(M).fill('1.0');
  return [
    `const kModes = ${M}u;`,
    `const kEmaTarget = ${ema};`,
    `const kHvExact = ${exact};`,
    `const kHvGaussian = ${spectrum !== undefined};`,
    `var<private> hvUnitSpectrum: array<f32, ${M}> = array<f32, ${M}>(${unit.join(', ')});`,
    exact ? exactQuadratureWgslConstants() : '',
    '',
    wgslBody,
    exact ? exactWgsl : exactStub,
  ].join('\n');
}

/** The concrete model for one variant. */
function sized(variant: Variant): Model {
  const { M, ema } = variant;
  if (!Number.isInteger(M) || M < 1 || M > 64) throw new Error(`halvagal-isoloss: modes must be a whole number in [1, 64] (got ${M})`);
  const block = (prefix: string, symbol: string, label: string): StateVar[] =>
    Array.from({ length: M }, (_, m) => ({ id: `${prefix}${m}`, symbol: `${symbol}${m}`, label: `${label} of mode ${m}` }));
  const state = [
    ...block('logU', 'ℓ', 'log online std ln u'),
    ...block('clock', 'c', 'time spent below 0.9 λ* (−1: started at or above)'),
    ...(ema ? block('logV', 'ℓ_v', 'log target std ln |v|') : []),
    ...(ema ? block('signV', 'σ', 'sign of v/u (+1 on the flow; a training step can flip it)') : []),
    { id: 'reachLog', symbol: 'ℓ*', label: 'ln u at 0.9 λ* (constant)' },
  ];
  const perMode = (prefix: string, symbol: string, label: string, units: string, missing?: number): Metric[] =>
    Array.from({ length: M }, (_, m) => ({
      id: `${prefix}${m}`,
      symbol: `${symbol}${m}`,
      label: `${label} of mode ${m}`,
      units,
      ...(missing === undefined ? {} : { missing }),
    }));
  const readouts: Metric[] = [
    ...perMode('reach', 't₀.₉,', 'time to first reach 0.9 λ* (−1: started above or not reached)', 'flow time', -1),
    ...perMode('eigen', 'λ', 'final eigenvalue', ''),
    {
      id: 'reachSpread',
      symbol: 't_max/t_min',
      label: 'slowest/fastest reach time (−1 unless every mode starting below reached)',
      units: '',
      missing: -1,
    },
    { id: 'effectiveRank', symbol: 'r_eff', label: 'effective rank exp(−Σ p ln p), p = λ/Σλ', units: 'modes' },
    { id: 'lambdaRef', symbol: 'λ*', label: 'reference eigenvalue λ* of the reach times', units: '' },
  ];
  return {
    id: 'halvagal-isoloss',
    variant: `modes=${M},target=${ema ? 'ema' : 'simsiam'},cosineExpectation=${variant.exact ? 'exact' : 'mean-field'}${variant.spectrum ? ',spectrum=gaussian' : ''}`,
    title: 'Halvagal et al. 2023 — Euclidean, cosine and IsoLoss eigenmodes (reconstruction)',
    citation: {
      authors: 'M. S. Halvagal, A. Laborieux, F. Zenke',
      title: 'Implicit variance regularization in non-contrastive SSL',
      venue: 'NeurIPS 2023',
      arxiv: '2212.04858',
    },
    status: 'reconstruction',
    note: "Reconstruction from the authors' toy code (paper text unavailable): every loss exact in expectation (cosine: X7/X8, or the mean-field closure A4 when chosen), as a flow (small-step limit) or as the training step itself (integrator map); weight-decay thresholds derived, not the paper's.",
    // 2: cosine norms and the EMA drive in log space, the SimSiam cosine drift dropped once isotropic or
    // collapsed under wd, clocks −1 for modes starting above 0.9 λ*, λ > 1e6 classified diverged.
    // 3: cosineExpectation (exact X7/X8 by default), the training-step map, the EMA target's sign block.
    version: 3,
    wgsl: variantWgsl(variant),
    state,
    params,
    readouts,
    classes: ['collapsed', 'partial', 'non-collapsed', 'diverged'],
    // Covers the clocks (≤ tEnd) and the log-stds; a numerical blow-up overflows λ = e^{2αℓ} within a
    // step or two in f32 and trips it, while f64 holds it in ln u: classify and the settle rule catch
    // λ > kDivergedLambda = 1e6 (§6) themselves (the ODEs never blow up).
    divergenceBound: 1e6,
    defaults: { dt: 0.05, tEnd: 400 },
    flopsPerRhs: 16 * M + 12, // Euclidean path of rhs: per mode 2 exp (as 1 each), ~10 mul/add, clock compare
    initialState: (P) => initialState(P, M, ema),
    rhs: (y, P, out) => flow(y, P, M, ema, out),
    map: {
      description: 'one step of full-batch gradient descent on the expected loss, at learning rate η (the toy’s own step, §8.2)',
      stepSize: 'learningRate',
      defaultSteps: 1500,
      step: (y, P, out) => trainingStep(y, P, M, ema, out),
    },
    series: [
      {
        id: 'eigenvalues',
        symbol: 'λ',
        label: 'eigenvalue λ_m = e^{2αℓ_m} of each mode',
        logY: true,
        count: () => M,
        values: (y, P, out) => {
          const alpha = P[ix.predictorExponent];
          for (let m = 0; m < M; m++) out[m] = Math.exp(2 * alpha * y[m]);
        },
      },
    ],
    classify(y, _dy, P) {
      if (blownUp(y, P, M)) return 'diverged';
      const low = collapsedModes(y, P, M);
      return low === M ? 'collapsed' : low > 0 ? 'partial' : 'non-collapsed';
    },
    isCollapsed: (y, P) => collapsedModes(y, P, M) === M,
    readout: (y, P, out) => readout(y, P, M, out),
    // The closed forms read M and the target from the values, so the family answers for any variant.
    overlays: (slice) => overlays(slice, modesOf(slice.values)),
    predictClass: (P) => predictClass(P, modesOf(P)),
    fixedPoints: (P) => fixedPoints(P, modesOf(P), emaOf(P)),
    presets,
    instantiate,
    preview: () =>
      variant.exact
        ? { params: { cosineExpectation: 'mean-field' }, label: 'mean-field closure A4 for speed; the full grid runs the exact one' }
        : undefined,
    settle: {
      description:
        'Model rule, never the generic test: the state carries reach clocks (rate 1 below 0.9 λ*, values growing like t) and ' +
        'collapsed modes fall at a constant rate in ln u, so the scaled rate neither falls under tol nor means convergence. A cell ' +
        'stops once every mode is done: at or above 0.9 λ* and quiet (|d ln u/dt| ≤ 1e-6 η, or 1e-6 η/(Np Nz) for cosine; EMA ' +
        'targets too), so reach times are recorded and final λ decided; or, below 0.9 λ*, provably collapsing (λ < 1e-6 with ' +
        'd ln u/dt < 0 on all of [0, λ], exact for the SimSiam Euclidean, IsoLoss and no-stop-grad flows, one mode at a time). ' +
        'Cosine and EMA modes below 0.9 λ* keep the cell running (coupled or two-dimensional: no such proof), except that a ' +
        'SimSiam cosine cell stops once every λ < 1e-3 (max λ never rises: its drift is ≤ 0 at λ ≥ λ̄). A blown-up state ' +
        '(some λ > 1e6) stops and is classified diverged.',
      verdict: (y, dy, P) => settleVerdict(y, dy, P, M, ema),
    },
  };
}

const cache = new Map<string, Model>();

/** The concrete model for the structural values in P (memoised: one object, one kernel per variant). */
function instantiate(P: ParamVector): Model {
  const M = modesOf(P);
  const variant: Variant = {
    M,
    ema: emaOf(P),
    // Only a cosine loss reads the closure (a choice, never an axis, so fixed across the sweep).
    exact: COSINE_EXPECTATIONS[P[ix.cosineExpectation]] === 'exact' && isCosine(P),
    spectrum: isGaussianSpectrum(P) ? unitSpectrum(P, M) : undefined,
  };
  const key = `${M}/${variant.ema}/${variant.exact}/${variant.spectrum ? `${P[ix.initSeed]}/${P[ix.inputDim]}` : 'log'}`;
  let model = cache.get(key);
  if (!model) {
    model = sized(variant);
    cache.set(key, model);
  }
  return model;
}

/** The family as registered: the concrete model at the defaults (4 modes, SimSiam target, log-spaced spectrum). */
export const halvagalIsoloss: Model = sized({ M: 4, ema: false, exact: false });
cache.set('4/false/false/log', halvagalIsoloss);
