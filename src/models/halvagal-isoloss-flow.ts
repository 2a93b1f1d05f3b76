/**
 * Halvagal, Laborieux & Zenke (NeurIPS 2023), a RECONSTRUCTION (shared/science/halvagal-isoloss.md):
 * the parameter schema and the f64 per-eigenmode flow, the twin of shaders/models/halvagal-isoloss.wgsl
 * (keep the two term for term).
 *
 * State, for M modes (log-std form of §6: λ_m = 0 is unreachable, collapse is ℓ → −∞ linearly):
 *   [0, M)    ℓ_m = ln u_m, u_m = √f_m the online std of mode m, λ_m = u_m^{2α} = e^{2αℓ_m}
 *   [M, 2M)   c_m, a clock that runs while λ_m < 0.9 λ* (so c_m = the time mode m reached 0.9 λ*); −1,
 *             and stopped for good, for a mode that starts at or above 0.9 λ*: switched on from 0 as
 *             such a mode falls below (cosine with wd), the clock's jump met an error tolerance of
 *             atol alone, which f32 time cannot resolve (the cell went `stiff` there on the GPU)
 *   [2M, 3M)  ln |v_m|, the EMA target's std (only with target = ema)
 *   [3M, 4M)  σ_m = sign(v_m/u_m) (only with target = ema): +1 on the flow, which cannot carry u
 *             through zero; a training step (the map) can, and flips it, as the toy's step does
 *   last      ln u at which λ = 0.9 λ*, a constant carried in the state so that rhs need not recompute
 *             λ* (that made the WGSL step four times slower on SwiftShader)
 * Convention (§6 pitfall): W_P is built from F = W Wᵀ without s11, as the authors' code does.
 */
import { cosineCoefficients, newCosineCoefficients } from './halvagal-isoloss-cosine.js';
import { gaussianSpectrum } from './halvagal-isoloss-spectrum.js';
import { numberParam, paramIndices, type Param, type ParamVector, type SettleVerdict } from './types.js';

export const LOSSES = ['euclidean', 'cosine', 'isoloss-euclidean', 'isoloss-cosine', 'no-stop-grad'] as const;
export const TARGETS = ['simsiam', 'ema'] as const;
export const COSINE_EXPECTATIONS = ['mean-field', 'exact'] as const;
export const INITIAL_SPECTRA = ['log-spaced', 'gaussian'] as const;
export type Loss = (typeof LOSSES)[number];

/** Spec §6 classification thresholds: a mode with λ below this counts as collapsed. */
export const kCollapsedLambda = 1e-3;
/** The level whose first-passage time is the per-mode metric: 0.9 λ*. */
export const kReachFraction = 0.9;
/**
 * §6: the classification's blow-up level, "diverged: λ > 1e6 or NaN". The engine's divergence bound
 * acts on ln u (and the clocks), where λ = 1e6 is only ln u = 6.9/α, so the model tests λ itself
 * (classify and settleVerdict); no legitimate end state comes near (λ* ≤ s21/s11 ≤ 1e3).
 */
export const kDivergedLambda = 1e6;

const num = numberParam;

