import type { ResolvedSettle } from './resolved-spec.js';

/**
 * The generic settle test, the f64 twin of `quietFor` in shaders/sweep.wgsl. A cell is settled at a
 * fixed point once its scaled rate ‖f(y)‖∞ / ‖y‖∞ has stayed at or under `tol` from a flow time t₀
 * until (1 + hold)·t₀: the hold is relative, so the test has no time scale of its own and works in
 * any model's units, and a cell that merely slows down while it passes a saddle (where the rate
 * dips and then grows again) is not stopped there unless it lingers for a fraction of its whole
 * history. A state at the origin with f = 0 passes at once (0 ≤ tol·0).
 *
 * A cell that its model classifies `collapsed` stops only once it has crossed the collapse threshold
 * (Model.isCollapsed), whatever decided it, so that its collapse time t_c is on record.
 *
 * Besides this test the runners stop a cell when
 * - the model's verdict (Model.settle) says `stop` (an absorbing collapse, for instance);
 * - an accepted step at the longest step it may take leaves every bit of the state unchanged: f32
 *   can never move it again (the stall of fixed-step f32 near a fixed point, `../shared/peers.md`).
 */
export class QuietClock {
  /** Flow time since which the rate has stayed under tol; −1 while it is above. */
  quietSince = -1;

  /** Updates the clock at (t, y, dy) and says whether the cell is settled. */
  settled(t: number, y: Float64Array, dy: Float64Array, settle: ResolvedSettle): boolean {
    if (maxAbs(dy) > settle.tol * maxAbs(y)) {
      this.quietSince = -1;
      return false;
    }
    if (this.quietSince < 0) this.quietSince = t;
    return t >= (1 + settle.hold) * this.quietSince;
  }
}

export function maxAbs(y: Float64Array): number {
  let m = 0;
  for (let d = 0; d < y.length; d++) m = Math.max(m, Math.abs(y[d]));
  return m;
}
