/**
 * Tian, Chen & Ganguli (ICML 2021), L2 loss, off the GPU: the per-mode flow of tian-l2.md §3 in f64
 * and what follows from it: closed-form phase boundaries and fixed points (§4), the numerical
 * separatrix, and the overlay curves. `tianL2` (tian-l2.ts) wraps these; the WGSL twin of
 * `eigenmodeFlow` is `rhs` in shaders/models/tian-l2.wgsl.
 *
 * Notation: a = 1 + σ² (λ_s with λ_d = 1), τ the target/online ratio, u = α_p s (α_p scales out,
 * §3, so every basin boundary in s0 is a boundary in u0 = α_p s0 computed at α_p = 1).
 */
import { RkStepper } from '../integrators/stepper.js';
import { rk4 } from '../integrators/tableaus.js';
import { DERIVED, type ClassId, type OverlayCurve, type SliceContext } from './types.js';

export const TARGETS = ['simsiam', 'byol', 'fixed'] as const;
export type Target = (typeof TARGETS)[number];

/** Every parameter and initial condition under its id; `s0 === DERIVED` means "on the parabola". */
export interface TianValues {
  weightDecay: number;
  augmentation: number;
  predictorLr: number;
  emaRate: number;
  tau: number;
  target: Target;
  p0: number;
  s0: number;
  wa0: number;
}

/**
 * dy/dt of one eigenmode in the primitive weights y = (w, p, w_a), §3 (App. D Eqns 104–106 with the
 * −η terms of Lemma 1): e = w_a,eff − a p w, ẇ = p e − η w, ṗ = α_p w e − η p. BYOL: w_a,eff = w_a,
 * ẇ_a = β(w − w_a). A frozen ratio τ (SimSiam: τ = 1): w_a,eff = τ w and ẇ_a = τ ẇ, so the carried
 * w_a stays τ w and reads out as τ.
 */
export function eigenmodeFlow(
  y: ArrayLike<number>,
  eta: number,
  a: number,
  alphaP: number,
  beta: number,
  tauFrozen: number,
  byol: boolean,
  out: Float64Array,
): void {
  const w = y[0];
  const p = y[1];
  const wa = y[2];
  const e = (byol ? wa : tauFrozen * w) - a * p * w;
  const dw = p * e - eta * w;
  out[0] = dw;
  out[1] = alphaP * w * e - eta * p;
  out[2] = byol ? beta * (w - wa) : tauFrozen * dw;
}

/** τ of the closed forms: the frozen τ, or 1 (SimSiam, and BYOL, whose fixed points force τ = 1, §4). */
export function tauOf(v: TianValues): number {
  return v.target === 'fixed' ? v.tau : 1;
}

/** η_c = τ²/(4a): above it no non-collapsed fixed point exists and every mode collapses (§4, Obs#5). */
export function etaC(tau: number, a: number): number {
  return (tau * tau) / (4 * a);
}

/** Roots p*± of a p² − τ p + η = 0 (§4), or undefined where they do not exist (η > η_c or τ ≤ 0). */
export function pStar(eta: number, tau: number, a: number): { minus: number; plus: number } | undefined {
  const disc = tau * tau - 4 * eta * a;
  if (tau <= 0 || disc < 0) return undefined;
  const r = Math.sqrt(disc);
  // p*₋ p*₊ = η/a: the product form keeps p*₋ accurate when η is small.
  return { minus: (2 * eta) / (tau + r), plus: (tau + r) / (2 * a) };
}

/** On the parabola, non-collapse iff η < η*(p0) (§4): p0(τ − a p0) below the vertex τ/(2a), η_c above. */
export function etaStar(p0: number, tau: number, a: number): number {
  return p0 <= tau / (2 * a) ? p0 * (tau - a * p0) : etaC(tau, a);
}

/**
 * η = 0 collapse boundary u* = α_p s0 (§4, derived there): p0² for p0 < 0, p0² − p*² for p0 > p* = τ/a;
 * undefined for 0 ≤ p0 ≤ p*, where no collapse is possible. A mode collapses iff α_p s0 < u*.
 */
export function eta0BoundaryU(p0: number, tau: number, a: number): number | undefined {
  const p = tau / a;
  if (p0 < 0) return p0 * p0;
  return p0 > p ? p0 * p0 - p * p : undefined;
}

