import { describe, expect, it } from 'vitest';
import {
  controllerOrder,
  dp5,
  errorWeights,
  isAdaptive,
  isFsal,
  rk38,
  rk4,
  stages,
  tableaus,
  tsit5,
  validateTableau,
} from '../../src/integrators/tableaus.js';
import { orderResiduals, rootedTrees, worstResidual } from './order-conditions.js';

const adaptive = [dp5, tsit5];

describe('rooted trees (the order-condition generator)', () => {
  it('counts 1, 1, 2, 4, 9 trees of orders 1…5: 17 conditions up to order 5', () => {
    const trees = rootedTrees(5);
    expect([1, 2, 3, 4, 5].map((p) => trees.filter((t) => t.order === p).length)).toEqual([1, 1, 2, 4, 9]);
    // γ of the tall tree is |τ|!, of the bushy tree |τ|: Σ b c⁴ = 1/5 and Σ b a a a c = 1/120.
    expect(trees.find((t) => t.label === '[[],[],[],[]]')?.gamma).toBe(5);
    expect(trees.find((t) => t.label === '[[[[[]]]]]')?.gamma).toBe(120);
  });

  it('gives rk4 order exactly 4: all conditions to order 4 hold, an order-5 one fails', () => {
    for (const p of [1, 2, 3, 4]) expect(worstResidual(rk4, rk4.b, p)).toBeLessThan(1e-15);
    expect(worstResidual(rk4, rk4.b, 5)).toBeGreaterThan(1e-3);
  });
});

describe.each(adaptive)('$name tableau', (t) => {
  it('is a consistent 7-stage FSAL adaptive pair', () => {
    expect(() => validateTableau(t)).not.toThrow();
    expect(stages(t)).toBe(7);
    expect(isFsal(t)).toBe(true);
    expect(isAdaptive(t)).toBe(true);
    expect(t.order).toBe(5);
    expect(t.embeddedOrder).toBe(4);
    expect(controllerOrder(t)).toBe(5);
  });

  it('b meets all 17 order conditions up to order 5 (to 1e-13), and not all of order 6', () => {
    const residuals = orderResiduals(t, t.b, 5);
    expect(residuals).toHaveLength(17);
    for (const r of residuals) expect(Math.abs(r.residual), r.tree.label).toBeLessThan(1e-13);
    expect(worstResidual(t, t.b, 6)).toBeGreaterThan(1e-5);
  });

  it('bHat meets the 8 conditions up to order 4 and fails at least one of order 5', () => {
    for (const r of orderResiduals(t, t.bHat!, 4)) expect(Math.abs(r.residual), r.tree.label).toBeLessThan(1e-13);
    expect(worstResidual(t, t.bHat!, 5)).toBeGreaterThan(1e-5);
  });

  it('errorWeights are b − bHat: they sum to 0 and end in −bHat₇ (b₇ = 0 for FSAL)', () => {
    const w = errorWeights(t);
    expect(w).toHaveLength(7);
    expect(Math.abs(w.reduce((s, v) => s + v, 0))).toBeLessThan(1e-15);
    expect(w[6]).toBe(-t.bHat![6]);
  });
});

describe('tableau helpers', () => {
  it('pins the published numbers that carry the pairs', () => {
    // Spot checks against Dormand & Prince (1980) and Tsitouras (2011) as printed.
    expect(dp5.bHat![0]).toBe(5179 / 57600);
    expect(dp5.bHat![6]).toBe(1 / 40);
    expect(errorWeights(dp5)[0]).toBeCloseTo(71 / 57600, 17);
    expect(tsit5.c[4]).toBe(0.9800255409045097);
    expect(tsit5.bHat![6]).toBe(1 / 66);
    expect(errorWeights(tsit5)[0]).toBeCloseTo(0.0017800110522257714, 16); // b − bHat cancels two digits
  });

  it('registers the adaptive pairs beside the fixed-step ones', () => {
    expect(Object.keys(tableaus)).toEqual(['rk4', 'rk38', 'dp5', 'tsit5']);
    expect(
      Object.values(tableaus)
        .filter((t) => isAdaptive(t))
        .map((t) => t.name),
    ).toEqual(['dp5', 'tsit5']);
  });

  it('refuses the adaptive helpers on fixed-step tableaus', () => {
    expect(isAdaptive(rk4)).toBe(false);
    expect(isFsal(rk38)).toBe(false);
    expect(() => errorWeights(rk4)).toThrow('rk4: no embedded weights (not an adaptive pair)');
    expect(() => controllerOrder(rk38)).toThrow('rk38: no embedded weights (not an adaptive pair)');
  });

  it('validateTableau names a broken bHat', () => {
    expect(() => validateTableau({ ...dp5, bHat: dp5.bHat!.slice(0, 6) })).toThrow('dp5: bHat needs 7 entries');
    expect(() => validateTableau({ ...dp5, bHat: [...dp5.bHat!.slice(0, 6), 1 / 30] })).toThrow(/^dp5: bHat sums to 1\.00833/);
    expect(() => validateTableau({ ...tsit5, embeddedOrder: undefined })).toThrow('tsit5: bHat given without embeddedOrder');
    // One wrong digit in the 16th place of a Tsit5 row is still caught by the row-sum check.
    const a = tsit5.a.map((row) => [...row]);
    a[4][0] += 1e-13;
    expect(() => validateTableau({ ...tsit5, a })).toThrow(/^tsit5: c\[4\] = 0\.98002554090450/);
  });
});
