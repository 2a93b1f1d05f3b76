/**
 * The Jacobian ∂f/∂y of a model file's right-hand side, differentiated symbolically when the file is
 * compiled (derivative.ts), as f64 functions and as a WGSL function. Kept beside the Model rather
 * than in it: only a linearly implicit method (rosenbrock23, src/integrators/rosenbrock.ts) reads it.
 */
import type { Model } from '../models/types.js';
import { compileNumber, newContext } from './f64.js';
import { namedUses, type Expr } from './ir.js';
import { jacobianWgsl } from './wgsl.js';

/** The symbolic Jacobian of each compiled model's right-hand side (derivative.ts). */
const jacobians = new WeakMap<Model, { entries: Expr[][]; slots: number }>();

export interface UserJacobian {
  /** J = ∂f/∂y at (y, P) in f64, row-major: out[i·S + j] = ∂f_i/∂y_j. */
  evaluate(y: Float64Array, P: Float64Array, out: Float64Array): void;
  /** `fn jacobian(y: State, P: Params) -> array<f32, S·S>`, to be joined after the model's WGSL. */
  wgsl: string;
  /** The entries that are not identically zero, as (i, j). */
  nonZero: Array<[number, number]>;
}

/** Each model's compiled Jacobian, built on first use: the runners ask once per cell. */
const compiled = new WeakMap<Model, UserJacobian>();

/** The Jacobian of a model compiled from a model file; undefined for a built-in model. */
export function userJacobian(model: Model): UserJacobian | undefined {
  const cached = compiled.get(model);
  if (cached) return cached;
  const built = compileJacobian(model);
  if (built) compiled.set(model, built);
  return built;
}

function compileJacobian(model: Model): UserJacobian | undefined {
  const j = jacobians.get(model);
  if (!j) return undefined;
  const S = model.state.length;
  const c = newContext(j.slots);
  const named = namedUses(j.entries.flat());
  const namedFns = named.map((b) => compileNumber(b.expr));
  const fns = j.entries.map((row) => row.map((e) => compileNumber(e)));
  return {
    evaluate(y, P, out) {
      c.y = y;
      c.P = P;
      for (let k = 0; k < named.length; k++) c.v[named[k].slot] = namedFns[k](c);
      for (let r = 0; r < S; r++) for (let q = 0; q < S; q++) out[r * S + q] = fns[r][q](c);
    },
    wgsl: jacobianWgsl(
      model.state.map((s) => s.id),
      j.entries,
      model.wgsl,
    ),
    nonZero: j.entries.flatMap((row, r) => row.flatMap((e, q) => (e.k === 'num' && e.v === 0 ? [] : [[r, q] as [number, number]]))),
  };
}

/** Called by compileUserModel: `slots` counts the f64 context's slots, the derivative definitions' included. */
export function registerJacobian(model: Model, entries: Expr[][], slots: number): void {
  jacobians.set(model, { entries, slots });
}
