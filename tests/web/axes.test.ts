// The heatmap's axis scales: cell i's centre sits at the grid value v_i, in linear and log space, and
// the cell index under a pixel is the one the shader paints there.
import { describe, expect, it } from 'vitest';
import { axisScale, cellIndex } from '../../web/render/axes.js';
import { axisValues } from '../../src/sweep/spec.js';

describe('heatmap axes', () => {
  for (const axis of [
    { min: 0, max: 0.3, n: 48, scale: 'linear' as const },
    { min: 0.1, max: 100, n: 40, scale: 'log' as const },
  ]) {
    it(`${axis.scale}: cell centres are the grid values`, () => {
      const size = 480;
      const s = axisScale(axis, [0, size]);
      axisValues(axis).forEach((v, i) => {
        expect(s(v)).toBeCloseTo(((i + 0.5) / axis.n) * size, 9);
        expect(cellIndex(s(v), size, axis.n)).toBe(i);
      });
      expect(cellIndex(0, size, axis.n)).toBe(0);
      expect(cellIndex(size - 0.01, size, axis.n)).toBe(axis.n - 1);
    });
  }
});
