import { mat3, type Mat3 } from 'wgpu-matrix';
import type { Scale } from '../../src/models/types.js';

// Instant zoom and pan: the map on screen is redrawn at once through a view matrix while the new
// region computes. Everything here works in "plot space": each axis in its own scale (ln for a log
// axis), over the visible domain, which reaches half a cell beyond min and max (web/render/axes.ts).

/** What an axis needs to say where its cells lie. */
export interface AxisExtentInput {
  min: number;
  max: number;
  n: number;
  scale: Scale;
}

/** The visible domain of both axes in plot space: `lo < hi` along x and along y. */
export interface Extent {
  x: [number, number];
  y: [number, number];
}

const toPlot = (v: number, scale: Scale) => (scale === 'log' ? Math.log(v) : v);
const fromPlot = (s: number, scale: Scale) => (scale === 'log' ? Math.exp(s) : s);

/** The visible domain of an axis with n cells centred on min … max, in plot space. */
export function axisDomain(a: AxisExtentInput): [number, number] {
  const [lo, hi] = [toPlot(a.min, a.scale), toPlot(a.max, a.scale)];
  const half = (hi - lo) / (2 * (a.n - 1));
  return [lo - half, hi + half];
}

export function extentOf(axes: { x: AxisExtentInput; y: AxisExtentInput }): Extent {
  return { x: axisDomain(axes.x), y: axisDomain(axes.y) };
}

/** The grid min and max (first and last cell centres) of an axis of n cells filling `domain`. */
export function domainRange(domain: [number, number], n: number, scale: Scale): [number, number] {
  const half = (domain[1] - domain[0]) / (2 * n);
  return [fromPlot(domain[0] + half, scale), fromPlot(domain[1] - half, scale)];
}

/**
 * The matrix taking a point of the canvas showing `target` to the same parameter point in an image
 * of `source`. Points are canvas fractions, x rightwards and y downwards, both in [0, 1) on the
 * canvas; a result outside [0, 1)² lies outside the source image. Per axis, plot value
 * s = lo + f·(hi − lo) on the target is f' = (s − lo')/(hi' − lo') on the source; y counts from hi.
 */
export function viewMatrix(target: Extent, source: Extent): Mat3 {
  const wx = source.x[1] - source.x[0];
  const wy = source.y[1] - source.y[0];
  const sx = (target.x[1] - target.x[0]) / wx;
  const sy = (target.y[1] - target.y[0]) / wy;
  const tx = (target.x[0] - source.x[0]) / wx;
  const ty = (source.y[1] - target.y[1]) / wy;
  return mat3.multiply(mat3.translation([tx, ty]), mat3.scaling([sx, sy]));
}

/** Where canvas fraction `f` of the target lands in the source (the matrix applied to (f, 1)). */
export function mapPoint(m: Mat3, f: [number, number]): [number, number] {
  return [m[0] * f[0] + m[4] * f[1] + m[8], m[1] * f[0] + m[5] * f[1] + m[9]];
}

export function sameExtent(a: Extent, b: Extent, tol = 1e-9): boolean {
  const close = (p: number, q: number, w: number) => Math.abs(p - q) <= tol * Math.abs(w);
  const wx = a.x[1] - a.x[0];
  const wy = a.y[1] - a.y[0];
  return close(a.x[0], b.x[0], wx) && close(a.x[1], b.x[1], wx) && close(a.y[0], b.y[0], wy) && close(a.y[1], b.y[1], wy);
}

/** `extent` scaled by `factor` (> 1 zooms out) about canvas fraction `at`, which stays put. */
export function zoomAbout(extent: Extent, at: [number, number], factor: number): Extent {
  const axis = ([lo, hi]: [number, number], f: number): [number, number] => {
    const pivot = lo + f * (hi - lo);
    return [pivot - (pivot - lo) * factor, pivot + (hi - pivot) * factor];
  };
  return { x: axis(extent.x, at[0]), y: axis(extent.y, 1 - at[1]) };
}

/** `extent` moved so that what was at canvas fraction (0, 0) is at (dx, dy) (the content follows the pointer). */
export function panBy(extent: Extent, dx: number, dy: number): Extent {
  const wx = extent.x[1] - extent.x[0];
  const wy = extent.y[1] - extent.y[0];
  return { x: [extent.x[0] - dx * wx, extent.x[1] - dx * wx], y: [extent.y[0] + dy * wy, extent.y[1] + dy * wy] };
}

/** `extent` kept inside `bounds`: no wider than them, then shifted back inside. */
export function clampExtent(extent: Extent, bounds: Extent): Extent {
  const axis = ([lo, hi]: [number, number], [blo, bhi]: [number, number]): [number, number] => {
    if (hi - lo >= bhi - blo) return [blo, bhi];
    if (lo < blo) return [blo, blo + (hi - lo)];
    if (hi > bhi) return [bhi - (hi - lo), bhi];
    return [lo, hi];
  };
  return { x: axis(extent.x, bounds.x), y: axis(extent.y, bounds.y) };
}

/** The zoom box (grid min and max along each axis, in parameter values) whose n-cell grid fills `extent`. */
export function extentToBox(
  extent: Extent,
  axes: { x: Pick<AxisExtentInput, 'n' | 'scale'>; y: Pick<AxisExtentInput, 'n' | 'scale'> },
): { x: [number, number]; y: [number, number] } {
  return { x: domainRange(extent.x, axes.x.n, axes.x.scale), y: domainRange(extent.y, axes.y.n, axes.y.scale) };
}