/**
 * The class the closed forms of §4 predict, or undefined where they say nothing: BYOL (no closed form
 * for the EMA basin), off the parabola with η > 0 (numerical separatrix), and marginal points.
 */
export function predictClosedForm(v: TianValues): ClassId | undefined {
  if (v.target === 'byol') return undefined;
  const tau = tauOf(v);
  const a = 1 + v.augmentation;
  const eta = v.weightDecay;
  const derived = v.s0 === DERIVED;
  const u0 = derived ? v.p0 * v.p0 : v.predictorLr * v.s0;
  if (u0 <= 0) return 'collapsed'; // w = 0 is invariant when the target follows w
  if (eta > etaC(tau, a)) return 'collapsed';
  if (eta > 0) {
    if (!derived) return undefined;
    const star = etaStar(v.p0, tau, a);
    return eta > star ? 'collapsed' : eta < star ? 'non-collapsed' : undefined;
  }
  if (tau <= 0) return undefined;
  // η = 0: the spec's line "collapse iff c < 0 and (p0 < 0 or p0 > p*)" disagrees with its own
  // boundary curves and case C2 (c < 0, p0 > p*, escapes); the curves (eta0BoundaryU) are used.
  const uStar = eta0BoundaryU(v.p0, tau, a);
  if (uStar === undefined) return 'non-collapsed';
  if (derived && v.p0 < 0) return undefined; // c = 0: only algebraic collapse, p ~ −1/(τt) (case H1)
  return u0 < uStar ? 'collapsed' : u0 > uStar ? 'non-collapsed' : undefined;
}

export interface FixedPoint {
  label: string;
  state: number[];
  stable: boolean;
}

/** Fixed points (w > 0 representatives; (w, w_a) → (−w, −w_a) is a symmetry) with §4's stability. */
export function fixedPointsOf(v: TianValues): FixedPoint[] {
  const tau = tauOf(v);
  const a = 1 + v.augmentation;
  const eta = v.weightDecay;
  // At η = 0 the origin sits on a line of collapsed fixed points and is only semi-stable (§4).
  const out: FixedPoint[] = [{ label: 'origin (collapsed)', state: [0, 0, 0], stable: eta > 0 }];
  const roots = pStar(eta, tau, a);
  if (!roots) return out;
  const point = (label: string, p: number, stable: boolean): FixedPoint => {
    const w = p / Math.sqrt(v.predictorLr); // on the parabola s = p²/α_p
    return { label, state: [w, p, tau * w], stable };
  };
  if (eta === 0) {
    out.push(point('p* = τ/(1+σ²), the point with c = 0 on a line of fixed points', roots.plus, true));
    return out;
  }
  out.push(point('p*₋ (saddle: basin boundary)', roots.minus, false));
  out.push(point('p*₊ (non-collapsed)', roots.plus, eta < etaC(tau, a)));
  return out;
}

/** Step size of the RK4 rule of §7, for the f64 runs of this file. */
function ruleStep(y: Float64Array, a: number, eta: number): number {
  const w = y[0];
  const p = y[1];
  return Math.min(0.5, 0.2 / (a * (p * p + w * w) + eta + Math.abs(p) + Math.abs(w) + 1e-12));
}

/**
 * Whether the frozen-τ flow at α_p = 1 from (p0, u0) ends collapsed (η > 0). Stops as soon as the
 * state is in the origin's basin (p < p*₋ and s far below s*₋, where ṡ < 0 and ṗ < 0 near p*₋) or
 * within 1e-3 of the gap p*₊ − p*₋ of the stable node p*₊.
 */
function settlesCollapsed(p0: number, u0: number, tau: number, a: number, eta: number, roots: { minus: number; plus: number }): boolean {
  const w0 = Math.sqrt(u0);
  const y = Float64Array.of(w0, p0, tau * w0);
  const f = (x: Float64Array, out: Float64Array) => eigenmodeFlow(x, eta, a, 1, 0, tau, false, out);
  const stepper = new RkStepper(rk4, 3);
  const near = 1e-3 * (roots.plus - roots.minus);
  const sOrigin = 1e-3 * roots.minus * roots.minus;
  const tEnd = Math.max(3000, 50 / eta);
  for (let t = 0; t < tEnd; ) {
    const w = y[0];
    const p = y[1];
    if (p < roots.minus && w * w < sOrigin) return true;
    if (Math.abs(p - roots.plus) < near && Math.abs(w - roots.plus) < near) return false;
    const dt = ruleStep(y, a, eta);
    stepper.step(f, y, dt);
    t += dt;
  }
  return y[1] < roots.minus; // still at the saddle: side of its unstable manifold
}

