// Halvagal, Laborieux & Zenke (NeurIPS 2023), a RECONSTRUCTION (shared/science/halvagal-isoloss.md
// §2): M decoupled eigenmodes of a linear SimSiam/BYOL net under the Euclidean, cosine and IsoLoss
// losses, in the log-std form of §6. The f64 twin is src/models/halvagal-isoloss-flow.ts; keep the two
// term for term. `kModes`, `kEmaTarget` and `kHvExact` are prepended by instantiate
// (src/models/halvagal-isoloss.ts), with the exact quadrature (halvagal-isoloss-exact.wgsl) or its stub.
//
// State: [0, M) ℓ_m = ln u_m (λ_m = e^{2αℓ_m}); [M, 2M) clocks c_m, running while λ_m < 0.9 λ* (−1 and
// stopped for a mode starting at or above: see the TS twin);
// [2M, 3M) ln |v_m| of the EMA target and [3M, 4M) σ_m = sign(v_m/u_m) (kEmaTarget only; the map flips
// it); last, the constant ln √(0.9 λ*)^{1/α} the clocks
// compare with (carried in the state so rhs need not recompute λ*, which was 4× the step on SwiftShader).
// Readouts: [0, M) reach times, [M, 2M) final λ_m, then kR_reachSpread, kR_effectiveRank, kR_lambdaRef.

const kHvClockBase = kModes;
const kHvTargetBase = 2u * kModes;
const kHvSignBase = 3u * kModes;
const kHvReachIndex = kStateSize - 1u;
// §6 suggested thresholds (kCollapsedLambda, kReachFraction, kDivergedLambda in the TS twin).
const kHvCollapsedLambda = 1.0e-3;
const kHvReachFraction = 0.9;
const kHvDivergedLambda = 1.0e6;
const kHvMissing = -1.0;

fn hvIsCosine(P: Params) -> bool {
  return P[kP_loss] == kChoice_loss_cosine || P[kP_loss] == kChoice_loss_isoloss_cosine;
}

// λ_m(0) = λ₀ ρ₀^{m/(M−1)}: log-spaced initial eigenvalues; or (s₀² e_m)^α from the Gaussian spectrum
// drawn in TS (hvUnitSpectrum, prepended with kHvGaussian).
fn hvInitialLambda(P: Params, m: u32) -> f32 {
  if (kHvGaussian) {
    return pow(P[kP_initScale] * P[kP_initScale] * hvUnitSpectrum[m], P[kP_predictorExponent]);
  }
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
  let logReach = hvReachLog(P);
  for (var m = 0u; m < kModes; m++) {
    let l = log(hvInitialLambda(P, m)) / twoAlpha;
    y[m] = l;
    y[kHvClockBase + m] = select(-1.0, 0.0, l < logReach);
    if (kEmaTarget) {
      y[kHvTargetBase + m] = l;  // W_t(0) = W(0), A3
      y[kHvSignBase + m] = 1.0;
    }
  }
  y[kHvReachIndex] = logReach;
  return y;
}

// The cosine losses' drift coefficients in log space (src/models/halvagal-isoloss-cosine.ts, term for
// term): with a_m = ln(λ_m u_m), b_m = ln |v_m|, shifts sa = max a, sb = max b and shifted sums
// Sa = Σ e^{2(a−sa)}, Sb = Σ e^{2(b−sb)}, Sc = Σ σ e^{a−sa+b−sb}, the drift of mode m is
// k1_m σ_m e^{x_m} − k2_m e^{y_m} with x_m = μ_m + ℓv_m − ℓ_m − sa − sb, y_m = μ_m + 2αℓ_m − 2sa,
// μ_m = 2αℓ_m (cosine) or 0 (IsoLoss). Mean-field (E7/E8): k1 = K = η s21/√(s11 s22 Sa Sb), k2 = K Sc/Sa;
// exact (X7/X8): η times the quadrature's T1, T2 at the shifted scales u' = e^{a−sa}, v' = σ e^{b−sb},
// λ' = 1. Zero where hvDriftDropped and `drop` (the trace law stays exact). unit = η/(Np Nz).
struct HvCosine {
  k1: ModeArray,
  k2: ModeArray,
  sa: f32,
  sb: f32,
  unit: f32,
}

