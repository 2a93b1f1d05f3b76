import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import type { ResolvedAxis } from '../../src/sweep/spec.js';

/**
 * Pixel scale of one heatmap axis. The grid draws n equal cells whose centres are the grid values
 * v_0 = min … v_{n−1} = max, so the visible domain reaches half a cell (in linear or log space)
 * beyond min and max; overlays and ticks then land on the cells they belong to.
 */
export function axisScale(
  a: Pick<ResolvedAxis, 'min' | 'max' | 'n' | 'scale'>,
  range: [number, number],
): ScaleContinuousNumeric<number, number> {
  if (a.scale === 'log') {
    const half = Math.log(a.max / a.min) / (2 * (a.n - 1));
    return scaleLog()
      .domain([a.min * Math.exp(-half), a.max * Math.exp(half)])
      .range(range);
  }
  const half = (a.max - a.min) / (2 * (a.n - 1));
  return scaleLinear()
    .domain([a.min - half, a.max + half])
    .range(range);
}

/** Index of the cell under pixel offset `px` of an axis `length` pixels long with n cells. */
export function cellIndex(px: number, length: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor((px / length) * n)));
}