const separatrixCache = new Map<string, number | undefined>();

/**
 * u*(p0) = α_p s0 on the basin boundary at fixed τ (§4, "Role of α_p"): collapse iff α_p s0 < u*.
 * η = 0: the closed form; η > 0: geometric bisection on u0 with f64 RK4 at α_p = 1 (relative width
 * 1e-9, cached); undefined where every point collapses (η > η_c) or none can.
 * Example: separatrixU(0.02, 1, 1, 0.04) ≈ 0.0028063 (the table of §4).
 */
export function separatrixU(p0: number, tau: number, a: number, eta: number): number | undefined {
  if (eta === 0) return tau > 0 ? eta0BoundaryU(p0, tau, a) : undefined;
  const roots = pStar(eta, tau, a);
  if (!roots) return undefined;
  const key = `${p0}|${tau}|${a}|${eta}`;
  if (separatrixCache.has(key)) return separatrixCache.get(key);
  const collapses = (u: number) => settlesCollapsed(p0, u, tau, a, eta, roots);
  let hi = Math.max(1e-3, 2 * p0 * p0);
  while (collapses(hi) && hi < 1e6) hi *= 2;
  let lo = hi / 2;
  while (!collapses(lo) && lo > 1e-300) lo /= 2;
  let u: number | undefined;
  if (collapses(hi) || !(lo > 1e-300)) u = undefined;
  else {
    while (hi / lo - 1 > 1e-9) {
      const mid = Math.sqrt(lo * hi);
      if (collapses(mid)) lo = mid;
      else hi = mid;
    }
    u = Math.sqrt(lo * hi);
  }
  if (separatrixCache.size >= 512) separatrixCache.clear(); // an explorer session can visit many p0
  separatrixCache.set(key, u);
  return u;
}

/**
 * The η > 0 basin boundary in the (p0, u0) plane: the stable manifold of the saddle (p*₋, p*₋²),
 * traced at α_p = 1 in reverse time from the saddle along its stable eigenvector, both branches, until
 * it leaves the box. Reverse time makes the manifold attracting, so the tracing is well conditioned.
 */
export function separatrixManifold(
  tau: number,
  a: number,
  eta: number,
  box: { pMin: number; pMax: number; uMax: number },
): Array<[number, number]> {
  const roots = pStar(eta, tau, a);
  if (!roots || eta <= 0) return [];
  const w = roots.minus;
  const p = roots.minus;
  // Jacobian of (ẇ, ṗ) at the saddle: [[0, b], [c, d]]; stable eigenvalue λ, eigenvector (b, λ).
  const b = w * (tau - 2 * a * p);
  const c = 2 * w * (tau - a * p);
  const d = -a * w * w - eta;
  const lambda = (d - Math.sqrt(d * d + 4 * b * c)) / 2;
  const norm = Math.hypot(b, lambda);
  const eps = 1e-7 * p;
  const reverse = (x: Float64Array, out: Float64Array) => {
    eigenmodeFlow(x, eta, a, 1, 0, tau, false, out);
    for (let i = 0; i < 3; i++) out[i] = -out[i];
  };
  const margin = 0.05 * (box.pMax - box.pMin);
  const branch = (sign: number): Array<[number, number]> => {
    const y = Float64Array.of(w + (sign * eps * b) / norm, p + (sign * eps * lambda) / norm, 0);
    y[2] = tau * y[0];
    const stepper = new RkStepper(rk4, 3);
    const pts: Array<[number, number]> = [[p, w * w]];
    for (let n = 0; n < 200_000; n++) {
      stepper.step(reverse, y, ruleStep(y, a, eta) / 4); // finer than §7's rule: the curve itself is the output
      const pt: [number, number] = [y[1], y[0] * y[0]];
      if (!(pt[0] > box.pMin - margin && pt[0] < box.pMax + margin && pt[1] < 1.5 * box.uMax)) {
        pts.push(pt);
        break;
      }
      const last = pts[pts.length - 1];
      const moved = Math.abs(pt[0] - last[0]) / (box.pMax - box.pMin) + Math.abs(pt[1] - last[1]) / box.uMax;
      if (moved > 1 / 300 || Math.abs(Math.log(pt[1] / last[1])) > 0.1) pts.push(pt);
    }
    return pts;
  };
  return [...branch(1).reverse(), ...branch(-1).slice(1)];
}

