// One trial step of any explicit seven-stage tableau with embedded weights (Dormand–Prince 5(4),
// Tsitouras 5(4)): the candidate solution, the error estimate dt·Σ (b_i − b̂_i) k_i (kE1 … kE7 in the
// prelude) and the last stage, which FSAL tableaus (kFsal) reuse as the next step's k1. Stages are
// spelled out for the reason given in erk4.wgsl. The f64 twin is AdaptiveRkStepper.trial in
// src/integrators/adaptive.ts.

struct RkTrial {
  y: State,
  err: State,
  kLast: State,
}

fn rkTrial(y: State, k1: State, P: Params, dt: f32) -> RkTrial {
  let k2 = rhs(stateAxpy(y, dt * kA21, k1), P);
  let k3 = rhs(stateAxpy(stateAxpy(y, dt * kA31, k1), dt * kA32, k2), P);
  let k4 = rhs(stateAxpy(stateAxpy(stateAxpy(y, dt * kA41, k1), dt * kA42, k2), dt * kA43, k3), P);
  let k5 = rhs(stateAxpy(stateAxpy(stateAxpy(stateAxpy(y, dt * kA51, k1), dt * kA52, k2), dt * kA53, k3), dt * kA54, k4), P);
  let k6 = rhs(stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateAxpy(y, dt * kA61, k1), dt * kA62, k2), dt * kA63, k3), dt * kA64, k4), dt * kA65, k5), P);
  let b = stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateScale(kB1, k1), kB2, k2), kB3, k3), kB4, k4), kB5, k5), kB6, k6);
  let yNew = stateAxpy(y, dt, b);
  // For FSAL tableaus row 7 of a equals b (b7 = 0): the stage is f(yNew) itself, taken at yNew so
  // that the next step's k1 is exactly f of its y.
  var k7: State;
  if (kFsal) {
    k7 = rhs(yNew, P);
  } else {
    k7 = rhs(stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateAxpy(y, dt * kA71, k1), dt * kA72, k2), dt * kA73, k3), dt * kA74, k4), dt * kA75, k5), dt * kA76, k6), P);
  }
  let e = stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateAxpy(stateScale(kE1, k1), kE2, k2), kE3, k3), kE4, k4), kE5, k5), kE6, k6), kE7, k7);
  return RkTrial(stateAxpy(yNew, dt * kB7, k7), stateScale(dt, e), k7);
}

fn rkStep(y: State, k1: State, P: Params, dt: f32) -> State {
  return rkTrial(y, k1, P, dt).y;
}
