// One trial step of a three-stage Rosenbrock method (rosenbrock23, Shampine & Reichelt's ode23s
// triple) for a model with a Jacobian: the candidate solution, the error estimate dt·Σ (b − b̂)_i k_i
// and f(yNew), which the adaptive driver reuses as the next step's k1 (kFsal). Its numbers (kGamma,
// kC31, kC32, kA21, kA31, kA32, kE1 … kE3) are src/integrators/rosenbrock.ts's, written into the
// prelude by buildKernel; jacobian(y, P) is the model file's symbolic Jacobian
// (src/user-model/jacobian.ts); the solves are shaders/integrators/linear-solve.wgsl's. The f64 twin
// is RosenbrockStepper.trial.

struct RkTrial {
  y: State,
  err: State,
  kLast: State,
}

// f0 = f(y), from the caller as every stepper's k1.
fn rkTrial(y: State, f0: State, P: Params, dt: f32) -> RkTrial {
  // W = I − hγJ(y), factored once for the three solves.
  var w: Matrix = jacobian(y, P);
  for (var i = 0u; i < kStateSize * kStateSize; i++) {
    w[i] *= -dt * kGamma;
  }
  for (var d = 0u; d < kStateSize; d++) {
    w[d * kStateSize + d] += 1.0;
  }
  var piv: Pivots;
  luFactor(&w, &piv);
  let k1 = luSolve(&w, &piv, f0);
  let f1 = rhs(stateAxpy(y, dt * kA21, k1), P);
  let k2 = stateAxpy(luSolve(&w, &piv, stateAxpy(f1, -1.0, k1)), 1.0, k1);
  let yNew = stateAxpy(stateAxpy(y, dt * kA31, k1), dt * kA32, k2);
  let f2 = rhs(yNew, P);
  let k3 = luSolve(&w, &piv, stateAxpy(stateAxpy(f2, -kC32, stateAxpy(k2, -1.0, f1)), -kC31, stateAxpy(k1, -1.0, f0)));
  let e = stateAxpy(stateAxpy(stateScale(kE1, k1), kE2, k2), kE3, k3);
  return RkTrial(yNew, stateScale(dt, e), f2);
}

fn rkStep(y: State, k1: State, P: Params, dt: f32) -> State {
  return rkTrial(y, k1, P, dt).y;
}
