/**
 * Halvagal, Laborieux & Zenke (NeurIPS 2023), a RECONSTRUCTION (shared/science/halvagal-isoloss.md):
 * the parameter schema and the f64 per-eigenmode flow, the twin of shaders/models/halvagal-isoloss.wgsl
 * (keep the two term for term).
 *
 * State, for M modes (log-std form of §6: λ_m = 0 is unreachable, collapse is ℓ → −∞ linearly):
 *   [0, M)    ℓ_m = ln u_m, u_m = √f_m the online std of mode m, λ_m = u_m^{2α} = e^{2αℓ_m}
 *   [M, 2M)   c_m, a clock that runs while λ_m < 0.9 λ* (so c_m = the time mode m reached 0.9 λ*)
 *   [2M, 3M)  ln v_m, the EMA target's std (only with target = ema)
 *   last      ln u at which λ = 0.9 λ*, a constant carried in the state so that rhs need not recompute
 *             λ* (that made the WGSL step four times slower on SwiftShader)
 * Convention (§6 pitfall): W_P is built from F = W Wᵀ without s11, as the authors' code does.
 */
import type { Param, ParamVector, SettleVerdict } from './types.js';

export const LOSSES = ['euclidean', 'cosine', 'isoloss-euclidean', 'isoloss-cosine', 'no-stop-grad'] as const;
export const TARGETS = ['simsiam', 'ema'] as const;
export type Loss = (typeof LOSSES)[number];

/** Spec §6 classification thresholds: a mode with λ below this counts as collapsed. */
export const kCollapsedLambda = 1e-3;
/** The level whose first-passage time is the per-mode metric: 0.9 λ*. */
export const kReachFraction = 0.9;
/**
 * Floor of the mean-field norms against 0/0 when every mode has collapsed (§6; the toy code adds 1e-8).
 * A floor rather than an added ε keeps the cosine conservation laws exact at ordinary norms.
 */
export const kNormEps = 1e-8;

const num = (
  id: string,
  symbol: string,
  label: string,
  description: string,
  role: 'param' | 'initial',
  def: number,
  min: number,
  max: number,
  scale: 'linear' | 'log',
  extra: Partial<Param> = {},
): Param => ({ kind: 'number', id, symbol, label, description, role, default: def, min, max, scale, ...extra }) as Param;

export const params: readonly Param[] = [
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
      'euclidean (E5), cosine (E7, mean-field A4), isoloss-euclidean (E6), isoloss-cosine (E8), no-stop-grad Euclidean (E10; ignores the target).',
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
    description: 'simsiam: W_t = W with stop-grad; ema: dW_t/dt = (W − W_t)/τ_ema from W_t(0) = W(0) (structural: adds M states).',
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
];

export const ix = Object.fromEntries(params.map((p, i) => [p.id, i])) as Record<string, number>;
const kCosine = LOSSES.indexOf('cosine');
const kIsoEuclidean = LOSSES.indexOf('isoloss-euclidean');
const kIsoCosine = LOSSES.indexOf('isoloss-cosine');
const kNoStopGrad = LOSSES.indexOf('no-stop-grad');

export const lossOf = (P: ParamVector): Loss => LOSSES[P[ix.loss]];

/** λ_m(0) = λ₀ ρ₀^{m/(M−1)}. */
export function initialLambda(P: ParamVector, m: number, M: number): number {
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

export const stateSize = (M: number, ema: boolean) => (ema ? 3 : 2) * M + 1;

export function initialState(P: ParamVector, M: number, ema: boolean): Float64Array {
  const y = new Float64Array(stateSize(M, ema));
  for (let m = 0; m < M; m++) {
    y[m] = Math.log(initialLambda(P, m, M)) / (2 * P[ix.predictorExponent]);
    if (ema) y[2 * M + m] = y[m]; // W_t(0) = W(0), A3
  }
  y[y.length - 1] = reachLog(P, M);
  return y;
}

/** Mean-field norms (A4): Np² = s11 Σ λ²u², Nz² = s22 Σ v², C = s21 Σ λ u v; returns [η/(Np Nz), C s11/Np²]. */
function cosineGainPull(y: Float64Array, P: ParamVector, M: number, ema: boolean): [number, number] {
  const alpha = P[ix.predictorExponent];
  let np2 = 0;
  let nz2 = 0;
  let c = 0;
  for (let m = 0; m < M; m++) {
    const u = Math.exp(y[m]);
    const lam = Math.exp(2 * alpha * y[m]);
    const v = ema ? Math.exp(y[2 * M + m]) : u;
    np2 += lam * lam * u * u;
    nz2 += v * v;
    c += lam * u * v;
  }
  const np = Math.max(Math.sqrt(P[ix.s11] * np2), kNormEps);
  const nz = Math.max(Math.sqrt(P[ix.s22] * nz2), kNormEps);
  return [P[ix.learningRate] / (np * nz), (P[ix.s21] * c * P[ix.s11]) / (np * np)];
}

/** dy/dt, §2 in log-std form: dℓ/dt = (du/dt)/u of E5–E8, E10; the EMA target by E9. */
export function flow(y: Float64Array, P: ParamVector, M: number, ema: boolean, out: Float64Array): void {
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
  let gain = 0;
  let pull = 0;
  if (cosine) [gain, pull] = cosineGainPull(y, P, M, ema);
  for (let m = 0; m < M; m++) {
    const l = y[m];
    const lam = Math.exp(2 * alpha * l);
    const ratio = ema ? Math.exp(y[2 * M + m] - l) : 1; // v_m/u_m
    const multiplier = iso ? 1 : lam; // IsoLoss drops the W_Pᵀ factor λ_m (§2)
    let d: number;
    if (cosine) d = gain * multiplier * (s21 * ratio - pull * lam);
    else if (loss === kNoStopGrad) d = eta * (s21 * lam - s22 - lam * (s11 * lam - s21));
    else d = -eta * multiplier * (s11 * lam - s21 * ratio);
    out[m] = d - eta * wd;
    out[M + m] = l < logReach ? 1 : 0;
    if (ema) out[2 * M + m] = (Math.exp(l - y[2 * M + m]) - 1) / P[ix.emaTime];
  }
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
 * rate −η·wd. Instead, mode by mode:
 * - a mode at or above 0.9 λ* (reached, or started above) is done when quiet, |dℓ_m| ≤ 1e-6 × rate
 *   unit (and its target's |dℓv_m| with EMA): then every mode sits at a fixed point, the reach times are
 *   fixed and the final λ are decided to ≈ 1e-6/λ* relative;
 * - a mode below 0.9 λ* is done only if it provably collapses: λ_m < 1e-6 and dℓ_m/dt < 0 on the
 *   whole of [0, λ_m] (SimSiam target, non-cosine losses, where dℓ_m/dt = a0 + a1 λ + a2 λ² depends on
 *   λ_m alone with a2 ≤ 0, so its maximum on [0, λ_m] is at the clamped vertex): ℓ_m then falls for
 *   ever, never reaches, and its λ readout is final to 1e-6. Cosine modes are coupled and EMA modes
 *   two-dimensional, so there a mode below 0.9 λ* keeps the cell running.
 * Every mode done: 'stop'; otherwise 'continue'.
 */
export function settleVerdict(y: Float64Array, dy: Float64Array, P: ParamVector, M: number, ema: boolean): SettleVerdict {
  const eta = P[ix.learningRate];
  const alpha = P[ix.predictorExponent];
  const loss = P[ix.loss];
  const cosine = loss === kCosine || loss === kIsoCosine;
  const unit = cosine ? cosineGainPull(y, P, M, ema)[0] : eta;
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