const kClosedForm = 'closed form, tian-l2.md §4';

/** Overlay curves for a slice (points in axis-parameter space, clipped to the slice's ranges). */
export function tianOverlays(slice: SliceContext, base: TianValues): OverlayCurve[] {
  const curves: OverlayCurve[] = [];
  const axisOf = (id: string): AxisKey | undefined => (slice.x.param === id ? 'x' : slice.y.param === id ? 'y' : undefined);
  const otherAxis = (k: AxisKey): AxisKey => (k === 'x' ? 'y' : 'x');
  const at = (k: AxisKey, t: number): TianValues => ({ ...base, [slice[k].param]: t });
  const frozen = base.target !== 'byol';
  const onParabola = base.s0 === DERIVED;
  const a = 1 + base.augmentation;
  const tau = tauOf(base);
  const eta = base.weightDecay;

  const etaAxis = axisOf('weightDecay');
  if (etaAxis) {
    const along = otherAxis(etaAxis);
    const meta = { kind: 'boundary' as const, source: kClosedForm };
    curves.push(
      ...sampleAlong(
        slice,
        along,
        (t) => {
          const v = at(along, t);
          return etaC(tauOf(v), 1 + v.augmentation);
        },
        { ...meta, id: 'eta-c', label: 'η_c = τ²/(4(1+σ²)): no non-collapsed fixed point above' },
      ),
    );
    if (frozen && onParabola) {
      curves.push(
        ...sampleAlong(
          slice,
          along,
          (t) => {
            const v = at(along, t);
            return etaStar(v.p0, tauOf(v), 1 + v.augmentation);
          },
          { ...meta, id: 'eta-star', label: 'η*(p0): basin boundary on the parabola s0 = p0²/α_p' },
        ),
      );
    }
  }

  const pAxis = axisOf('p0');
  const sAxis = axisOf('s0');
  if (pAxis && sAxis) {
    curves.push(
      ...sampleAlong(slice, pAxis, (t) => (t * t) / base.predictorLr, {
        id: 'parabola',
        label: 'invariant parabola s = p²/α_p (c = 0)',
        kind: 'reference',
        source: 'exact integral, tian-l2.md §3',
      }),
    );
    if (frozen && eta === 0 && tau > 0) {
      curves.push(
        ...sampleAlong(
          slice,
          pAxis,
          (t) => {
            const u = eta0BoundaryU(t, tau, a);
            return u === undefined ? undefined : u / base.predictorLr;
          },
          {
            id: 'eta0-boundary',
            label: 'η = 0 collapse boundary: s0 = p0²/α_p (p0 < 0), (p0² − p*²)/α_p (p0 > p*)',
            kind: 'boundary',
            source: kClosedForm,
          },
        ),
      );
    }
    if (frozen && eta > 0) {
      const [pr, sr] = [slice[pAxis], slice[sAxis]];
      const pts = separatrixManifold(tau, a, eta, { pMin: pr.min, pMax: pr.max, uMax: sr.max * base.predictorLr });
      const scaled = pts.map(([p, u]): [number, number] => [p, u / base.predictorLr]);
      curves.push(
        ...runsInside(slice, pAxis, scaled, {
          id: 'separatrix',
          label: 'basin boundary: stable manifold of the saddle p*₋',
          kind: 'boundary',
          source: 'numerical separatrix, f64 RK4 in reverse time',
        }),
      );
    }
  }

  const alphaAxis = axisOf('predictorLr');
  if (alphaAxis && sAxis && frozen) {
    const u = separatrixU(base.p0, tau, a, eta);
    if (u !== undefined) {
      curves.push(
        ...sampleAlong(slice, alphaAxis, (t) => u / t, {
          id: 'separatrix-alpha',
          label: `α_p s0 = u*(p0) = ${u.toPrecision(5)}: collapse below`,
          kind: 'boundary',
          source: eta === 0 ? kClosedForm : 'numerical separatrix, f64 bisection',
        }),
      );
    }
  }

  if (pAxis && !etaAxis && !sAxis && onParabola) {
    const along = otherAxis(pAxis);
    const pMinus = (t: number) => {
      const v = at(along, t);
      return pStar(v.weightDecay, tauOf(v), 1 + v.augmentation)?.minus;
    };
    if (frozen) {
      curves.push(
        ...sampleAlong(slice, along, pMinus, {
          id: 'p-minus',
          label: 'p0 = p*₋: basin boundary on the parabola',
          kind: 'boundary',
          source: kClosedForm,
        }),
      );
    } else if (slice[along].param === 'emaRate') {
      curves.push(
        ...sampleAlong(slice, along, pMinus, {
          id: 'simsiam-threshold',
          label: 'SimSiam threshold p0 = p*₋ (β → ∞ limit)',
          kind: 'reference',
          source: kClosedForm,
        }),
      );
    }
  }
  return curves;
}

