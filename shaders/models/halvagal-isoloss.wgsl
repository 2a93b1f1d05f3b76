// Halvagal, Laborieux & Zenke (NeurIPS 2023), a RECONSTRUCTION (shared/science/halvagal-isoloss.md
// §2): M decoupled eigenmodes of a linear SimSiam/BYOL net under the Euclidean, cosine and IsoLoss
// losses, in the log-std form of §6. The f64 twin is src/models/halvagal-isoloss-flow.ts; keep the two
// term for term. `kModes` and `kEmaTarget` are prepended by instantiate (src/models/halvagal-isoloss.ts).
//
// State: [0, M) ℓ_m = ln u_m (λ_m = e^{2αℓ_m}); [M, 2M) clocks c_m, running while λ_m < 0.9 λ*;
// [2M, 3M) ln v_m of the EMA target (kEmaTarget only); last, the constant ln √(0.9 λ*)^{1/α} the clocks
// compare with (carried in the state so rhs need not recompute λ*, which was 4× the step on SwiftShader).
// Readouts: [0, M) reach times, [M, 2M) final λ_m, then kR_reachSpread, kR_effectiveRank, kR_lambdaRef.

const kHvClockBase = kModes;
const kHvTargetBase = 2u * kModes;
const kHvReachIndex = kStateSize - 1u;
// §6 suggested thresholds (kCollapsedLambda, kReachFraction, kNormEps in the TS twin).
const kHvCollapsedLambda = 1.0e-3;
const kHvReachFraction = 0.9;
const kHvNormEps = 1.0e-8;
const kHvMissing = -1.0;

fn hvIsCosine(P: Params) -> bool {
  return P[kP_loss] == kChoice_loss_cosine || P[kP_loss] == kChoice_loss_isoloss_cosine;
}

// λ_m(0) = λ₀ ρ₀^{m/(M−1)}: log-spaced initial eigenvalues.
fn hvInitialLambda(P: Params, m: u32) -> f32 {
  let span = max(f32(kModes) - 1.0, 1.0);
  return P[kP_lambda0] * pow(P[kP_lambda0Ratio], f32(m) / span);
}

// λ* of lambdaRef (TS): s21/s11, λ₊ or (s21 − wd)/s11 with weight decay, the conserved-law value for cosine.
fn hvLambdaRef(P: Params) -> f32 {
  let loss = P[kP_loss];
  let alpha = P[kP_predictorExponent];
  let wd = P[kP_weightDecay];
  let s11 = P[kP_s11];
  let s21 = P[kP_s21];
  if (hvIsCosine(P)) {
    let q = select(1.0 + alpha, 1.0, loss == kChoice_loss_cosine);
    var sum = 0.0;
    for (var m = 0u; m < kModes; m++) {
      sum += pow(hvInitialLambda(P, m), q / alpha);
    }
    return pow(sum / f32(kModes), alpha / q);
  }
  if (loss == kChoice_loss_isoloss_euclidean) {
    return select(s21, s21 - wd, s21 - wd > 0.0) / s11;
  }
  if (loss == kChoice_loss_no_stop_grad) {
    return s21 / s11;
  }
  let disc = s21 * s21 - 4.0 * s11 * wd;
  return select(s21 / s11, (s21 + sqrt(max(disc, 0.0))) / (2.0 * s11), disc >= 0.0);
}

fn hvReachLog(P: Params) -> f32 {
  return log(kHvReachFraction * hvLambdaRef(P)) / (2.0 * P[kP_predictorExponent]);
}

fn initialState(P: Params) -> State {
  var y: State;
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  for (var m = 0u; m < kModes; m++) {
    let l = log(hvInitialLambda(P, m)) / twoAlpha;
    y[m] = l;
    y[kHvClockBase + m] = 0.0;
    if (kEmaTarget) {
      y[kHvTargetBase + m] = l;  // W_t(0) = W(0), A3
    }
  }
  y[kHvReachIndex] = hvReachLog(P);
  return y;
}

