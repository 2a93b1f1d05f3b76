/**
 * Halvagal, Laborieux & Zenke (NeurIPS 2023), "Implicit variance regularization in non-contrastive
 * SSL": M eigenmodes of a linear SimSiam/BYOL net under the Euclidean, cosine and IsoLoss losses. A
 * RECONSTRUCTION from the authors' toy code (halvagal-isoloss.md §0). This file is the family and its
 * presets; the schema and f64 flow are in halvagal-isoloss-flow.ts, the closed forms in
 * halvagal-isoloss-closed-form.ts, the f32 twin in shaders/models/halvagal-isoloss.wgsl.
 *
 * `modes` (M) and `target` are structural: `instantiate` returns the concrete model for them, with
 * `const kModes = Mu;` and `const kEmaTarget = …;` prepended to the WGSL.
 */
import wgslBody from '../../shaders/models/halvagal-isoloss.wgsl?raw';
import type { Metric, Model, ParamVector, Preset, StateVar } from './types.js';
import { blownUp, collapsedModes, flow, initialState, ix, params, readout, settleVerdict, TARGETS } from './halvagal-isoloss-flow.js';
import { fixedPoints, overlays, predictClass } from './halvagal-isoloss-closed-form.js';

const n = 128;
// H1–H4 run Dormand–Prince at rtol 1e-5 with early exit: at 64² the same classes as their rk4
// fixed-horizon runs (fixedHorizon) with 4–21× fewer step attempts than their own rk4 with early exit; reach times within 0.35 flow time
// (≤ 1.6 % relative) of the fixed step's, which itself resolves them only to its dt.

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
    caption: 'Reconstruction: eight modes under the cosine loss end isotropic at the mean of f₀ (effectiveRank → 8), the slow ones late.',
    spec: {
      params: { modes: 8, loss: 'cosine', target: 'simsiam', learningRate: 0.1 },
      x: { param: 'lambda0', min: 0.01, max: 1, n, scale: 'log' },
      y: { param: 'lambda0Ratio', min: 1, max: 100, n, scale: 'log' },
      // Tsit5 at rtol 1e-5: classes equal to the rk4 dt = 0.1 fixed-horizon run at 32², 64× fewer step attempts.
      integrator: { method: 'tsit5', dt: 0.1, tEnd: 2000, rtol: 1e-5 },
    },
    fixedHorizon: { method: 'rk4', dt: 0.1 },
  },
];

const modesOf = (P: ParamVector) => P[ix.modes];
const emaOf = (P: ParamVector) => TARGETS[P[ix.target]] === 'ema';

/** The concrete model for M modes with or without an EMA target. */
function sized(M: number, ema: boolean): Model {
  if (!Number.isInteger(M) || M < 1 || M > 64) throw new Error(`halvagal-isoloss: modes must be a whole number in [1, 64] (got ${M})`);
  const block = (prefix: string, symbol: string, label: string): StateVar[] =>
    Array.from({ length: M }, (_, m) => ({ id: `${prefix}${m}`, symbol: `${symbol}${m}`, label: `${label} of mode ${m}` }));
  const state = [
    ...block('logU', 'ℓ', 'log online std ln u'),
    ...block('clock', 'c', 'time spent below 0.9 λ* (−1: started at or above)'),
    ...(ema ? block('logV', 'ℓ_v', 'log target std ln v') : []),
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
    variant: `modes=${M},target=${ema ? 'ema' : 'simsiam'}`,
    title: 'Halvagal et al. 2023 — Euclidean, cosine and IsoLoss eigenmodes (reconstruction)',
    citation: {
      authors: 'M. S. Halvagal, A. Laborieux, F. Zenke',
      title: 'Implicit variance regularization in non-contrastive SSL',
      venue: 'NeurIPS 2023',
      arxiv: '2212.04858',
    },
    status: 'reconstruction',
    note: "Reconstruction from the authors' toy code (paper text unavailable): Euclidean ODEs exact in expectation, cosine ones mean-field (qualitative only); weight-decay thresholds derived, not the paper's.",
    // 2: cosine norms and the EMA drive in log space, the SimSiam cosine drift dropped once isotropic or
    // collapsed under wd, clocks −1 for modes starting above 0.9 λ*, λ > 1e6 classified diverged.
    version: 2,
    wgsl: `const kModes = ${M}u;\nconst kEmaTarget = ${ema};\n\n${wgslBody}`,
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
  const ema = emaOf(P);
  const key = `${M}/${ema}`;
  let model = cache.get(key);
  if (!model) {
    model = sized(M, ema);
    cache.set(key, model);
  }
  return model;
}

/** The family as registered: the concrete model at the defaults (4 modes, SimSiam target). */
export const halvagalIsoloss: Model = sized(4, false);
cache.set('4/false', halvagalIsoloss);
