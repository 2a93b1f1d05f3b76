// Rosenbrock23 (Shampine & Reichelt's ode23s triple) in f64: its numbers, the LU solve, order 2 with
// fixed steps, an error estimate of order 3, L-stability, and stiff problems at steps an explicit
// method cannot take.
import { describe, expect, it } from 'vitest';
import { integrateAdaptive } from '../../src/integrators/adaptive.js';
import { kControllerDefaults, type ControllerSettings } from '../../src/integrators/controller.js';
import { luFactor, luSolve, RosenbrockStepper, rosenbrock23, type Jacobian } from '../../src/integrators/rosenbrock.js';
import { integrateFixed, type Rhs } from '../../src/integrators/stepper.js';
import { controllerOrder, dp5, isFsal, rk4, validateTableau } from '../../src/integrators/tableaus.js';
import { tableauOf } from '../../src/integrators/map.js';

/** Fixed steps of the Rosenbrock stepper from y0 to nSteps·dt. */
function rosenbrockFixed(f: Rhs, jac: Jacobian, y0: number[], dt: number, nSteps: number): Float64Array {
  const y = Float64Array.from(y0);
  const f0 = new Float64Array(y.length);
  const stepper = new RosenbrockStepper(rosenbrock23, y.length, jac);
  for (let n = 0; n < nSteps; n++) {
    f(y, f0);
    stepper.stepFrom(f, y, f0, dt);
  }
  return y;
}

const orders = (errors: number[]) => errors.slice(1).map((e, k) => Math.log2(errors[k] / e));

/** Logistic growth y' = y(1 − y): smooth and nonlinear, exact y = 1 / (1 + (1/y0 − 1) e^{−t}). */
const logistic: Rhs = (y, out) => {
  out[0] = y[0] * (1 - y[0]);
};
const logisticJ: Jacobian = (y, out) => {
  out[0] = 1 - 2 * y[0];
};
const logisticExact = (y0: number, t: number) => 1 / (1 + (1 / y0 - 1) * Math.exp(-t));

/** A rotation with decay, y' = A y, A = [[−0.1, 1], [−1, −0.1]]: exact e^{−0.1t}(cos t, −sin t) from (1, 0). */
const spiral: Rhs = (y, out) => {
  out[0] = -0.1 * y[0] + y[1];
  out[1] = -y[0] - 0.1 * y[1];
};
const spiralJ: Jacobian = (_y, out) => out.set([-0.1, 1, -1, -0.1]);

/**
 * Prothero–Robinson, y' = λ(y − g(t)) + g'(t) with g = sin, written autonomous with t as a second
 * state: the exact solution from y(0) = 0 is sin t, and λ = −1e4 makes it stiff (explicit methods
 * need h ≲ 2.8/|λ|).
 */
const kLambda = -1e4;
const prothero: Rhs = (y, out) => {
  out[0] = kLambda * (y[0] - Math.sin(y[1])) + Math.cos(y[1]);
  out[1] = 1;
};
const protheroJ: Jacobian = (y, out) => out.set([kLambda, -kLambda * Math.cos(y[1]) - Math.sin(y[1]), 0, 0]);

const settings = (rtol: number): ControllerSettings => ({ rtol, atol: rtol * 1e-3, dtMin: 1e-12, dtMax: 10, ...kControllerDefaults });

describe('rosenbrock23 as data', () => {
  it("has ode23s's numbers: γ = 1/(2 + √2), c32 = 6 + √2, c31 = 2, and a consistent explicit part", () => {
    expect(rosenbrock23.gamma).toBe(0.2928932188134525);
    expect(rosenbrock23.c32).toBe(7.414213562373095);
    expect(rosenbrock23.c31).toBe(2);
    expect(() => validateTableau(rosenbrock23)).not.toThrow();
    // Its third stage is f(yNew), the next step's f(y); the error estimate is O(h³).
    expect(isFsal(rosenbrock23)).toBe(true);
    expect(controllerOrder(rosenbrock23)).toBe(3);
    expect(tableauOf('rosenbrock23')).toBe(rosenbrock23);
  });
});

describe('LU with partial pivoting', () => {
  it('solves a 4×4 system whose first pivot is zero, to rounding', () => {
    const A = [0, 2, -1, 3, 1, 1, 4, -2, -3, 5, 0, 1, 2, -1, 1, 6];
    const xTrue = [1, -2, 0.5, 3];
    const b = Float64Array.from({ length: 4 }, (_, i) => xTrue.reduce((acc, x, j) => acc + A[i * 4 + j] * x, 0));
    const m = Float64Array.from(A);
    const piv = new Uint32Array(4);
    luFactor(m, 4, piv);
    expect(piv[0]).toBe(2); // |−3| is the largest entry of column 0
    luSolve(m, 4, piv, b);
    for (let i = 0; i < 4; i++) expect(Math.abs(b[i] - xTrue[i])).toBeLessThan(1e-14);
  });
});