export const params = [
  num(
    'modes',
    'M',
    'modes',
    'Number of eigenmodes per cell (structural: fixed per sweep, sets the state size).',
    'param',
    4,
    1,
    64,
    'linear',
    { integer: true, structural: true },
  ),
  {
    kind: 'choice',
    id: 'loss',
    symbol: 'L',
    label: 'loss',
    role: 'param',
    default: 'euclidean',
    options: LOSSES,
    description:
      'euclidean (E5), cosine (X7 exact or E7 mean-field: see cosineExpectation), isoloss-euclidean (E6), isoloss-cosine (X8 or E8), no-stop-grad Euclidean (E10; ignores the target).',
  },
  {
    kind: 'choice',
    id: 'target',
    symbol: 'W_t',
    label: 'target network',
    role: 'param',
    default: 'simsiam',
    options: TARGETS,
    structural: true,
    description: 'simsiam: W_t = W with stop-grad; ema: dW_t/dt = (W − W_t)/τ_ema from W_t(0) = W(0) (structural: adds 2M states).',
  },
  {
    kind: 'choice',
    id: 'cosineExpectation',
    symbol: 'E',
    label: 'cosine expectation',
    role: 'param',
    default: 'exact',
    options: COSINE_EXPECTATIONS,
    structural: true,
    description:
      'Cosine losses only. exact: X7/X8 (§8.1), the expectation of the per-sample update, a 2-D quadrature per step (~10³× the flops); mean-field: E7/E8, the closure A4 (norms and dot products replaced by their mean values; times off by 10–40 %). Structural: only an exact kernel carries the quadrature.',
  },
  num(
    'learningRate',
    'η',
    'learning rate',
    'Learning rate; one unit of flow time is one GD step at this η (§1).',
    'param',
    1,
    0.001,
    10,
    'log',
  ),
  num(
    'predictorExponent',
    'α',
    'predictor exponent',
    'W_P = F^α, so λ_m = f_m^α (1 in the toy code, 0.5 = DirectPred).',
    'param',
    1,
    0.1,
    2,
    'linear',
  ),
  num('weightDecay', 'wd', 'weight decay', 'Adds −η·wd·W to the online update.', 'param', 0, 0, 2, 'linear'),
  num(
    'symmetryBreaking',
    'ε',
    'symmetry breaking (training step)',
    'Training step (integrator map) only: each step adds ε·(2m/(M−1) − 1) to ln u_m, standing for the toy’s sampling noise (a stable state shifts by ~ε/η in ln u; 0 turns it off). Without it an isotropic spectrum stays isotropic to the last bit, and the instability of §8.2 (the cosine + wd floor) never starts; any ε from 1e-9 (f64) to 1e-4 gives the same floor.',
    'param',
    1e-6,
    0,
    1e-3,
    'linear',
  ),
  num(
    'emaTime',
    'τ_ema',
    'EMA time constant',
    'Target EMA time constant in flow time (≈ 1/(1−β) steps); target = ema only.',
    'param',
    10,
    0.01,
    10000,
    'log',
  ),
  num('s11', 's11', 'view statistic s11', 'E[x1 x1ᵀ] = s11 I.', 'param', 1, 0.01, 10, 'linear'),
  num('s21', 's21', 'view statistic s21', 'E[x2 x1ᵀ] = s21 I.', 'param', 1, 0, 10, 'linear'),
  num(
    's22',
    's22',
    'view statistic s22',
    'E[x2 x2ᵀ] = s22 I (1 + σ² in the toy code; cosine and no-stop-grad only).',
    'param',
    1.01,
    0.01,
    10,
    'linear',
  ),
  num(
    'lambda0',
    'λ₀',
    'smallest initial eigenvalue',
    'Initial λ of mode 0; modes are log-spaced from λ₀ to ρ₀ λ₀.',
    'initial',
    0.01,
    1e-4,
    4,
    'log',
  ),
  num(
    'lambda0Ratio',
    'ρ₀',
    'initial eigenvalue ratio',
    'λ of the last mode over λ₀ at t = 0 (1: every mode starts equal).',
    'initial',
    50,
    1,
    10000,
    'log',
  ),
  {
    kind: 'choice',
    id: 'initialSpectrum',
    symbol: 'λ(0)',
    label: 'initial spectrum',
    role: 'initial',
    default: 'log-spaced',
    options: INITIAL_SPECTRA,
    structural: true,
    description:
      'log-spaced: λ₀ … ρ₀λ₀; gaussian: the spectrum of W0 = s₀·randn(M, N) drawn from the seed, as the paper’s figures start (§8.3; λ₀ and ρ₀ then unused).',
  },
  num(
    'initScale',
    's₀',
    'init scale',
    'Gaussian spectrum: W0 = s₀·randn(M, N), so f_m(0) = s₀² e_m (1/4 in the paper).',
    'initial',
    0.25,
    0.01,
    4,
    'log',
  ),
  num('inputDim', 'N', 'input dimension', 'Gaussian spectrum: columns of W0 (≥ M).', 'initial', 15, 1, 4096, 'linear', {
    integer: true,
    structural: true,
  }),
  num('initSeed', 'seed', 'init seed', 'Gaussian spectrum: the draw of randn(M, N).', 'initial', 2, 0, 1e9, 'linear', {
    integer: true,
    structural: true,
  }),
] as const satisfies readonly Param[];

