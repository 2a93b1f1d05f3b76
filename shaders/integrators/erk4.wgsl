// One step of any explicit four-stage Runge–Kutta tableau (classical RK4, the 3/8 rule, ...): the
// coefficients kA21 … kB4 are the tableau's numbers from src/integrators/tableaus.ts, written into the
// prelude by buildKernel. k1 = f(y) comes from the caller, who needs it anyway for the settle test.
// The stages are spelled out rather than looped over: a loop keeps the stage values in indexed
// memory, which made SwiftShader ten times slower. The f64 twin is RkStepper in
// src/integrators/stepper.ts; state arithmetic comes from shaders/state/*.wgsl.

fn rkStep(y: State, k1: State, P: Params, dt: f32) -> State {
  let k2 = rhs(stateAxpy(y, dt * kA21, k1), P);
  let k3 = rhs(stateAxpy(stateAxpy(y, dt * kA31, k1), dt * kA32, k2), P);
  let k4 = rhs(stateAxpy(stateAxpy(stateAxpy(y, dt * kA41, k1), dt * kA42, k2), dt * kA43, k3), P);
  let b = stateAxpy(stateAxpy(stateAxpy(stateScale(kB1, k1), kB2, k2), kB3, k3), kB4, k4);
  return stateAxpy(y, dt, b);
}