// Mean-field norms (A4): Np² = s11 Σ λ²u², Nz² = s22 Σ v², C = s21 Σ λuv; returns (η/(Np Nz), C s11/Np²).
fn hvCosineGainPull(y: State, P: Params) -> vec2<f32> {
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  var np2 = 0.0;
  var nz2 = 0.0;
  var c = 0.0;
  for (var m = 0u; m < kModes; m++) {
    let u = exp(y[m]);
    let lam = exp(twoAlpha * y[m]);
    var v = u;
    if (kEmaTarget) {
      v = exp(y[kHvTargetBase + m]);
    }
    np2 += lam * lam * u * u;
    nz2 += v * v;
    c += lam * u * v;
  }
  // A floor, not an added ε: keeps the conservation laws exact at ordinary norms (§3).
  let np = max(sqrt(P[kP_s11] * np2), kHvNormEps);
  let nz = max(sqrt(P[kP_s22] * nz2), kHvNormEps);
  return vec2<f32>(P[kP_learningRate] / (np * nz), P[kP_s21] * c * P[kP_s11] / (np * np));
}

// dℓ_m/dt = (du_m/dt)/u_m of E5 (Euclidean), E6 (IsoLoss), E7/E8 (cosine, mean-field norms A4),
// E10 (no stop-grad, v = u); weight decay adds −η wd; the EMA target follows E9.
fn rhs(y: State, P: Params) -> State {
  let eta = P[kP_learningRate];
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  let wd = P[kP_weightDecay];
  let s11 = P[kP_s11];
  let s21 = P[kP_s21];
  let s22 = P[kP_s22];
  let loss = P[kP_loss];
  let iso = loss == kChoice_loss_isoloss_euclidean || loss == kChoice_loss_isoloss_cosine;
  let cosine = hvIsCosine(P);
  let noStopGrad = loss == kChoice_loss_no_stop_grad;
  let logReach = y[kHvReachIndex];
  var gp = vec2<f32>(0.0);
  if (cosine) {
    gp = hvCosineGainPull(y, P);
  }
  let gain = gp.x;
  let pull = gp.y;
  var dy: State;  // zero-initialised: the carried constant stays put
  for (var m = 0u; m < kModes; m++) {
    let l = y[m];
    let lam = exp(twoAlpha * l);
    var ratio = 1.0;  // v_m/u_m
    if (kEmaTarget) {
      ratio = exp(y[kHvTargetBase + m] - l);
    }
    // IsoLoss drops the W_Pᵀ factor: the mode's own λ_m no longer multiplies η (§2).
    let multiplier = select(lam, 1.0, iso);
    var d = -eta * multiplier * (s11 * lam - s21 * ratio);
    if (cosine) {
      d = gain * multiplier * (s21 * ratio - pull * lam);
    } else if (noStopGrad) {
      d = eta * ((s21 * lam - s22) - lam * (s11 * lam - s21));
    }
    dy[m] = d - eta * wd;
    dy[kHvClockBase + m] = select(0.0, 1.0, l < logReach);
    if (kEmaTarget) {
      dy[kHvTargetBase + m] = (exp(l - y[kHvTargetBase + m]) - 1.0) / P[kP_emaTime];
    }
  }
  return dy;
}

fn hvCollapsedModes(y: State, P: Params) -> u32 {
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  var n = 0u;
  for (var m = 0u; m < kModes; m++) {
    n += select(0u, 1u, exp(twoAlpha * y[m]) < kHvCollapsedLambda);
  }
  return n;
}

fn classify(y: State, dy: State, P: Params) -> u32 {
  let n = hvCollapsedModes(y, P);
  if (n == kModes) {
    return kClass_collapsed;
  }
  return select(kClass_non_collapsed, kClass_partial, n > 0u);
}

fn isCollapsed(y: State, P: Params) -> bool {
  return hvCollapsedModes(y, P) == kModes;
}

