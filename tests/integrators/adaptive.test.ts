import { describe, expect, it } from 'vitest';
import { AdaptiveRkStepper, integrateAdaptive } from '../../src/integrators/adaptive.js';
import { errorNorm, kControllerDefaults, type ControllerSettings } from '../../src/integrators/controller.js';
import { integrateFixed, type Rhs } from '../../src/integrators/stepper.js';
import { dp5, rk4, tsit5, type Tableau } from '../../src/integrators/tableaus.js';
import { exactPosition, oscillator } from '../fixtures/oscillator.js';

const adaptive = [dp5, tsit5];
const P = { omega: 1.3, x0: 1 };
const oscRhs: Rhs = (y, out) => oscillator.rhs(y, Float64Array.of(P.omega, P.x0), out);
const oscY0 = () => oscillator.initialState(Float64Array.of(P.omega, P.x0));

/** Logistic growth y' = r y (1 − y/K), exact y = K / (1 + (K/y0 − 1) e^{−rt}); tEnd = 9 is mid-transient. */
const logistic = { r: 1, K: 1, y0: 1e-4, tEnd: 9 };
const logisticRhs: Rhs = (y, out) => {
  out[0] = logistic.r * y[0] * (1 - y[0] / logistic.K);
};
const logisticExact = (t: number) => logistic.K / (1 + (logistic.K / logistic.y0 - 1) * Math.exp(-logistic.r * t));

/** The same pair run on its embedded weights alone: a plain fixed-step method of order embeddedOrder. */
const embedded = (t: Tableau): Tableau => ({ ...t, b: t.bHat!, order: t.embeddedOrder! });

/** Observed orders from errors at successive halvings of dt. */
const orders = (errors: number[]) => errors.slice(1).map((e, k) => Math.log2(errors[k] / e));

/** Least-squares slope of log(ys) against log(xs). */
function logLogSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  const num = lx.reduce((acc, x, i) => acc + (x - mx) * (ly[i] - my), 0);
  return num / lx.reduce((acc, x) => acc + (x - mx) ** 2, 0);
}

const settings = (rtol: number, extra: Partial<ControllerSettings> = {}): ControllerSettings => ({
  rtol,
  atol: rtol * 1e-3,
  dtMin: 1e-12,
  dtMax: 10,
  ...kControllerDefaults,
  ...extra,
});

describe.each(adaptive)('$name in fixed-step mode (RkStepper)', (t) => {
  const fixedErrors = (tableau: Tableau) =>
    [0.05, 0.025, 0.0125].map((dt) => {
      const steps = Math.round(10 / dt);
      return Math.abs(integrateFixed(tableau, oscRhs, oscY0(), dt, steps)[0] - exactPosition(P, steps * dt));
    });

  it('converges with order 5 on b', () => {
    for (const p of orders(fixedErrors(t))) {
      expect(p).toBeGreaterThan(4.7);
      expect(p).toBeLessThan(5.3);
    }
  });

  it('converges with order 4 on the embedded weights bHat', () => {
    for (const p of orders(fixedErrors(embedded(t)))) {
      expect(p).toBeGreaterThan(3.7);
      expect(p).toBeLessThan(4.3);
    }
  });
});

describe.each(adaptive)('AdaptiveRkStepper with $name', (t) => {
  it('trial gives the b-solution, the b − bHat error norm and, by FSAL, kLast = f(yNew)', () => {
    const stepper = new AdaptiveRkStepper(t, 2);
    const y = Float64Array.of(0.8, -0.3);
    const k1 = new Float64Array(2);
    oscRhs(y, k1);
    const yNew = new Float64Array(2);
    const dt = 0.2;
    const err = stepper.trial(oscRhs, y, k1, dt, 1e-8, 1e-11, yNew);
    // Reference: the same step through the fixed-step stepper, once on b and once on bHat.
    const yB = integrateFixed(t, oscRhs, y, dt, 1);
    const yBHat = integrateFixed(embedded(t), oscRhs, y, dt, 1);
    for (let d = 0; d < 2; d++) expect(yNew[d]).toBeCloseTo(yB[d], 15);
    const e = [yB[0] - yBHat[0], yB[1] - yBHat[1]];
    expect(err / errorNorm(e, y, yB, 1e-8, 1e-11)).toBeCloseTo(1, 6);
    expect(err).toBeGreaterThan(1); // dt = 0.2 is too long for rtol 1e-8: the estimate must say so
    expect(stepper.fsal).toBe(true);
    const fNew = new Float64Array(2);
    oscRhs(yNew, fNew);
    expect(Array.from(stepper.kLast)).toEqual(Array.from(fNew));
    expect(Array.from(y)).toEqual([0.8, -0.3]);
  });

  it('ends exactly at tEnd and counts its steps', () => {
    const r = integrateAdaptive(t, oscRhs, oscY0(), 1e-2, 20, settings(1e-6));
    expect(r.status).toBe('done');
    expect(r.t).toBe(20);
    expect(r.accepted).toBeGreaterThan(50);
    expect(r.rejected).toBeLessThan(r.accepted);
    expect(integrateAdaptive(t, oscRhs, oscY0(), 1e-2, 0, settings(1e-6))).toMatchObject({
      t: 0,
      accepted: 0,
      rejected: 0,
      status: 'done',
    });
  });
});

