// Dense LU factorisation with partial pivoting, and the solve it serves, over the state size
// kStateSize (a compile-time constant of the prelude): the linear algebra of the Rosenbrock stepper
// (rosenbrock23.wgsl), which solves with W = I − hγJ three times per step. In place, through
// pointers, so W is factored once and never copied. The f64 twins are luFactor and luSolve in
// src/integrators/rosenbrock.ts. A zero pivot is left in place: the solve then yields inf or NaN,
// which the error norm rejects (a shorter step brings W back towards I).

alias Matrix = array<f32, kStateSize * kStateSize>;
alias Pivots = array<u32, kStateSize>;

// Afterwards m holds L (unit diagonal, below) and U (on and above); row k was swapped with piv[k].
fn luFactor(m: ptr<function, Matrix>, piv: ptr<function, Pivots>) {
  for (var k = 0u; k < kStateSize; k++) {
    var p = k;
    for (var i = k + 1u; i < kStateSize; i++) {
      if (abs((*m)[i * kStateSize + k]) > abs((*m)[p * kStateSize + k])) {
        p = i;
      }
    }
    (*piv)[k] = p;
    if (p != k) {
      for (var j = 0u; j < kStateSize; j++) {
        let v = (*m)[k * kStateSize + j];
        (*m)[k * kStateSize + j] = (*m)[p * kStateSize + j];
        (*m)[p * kStateSize + j] = v;
      }
    }
    let inv = 1.0 / (*m)[k * kStateSize + k];
    for (var i = k + 1u; i < kStateSize; i++) {
      let l = (*m)[i * kStateSize + k] * inv;
      (*m)[i * kStateSize + k] = l;
      for (var j = k + 1u; j < kStateSize; j++) {
        (*m)[i * kStateSize + j] -= l * (*m)[k * kStateSize + j];
      }
    }
  }
}

// x with A x = b, A given by its factors from luFactor.
fn luSolve(m: ptr<function, Matrix>, piv: ptr<function, Pivots>, b: State) -> State {
  var x = b;
  for (var k = 0u; k < kStateSize; k++) {
    let p = (*piv)[k];
    if (p != k) {
      let v = x[k];
      x[k] = x[p];
      x[p] = v;
    }
  }
  for (var i = 1u; i < kStateSize; i++) {
    for (var j = 0u; j < i; j++) {
      x[i] -= (*m)[i * kStateSize + j] * x[j];
    }
  }
  for (var r = 0u; r < kStateSize; r++) {
    let i = kStateSize - 1u - r;
    for (var j = i + 1u; j < kStateSize; j++) {
      x[i] -= (*m)[i * kStateSize + j] * x[j];
    }
    x[i] /= (*m)[i * kStateSize + i];
  }
  return x;
}