describe('rosenbrock23 with fixed steps', () => {
  const dts = [0.1, 0.05, 0.025, 0.0125];

  it('converges with order 2 on the logistic equation (J depends on y)', () => {
    const errors = dts.map((dt) =>
      Math.abs(rosenbrockFixed(logistic, logisticJ, [0.01], dt, Math.round(8 / dt))[0] - logisticExact(0.01, 8)),
    );
    for (const p of orders(errors)) {
      expect(p).toBeGreaterThan(1.9);
      expect(p).toBeLessThan(2.1);
    }
  });

  it('converges with order 2 on a damped rotation (a 2×2 solve)', () => {
    const errors = dts.map((dt) => {
      const y = rosenbrockFixed(spiral, spiralJ, [1, 0], dt, Math.round(10 / dt));
      return Math.hypot(y[0] - Math.exp(-1) * Math.cos(10), y[1] + Math.exp(-1) * Math.sin(10));
    });
    for (const p of orders(errors)) {
      expect(p).toBeGreaterThan(1.9);
      expect(p).toBeLessThan(2.1);
    }
  });

  it('estimates its local error with order 3: halving h divides the estimate by about 8', () => {
    const stepper = new RosenbrockStepper(rosenbrock23, 1, logisticJ);
    const y = Float64Array.of(0.2);
    const f0 = new Float64Array(1);
    logistic(y, f0);
    const yNew = new Float64Array(1);
    // atol = 1, rtol = 0: the norm is |error| itself.
    const estimates = [0.2, 0.1, 0.05, 0.025].map((h) => stepper.trial(logistic, y, f0, h, 0, 1, yNew));
    for (const p of orders(estimates)) {
      expect(p).toBeGreaterThan(2.8);
      expect(p).toBeLessThan(3.2);
    }
    // And kLast is f at the solution of the last trial.
    expect(stepper.kLast[0]).toBe(yNew[0] * (1 - yNew[0]));
  });

  it('is L-stable: one step of y′ = λy damps by R(hλ) → 0 as hλ → −∞ (like 4.4/|hλ|)', () => {
    for (const [z, bound] of [
      [-1e2, 5e-2],
      [-1e4, 5e-4],
      [-1e8, 5e-8],
    ]) {
      const y = rosenbrockFixed(
        (s, out) => {
          out[0] = z * s[0];
        },
        (_s, out) => {
          out[0] = z;
        },
        [1],
        1,
        1,
      );
      expect(Math.abs(y[0])).toBeLessThan(bound);
    }
  });

  it('Prothero–Robinson, λ = −1e4: steps with h|λ| = 250 … 1000 track sin t with order 2, where RK4 blows up', () => {
    const errors = [0.1, 0.05, 0.025].map((dt) =>
      Math.abs(rosenbrockFixed(prothero, protheroJ, [0, 0], dt, Math.round(10 / dt))[0] - Math.sin(10)),
    );
    expect(errors[1]).toBeLessThan(1.1e-4);
    for (const p of orders(errors)) {
      expect(p).toBeGreaterThan(1.9);
      expect(p).toBeLessThan(2.1);
    }
    const explicit = integrateFixed(rk4, prothero, [0, 0], 0.05, 200);
    expect(Math.abs(explicit[0])).not.toBeLessThan(1e6); // NaN or a blow-up, never a number near sin 10
  });
});

describe('adaptive rosenbrock23 on stiff problems', () => {
  it('Prothero–Robinson, λ = −1e4, to t = 10 at rtol 1e-4: accurate, with far fewer steps than dp5', () => {
    const ros = integrateAdaptive(rosenbrock23, prothero, [0, 0], 1e-3, 10, settings(1e-4), protheroJ);
    const dp = integrateAdaptive(dp5, prothero, [0, 0], 1e-3, 10, settings(1e-4));
    expect(ros.status).toBe('done');
    expect(dp.status).toBe('done');
    expect(Math.abs(ros.y[0] - Math.sin(10))).toBeLessThan(1e-5);
    // Measured: 773 attempts against dp5's 30243; dp5 sits at its stability limit, h ≈ 3.3/|λ|.
    expect(ros.accepted + ros.rejected).toBeLessThan(1000);
    expect(dp.accepted).toBeGreaterThan(2.5e4);
  });

  it('a model without a Jacobian cannot run it', () => {
    expect(() => integrateAdaptive(rosenbrock23, prothero, [0, 0], 1e-3, 10, settings(1e-4))).toThrow(
      'rosenbrock23: a linearly implicit method needs the Jacobian ∂f/∂y',
    );
  });
});
