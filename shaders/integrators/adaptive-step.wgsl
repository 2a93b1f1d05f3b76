// Adaptive driver: one trial of the embedded pair, then the PI controller on the scaled error norm
// decides (OrdinaryDiffEq's PIController: β1 = 0.7/q, β2 = 0.4/q). The f64 twins are decideStep in
// src/integrators/controller.ts and the adaptive branch of integrateCell; keep the three literal.

const kSafety = 0.9;
const kFacMin = 0.2;
const kFacMax = 10.0;
const kPrevErrFloor = 1.0e-4;
const kBeta1 = 0.7 / kControllerOrder;
const kBeta2 = 0.4 / kControllerOrder;

fn frameTime(k: u32) -> f32 {
  return sweep.frameTimes[k / 4u][k % 4u];
}

// An adaptive cell lands on each frame time, as a run stopped there would (its last step shortened).
fn frameReached(c: CellControl, k: u32) -> bool {
  return c.tHi + c.tLo >= frameTime(k);
}

fn attemptStep(y: State, k1: State, P: Params, c: CellControl) -> Attempt {
  let stop = select(sweep.tEnd, min(sweep.tEnd, frameTime(min(c.frame, 255u))), c.frame < sweep.frames);
  let remaining = stop - (c.tHi + c.tLo);
  let last = c.dt >= remaining;
  let h = select(c.dt, remaining, last);
  let trial = rkTrial(y, k1, P, h);
  let err = stateErrorNorm(trial.err, y, trial.y, sweep.rtol, sweep.atol);
  var a: Attempt;
  a.y = trial.y;
  a.kNext = trial.kLast;
  a.haveKNext = kFsal;
  a.h = h;
  a.lands = last;
  a.stop = stop;
  a.prevErr = c.prevErr;
  // A NaN error fails the comparison: a reject at the largest shrink. An accurate step that leaves
  // the divergence bound is accepted, and the caller latches the blow-up.
  a.accepted = err <= 1.0;
  if (a.accepted) {
    var fac = kFacMax;
    if (err > 0.0) {
      fac = clamp(kSafety * pow(err, -kBeta1) * pow(c.prevErr, kBeta2), kFacMin, kFacMax);
    }
    a.dtNext = min(h * fac, sweep.dtMax);
    a.prevErr = max(err, kPrevErrFloor);
  } else {
    var fac = kFacMin;
    if (err > 1.0 && err < 3.0e38) {
      fac = max(kFacMin, min(1.0, kSafety * pow(err, -kBeta1)));
    }
    a.dtNext = h * fac;
    a.stiff = a.dtNext < sweep.dtMin;
  }
  return a;
}

// A stalled state is final only once the step cannot grow any more.
fn atLongestStep(c: CellControl) -> bool {
  return c.dt >= sweep.dtMax;
}