fn hvLnV(y: State, m: u32) -> f32 {
  if (kEmaTarget) {
    return y[kHvTargetBase + m];
  }
  return y[m];
}

fn hvSign(y: State, m: u32) -> f32 {
  if (kEmaTarget) {
    return y[kHvSignBase + m];
  }
  return 1.0;
}

fn hvCosineTerms(y: State, P: Params, drop: bool, unitOnly: bool) -> HvCosine {
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  var sa = (twoAlpha + 1.0) * y[0];
  var sb = hvLnV(y, 0u);
  for (var m = 1u; m < kModes; m++) {
    sa = max(sa, (twoAlpha + 1.0) * y[m]);
    sb = max(sb, hvLnV(y, m));
  }
  var sumA = 0.0;
  var sumB = 0.0;
  var sumC = 0.0;
  var u: ModeArray;
  var v: ModeArray;
  var ones: ModeArray;
  for (var m = 0u; m < kModes; m++) {
    let a = (twoAlpha + 1.0) * y[m] - sa;
    let b = hvLnV(y, m) - sb;
    sumA += exp(2.0 * a);
    sumB += exp(2.0 * b);
    sumC += hvSign(y, m) * exp(a + b);
    u[m] = exp(a);
    v[m] = hvSign(y, m) * exp(b);
    ones[m] = 1.0;
  }
  let eta = P[kP_learningRate];
  let root = sqrt(P[kP_s11] * P[kP_s22] * sumA * sumB);
  var out: HvCosine;  // zero-initialised: k1 = k2 = 0 where the drift is dropped
  out.sa = sa;
  out.sb = sb;
  out.unit = eta * exp(-sa - sb) / root;
  if (unitOnly || (drop && !kEmaTarget && hvDriftDropped(y, P))) {
    return out;
  }
  if (kHvExact) {
    let t = cosineExpectations(u, v, ones, P[kP_s11], P[kP_s21], P[kP_s22]);
    for (var m = 0u; m < kModes; m++) {
      out.k1[m] = eta * t.t1[m];
      out.k2[m] = eta * t.t2[m];
    }
  } else {
    let K = eta * P[kP_s21] / root;
    for (var m = 0u; m < kModes; m++) {
      out.k1[m] = K;
      out.k2[m] = K * sumC / sumA;
    }
  }
  return out;
}

// Spread max ℓ − min ℓ under which a SimSiam cosine spectrum with wd counts as isotropic.
const kHvIsotropicLogSpread = 1.0e-4;

// SimSiam cosine losses (driftDropped in the TS twin): with wd > 0 the loss drift, which only moves modes
// toward the weighted mean λ̄ = Σλ²f/Σλf ≤ max λ at a rate ∝ 1/tr F growing like e^{2η·wd·t}, is
// dropped once every λ_m < 1e-3 (max λ never rises: collapsed for good) or once the spectrum is
// isotropic to kHvIsotropicLogSpread (on the isotropic line every mode follows −η·wd exactly).
fn hvDriftDropped(y: State, P: Params) -> bool {
  if (!(P[kP_weightDecay] > 0.0)) {
    return false;
  }
  var lo = y[0];
  var hi = y[0];
  for (var m = 1u; m < kModes; m++) {
    lo = min(lo, y[m]);
    hi = max(hi, y[m]);
  }
  return hvCollapsedModes(y, P) == kModes || hi - lo <= kHvIsotropicLogSpread;
}

fn rhs(y: State, P: Params) -> State {
  return hvFlow(y, P, true);
}

