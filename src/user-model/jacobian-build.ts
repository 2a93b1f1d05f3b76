/**
 * The symbolic Jacobian's entries (derivative.ts) compiled to f64 closures and a WGSL function: the
 * UserJacobian that jacobian.ts hands out. The f64 side shares the right-hand side's context layout,
 * the derivative definitions' slots included.
 */
import type { Model } from '../models/types.js';
import { compileNumber, newContext } from './f64.js';
import { namedUses, type Expr } from './ir.js';
import type { UserJacobian } from './jacobian.js';
import { jacobianWgsl } from './wgsl.js';

/** entries[i][j] = ∂f_i/∂y_j; `slots` counts the f64 context's slots. */
export function buildJacobian(model: Model, entries: Expr[][], slots: number): UserJacobian {
  const S = model.state.length;
  const c = newContext(slots);
  const named = namedUses(entries.flat());
  const namedFns = named.map((b) => compileNumber(b.expr));
  const fns = entries.map((row) => row.map((e) => compileNumber(e)));
  return {
    evaluate(y, P, out) {
      c.y = y;
      c.P = P;
      for (let k = 0; k < named.length; k++) c.v[named[k].slot] = namedFns[k](c);
      for (let r = 0; r < S; r++) for (let q = 0; q < S; q++) out[r * S + q] = fns[r][q](c);
    },
    wgsl: jacobianWgsl(
      model.state.map((s) => s.id),
      entries,
      model.wgsl,
    ),
    nonZero: entries.flatMap((row, r) => row.flatMap((e, q) => (e.k === 'num' && e.v === 0 ? [] : [[r, q] as [number, number]]))),
  };
}
