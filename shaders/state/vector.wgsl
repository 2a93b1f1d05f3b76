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