/** Parameter indices by id: a misspelt id does not compile. */
export const ix = paramIndices(params);
const kCosine = LOSSES.indexOf('cosine');
const kIsoEuclidean = LOSSES.indexOf('isoloss-euclidean');
const kIsoCosine = LOSSES.indexOf('isoloss-cosine');
const kNoStopGrad = LOSSES.indexOf('no-stop-grad');

export const lossOf = (P: ParamVector): Loss => LOSSES[P[ix.loss]];
export const isCosine = (P: ParamVector) => P[ix.loss] === kCosine || P[ix.loss] === kIsoCosine;

const kGaussianSpectrum = INITIAL_SPECTRA.indexOf('gaussian');

export const isGaussianSpectrum = (P: ParamVector) => P[ix.initialSpectrum] === kGaussianSpectrum;

/** The unit-scale eigenvalues e_m of the cell's Gaussian initial spectrum (halvagal-isoloss-spectrum.ts). */
export const unitSpectrum = (P: ParamVector, M: number) => gaussianSpectrum(P[ix.initSeed], P[ix.inputDim], M);

/** λ_m(0) = λ₀ ρ₀^{m/(M−1)}, or (s₀² e_m)^α for a Gaussian initial spectrum. */
export function initialLambda(P: ParamVector, m: number, M: number): number {
  if (isGaussianSpectrum(P)) return (P[ix.initScale] ** 2 * unitSpectrum(P, M)[m]) ** P[ix.predictorExponent];
  return M === 1 ? P[ix.lambda0] : P[ix.lambda0] * P[ix.lambda0Ratio] ** (m / (M - 1));
}

/**
 * λ*, the level the reach times refer to (0.9 λ*) and the isotropic end value: s21/s11 (§3); with wd,
 * λ₊ (Euclidean) or (s21 − wd)/s11 (IsoLoss), falling back to s21/s11 where those do not exist; for the
 * cosine losses the value the conservation law picks, f* = mean f0 (cosine) or (mean f0^{1+α})^{1/(1+α)}
 * (IsoLoss-cosine), λ* = f*^α (exact only for SimSiam without wd, nominal otherwise).
 */
export function lambdaRef(P: ParamVector, M: number): number {
  const loss = P[ix.loss];
  const alpha = P[ix.predictorExponent];
  const wd = P[ix.weightDecay];
  const s11 = P[ix.s11];
  const s21 = P[ix.s21];
  if (loss === kCosine || loss === kIsoCosine) {
    const q = loss === kCosine ? 1 : 1 + alpha;
    let sum = 0;
    for (let m = 0; m < M; m++) sum += initialLambda(P, m, M) ** (q / alpha);
    return (sum / M) ** (alpha / q);
  }
  if (loss === kIsoEuclidean) return s21 - wd > 0 ? (s21 - wd) / s11 : s21 / s11;
  if (loss === kNoStopGrad) return s21 / s11;
  const disc = s21 * s21 - 4 * s11 * wd;
  return disc >= 0 ? (s21 + Math.sqrt(disc)) / (2 * s11) : s21 / s11;
}

/** ln u_m at which λ_m = 0.9 λ*. */
export const reachLog = (P: ParamVector, M: number) => Math.log(kReachFraction * lambdaRef(P, M)) / (2 * P[ix.predictorExponent]);

export const stateSize = (M: number, ema: boolean) => (ema ? 4 : 2) * M + 1;

export function initialState(P: ParamVector, M: number, ema: boolean): Float64Array {
  const y = new Float64Array(stateSize(M, ema));
  const logReach = reachLog(P, M);
  for (let m = 0; m < M; m++) {
    y[m] = Math.log(initialLambda(P, m, M)) / (2 * P[ix.predictorExponent]);
    y[M + m] = y[m] < logReach ? 0 : -1;
    if (ema) {
      y[2 * M + m] = y[m]; // W_t(0) = W(0), A3
      y[3 * M + m] = 1;
    }
  }
  y[y.length - 1] = logReach;
  return y;
}

