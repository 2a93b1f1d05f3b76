// Fixed-step driver: every step has length dt except the last, shortened so that the cell ends
// exactly at tEnd (sweep.lastDt). Every attempt is accepted. The f64 twin is the fixed branch of
// integrateCell in src/engine/cpu-runner.ts.

fn attemptStep(y: State, k1: State, P: Params, c: CellControl) -> Attempt {
  let last = c.accepted + 1u >= sweep.steps;
  let h = select(sweep.dt, sweep.lastDt, last);
  var a: Attempt;
  a.y = rkStep(y, k1, P, h);
  a.h = h;
  a.accepted = true;
  a.lands = last;
  a.stop = sweep.tEnd;
  a.dtNext = sweep.dt;
  a.prevErr = c.prevErr;
  return a;
}

// Only the longest step is ever tried, so a stalled state stays stalled.
fn atLongestStep(c: CellControl) -> bool {
  return true;
}

// Fixed steps record frame k at the end of step frameSteps[k], on the step grid.
fn frameReached(c: CellControl, k: u32) -> bool {
  return c.accepted >= sweep.frameSteps[k / 4u][k % 4u];
}
