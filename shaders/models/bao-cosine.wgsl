// Cosine-loss eigenmode dynamics: a RECONSTRUCTION following Bao 2023 (arXiv 2309.16109), derived from
// Tian's linear model with frozen norms (shared/science/bao-cosine.md §2B), not Bao's own equations.
// The f64 twin is src/models/bao-cosine.ts; the two rhs agree term for term.
// State: p (predictor eigenvalue), s (online eigenvalue of WWᵀ), norm (prediction norm N_Ψ).

// §6 "Collapsed": |p| below this is collapse (p = 0 is absorbing for the flow).
const kBaoCollapseP = 1.0e-6;
// Below this s, a mode that is still shrinking in p and s counts as collapsed: near p = 0 it relaxes
// only at rate η (§6 "Time scales"), too slowly to reach kBaoCollapseP within a sweep.
const kBaoCollapseS = 1.0e-4;

fn relaxingNorms(P: Params) -> bool {
  return P[kP_norms] == kChoice_norms_relaxing;
}

// The norm the coefficients see. The exact flow stays between the initial norm and the floor, so the
// lower of the two clamps RK stage values; it keeps a = 1/(N_Ψ N_Φ) finite (§6 "Stiffness").
// With frozen norms the state norm never moves and the clamp is a no-op.
fn effectiveNorm(y: State, P: Params) -> f32 {
  return max(y[kS_norm], min(P[kP_norm], P[kP_normFloor]));
}

fn initialState(P: Params) -> State {
  var y: State;
  let p0 = P[kP_p0];
  y[kS_p] = p0;
  // §6: start on the invariant curve s = p²/α_p unless s0 is given.
  y[kS_s] = select(P[kP_s0], p0 * p0 / P[kP_predictorLr], P[kP_s0] == kDerived);
  y[kS_norm] = P[kP_norm];
  return y;
}

fn rhs(y: State, P: Params) -> State {
  let eta = P[kP_weightDecay];
  let tau = P[kP_tau];
  let c = 1.0 + P[kP_augmentation];
  let nPsi = effectiveNorm(y, P);
  let nPhi = P[kP_normRatio] * nPsi;
  // §2B coefficients: a = 1/(N_Ψ N_Φ), κ = (1+σ²)ρ N_Φ/N_Ψ (trace part of Isserlis), q = 2τ(1+σ²)/N_Ψ²
  // ((M + Mᵀ) fourth-moment part of the projection onto the unit sphere).
  let a = 1.0 / (nPsi * nPhi);
  let kappa = c * P[kP_meanCosine] * nPhi / nPsi;
  let q = 2.0 * tau * c / (nPsi * nPsi);
  let p = y[kS_p];
  let s = y[kS_s];
  let b = tau * s - kappa * p * s - q * p * p * s * s;
  var dy: State;
  dy[kS_p] = P[kP_predictorLr] * a * b - eta * p;
  dy[kS_s] = 2.0 * p * a * b - 2.0 * eta * s;
  // §2B "Dynamic emergence": weight decay shrinks the norms towards a floor (claim (g)).
  dy[kS_norm] = select(0.0, -eta * (y[kS_norm] - P[kP_normFloor]), relaxingNorms(P));
  return dy;
}

fn isCollapsed(y: State, P: Params) -> bool {
  return abs(y[kS_p]) < kBaoCollapseP;
}

fn classify(y: State, dy: State, P: Params) -> u32 {
  let p = y[kS_p];
  if (abs(p) < kBaoCollapseP) {
    return kClass_collapsed;
  }
  // Shrinking towards the origin with s already tiny: inside the basin of p = 0 (§2B fixed points).
  if (y[kS_s] < kBaoCollapseS && p * dy[kS_p] < 0.0 && dy[kS_s] < 0.0) {
    return kClass_collapsed;
  }
  return kClass_non_collapsed;
}

fn readouts(y: State, P: Params) -> Readouts {
  var r: Readouts;
  r[kR_normFinal] = y[kS_norm];
  return r;
}

// Early exit: the f64 twin is baoSettleVerdict in src/models/bao-cosine.ts, which states the proof
// (bao-cosine.md §2B, §6). Below kBaoSafeS only route 1 (p < kBaoCollapseP for ever) may stop a cell;
// kBaoBoundK is the K of the region p ≥ K·α_p a τ s/η.
const kBaoSafeS = 1.0e-16;
const kBaoBoundK = 4.0;

// stop: near the origin, ln s provably decays at ≥ η/2 for every p still reachable, and either p stays
// below kBaoCollapseP or p ≥ K α_p a τ s/η keeps ṗ, ṡ < 0 (collapsed now and at tEnd); continue: near
// the origin without that proof; generic: elsewhere.
fn settleVerdict(y: State, dy: State, P: Params) -> u32 {
  let p = y[kS_p];
  let s = y[kS_s];
  if (!(s < kBaoCollapseS)) {
    return kSettle_generic;
  }
  let eta = P[kP_weightDecay];
  if (eta > 0.0 && p >= 0.0 && s >= 0.0) {
    let tau = P[kP_tau];
    let c = 1.0 + P[kP_augmentation];
    // The smallest norm the coefficients will see: the relaxing norm moves monotonically to the floor.
    let nEff = effectiveNorm(y, P);
    let nLo = select(nEff, min(nEff, P[kP_normFloor]), relaxingNorms(P));
    let aHi = 1.0 / (P[kP_normRatio] * nLo * nLo);
    let kappa = c * P[kP_meanCosine] * P[kP_normRatio];
    let qHi = 2.0 * tau * c / (nLo * nLo);
    let slaved = P[kP_predictorLr] * aHi * tau * s / eta;
    let u = max(p, slaved);
    let pc = min(max(tau / (2.0 * kappa), 0.0), u);
    let decays = aHi * (tau * pc - kappa * pc * pc) <= 0.5 * eta;
    if (decays && u < kBaoCollapseP) {
      return kSettle_stop;
    }
    if (decays && s >= kBaoSafeS && p >= kBaoBoundK * slaved && p <= 1.0 &&
        tau - kappa * p - qHi * p * p * s > 0.5 * tau && aHi * qHi * p * p * p * s <= 0.1 * eta) {
      return kSettle_stop;
    }
  }
  return kSettle_continue;
}