const kCosineExact = COSINE_EXPECTATIONS.indexOf('exact');
const coefficients = newCosineCoefficients();
const logV = new Float64Array(64);
const signs = new Float64Array(64);

/** σ_m = sign(v_m/u_m): the sign block of an EMA target, +1 for SimSiam (v = u). */
export const signOf = (y: Float64Array, M: number, ema: boolean, m: number) => (ema ? y[3 * M + m] : 1);

/**
 * The cosine losses' drift coefficients (halvagal-isoloss-cosine.ts) under the cell's closure, k1/k2
 * zero where the loss drift is dropped (driftDropped, when `drop` allows it). The trace law stays
 * exact there, since the loss drift adds nothing to Q.
 */
function cosineTerms(y: Float64Array, P: ParamVector, M: number, ema: boolean, drop = true, unitOnly = false) {
  for (let m = 0; m < M; m++) {
    logV[m] = ema ? y[2 * M + m] : y[m];
    signs[m] = signOf(y, M, ema, m);
  }
  return cosineCoefficients(
    {
      logU: y,
      logV,
      sign: signs,
      M,
      alpha: P[ix.predictorExponent],
      eta: P[ix.learningRate],
      stats: { s11: P[ix.s11], s21: P[ix.s21], s22: P[ix.s22] },
      exact: P[ix.cosineExpectation] === kCosineExact,
      dropped: unitOnly || (drop && !ema && driftDropped(y, P, M)),
    },
    coefficients,
  );
}

/** Spread max ℓ − min ℓ under which a SimSiam cosine spectrum with wd counts as isotropic (λ within 2α·1e-4). */
export const kIsotropicLogSpread = 1e-4;

/**
 * SimSiam cosine losses (v = u), whether the loss drift is dropped. That drift is gain·mult·s21·(1 −
 * λ_m/λ̄) with λ̄ = Σλ²f/Σλf ≤ max λ (E11c/d): it moves modes toward the weighted mean only, adds
 * nothing to the trace law's Q, and contracts the spread at a rate ∝ 1/tr F (∝ 1/(tr F·λ) for
 * IsoLoss-cosine). With wd that rate grows like e^{2η·wd·t} as the trace law shrinks F, until no
 * explicit step can follow it (the old 1e-8 norm floor then threw the state back up to λ ≈ 1e5). So
 * with wd > 0 it is dropped
 * - once every λ_m < kCollapsedLambda: max λ never rises (its drift is ≤ 0 at λ ≥ λ̄), so the cell is
 *   collapsed for good (settleVerdict stops it there);
 * - once the spectrum is isotropic to kIsotropicLogSpread: on the isotropic line the flow is exactly
 *   dℓ_m/dt = −η·wd for every mode, and the transverse drift left would only correct that spread.
 */
export function driftDropped(y: Float64Array, P: ParamVector, M: number): boolean {
  if (!(P[ix.weightDecay] > 0)) return false;
  let lo = y[0];
  let hi = y[0];
  for (let m = 1; m < M; m++) {
    lo = Math.min(lo, y[m]);
    hi = Math.max(hi, y[m]);
  }
  return collapsedModes(y, P, M) === M || hi - lo <= kIsotropicLogSpread;
}

/**
 * dy/dt, §2 in log-std form: dℓ/dt = (du/dt)/u of E5–E8 (X7/X8 with the exact closure), E10; the EMA
 * target by E9. `drop` = false keeps the SimSiam cosine drift everywhere (the training step: an explicit
 * step is what it is, stiff or not, and that drift is what makes §8.2's floor).
 */