// dℓ_m/dt = (du_m/dt)/u_m of E5 (Euclidean), E6 (IsoLoss), E7/E8 or X7/X8 (cosine), E10 (no
// stop-grad, v = u); weight decay adds −η wd; the EMA target follows E9. `drop` = false keeps the
// SimSiam cosine drift everywhere (the training step: see flow in the TS twin).
fn hvFlow(y: State, P: Params, drop: bool) -> State {
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
  var cs: HvCosine;
  if (cosine) {
    cs = hvCosineTerms(y, P, drop, false);
  }
  var dy: State;  // zero-initialised: the carried constant stays put
  for (var m = 0u; m < kModes; m++) {
    let l = y[m];
    let lam = exp(twoAlpha * l);
    // IsoLoss drops the W_Pᵀ factor: the mode's own λ_m no longer multiplies η (§2).
    let multiplier = select(lam, 1.0, iso);
    let mu = select(twoAlpha * l, 0.0, iso);  // ln multiplier
    // ln(multiplier · v_m/u_m) as one exponent: as u collapses under wd faster than v can follow
    // (η·wd·τ_ema > 1), λ → 0 met v/u → ∞ as 0·∞ = NaN.
    var drive = mu;
    if (kEmaTarget) {
      drive = mu + (y[kHvTargetBase + m] - l);
    }
    let sign = hvSign(y, m);
    var d = -eta * (s11 * multiplier * lam - s21 * sign * exp(drive));
    if (cosine) {
      d = cs.k1[m] * sign * exp(drive - cs.sa - cs.sb) - cs.k2[m] * exp(mu + twoAlpha * l - 2.0 * cs.sa);
    } else if (noStopGrad) {
      d = eta * ((s21 * lam - s22) - lam * (s11 * lam - s21));
    }
    dy[m] = d - eta * wd;
    dy[kHvClockBase + m] = select(0.0, 1.0, l < logReach && y[kHvClockBase + m] >= 0.0);
    if (kEmaTarget) {
      dy[kHvTargetBase + m] = (sign * exp(l - y[kHvTargetBase + m]) - 1.0) / P[kP_emaTime];
    }
  }
  return dy;
}

// The training step (trainingStep in src/models/halvagal-isoloss-map.ts, term for term): ℓ ← ℓ + ln|1 + r|
// with r the flow's dℓ/dt (explicit Euler in u, dt = 1); 1 + r < 0 carries u through zero and flips σ;
// the EMA target then follows the updated online weights, v ← v + (u_new − v)/τ_ema; each ln u_m gets
// the symmetry-breaking ε·(2m/(M−1) − 1).
const kHvStepFloor = 1.0e-30;

fn mapStep(y: State, P: Params) -> State {
  let r = hvFlow(y, P, false);
  var next = y;
  let tau = P[kP_emaTime];
  for (var m = 0u; m < kModes; m++) {
    let factor = 1.0 + r[m];
    next[m] = y[m] + log(max(abs(factor), kHvStepFloor));
    if (kModes > 1u) {
      // Symmetry breaking (see the TS twin): ε·(2m/(M−1) − 1), standing for the toy's sampling noise.
      next[m] += P[kP_symmetryBreaking] * (2.0 * f32(m) / f32(kModes - 1u) - 1.0);
    }
    next[kHvClockBase + m] = y[kHvClockBase + m] + r[kHvClockBase + m];
    if (kEmaTarget) {
      let sign = select(y[kHvSignBase + m], -y[kHvSignBase + m], factor < 0.0);
      let top = max(next[m], y[kHvTargetBase + m]);
      let v = (1.0 - 1.0 / tau) * sign * exp(y[kHvTargetBase + m] - top) + exp(next[m] - top) / tau;
      next[kHvTargetBase + m] = top + log(max(abs(v), kHvStepFloor));
      next[kHvSignBase + m] = select(1.0, -1.0, v < 0.0);
    }
  }
  return next;
}

// Some λ_m above kHvDivergedLambda: a numerical blow-up (§6 "diverged"); the engine's bound acts on ln u.
fn hvBlownUp(y: State, P: Params) -> bool {
  let twoAlpha = 2.0 * P[kP_predictorExponent];
  var up = false;
  for (var m = 0u; m < kModes; m++) {
    up = up || twoAlpha * y[m] > log(kHvDivergedLambda);
  }
  return up;
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
  if (hvBlownUp(y, P)) {
    return kClass_diverged;
  }
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
// (the clocks and the linear fall of collapsed ℓ defeat it). First the whole cell: a blown-up state
// stops, and so does a SimSiam cosine cell with every λ below 1e-3 (max λ never rises). A mode at or above 0.9 λ* is done when
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
  if (hvBlownUp(y, P)) {
    return kSettle_stop;  // fate decided: classify says diverged
  }
  // SimSiam cosine: max λ never rises (hvDriftDropped), so every mode below 1e-3 stays there.
  if (cosine && !kEmaTarget && hvCollapsedModes(y, P) == kModes) {
    return kSettle_stop;
  }
  var unit = eta;
  if (cosine) {
    unit = hvCosineTerms(y, P, true, true).unit;
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
