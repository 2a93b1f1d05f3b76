// State arithmetic for models of more than 16 state variables (buildKernel writes out 5–16 index by index): State is array<f32, kStateSize>.

fn stateAxpy(y: State, a: f32, x: State) -> State {
  var out: State;
  for (var d = 0u; d < kStateSize; d++) {
    out[d] = y[d] + a * x[d];
  }
  return out;
}

fn stateScale(a: f32, x: State) -> State {
  var out: State;
  for (var d = 0u; d < kStateSize; d++) {
    out[d] = a * x[d];
  }
  return out;
}

// A NaN fails the comparison too, so it is latched like a blow-up.
fn stateBounded(y: State, bound: f32) -> bool {
  var ok = true;
  for (var d = 0u; d < kStateSize; d++) {
    ok = ok && (abs(y[d]) <= bound);
  }
  return ok;
}
