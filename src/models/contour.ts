/**
 * The zero set f = 0 of a closed-form boundary function in a 2-D slice, for overlays whose
 * function is monotone in each axis parameter (at most one root along any line parallel to an
 * axis). Used by wen-li and ziyin-landscape; model-side, not engine code.
 */
import type { Model, ParamVector, SliceContext } from './types.js';

const kSamples = 200;

/** Samples of a parameter's axis over [min, max], geometric when the parameter is log-scaled. */
export function axisSamples(model: Model, param: string, min: number, max: number, n = kSamples): number[] {
  const def = model.params.find((p) => p.id === param);
  const log = def?.kind === 'number' && def.scale === 'log' && min > 0;
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    return log ? min * (max / min) ** t : min + t * (max - min);
  });
}

/** Bisection on [lo, hi] where g changes sign, to full f64 resolution. */
function bisect(g: (v: number) => number, lo: number, hi: number): number {
  const gLo = g(lo);
  for (let k = 0; k < 200; k++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (g(mid) > 0 === gLo > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Points of f = 0 inside the slice. For every x sample the root in y is found by bisection; when f
 * does not depend on y at all (a vertical boundary), the root in x is drawn as a vertical segment.
 * Example: f = θ₂ − θ_c(λ₁) over (λ₁, θ₂) gives the curve θ₂ = θ_c(λ₁).
 */
export function zeroContour(model: Model, slice: SliceContext, f: (P: ParamVector) => number): Array<[number, number]> {
  const ix = (id: string) => model.params.findIndex((p) => p.id === id);
  const kx = ix(slice.x.param);
  const ky = ix(slice.y.param);
  const P = Float64Array.from(slice.values);
  const at = (x: number, y: number) => {
    P[kx] = x;
    P[ky] = y;
    return f(P);
  };
  const xs = axisSamples(model, slice.x.param, slice.x.min, slice.x.max);
  const { min: y0, max: y1 } = slice.y;
  const dependsOnY = xs.some((x) => at(x, y0) !== at(x, y1));
  if (!dependsOnY) {
    const g = (x: number) => at(x, y0);
    const out: Array<[number, number]> = [];
    for (let i = 1; i < xs.length; i++) {
      if (g(xs[i - 1]) === 0)
        return [
          [xs[i - 1], y0],
          [xs[i - 1], y1],
        ];
      if (g(xs[i - 1]) > 0 !== g(xs[i]) > 0) {
        const x = bisect(g, xs[i - 1], xs[i]);
        out.push([x, y0], [x, y1]);
        break;
      }
    }
    return out;
  }
  const out: Array<[number, number]> = [];
  for (const x of xs) {
    const a = at(x, y0);
    const b = at(x, y1);
    if (a === 0) out.push([x, y0]);
    else if (b === 0) out.push([x, y1]);
    else if (a > 0 !== b > 0) out.push([x, bisect((y) => at(x, y), y0, y1)]);
  }
  return out;
}
