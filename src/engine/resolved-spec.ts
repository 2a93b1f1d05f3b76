import type { Model, Scale } from '../models/types.js';

/**
 * A sweep spec once parseSpec (src/sweep/spec.ts) has checked it and filled in its defaults: what the
 * runners take. It lives in the engine so that the engine needs nothing from the layers above it;
 * src/sweep/spec.ts re-exports all of it beside the JSON shape and the parser.
 */

/** A spec that breaks a rule; the message starts with the field's path (`x.n: …`). */
export class SpecError extends Error {
  override name = 'SpecError';
}

export interface ResolvedAxis {
  param: string;
  /** Index of the parameter in the model's parameter vector. */
  index: number;
  min: number;
  max: number;
  n: number;
  scale: Scale;
}

export interface ResolvedSpec {
  model: Model;
  /** Every parameter and initial condition (axis entries hold the axis minimum; DERIVED where derived). */
  values: Float64Array;
  x: ResolvedAxis;
  y: ResolvedAxis;
  integrator: ResolvedIntegrator;
  /** The early-exit test (src/engine/settle.ts), or false for a fixed-horizon run. */
  settle: ResolvedSettle | false;
  /** Quad-tree refinement of the class boundaries (src/refine/), or false: every cell computed. */
  refine: ResolvedRefine | false;
  /** Each cell's class recorded at these flow times as it integrates, or false. */
  timelapse: ResolvedTimelapse | false;
}

/**
 * The time-lapse of the basins: every cell's class at `times` (log-spaced from `from` to tEnd, the
 * last one tEnd). A fixed-step or map run records a frame at the end of step `steps[k]`, so
 * times[k] = steps[k]·dt lies on its step grid; an adaptive run shortens the step that would pass a
 * frame time so that it lands on it. Either way frame k holds the class a run stopped at times[k]
 * would end with.
 */
export interface ResolvedTimelapse {
  frames: number;
  /** The first log-spaced time asked for (times[0] is it, rounded to the step grid where there is one). */
  from: number;
  times: number[];
  /** Fixed steps and maps: the step count at which each frame is recorded; adaptive: empty. */
  steps: number[];
}

/**
 * Refinement (src/refine/refine.ts). The grid is cut into square blocks of side `block` =
 * x.n / coarse, a power of two (so x.n = coarse·2^k and y.n a multiple of the block); every block is
 * first computed at one representative fine cell, then split 2×2 where the classes change, down to
 * single cells. `verify`: the fraction of inherited cells integrated as a check; `seed` draws them.
 */
export interface ResolvedRefine {
  /** Blocks along x at the coarsest level. */
  coarse: number;
  verify: number;
  seed: number;
  /** Side of a coarsest block in fine cells (x.n / coarse, a power of two). */
  block: number;
  /** The uncertainty check of the finest cells (src/refine/uncertainty.ts), or false. */
  uncertainty: ResolvedUncertainty | false;
}

/**
 * The cells integrated at the finest level are integrated again with the tolerance divided by
 * `tighten` (rtol and atol; a fixed step: dt divided by it), and up to `f64` of them with the f64
 * reference; a cell whose class flips is uncertain.
 */
export interface ResolvedUncertainty {
  tighten: number;
  f64: number;
}
export interface ResolvedIntegrator {
  method: string;
  /** Fixed step; for adaptive runs the first step. */
  dt: number;
  tEnd: number;
  /**
   * Fixed step: the number of steps, the last one shortened so that it ends exactly at tEnd.
   * Adaptive: the most step attempts a cell may take (more latches it `stiff`).
   */
  steps: number;
  adaptive: boolean;
  /** Adaptive runs only (0 otherwise). */
  rtol: number;
  atol: number;
  dtMin: number;
  dtMax: number;
}

export interface ResolvedSettle {
  /** Scaled-rate tolerance: ‖f(y)‖∞ ≤ tol·‖y‖∞. */
  tol: number;
  /** The rate must stay under tol from t₀ until (1 + hold)·t₀. */
  hold: number;
}

/** The axis's grid values in f64, v_i = min + i(max−min)/(n−1) or min·(max/min)^(i/(n−1)). */
export function axisValues(a: Pick<ResolvedAxis, 'min' | 'max' | 'n' | 'scale'>): Float64Array {
  const out = new Float64Array(a.n);
  for (let i = 0; i < a.n; i++) {
    // A one-point axis (the y of a 1-D sweep) is its min.
    const f = a.n > 1 ? i / (a.n - 1) : 0;
    out[i] = a.scale === 'log' ? a.min * (a.max / a.min) ** f : a.min + f * (a.max - a.min);
  }
  return out;
}

/** The parameter vector of cell (i, j): the resolved values with the two axis entries set. */
export function cellValues(
  spec: ResolvedSpec,
  xs: Float64Array,
  ys: Float64Array,
  i: number,
  j: number,
  out = new Float64Array(spec.values.length),
): Float64Array {
  out.set(spec.values);
  // y first: in a 1-D sweep y is x's own parameter at one point, and x wins (as the kernel's cellParams).
  out[spec.y.index] = ys[j];
  out[spec.x.index] = xs[i];
  return out;
}