fn readouts(y: State, P: Params) -> Readouts {
  var r: Readouts;
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  let logReach = y[kHvReachIndex];
  var slowest = 0.0;
  var fastest = 1.0e30;
  var pending = false;
  var total = 0.0;
  for (var m = 0u; m < kModes; m++) {
    let lam = exp(twoAlpha * y[m]);
    r[kModes + m] = lam;
    total += lam;
    let c = y[kHvClockBase + m];
    let reached = c > 0.0 && y[m] >= logReach;
    r[m] = select(kHvMissing, c, reached);
    if (reached) {
      slowest = max(slowest, c);
      fastest = min(fastest, c);
    } else if (c > 0.0) {
      pending = true;
    }
  }
  var entropy = 0.0;
  for (var m = 0u; m < kModes; m++) {
    let p = r[kModes + m] / total;
    if (p > 0.0) {
      entropy -= p * log(p);
    }
  }
  r[kR_reachSpread] = select(kHvMissing, slowest / fastest, !pending && fastest < 1.0e30);
  r[kR_effectiveRank] = select(0.0, exp(entropy), total > 0.0);
  r[kR_lambdaRef] = exp(twoAlpha * logReach) / kHvReachFraction;
  return r;
}

// The settle rule (settleVerdict in halvagal-isoloss-flow.ts, term for term); never the generic test
// (the clocks and the linear fall of collapsed ℓ defeat it). A mode at or above 0.9 λ* is done when
// |dℓ_m| ≤ 1e-6 × rate unit (η, or η/(Np Nz) for cosine; the EMA target too); a mode below is done only
// if it provably collapses: λ < 1e-6 and dℓ/dt = a0 + a1 λ + a2 λ² < 0 on all of [0, λ] (SimSiam,
// non-cosine). All modes done: stop; otherwise continue.
const kHvGoneLambda = 1.0e-6;
const kHvQuietRate = 1.0e-6;

fn settleVerdict(y: State, dy: State, P: Params) -> u32 {
  let eta = P[kP_learningRate];
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  let loss = P[kP_loss];
  let cosine = hvIsCosine(P);
  var unit = eta;
  if (cosine) {
    unit = hvCosineGainPull(y, P).x;
  }
  let quiet = kHvQuietRate * unit;
  let wd = P[kP_weightDecay];
  let s11 = P[kP_s11];
  let s21 = P[kP_s21];
  let s22 = P[kP_s22];
  let iso = loss == kChoice_loss_isoloss_euclidean;
  let noSg = loss == kChoice_loss_no_stop_grad;
  // dℓ/dt = a0 + a1 λ + a2 λ² for the SimSiam non-cosine losses (E5, E6, E10 with wd).
  let a0 = select(select(-eta * wd, -eta * (s22 + wd), noSg), eta * (s21 - wd), iso);
  let a1 = select(select(eta * s21, 2.0 * eta * s21, noSg), -eta * s11, iso);
  let a2 = select(-eta * s11, 0.0, iso);
  let logReach = y[kHvReachIndex];
  for (var m = 0u; m < kModes; m++) {
    if (y[m] >= logReach) {
      if (abs(dy[m]) > quiet) {
        return kSettle_continue;
      }
      if (kEmaTarget) {
        if (abs(dy[kHvTargetBase + m]) > quiet) {
          return kSettle_continue;
        }
      }
    } else {
      if (cosine || kEmaTarget) {
        return kSettle_continue;
      }
      let lam = exp(twoAlpha * y[m]);
      // The maximum of the concave quadratic on [0, λ]: at its vertex clamped to [0, λ].
      var peak = select(0.0, lam, a1 > 0.0);
      if (a2 < 0.0) {
        peak = min(max(-a1 / (2.0 * a2), 0.0), lam);
      }
      let top = a0 + a1 * peak + a2 * peak * peak;
      if (!(lam < kHvGoneLambda && top < 0.0)) {
        return kSettle_continue;
      }
    }
  }
  return kSettle_stop;
}