export function flow(y: Float64Array, P: ParamVector, M: number, ema: boolean, out: Float64Array, drop = true): void {
  const eta = P[ix.learningRate];
  const alpha = P[ix.predictorExponent];
  const wd = P[ix.weightDecay];
  const s11 = P[ix.s11];
  const s21 = P[ix.s21];
  const s22 = P[ix.s22];
  const loss = P[ix.loss];
  const iso = loss === kIsoEuclidean || loss === kIsoCosine;
  const cosine = loss === kCosine || loss === kIsoCosine;
  const logReach = y[y.length - 1];
  out[y.length - 1] = 0;
  const cs = cosine ? cosineTerms(y, P, M, ema, drop) : undefined;
  for (let m = 0; m < M; m++) {
    const l = y[m];
    const lam = Math.exp(2 * alpha * l);
    const multiplier = iso ? 1 : lam; // IsoLoss drops the W_Pᵀ factor λ_m (§2)
    const mu = iso ? 0 : 2 * alpha * l; // ln multiplier
    // ln(multiplier · v_m/u_m) as one exponent: as u collapses under wd faster than v can follow
    // (η·wd·τ_ema > 1), λ → 0 met v/u → ∞ in f32 as 0·∞ = NaN.
    const drive = mu + (ema ? y[2 * M + m] - l : 0);
    const sign = signOf(y, M, ema, m);
    let d: number;
    if (cs) d = cs.k1[m] * sign * Math.exp(drive - cs.sa - cs.sb) - cs.k2[m] * Math.exp(mu + 2 * alpha * l - 2 * cs.sa);
    else if (loss === kNoStopGrad) d = eta * (s21 * lam - s22 - lam * (s11 * lam - s21));
    else d = -eta * (s11 * multiplier * lam - s21 * sign * Math.exp(drive));
    out[m] = d - eta * wd;
    out[M + m] = l < logReach && y[M + m] >= 0 ? 1 : 0;
    if (ema) {
      out[2 * M + m] = (sign * Math.exp(l - y[2 * M + m]) - 1) / P[ix.emaTime];
      out[3 * M + m] = 0;
    }
  }
}

/** Whether some λ_m is above kDivergedLambda (a numerical blow-up: §6's "diverged"). */
export function blownUp(y: Float64Array, P: ParamVector, M: number): boolean {
  for (let m = 0; m < M; m++) if (2 * P[ix.predictorExponent] * y[m] > Math.log(kDivergedLambda)) return true;
  return false;
}

/** Every λ_m below 1e-3: collapsed; some: partial; none: non-collapsed (§6 thresholds). */
export function collapsedModes(y: Float64Array, P: ParamVector, M: number): number {
  let n = 0;
  for (let m = 0; m < M; m++) if (Math.exp(2 * P[ix.predictorExponent] * y[m]) < kCollapsedLambda) n++;
  return n;
}

/**
 * Readouts: reach time of each mode (−1 if it started at or above 0.9 λ* or has not reached it), final
 * λ of each mode, the slowest/fastest reach-time ratio over the modes that started below (−1 unless all
 * of them reached), the effective rank exp(−Σ p ln p) with p = λ/Σλ, and λ*.
 */
