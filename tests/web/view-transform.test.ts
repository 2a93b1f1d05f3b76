// Instant zoom and pan (issue 14): the view matrix takes a canvas point of the region to show to the
// same parameter point of the picture on screen, through each axis's own scale.
import { describe, expect, it } from 'vitest';
import { axisScale } from '../../web/render/axes.js';
import {
  clampExtent,
  extentOf,
  extentToBox,
  mapPoint,
  panBy,
  viewMatrix,
  zoomAbout,
  type AxisExtentInput,
} from '../../web/render/view-transform.js';

/** The matrix is f32 (a WGSL mat3x3f): points agree to about 1e-7. */
function expectPoint(got: [number, number], want: [number, number]): void {
  expect(got[0]).toBeCloseTo(want[0], 6);
  expect(got[1]).toBeCloseTo(want[1], 6);
}

const linear: AxisExtentInput = { min: 0, max: 0.9, n: 10, scale: 'linear' };
const log: AxisExtentInput = { min: 1e-4, max: 1, n: 5, scale: 'log' };

describe('view transform', () => {
  it('maps a canvas point of the new region to the same parameter point of the old picture', () => {
    const old = { x: linear, y: log };
    const zoomed = { x: { ...linear, min: 0.2, max: 0.5 }, y: { ...log, min: 1e-3, max: 1e-2 } };
    const m = viewMatrix(extentOf(zoomed), extentOf(old));
    // The same pixel → value → pixel path the axes and the overlays use (web/render/axes.ts).
    const [W, H] = [600, 400];
    for (const f of [
      [0.1, 0.2],
      [0.5, 0.5],
      [0.93, 0.71],
    ] as [number, number][]) {
      const x = axisScale(zoomed.x, [0, W]).invert(f[0] * W);
      const y = axisScale(zoomed.y, [H, 0]).invert(f[1] * H);
      const [gx, gy] = mapPoint(m, f);
      expect(gx * W).toBeCloseTo(axisScale(old.x, [0, W])(x), 4);
      expect(gy * H).toBeCloseTo(axisScale(old.y, [H, 0])(y), 4);
    }
  });

  it('is the identity between a region and itself, and points outside the old region fall outside [0, 1)', () => {
    const e = extentOf({ x: linear, y: log });
    expect(Array.from(viewMatrix(e, e))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    const wider = zoomAbout(e, [0.5, 0.5], 2);
    const m = viewMatrix(wider, e);
    expectPoint(mapPoint(m, [0.5, 0.5]), [0.5, 0.5]);
    expectPoint(mapPoint(m, [0.1, 0.9]), [-0.3, 1.3]);
  });

  it('a wheel zoom keeps the point under the pointer; a pan moves the content with it; both stay inside the bounds', () => {
    const bounds = extentOf({ x: linear, y: linear });
    const z = zoomAbout(bounds, [0.25, 0.75], 0.5);
    expectPoint(mapPoint(viewMatrix(z, bounds), [0.25, 0.75]), [0.25, 0.75]);
    const moved = panBy(z, 0.1, -0.2);
    // What was at (0.5, 0.5) of z now sits at (0.6, 0.3).
    expectPoint(mapPoint(viewMatrix(moved, z), [0.6, 0.3]), [0.5, 0.5]);
    expect(clampExtent(panBy(bounds, 0.3, 0), bounds)).toEqual(bounds);
    expect(clampExtent(zoomAbout(bounds, [0.5, 0.5], 3), bounds)).toEqual(bounds);
    const left = clampExtent(panBy(z, 5, 0), bounds);
    expect(left.x[0]).toBe(bounds.x[0]);
    expect(left.x[1] - left.x[0]).toBeCloseTo(z.x[1] - z.x[0], 12);
  });

  it('turns a region back into the zoom box whose grid fills it', () => {
    const box = extentToBox(extentOf({ x: { ...linear, min: 0.2, max: 0.5 }, y: { ...log, min: 1e-3, max: 1e-2 } }), { x: linear, y: log });
    expect(box.x.map((v) => +v.toPrecision(12))).toEqual([0.2, 0.5]);
    expect(box.y.map((v) => +v.toPrecision(12))).toEqual([1e-3, 1e-2]);
  });
});
