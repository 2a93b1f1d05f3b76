import { errorNorm } from './controller.js';
import { errorWeights, type Tableau } from './tableaus.js';
import type { Rhs } from './stepper.js';

/** ∂f/∂y at y, row-major (out[i·S + j] = ∂f_i/∂y_j), for a model that can supply it. */
export type Jacobian = (y: Float64Array, out: Float64Array) => void;

/**
 * A linearly implicit (Rosenbrock) method as data. Its explicit part is an ordinary tableau: `a` says
 * where f is evaluated from the solved stages k_j, `b` makes the solution, `bHat` the embedded one,
 * so the engine's facts (adaptive, FSAL, controller order) come from the same numbers as for an
 * explicit pair. The implicit part is W = I − h·γ·J and the stage couplings c31, c32.
 */
export interface RosenbrockMethod extends Tableau {
  /** Diagonal of W = I − h·γ·J. */
  gamma: number;
  /** Couplings of the third stage: W k3 = f(yNew) − c32·(k2 − f(Y2)) − c31·(k1 − f(y)). */
  c31: number;
  c32: number;
}

/**
 * Shampine & Reichelt (1997), "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18, §4.1: the modified
 * Rosenbrock triple of ode23s, OrdinaryDiffEq.jl's Rosenbrock23. Order 2 (L-stable), with a third
 * stage whose error estimate is that of an order-3 solution; f(yNew) is the next step's f(y). Checked
 * against OrdinaryDiffEq.jl (lib/OrdinaryDiffEqRosenbrock: Rosenbrock23Tableau has d = 1/(2 + √2),
 * c₃₂ = 6 + √2; perform_step! for Rosenbrock23ConstantCache has the stage points y + h/2·k1 and
 * y + h·k2, the factor 2 on k1 − f(y), and utilde = h/6·(k1 − 2k2 + k3); its W is J − I/(hγ), whose
 * solves it scales by −1/(hγ), which is our (I − hγJ)⁻¹).
 * As a tableau: the solution y + h·k2 is b = (0, 1, 0), the error h/6·(k1 − 2k2 + k3) is
 * (bHat − b)·h·k with bHat = (1/6, 4/6, 1/6), and the third stage is evaluated at the solution.
 */
export const rosenbrock23: RosenbrockMethod = {
  name: 'rosenbrock23',
  label: 'Rosenbrock 2(3) (ode23s), linearly implicit, L-stable, adaptive step; needs a Jacobian',
  order: 2,
  a: [[], [1 / 2], [0, 1]],
  b: [0, 1, 0],
  c: [0, 1 / 2, 1],
  bHat: [1 / 6, 4 / 6, 1 / 6],
  embeddedOrder: 3,
  gamma: 1 / (2 + Math.SQRT2),
  c31: 2,
  c32: 6 + Math.SQRT2,
};

export function isRosenbrock(t: Tableau): t is RosenbrockMethod {
  return 'gamma' in t;
}

/** Why a model without a Jacobian cannot run a Rosenbrock method (the spec, the kernel and the f64 runner say it alike). */
export function noJacobianMessage(method: string, modelId: string): string {
  return `${method} needs the Jacobian ∂f/∂y, and ${modelId} has none: only a model file's right-hand side is differentiated (built-in models run rk4, rk38, dp5, tsit5)`;
}

/**
 * In-place LU factorisation with partial pivoting of the n×n row-major matrix m: afterwards m holds
 * L (unit diagonal, below) and U (on and above), and row k was swapped with row piv[k]. A zero pivot
 * is left in place: the solve then yields ±Infinity or NaN, which the error norm rejects (and a
 * shorter step makes W = I − hγJ regular again). The f64 twin of luFactor in
 * shaders/integrators/linear-solve.wgsl.
 */
export function luFactor(m: Float64Array, n: number, piv: Uint32Array): void {
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    piv[k] = p;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const v = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = v;
      }
    }
    const inv = 1 / m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const l = m[i * n + k] * inv;
      m[i * n + k] = l;
      for (let j = k + 1; j < n; j++) m[i * n + j] -= l * m[k * n + j];
    }
  }
}

