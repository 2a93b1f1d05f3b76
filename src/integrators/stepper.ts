import { denseA, stages, type Tableau } from './tableaus.js';

/** Right-hand side of an autonomous system: writes dy/dt at y into out. */
export type Rhs = (y: Float64Array, out: Float64Array) => void;

/**
 * One explicit Runge–Kutta stepper for every tableau (the f64 twin of shaders/integrators/erk4.wgsl and erk7.wgsl's rkStep).
 * Allocates its stage storage once, so a stepper per trajectory costs nothing per step.
 */
export class RkStepper {
  private readonly k: Float64Array[];
  private readonly yStage: Float64Array;
  private readonly a: number[];
  private readonly s: number;

  constructor(
    private readonly tableau: Tableau,
    private readonly dim: number,
  ) {
    this.s = stages(tableau);
    this.a = denseA(tableau);
    this.k = Array.from({ length: this.s }, () => new Float64Array(dim));
    this.yStage = new Float64Array(dim);
  }

  /** Advances y in place by one step of size dt. */
  step(f: Rhs, y: Float64Array, dt: number): void {
    f(y, this.k[0]);
    this.advance(f, y, dt);
  }

  /**
   * The same step when the caller already has k1 = f(y) (the runners do, for the settle test), as
   * the WGSL rkStep(y, k1, P, dt): the first stage is not evaluated twice.
   */
  stepFrom(f: Rhs, y: Float64Array, k1: Float64Array, dt: number): void {
    this.k[0].set(k1);
    this.advance(f, y, dt);
  }

  private advance(f: Rhs, y: Float64Array, dt: number): void {
    const { k, yStage, a, s, dim } = this;
    const b = this.tableau.b;
    for (let i = 1; i < s; i++) {
      for (let d = 0; d < dim; d++) {
        let acc = y[d];
        for (let j = 0; j < i; j++) acc += dt * a[i * s + j] * k[j][d];
        yStage[d] = acc;
      }
      f(yStage, k[i]);
    }
    for (let d = 0; d < dim; d++) {
      let acc = 0;
      for (let i = 0; i < s; i++) acc += b[i] * k[i][d];
      y[d] += dt * acc;
    }
  }
}

/** Integrates y0 with nSteps fixed steps of dt and returns the end state (a fresh array). */
export function integrateFixed(tableau: Tableau, f: Rhs, y0: ArrayLike<number>, dt: number, nSteps: number): Float64Array {
  const y = Float64Array.from(y0);
  const stepper = new RkStepper(tableau, y.length);
  for (let n = 0; n < nSteps; n++) stepper.step(f, y, dt);
  return y;
}
