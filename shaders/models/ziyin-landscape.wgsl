// Ziyin, Lubana, Ueda & Tanaka (ICLR 2023): the linear SSL landscape decoupled per eigendirection. A
// RECONSTRUCTION (shared/science/ziyin-landscape.md, "ODE ready to code"): dw_i/dt = 2 m_i w_i − Q_i w_i³
// with m_i = a_i − κ s − γ/2 and Q_i = (a_i + s)². The f64 twin is src/models/ziyin-landscape.ts.
// State: w₁ … w₄, one weight per direction; a_i = a·(1, a₂/a₁, a₃/a₁, a₄/a₁); only the first
// `directions` are present (the others start at 0, which the flow keeps: w = 0 is invariant).

// A direction counts as collapsed once w² is below this while still shrinking (w·ẇ ≤ 0): from there
// it can only decay to 0 (m ≤ 0) or sit on a learned point w*² = 2m/Q below it, a hair from m = 0.
const kZiyinSmallW2 = 1.0e-4;
// Complete collapse, for the collapse-time latch: every present w² below this.
const kZiyinCollapsedW2 = 1.0e-6;
// A learned direction is settled once |w² − 2m/Q| ≤ this · 2m/Q (kSettledRel in the TS twin; ten times the presets' rtol).
const kZiyinSettledRel = 1.0e-4;

fn ziyinVariances(P: Params) -> vec4<f32> {
  return P[kP_dataVariance] * vec4<f32>(1.0, P[kP_ratio2], P[kP_ratio3], P[kP_ratio4]);
}

// Directions 1 … k present, k = option index + 1 of `directions`.
fn ziyinPresent(P: Params) -> vec4<bool> {
  return vec4<f32>(0.0, 1.0, 2.0, 3.0) < vec4<f32>(P[kP_directions] + 1.0);
}

fn initialState(P: Params) -> State {
  return select(vec4<f32>(0.0), vec4<f32>(P[kP_w0]), ziyinPresent(P));
}

fn rhs(y: State, P: Params) -> State {
  let a = ziyinVariances(P);
  let s = P[kP_augmentation];
  // "Decoupled per eigendirection": L_i = −m_i w² + Q_i w⁴/4.
  let m = a - (P[kP_invariance] * s + 0.5 * P[kP_weightDecay]);
  let c = a + s;
  return 2.0 * m * y - (c * c) * (y * y * y);
}

// Present directions that are learned at this state.
fn ziyinLearned(y: State, dy: State, P: Params) -> vec4<bool> {
  return ziyinPresent(P) & ((y * y >= vec4<f32>(kZiyinSmallW2)) | (y * dy > vec4<f32>(0.0)));
}

fn ziyinRank(y: State, dy: State, P: Params) -> f32 {
  return dot(select(vec4<f32>(0.0), vec4<f32>(1.0), ziyinLearned(y, dy, P)), vec4<f32>(1.0));
}

fn isCollapsed(y: State, P: Params) -> bool {
  return !any(ziyinPresent(P) & (y * y >= vec4<f32>(kZiyinCollapsedW2)));
}

fn classify(y: State, dy: State, P: Params) -> u32 {
  let rank = ziyinRank(y, dy, P);
  if (rank == 0.0) {
    return kClass_collapsed;
  }
  if (rank == P[kP_directions] + 1.0) {
    return kClass_non_collapsed;
  }
  return kClass_partial;
}

fn readouts(y: State, P: Params) -> Readouts {
  var r: Readouts;
  r[kR_rank] = ziyinRank(y, rhs(y, P), P);
  // Eigenvalues of WᵀW along each direction (2m/Q when learned).
  r[kR_lambda1] = y.x * y.x;
  r[kR_lambda2] = y.y * y.y;
  r[kR_lambda3] = y.z * y.z;
  r[kR_lambda4] = y.w * y.w;
  return r;
}

// The settle rule (verdict in the TS twin, term for term): every present direction either collapsed
// (m ≤ 0, w² < 1e-6: it can only decay further) or at its learned point (m > 0, |w² − 2m/Q| ≤ 1e-4·2m/Q)
// → stop; otherwise continue (the generic scaled-rate test never settles an exponential decay to 0).
fn settleVerdict(y: State, dy: State, P: Params) -> u32 {
  let a = ziyinVariances(P);
  let s = P[kP_augmentation];
  let m = a - (P[kP_invariance] * s + 0.5 * P[kP_weightDecay]);
  let c = a + s;
  let w2 = y * y;
  let point = 2.0 * m / (c * c);
  let collapsed = (m <= vec4<f32>(0.0)) & (w2 < vec4<f32>(kZiyinCollapsedW2));
  let learned = (m > vec4<f32>(0.0)) & (abs(w2 - point) <= kZiyinSettledRel * point);
  let done = !ziyinPresent(P) | collapsed | learned;
  return select(kSettle_continue, kSettle_stop, all(done));
}
