// State arithmetic for models of at most four state variables: State is a vecN<f32>, so a stage
// update is one vector multiply-add.

fn stateAxpy(y: State, a: f32, x: State) -> State {
  return y + a * x;
}

fn stateScale(a: f32, x: State) -> State {
  return a * x;
}

// A NaN fails the comparison too, so it is latched like a blow-up.
fn stateBounded(y: State, bound: f32) -> bool {
  return all(abs(y) <= State(bound));
}

fn stateMaxAbs(y: State) -> f32 {
  let a = abs(y);
  var m = a[0];
  for (var d = 1u; d < kStateSize; d++) {
    m = max(m, a[d]);
  }
  return m;
}

fn stateEqual(a: State, b: State) -> bool {
  return all(a == b);
}

// Hairer's scaled RMS norm, sqrt(mean((e / (atol + rtol·max(|y|, |yNew|)))²)).
fn stateErrorNorm(e: State, y: State, yNew: State, rtol: f32, atol: f32) -> f32 {
  let r = e / (atol + rtol * max(abs(y), abs(yNew)));
  return sqrt(dot(r, r) / f32(kStateSize));
}