/** Solves A x = b in place in x (b on entry), with A's factors from luFactor. */
export function luSolve(m: Float64Array, n: number, piv: Uint32Array, x: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const v = x[k];
      x[k] = x[p];
      x[p] = v;
    }
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) x[i] -= m[i * n + j] * x[j];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) x[i] -= m[i * n + j] * x[j];
    x[i] /= m[i * n + i];
  }
}

/**
 * One stepper for a Rosenbrock method, the f64 twin of rkTrial in
 * shaders/integrators/rosenbrock23.wgsl, with AdaptiveRkStepper's contract (trial, kLast, fsal) so
 * the adaptive loops take either. J is evaluated once per step, at y. Storage is allocated once.
 *   W = I − hγJ(y);  W k1 = f(y);  W (k2 − k1) = f(y + h·a21·k1) − k1;  yNew = y + h(a31 k1 + a32 k2);
 *   W k3 = f(yNew) − c32 (k2 − f(Y2)) − c31 (k1 − f(y));  error = h Σ (b − bHat)_i k_i.
 */
export class RosenbrockStepper {
  /** f(yNew) after trial(): the third stage is evaluated at the solution. */
  readonly kLast: Float64Array;
  readonly fsal = true;
  private readonly w: Float64Array;
  private readonly piv: Uint32Array;
  private readonly k: Float64Array[];
  private readonly f1: Float64Array;
  private readonly yStage: Float64Array;
  private readonly e: Float64Array;
  private readonly yFixed: Float64Array;
  private readonly weights: number[];

  constructor(
    private readonly method: RosenbrockMethod,
    private readonly dim: number,
    private readonly jacobian: Jacobian,
  ) {
    if (method.a.length !== 3 || method.b[2] !== 0 || method.a[2][0] !== method.b[0] || method.a[2][1] !== method.b[1])
      throw new Error(`${method.name}: the stepper runs three-stage methods whose third stage is f(yNew)`);
    this.w = new Float64Array(dim * dim);
    this.piv = new Uint32Array(dim);
    this.k = Array.from({ length: 3 }, () => new Float64Array(dim));
    this.kLast = new Float64Array(dim);
    this.f1 = new Float64Array(dim);
    this.yStage = new Float64Array(dim);
    this.e = new Float64Array(dim);
    this.yFixed = new Float64Array(dim);
    this.weights = errorWeights(method);
  }

  /**
   * One trial step of size dt from y, whose derivative f0 = f(y) is given: writes the solution into
   * yNew (not aliasing y) and returns the error norm; kLast = f(yNew) afterwards. y and f0 are not
   * modified.
   */
  trial(f: Rhs, y: Float64Array, f0: Float64Array, dt: number, rtol: number, atol: number, yNew: Float64Array): number {
    const { w, piv, k, f1, yStage, e, dim, method } = this;
    const [k1, k2, k3] = k;
    this.jacobian(y, w);
    for (let i = 0; i < dim * dim; i++) w[i] *= -dt * method.gamma;
    for (let d = 0; d < dim; d++) w[d * dim + d] += 1;
    luFactor(w, dim, piv);
    k1.set(f0);
    luSolve(w, dim, piv, k1);
    for (let d = 0; d < dim; d++) yStage[d] = y[d] + dt * method.a[1][0] * k1[d];
    f(yStage, f1);
    for (let d = 0; d < dim; d++) k2[d] = f1[d] - k1[d];
    luSolve(w, dim, piv, k2);
    for (let d = 0; d < dim; d++) k2[d] += k1[d];
    for (let d = 0; d < dim; d++) yNew[d] = y[d] + dt * (method.a[2][0] * k1[d] + method.a[2][1] * k2[d]);
    f(yNew, this.kLast);
    for (let d = 0; d < dim; d++) k3[d] = this.kLast[d] - method.c32 * (k2[d] - f1[d]) - method.c31 * (k1[d] - f0[d]);
    luSolve(w, dim, piv, k3);
    const [e1, e2, e3] = this.weights;
    for (let d = 0; d < dim; d++) e[d] = dt * (e1 * k1[d] + e2 * k2[d] + e3 * k3[d]);
    return errorNorm(e, y, yNew, rtol, atol);
  }

  /** A fixed step: advances y in place by dt (the error estimate is computed and dropped). */
  stepFrom(f: Rhs, y: Float64Array, f0: Float64Array, dt: number): void {
    this.trial(f, y, f0, dt, 1, 1, this.yFixed);
    y.set(this.yFixed);
  }
}
