/**
 * Halvagal et al. (reconstruction), the analytic oracles of halvagal-isoloss.md §3: first-passage times
 * (E12), the logistic solution (E11b), the weight-decay thresholds λ± and the phase predictions and
 * overlay curves built on them. Everything here is f64 and needs no integration.
 */
import type { ClassId, OverlayCurve, ParamVector, SliceContext } from './types.js';
import { ix, initialLambda, params, kCollapsedLambda, lambdaRef, lossOf, reachLog, TARGETS } from './halvagal-isoloss-flow.js';

/** E12, Euclidean: time for λ to go from λ0 to qλ* under dλ/dt = rλ²(1 − λ/λ*). */
export function euclideanReachTime(lambda0: number, lambdaStar: number, r: number, q = 0.9): number {
  return (1 / r) * ((1 / lambdaStar) * Math.log((q / (1 - q)) * ((lambdaStar - lambda0) / lambda0)) + 1 / lambda0 - 1 / (q * lambdaStar));
}

/** E12, IsoLoss: time for the logistic dλ/dt = rλ(1 − λ/λ*) to go from λ0 to qλ*. */
export function isoReachTime(lambda0: number, lambdaStar: number, r: number, q = 0.9): number {
  return (1 / r) * Math.log((q / (1 - q)) * ((lambdaStar - lambda0) / lambda0));
}

/** The exact logistic solution of E11b, λ(t) = λ* ÷ (1 + (λ* ÷ λ0 − 1) e^{−rt}). */
export function logistic(lambda0: number, lambdaStar: number, r: number, t: number): number {
  return lambdaStar / (1 + (lambdaStar / lambda0 - 1) * Math.exp(-r * t));
}

/** wd above which every Euclidean mode collapses (no λ±): s21²/(4 s11). */
export const totalCollapseWeightDecay = (s11: number, s21: number) => (s21 * s21) / (4 * s11);

/** Roots λ± of s11λ² − s21λ + wd = 0 (§3), or undefined above s21²/(4 s11). */
export function lambdaRoots(s11: number, s21: number, wd: number): { minus: number; plus: number } | undefined {
  const disc = s21 * s21 - 4 * s11 * wd;
  if (disc < 0) return undefined;
  const plus = (s21 + Math.sqrt(disc)) / (2 * s11);
  return { minus: wd / (s11 * plus), plus }; // λ−λ+ = wd/s11 keeps λ− accurate at small wd
}

/**
 * The class the closed forms predict at t → ∞ (SimSiam target only), or undefined: Euclidean with wd
 * (each mode collapses iff λ0_m < λ−, all iff wd > s21²/(4 s11)), IsoLoss-Euclidean (every mode goes to
 * (s21 − wd)/s11), the cosine losses without wd (the isotropic point, between min and max λ0), no
 * stop-grad where −s11λ² + 2s21λ − s22 − wd < 0 for all λ (everything collapses). Cells starting below
 * the collapse threshold 1e-3 are left undefined (their class depends on the horizon).
 */
export function predictClass(P: ParamVector, M: number): ClassId | undefined {
  const loss = lossOf(P);
  const s11 = P[ix.s11];
  const s21 = P[ix.s21];
  const wd = P[ix.weightDecay];
  if (loss === 'no-stop-grad') return (s21 * s21) / s11 < P[ix.s22] + wd ? 'collapsed' : undefined;
  if (TARGETS[P[ix.target]] !== 'simsiam') return undefined;
  const lambdas = Array.from({ length: M }, (_, m) => initialLambda(P, m, M));
  const startsLow = lambdas.some((l) => l <= kCollapsedLambda);
  if (loss === 'isoloss-euclidean') {
    const end = (s21 - wd) / s11;
    if (end < kCollapsedLambda) return 'collapsed';
    return end > kCollapsedLambda && !startsLow ? 'non-collapsed' : undefined;
  }
  if (startsLow) return undefined;
  if (loss !== 'euclidean') return wd === 0 ? 'non-collapsed' : undefined;
  if (wd === 0) return 'non-collapsed';
  const wdC = totalCollapseWeightDecay(s11, s21);
  if (wd > wdC) return 'collapsed';
  const roots = lambdaRoots(s11, s21, wd);
  if (!roots || wd === wdC || lambdas.some((l) => l === roots.minus)) return undefined;
  const low = lambdas.filter((l) => l < roots.minus).length;
  return low === M ? 'collapsed' : low === 0 ? 'non-collapsed' : 'partial';
}

