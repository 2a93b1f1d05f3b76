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
    ok = ok & (abs(y[d]) <= bound);
  }
  return ok;
}

fn stateMaxAbs(y: State) -> f32 {
  var m = 0.0;
  for (var d = 0u; d < kStateSize; d++) {
    m = max(m, abs(y[d]));
  }
  return m;
}

fn stateEqual(a: State, b: State) -> bool {
  var same = true;
  for (var d = 0u; d < kStateSize; d++) {
    same = same & (a[d] == b[d]);
  }
  return same;
}

// Hairer's scaled RMS norm, sqrt(mean((e / (atol + rtol·max(|y|, |yNew|)))²)).
fn stateErrorNorm(e: State, y: State, yNew: State, rtol: f32, atol: f32) -> f32 {
  var sum = 0.0;
  for (var d = 0u; d < kStateSize; d++) {
    let r = e[d] / (atol + rtol * max(abs(y[d]), abs(yNew[d])));
    sum += r * r;
  }
  return sqrt(sum / f32(kStateSize));
}