export function readout(y: Float64Array, P: ParamVector, M: number, out: Float64Array): void {
  const alpha = P[ix.predictorExponent];
  const logReach = y[y.length - 1];
  let slowest = 0;
  let fastest = Infinity;
  let pending = false;
  let total = 0;
  for (let m = 0; m < M; m++) {
    const lam = Math.exp(2 * alpha * y[m]);
    out[M + m] = lam;
    total += lam;
    const c = y[M + m];
    const reached = c > 0 && y[m] >= logReach;
    out[m] = reached ? c : -1;
    if (reached) {
      slowest = Math.max(slowest, c);
      fastest = Math.min(fastest, c);
    } else if (c > 0) pending = true;
  }
  let entropy = 0;
  for (let m = 0; m < M; m++) {
    const p = out[M + m] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  out[2 * M] = !pending && fastest < Infinity ? slowest / fastest : -1;
  out[2 * M + 1] = total > 0 ? Math.exp(entropy) : 0;
  out[2 * M + 2] = Math.exp(2 * alpha * logReach) / kReachFraction;
}

/** A mode below this λ that provably keeps falling is settled as collapsed (its λ readout final to 1e-6). */
export const kGoneLambda = 1e-6;
/** A mode at or above 0.9 λ* is settled once |dℓ/dt| ≤ this × the rate unit (η, or η/(Np Nz) for cosine). */
export const kQuietRate = 1e-6;

/**
 * The settle rule (WGSL `settleVerdict`, term for term). Never 'generic': the state carries the reach
 * clocks (dc/dt = 1 below 0.9 λ*, so ‖f‖ ≥ 1 while ‖y‖ grows like t, and once every mode has reached,
 * the clock values inflate ‖y‖ and loosen the test on ℓ) and collapsed modes have ℓ → −∞ at a constant
 * rate −η·wd. Instead, first the whole cell: a blown-up state (some λ > kDivergedLambda) stops, and so
 * does a SimSiam cosine cell with every λ below 1e-3, where max λ never rises (driftDropped).
 * Then mode by mode:
 * - a mode at or above 0.9 λ* (reached, or started above) is done when quiet, |dℓ_m| ≤ 1e-6 × rate
 *   unit (and its target's |dℓv_m| with EMA): then every mode sits at a fixed point, the reach times are
 *   fixed and the final λ are decided to ≈ 1e-6/λ* relative;
 * - a mode below 0.9 λ* is done only if it provably collapses: λ_m < 1e-6 and dℓ_m/dt < 0 on the
 *   whole of [0, λ_m] (SimSiam target, non-cosine losses, where dℓ_m/dt = a0 + a1 λ + a2 λ² depends on
 *   λ_m alone with a2 ≤ 0, so its maximum on [0, λ_m] is at the clamped vertex): ℓ_m then falls for
 *   ever, never reaches, and its λ readout is final to 1e-6. Cosine modes are coupled and EMA modes
 *   two-dimensional, so there (short of all of them below 1e-3) a mode below 0.9 λ* keeps the cell running.
 * Every mode done: 'stop'; otherwise 'continue'.
 */
export function settleVerdict(y: Float64Array, dy: Float64Array, P: ParamVector, M: number, ema: boolean): SettleVerdict {
  const eta = P[ix.learningRate];
  const alpha = P[ix.predictorExponent];
  const loss = P[ix.loss];
  const cosine = loss === kCosine || loss === kIsoCosine;
  if (blownUp(y, P, M)) return 'stop'; // fate decided: classify says diverged
  // SimSiam cosine: max λ never rises (driftDropped), so every mode below 1e-3 stays there.
  if (cosine && !ema && collapsedModes(y, P, M) === M) return 'stop';
  const unit = cosine ? cosineTerms(y, P, M, ema, true, true).unit : eta;
  const quiet = kQuietRate * unit;
  const wd = P[ix.weightDecay];
  const s11 = P[ix.s11];
  const s21 = P[ix.s21];
  const s22 = P[ix.s22];
  // dℓ/dt = a0 + a1 λ + a2 λ² for the SimSiam non-cosine losses (E5, E6, E10 with wd).
  const a0 = loss === kIsoEuclidean ? eta * (s21 - wd) : loss === kNoStopGrad ? -eta * (s22 + wd) : -eta * wd;
  const a1 = loss === kIsoEuclidean ? -eta * s11 : loss === kNoStopGrad ? 2 * eta * s21 : eta * s21;
  const a2 = loss === kIsoEuclidean ? 0 : -eta * s11;
  const logReach = y[y.length - 1];
  for (let m = 0; m < M; m++) {
    if (y[m] >= logReach) {
      if (Math.abs(dy[m]) > quiet) return 'continue';
      if (ema && Math.abs(dy[2 * M + m]) > quiet) return 'continue';
    } else {
      if (cosine || ema) return 'continue';
      const lam = Math.exp(2 * alpha * y[m]);
      // The maximum of the concave quadratic on [0, λ]: at its vertex clamped to [0, λ].
      const peak = a2 < 0 ? Math.min(Math.max(-a1 / (2 * a2), 0), lam) : a1 > 0 ? lam : 0;
      const top = a0 + a1 * peak + a2 * peak * peak;
      if (!(lam < kGoneLambda && top < 0)) return 'continue';
    }
  }
  return 'stop';
}
