import { describe, expect, it } from 'vitest';
import { integrateFixed } from '../../src/integrators/stepper.js';
import { isAdaptive, isFsal, rk4, stages, tableaus, validateTableau, type Tableau } from '../../src/integrators/tableaus.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { exactPosition, oscillator } from '../fixtures/oscillator.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;

/** Observed order from errors at successive halvings of dt. */
function orders(errors: number[]): number[] {
  return errors.slice(1).map((e, k) => Math.log2(errors[k] / e));
}

describe('tableaus', () => {
  it('derives stage count and FSAL from the numbers', () => {
    expect(stages(rk4)).toBe(4);
    expect(isFsal(rk4)).toBe(false);
    const fsal: Tableau = { name: 'heun-fsal', label: '', order: 2, a: [[], [1], [1 / 2, 1 / 2]], b: [1 / 2, 1 / 2, 0], c: [0, 1, 1] };
    expect(isFsal(fsal)).toBe(true);
  });

  it('every registered tableau is consistent, and broken ones are named', () => {
    for (const t of Object.values(tableaus)) expect(() => validateTableau(t)).not.toThrow();
    expect(() => validateTableau({ ...rk4, b: [1 / 6, 1 / 3, 1 / 3, 1 / 3] })).toThrow('rk4: b sums to 1.1666666666666665, not 1');
    expect(() => validateTableau({ ...rk4, c: [0, 1 / 2, 1 / 3, 1] })).toThrow('rk4: c[2] = 0.3333333333333333 but a[2] sums to 0.5');
    expect(() => validateTableau({ ...rk4, a: [[], [1 / 2, 0], [0, 1 / 2], [0, 0, 1]] })).toThrow(
      'rk4: a[1] must have at most 1 entries (explicit method)',
    );
  });
});

describe('RK4 convergence order', () => {
  it.each(Object.values(tableaus))('is $order for $name in f64 TypeScript on the harmonic oscillator', (tableau) => {
    const P = Float64Array.of(1.3, 1);
    const errors = [0.05, 0.025, 0.0125].map((dt) => {
      const steps = Math.round(10 / dt);
      const y = integrateFixed(tableau, (y, out) => oscillator.rhs(y, P, out), oscillator.initialState(P), dt, steps);
      return Math.abs(y[0] - exactPosition({ omega: 1.3, x0: 1 }, steps * dt));
    });
    for (const p of orders(errors)) {
      expect(p).toBeGreaterThan(tableau.order - 0.1);
      expect(p).toBeLessThan(tableau.order + 0.1);
    }
  });

  // In fixed-step mode for every tableau: the adaptive pairs (dp5, tsit5) with `adaptive: false`
  // run their seven-stage WGSL stepper with the solution weights b. The order-5 pairs run 6× longer
  // so that their error (∝ t) stays well above f32 rounding (∝ √steps) at the finest step; a last
  // step shorter than dt (tEnd is no multiple of d0/√2) is part of what is tested.
  it.runIf(device).each(Object.values(tableaus))('is $order for $name in WGSL (f32) through the sweep kernel', async (tableau) => {
    const errors: number[] = [];
    const adaptive = isAdaptive(tableau);
    // The pairs' error falls so fast that at dt = 0.2 it is down at f32 rounding: their steps go in
    // ratio √2 from the one whose f64 error at ω = 1 is 3e-4 (far above rounding, and asymptotic).
    const tEnd = 8;
    const f64Error = (dt: number) => {
      const y = integrateFixed(tableau, (y, out) => oscillator.rhs(y, Float64Array.of(1, 1), out), [1, 0], dt, Math.round(tEnd / dt));
      return Math.abs(y[0] - exactPosition({ omega: 1, x0: 1 }, Math.round(tEnd / dt) * dt));
    };
    const d0 = 0.8 * (1e-4 / f64Error(0.8)) ** (1 / tableau.order);
    const dts = adaptive ? [d0, d0 / Math.SQRT2, d0 / 2] : [0.8, 0.4, 0.2];
    for (const dt of dts) {
      const spec = parseSpec(
        {
          model: 'oscillator',
          x: { param: 'omega', min: 0.5, max: 1, n: 4 },
          y: { param: 'x0', min: 1, max: 2, n: 3 },
          integrator: { method: tableau.name, dt, tEnd, ...(adaptive ? { adaptive: false } : {}) },
          settle: false,
        },
        [oscillator],
      );
      const r = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
      // RMS over the 12 cells: the worst cell switches between step sizes as errors change sign.
      let squares = 0;
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < 4; i++) {
          const P = { omega: 0.5 + (i * 0.5) / 3, x0: 1 + j * 0.5 };
          squares += (r.finalState[(j * 4 + i) * 2] - exactPosition(P, tEnd)) ** 2;
        }
      }
      errors.push(Math.sqrt(squares / 12));
    }
    if (!adaptive) {
      for (const p of orders(errors)) {
        expect(p).toBeGreaterThan(tableau.order - 0.4);
        expect(p).toBeLessThan(tableau.order + 0.4);
      }
      return;
    }
    // One least-squares slope of log error against log dt over the factor 2: the pairs' error
    // constants still wobble from step to step at these sizes (pairwise slopes 4.8–5.9 seen).
    const lx = dts.map(Math.log);
    const ly = errors.map(Math.log);
    const mx = lx.reduce((a, b) => a + b) / 3;
    const my = ly.reduce((a, b) => a + b) / 3;
    const slope = lx.reduce((a, x, k) => a + (x - mx) * (ly[k] - my), 0) / lx.reduce((a, x) => a + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(tableau.order - 0.6);
    expect(slope).toBeLessThan(tableau.order + 0.6);
  });
});