/** The isotropic fixed points in state coordinates (ℓ_m = ln λ/(2α), clocks 0, target = online, ℓ*). */
export function fixedPoints(P: ParamVector, M: number, ema: boolean): Array<{ label: string; state: number[]; stable: boolean }> {
  const loss = lossOf(P);
  const at = (lam: number) => {
    const l = Math.log(lam) / (2 * P[ix.predictorExponent]);
    return [
      ...Array<number>(M).fill(l),
      ...Array<number>(M).fill(0),
      ...Array<number>(ema ? M : 0).fill(l),
      ...Array<number>(ema ? M : 0).fill(1),
      reachLog(P, M),
    ];
  };
  const wd = P[ix.weightDecay];
  if (loss === 'euclidean') {
    const roots = lambdaRoots(P[ix.s11], P[ix.s21], wd);
    if (!roots) return [];
    if (wd === 0) return [{ label: 'λ* = s21/s11 for every mode', state: at(roots.plus), stable: true }];
    return [
      { label: 'λ₊ for every mode', state: at(roots.plus), stable: true },
      { label: 'λ₋ for every mode (threshold)', state: at(roots.minus), stable: false },
    ];
  }
  if (loss === 'no-stop-grad') return [];
  const ref = lambdaRef(P, M);
  if (loss === 'isoloss-euclidean') return P[ix.s21] > wd ? [{ label: '(s21 − wd)/s11 for every mode', state: at(ref), stable: true }] : [];
  return wd === 0 ? [{ label: 'isotropic point set by the conservation law', state: at(ref), stable: true }] : [];
}

type Axis = SliceContext['x'];
const kSamples = 200;

function samplesOf(a: Axis, log: boolean): number[] {
  return Array.from({ length: kSamples }, (_, i) => {
    const f = i / (kSamples - 1);
    return log && a.min > 0 ? a.min * (a.max / a.min) ** f : a.min + f * (a.max - a.min);
  });
}

/**
 * Euclidean (SimSiam) with weightDecay on an axis: the total-collapse line wd = s21²/(4 s11) and, with
 * lambda0 on the other axis, λ0 = λ−(wd) (mode 0 collapses below) and λ0 = λ−(wd)/ρ₀ (every mode
 * collapses below; only for ρ₀ > 1). IsoLoss: the line wd = s21, beyond which every mode collapses.
 */
export function overlays(slice: SliceContext, M: number): OverlayCurve[] {
  const loss = lossOf(slice.values);
  if (TARGETS[slice.values[ix.target]] !== 'simsiam' || (loss !== 'euclidean' && loss !== 'isoloss-euclidean')) return [];
  const wdOnX = slice.x.param === 'weightDecay';
  if (!wdOnX && slice.y.param !== 'weightDecay') return [];
  const wdAxis = wdOnX ? slice.x : slice.y;
  const other = wdOnX ? slice.y : slice.x;
  const point = (wd: number, v: number): [number, number] => (wdOnX ? [wd, v] : [v, wd]);
  const inRange = (a: Axis, v: number) => v >= a.min && v <= a.max;
  const source = 'closed form, halvagal-isoloss.md §3 (derived there, reconstruction)';
  const out: OverlayCurve[] = [];
  // The other axis is named at run time: looked up, not through the typed index.
  const otherIndex = params.findIndex((p) => p.id === other.param);
  const valuesAt = (v: number) => {
    const P = Float64Array.from(slice.values);
    P[otherIndex] = v;
    return P;
  };
  const line = (id: string, label: string, wdOf: (P: ParamVector) => number) => {
    const pts = samplesOf(other, true)
      .map((v) => point(wdOf(valuesAt(v)), v))
      .filter(([a, b]) => inRange(slice.x, a) && inRange(slice.y, b));
    if (pts.length > 1) out.push({ id, label, kind: 'boundary', source, points: pts });
  };
  if (loss === 'isoloss-euclidean') {
    line('isoloss-total-collapse', 'wd = s21: IsoLoss collapses only beyond (no λ₀ threshold)', (P) => P[ix.s21]);
    return out;
  }
  line('total-collapse', 'wd = s21²/(4 s11): every mode collapses beyond', (P) => totalCollapseWeightDecay(P[ix.s11], P[ix.s21]));
  if (other.param !== 'lambda0') return out;
  const s11 = slice.values[ix.s11];
  const s21 = slice.values[ix.s21];
  const ratio = slice.values[ix.lambda0Ratio];
  const curve = (id: string, label: string, scale: number) => {
    const pts = samplesOf(wdAxis, false)
      .flatMap((wd) => {
        const roots = wd > 0 ? lambdaRoots(s11, s21, wd) : undefined;
        return roots ? [point(wd, roots.minus / scale)] : [];
      })
      .filter(([a, b]) => inRange(slice.x, a) && inRange(slice.y, b));
    if (pts.length > 1) out.push({ id, label, kind: 'boundary', source, points: pts });
  };
  curve('lambda-minus', 'λ₀ = λ₋(wd): the smallest mode collapses below', 1);
  if (M > 1 && ratio > 1) curve('lambda-minus-all', 'λ₀ = λ₋(wd)/ρ₀: every mode collapses below', ratio);
  return out;
}
