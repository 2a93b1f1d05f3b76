// The training-step "stepper" of integrator "map" (src/integrators/map.ts): the state after one step
// is the model's mapStep itself, not y + h·k1, so a map that flips a sign or clamps is applied exactly.
// h is always 1 and k1 (= mapStep(y) − y) is only read by the settle test.
fn rkStep(y: State, k1: State, P: Params, h: f32) -> State {
  return mapStep(y, P);
}
