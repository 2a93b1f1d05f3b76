// Tian, Chen & Ganguli (ICML 2021), L2 loss: one decoupled eigenmode of a linear BYOL/SimSiam net in
// the primitive weights (w, p, w_a) of tian-l2.md §3. The f64 twin is eigenmodeFlow and the model in
// src/models/tian-l2-closed-form.ts and tian-l2.ts; keep the two term for term.

// Collapse thresholds of tian-l2.md §7 (also kCollapsedS / kSlowCollapseS in tian-l2.ts).
const kTianCollapsedS = 1.0e-8;
const kTianSlowCollapseS = 1.0e-4;
// Below this |w| the target/online ratio w_a/w is not read out.
const kTianTinyW = 1.0e-20;

fn tianIsByol(P: Params) -> bool {
  return P[kP_target] == kChoice_target_byol;
}

// Frozen target/online ratio: τ for the fixed-τ analyses, 1 for SimSiam (w_a ≡ w). Unused by BYOL,
// which carries w_a as its own EMA state.
fn tianFrozenTau(P: Params) -> f32 {
  return select(1.0, P[kP_tau], P[kP_target] == kChoice_target_fixed);
}

fn initialState(P: Params) -> State {
  let p0 = P[kP_p0];
  var s0 = P[kP_s0];
  // Derived s0: on the invariant parabola s = p²/α_p (c = 0, §3), i.e. w0 = p0/√α_p up to sign.
  if (s0 == kDerived) {
    s0 = p0 * p0 / P[kP_predictorLr];
  }
  // The sign of w0 does not matter, (w, w_a) → (−w, −w_a) being a symmetry (§3, §7).
  let w0 = sqrt(max(s0, 0.0));
  var y: State;
  y[kS_w] = w0;
  y[kS_p] = p0;
  // BYOL starts from its own w_a(0) (the paper's is 0); a frozen ratio starts consistent, w_a = τ w.
  y[kS_wa] = select(tianFrozenTau(P) * w0, P[kP_wa0], tianIsByol(P));
  return y;
}

// §3: e = w_a,eff − (1+σ²) p w, ẇ = p e − η w, ṗ = α_p w e − η p; BYOL ẇ_a = β(w − w_a), a frozen
// ratio ẇ_a = τ ẇ so that the carried w_a stays τ w.
fn rhs(y: State, P: Params) -> State {
  let eta = P[kP_weightDecay];
  let a = 1.0 + P[kP_augmentation];
  let byol = tianIsByol(P);
  let tauFrozen = tianFrozenTau(P);
  let w = y[kS_w];
  let p = y[kS_p];
  let wa = y[kS_wa];
  let e = select(tauFrozen * w, wa, byol) - a * p * w;
  let dw = p * e - eta * w;
  var dy: State;
  dy[kS_w] = dw;
  dy[kS_p] = P[kP_predictorLr] * w * e - eta * p;
  dy[kS_wa] = select(tauFrozen * dw, P[kP_emaRate] * (w - wa), byol);
  return dy;
}

// §7: collapsed if s = w² < 1e-8, or if s < 1e-4 and still shrinking (d ln s/dt = 2ẇ/w < 0); the
// second rule catches the algebraic collapse at η = 0 (case H1). Divergence is the engine's.
fn classify(y: State, dy: State, P: Params) -> u32 {
  let w = y[kS_w];
  let s = w * w;
  if (s < kTianCollapsedS || (s < kTianSlowCollapseS && w * dy[kS_w] < 0.0)) {
    return kClass_collapsed;
  }
  return kClass_non_collapsed;
}

fn isCollapsed(y: State, P: Params) -> bool {
  return y[kS_w] * y[kS_w] < kTianCollapsedS;
}

fn readouts(y: State, P: Params) -> Readouts {
  var r: Readouts;
  let w = y[kS_w];
  r[kR_s] = w * w;
  r[kR_tauEff] = 0.0;
  if (abs(w) > kTianTinyW) {
    r[kR_tauEff] = y[kS_wa] / w;
  }
  return r;
}

// Early exit: the f64 twin is tianSettleVerdict in src/models/tian-l2.ts, which states the proof
// (tian-l2.md §3 Eqn 14, §4 fixed points, §7 classifier). Relative margin of the fate test.
const kTianSettleMargin = 0.01;

// max over p in [lo, hi] of the growth rate p(τ − ap) − η of ln|w| (concave, vertex τ/(2a)).
fn tianGrowthMax(lo: f32, hi: f32, tau: f32, a: f32, eta: f32) -> f32 {
  let pc = min(max(tau / (2.0 * a), lo), hi);
  return pc * (tau - a * pc) - eta;
}

// stop: collapse proved absorbing (w = 0 exactly; or w ≈ 0 with ln|w| decaying for every p the
// predictor can still reach); continue: near w = 0 without such a proof (regrowth, η = 0 algebraic
// collapse); generic: elsewhere (the non-collapsed fixed points are reached exponentially).
fn settleVerdict(y: State, dy: State, P: Params) -> u32 {
  let eta = P[kP_weightDecay];
  let a = 1.0 + P[kP_augmentation];
  let alphaP = P[kP_predictorLr];
  let w = y[kS_w];
  let p = y[kS_p];
  let wa = y[kS_wa];
  let s = w * w;
  if (tianIsByol(P)) {
    // V = max(|w|, |w_a|) never grows while x − ax² − η < 0 on x = |p| ∈ [0, M], M = max(|p|, α_p V²/η).
    let v = max(abs(w), abs(wa));
    let v2 = v * v;
    if (v2 == 0.0) {
      return kSettle_stop;
    }
    if (v2 < kTianCollapsedS && eta > 0.0) {
      let m = max(abs(p), alphaP * v2 / eta);
      if (tianGrowthMax(0.0, m, 1.0, a, eta) + kTianSettleMargin * (eta + 1.0 / (4.0 * a)) < 0.0) {
        return kSettle_stop;
      }
    }
    return select(kSettle_generic, kSettle_continue, v2 < kTianSlowCollapseS);
  }
  if (s == 0.0) {
    return kSettle_stop;
  }
  if (s < kTianSlowCollapseS) {
    let tau = tianFrozenTau(P);
    // Future p stays in [lo, hi] while s does not grow; at η = 0, p² − α_p s = d is conserved.
    var lo = min(p, 0.0);
    var hi = max(p, select(tau / a, min(tau / a, alphaP * s * tau / eta), eta > 0.0));
    let d = p * p - alphaP * s;
    if (eta == 0.0 && d > 0.0) {
      if (p < 0.0) {
        hi = -sqrt(d);
      } else {
        lo = sqrt(d);
      }
    }
    if (tianGrowthMax(lo, hi, tau, a, eta) + kTianSettleMargin * (eta + tau * tau / (4.0 * a)) < 0.0) {
      return kSettle_stop;
    }
    return kSettle_continue;
  }
  return kSettle_generic;
}