// Overlay geometry: curves are built as (along, other) polylines, then cut to the slice's box.

type AxisKey = 'x' | 'y';
type CurveMeta = Omit<OverlayCurve, 'points'>;
const kSamples = 200;

/**
 * Samples other = f(t) on kSamples points t of the `along` axis (geometric over a positive range of
 * two decades or more) and keeps what lies in the slice; where the curve leaves or enters the other
 * axis' range between two samples, the crossing is located on the curve by bisection.
 */
function sampleAlong(slice: SliceContext, along: AxisKey, f: (t: number) => number | undefined, meta: CurveMeta): OverlayCurve[] {
  const o = slice[along === 'x' ? 'y' : 'x'];
  const { min, max } = slice[along];
  const geometric = min > 0 && max / min >= 100;
  const value = (t: number) => {
    const u = f(t);
    return u !== undefined && Number.isFinite(u) ? u : undefined;
  };
  const inside = (u: number) => u >= o.min && u <= o.max;
  const poly: Array<[number, number] | undefined> = [];
  let prev: [number, number] | undefined;
  for (let i = 0; i < kSamples; i++) {
    const q = i / (kSamples - 1);
    const t = geometric ? min * (max / min) ** q : min + q * (max - min);
    const u = value(t);
    if (prev && u !== undefined && inside(prev[1]) !== inside(u)) {
      const edge = (inside(prev[1]) ? u : prev[1]) > o.max ? o.max : o.min;
      const side = Math.sign(prev[1] - edge);
      let [ta, tb] = [prev[0], t];
      for (let k = 0; k < 50; k++) {
        const tm = (ta + tb) / 2;
        const um = value(tm);
        if (um !== undefined && Math.sign(um - edge) === side) ta = tm;
        else tb = tm;
      }
      const tIn = inside(prev[1]) ? ta : tb;
      const uIn = value(tIn);
      if (uIn !== undefined) poly.push([tIn, uIn]);
    }
    poly.push(u === undefined ? undefined : [t, u]);
    prev = u === undefined ? undefined : [t, u];
  }
  return runsInside(slice, along, poly, meta);
}

/** Splits an (along, other) polyline into the runs inside the slice, as (x, y) curves. */
function runsInside(slice: SliceContext, along: AxisKey, poly: Array<[number, number] | undefined>, meta: CurveMeta): OverlayCurve[] {
  const a = slice[along];
  const o = slice[along === 'x' ? 'y' : 'x'];
  const within = (v: number, r: { min: number; max: number }) => {
    const tol = 1e-9 * (r.max - r.min);
    return v >= r.min - tol && v <= r.max + tol;
  };
  const runs: Array<Array<[number, number]>> = [[]];
  for (const pt of poly) {
    if (pt && within(pt[0], a) && within(pt[1], o)) runs[runs.length - 1].push(along === 'x' ? pt : [pt[1], pt[0]]);
    else if (runs[runs.length - 1].length > 0) runs.push([]);
  }
  const kept = runs.filter((r) => r.length >= 2);
  return kept.map((points, k) => ({ ...meta, id: kept.length > 1 ? `${meta.id}-${k + 1}` : meta.id, points }));
}