describe.each(adaptive)('adaptive $name: global error follows rtol', (t) => {
  const rtols = [1e-4, 1e-6, 1e-8, 1e-10];
  const problems = [
    { name: 'harmonic oscillator to t = 20', f: oscRhs, y0: oscY0(), tEnd: 20, exact: exactPosition(P, 20) },
    { name: 'logistic equation to t = 9', f: logisticRhs, y0: [logistic.y0], tEnd: logistic.tEnd, exact: logisticExact(logistic.tEnd) },
  ];

  it.each(problems)('on the $name', ({ f, y0, tEnd, exact }) => {
    const runs = rtols.map((rtol) => integrateAdaptive(t, f, y0, 1e-2, tEnd, settings(rtol)));
    const errors = runs.map((r) => Math.abs(r.y[0] - exact));
    for (const r of runs) expect(r.status).toBe('done');
    for (let k = 1; k < errors.length; k++) expect(errors[k]).toBeLessThan(errors[k - 1]);
    rtols.forEach((rtol, k) => {
      expect(errors[k] / (rtol * Math.abs(exact))).toBeGreaterThan(0.01);
      expect(errors[k] / (rtol * Math.abs(exact))).toBeLessThan(100);
    });
    // Local error ∝ dt^5, so the step count grows like rtol^(−1/5).
    const slope = logLogSlope(
      rtols,
      runs.map((r) => r.accepted),
    );
    expect(slope).toBeLessThan(-0.15);
    expect(slope).toBeGreaterThan(-0.3);
  });
});

describe('adaptive integration never hangs', () => {
  // y' = −1e6 (y − cos t), written autonomous with t as a second state: explicit methods are
  // stable only for dt ≲ 3.3e-6 here, whatever the tolerance.
  const stiffRhs: Rhs = (y, out) => {
    out[0] = -1e6 * (y[0] - Math.cos(y[1]));
    out[1] = 1;
  };

  it.each(adaptive)('$name reports stiff at once when dtMin = 1e-3 is above the stability limit', (t) => {
    const r = integrateAdaptive(t, stiffRhs, [1, 0], 1e-2, 1, settings(1e-6, { dtMin: 1e-3 }));
    // 1e-2 → 2e-3 (rejected, still ≥ dtMin) → 4e-4 (rejected, < dtMin): stop at t = 0.
    expect(r).toMatchObject({ status: 'stiff', t: 0, accepted: 0, rejected: 2 });
  });

  it.each(adaptive)('$name crawls through at the stability limit when dtMin allows it', (t) => {
    const r = integrateAdaptive(t, stiffRhs, [1, 0], 1e-2, 1, settings(1e-6));
    expect(r.status).toBe('done');
    // ≈ 1 / (3.3e-6): the step sits at the edge of the real-axis stability interval (≈ 3.3 for both pairs).
    expect(r.accepted).toBeGreaterThan(2.5e5);
    expect(r.accepted).toBeLessThan(3.5e5);
    expect(Math.abs(r.y[0] - Math.cos(1))).toBeLessThan(1e-5);
  });

  it('refuses arguments that could loop forever, and fixed-step tableaus', () => {
    expect(() => integrateAdaptive(dp5, oscRhs, [1, 0], 0, 1, settings(1e-6))).toThrow('dt0 must be > 0, got 0');
    expect(() => integrateAdaptive(dp5, oscRhs, [1, 0], 1e-2, Infinity, settings(1e-6))).toThrow('tEnd must be finite');
    expect(() => integrateAdaptive(dp5, oscRhs, [1, 0], 1e-2, 1, settings(1e-6, { dtMin: 0 }))).toThrow('dtMin must be > 0, got 0');
    expect(() => integrateAdaptive(dp5, oscRhs, [1, 0], 1e-2, 1, settings(1e-6, { dtMax: 1e-13 }))).toThrow(
      'dtMax (1e-13) must be ≥ dtMin (1e-12)',
    );
    expect(() => new AdaptiveRkStepper(rk4, 2)).toThrow('rk4: not an adaptive pair (no bHat), use RkStepper');
  });

  it('stops when the step no longer moves t (dt below its float resolution)', () => {
    // dtMin 1e-300 lets the controller shrink forever; a NaN derivative makes every trial fail.
    const nanAfterOne: Rhs = (y, out) => {
      out[0] = y[0] > 1.5 ? NaN : 1;
    };
    const r = integrateAdaptive(dp5, nanAfterOne, [1], 1, 10, settings(1e-6, { dtMin: 1e-300 }));
    expect(r.status).toBe('stiff');
    expect(r.t).toBeCloseTo(0.5, 10);
    expect(r.rejected).toBeGreaterThan(20);
    expect(r.rejected).toBeLessThan(400);
  });
});
