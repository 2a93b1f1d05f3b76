/**
 * The Jacobian ∂f/∂y of a model file's right-hand side, differentiated symbolically when the file is
 * compiled (derivative.ts), as f64 functions and as a WGSL function. Kept beside the Model rather
 * than in it: only a linearly implicit method (rosenbrock23, src/integrators/rosenbrock.ts) reads it.
 * Like sources.ts, this module loads nothing of the compiler: the engine and the spec ask it whether
 * a model has a Jacobian, and the explorer, which never compiles a model file, ships without the
 * builder (jacobian-build.ts).
 */
import type { Model } from '../models/types.js';

export interface UserJacobian {
  /** J = ∂f/∂y at (y, P) in f64, row-major: out[i·S + j] = ∂f_i/∂y_j. */
  evaluate(y: Float64Array, P: Float64Array, out: Float64Array): void;
  /** `fn jacobian(y: State, P: Params) -> array<f32, S·S>`, to be joined after the model's WGSL. */
  wgsl: string;
  /** The entries that are not identically zero, as (i, j). */
  nonZero: Array<[number, number]>;
}

/** How to build each compiled model's Jacobian, registered by compileUserModel. */
const builders = new WeakMap<Model, () => UserJacobian>();
/** Each model's Jacobian once built: the runners ask once per cell. */
const built = new WeakMap<Model, UserJacobian>();

/** The Jacobian of a model compiled from a model file; undefined for a built-in model. */
export function userJacobian(model: Model): UserJacobian | undefined {
  const cached = built.get(model);
  if (cached) return cached;
  const build = builders.get(model);
  if (!build) return undefined;
  const jacobian = build();
  built.set(model, jacobian);
  return jacobian;
}

/** Called by compileUserModel with the builder of the model's Jacobian (run on first use). */
export function registerJacobian(model: Model, build: () => UserJacobian): void {
  builders.set(model, build);
}
