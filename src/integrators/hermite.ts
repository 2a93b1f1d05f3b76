/** Bisection steps that place t_c inside the step that crossed the collapse threshold (2^-12 of it). */
export const kCollapseBisections = 12;

/**
 * The offset into an accepted step [t0, t0 + h] at which the step's cubic Hermite interpolant (end
 * states y0, y1 and slopes f0, f1) first satisfies `collapsed`, by bisection: an adaptive step can
 * be long where a cell collapses, and t_c should not be rounded up to its end. The WGSL twin is
 * `collapseOffset` in shaders/sweep.wgsl.
 */
export function collapseOffset(
  y0: Float64Array,
  f0: Float64Array,
  y1: Float64Array,
  f1: Float64Array,
  h: number,
  collapsed: (y: Float64Array) => boolean,
): number {
  const y = new Float64Array(y0.length);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < kCollapseBisections; i++) {
    const th = 0.5 * (lo + hi);
    const th2 = th * th;
    const th3 = th2 * th;
    const [a, b, c, d] = [2 * th3 - 3 * th2 + 1, (th3 - 2 * th2 + th) * h, 3 * th2 - 2 * th3, (th3 - th2) * h];
    for (let k = 0; k < y.length; k++) y[k] = a * y0[k] + b * f0[k] + c * y1[k] + d * f1[k];
    if (collapsed(y)) hi = th;
    else lo = th;
  }
  return hi * h;
}
