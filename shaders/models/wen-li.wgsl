// Wen & Li (NeurIPS 2022): two neurons on the unit circle, a strong and a weak feature, and an
// identity predictor with trainable off-diagonals. A RECONSTRUCTION (shared/science/wen-li.md, "ODE
// ready to code"): the exact gradient flow of a loss built for the spec, not the paper's theorem.
// The f64 twin is src/models/wen-li.ts; the two rhs agree term for term.
// State: φ₁, φ₂ (angles of the neurons from the strong axis), E₁₂, E₂₁ (the spec's E01, E10).
// Alignments travel as one vec4 A = (cos φ₁, sin φ₁, cos φ₂, sin φ₂): (neuron, feature) =
// (1, strong), (1, weak), (2, strong), (2, weak).

// "Classes": a feature is held by a neuron whose alignment with it exceeds this.
const kWenLiHeld = 0.9;
// "Classes": weak coverage ‖h_.w‖/‖h_.s‖ below this is collapse.
const kWenLiCollapsedCoverage = 1.0e-2;
// Floor of the output norm N: it keeps 1/N finite if every alignment left the positive quadrant.
const kWenLiMinNorm = 1.0e-6;
// Without the predictor a neuron is settled within this angle of 0 or π/2 (kSettledAngle in the TS twin).
const kWenLiSettledAngle = 1.0e-5;
const kWenLiHalfPi = 1.5707963267948966;

fn wenLiAlignments(y: State) -> vec4<f32> {
  return vec4<f32>(cos(y[kS_phi1]), sin(y[kS_phi1]), cos(y[kS_phi2]), sin(y[kS_phi2]));
}

// max(a, 0)^(q−1) for q ∈ {2, 3, 4}, by multiplication: SwiftShader runs pow (exp2 ∘ log2 per lane)
// on every path of a branch, and it made the whole step six times slower.
fn wenLiPowers(A: vec4<f32>, q: f32) -> vec4<f32> {
  let a = max(A, vec4<f32>(0.0));
  return a * select(vec4<f32>(1.0), a, q > 2.5) * select(vec4<f32>(1.0), a, q > 3.5);
}

// The activation power q of the chosen option.
fn wenLiQ(P: Params) -> f32 {
  let k = P[kP_activationPower];
  return select(select(4.0, 3.0, k == kChoice_activationPower_q3), 2.0, k == kChoice_activationPower_q2);
}

// ‖h_.w‖² and ‖h_.s‖² (feature columns of h over both neurons).
fn wenLiColumns(y: State, P: Params) -> vec2<f32> {
  let A = wenLiAlignments(y);
  let h = wenLiPowers(A, wenLiQ(P)) * A;
  return vec2<f32>(h.y * h.y + h.w * h.w, h.x * h.x + h.z * h.z);
}

fn initialState(P: Params) -> State {
  return State(P[kP_theta1], P[kP_theta2], 0.0, 0.0);
}

fn rhs(y: State, P: Params) -> State {
  let q = wenLiQ(P);
  let lam = vec4<f32>(P[kP_strongFeatureWeight], P[kP_weakFeatureWeight], P[kP_strongFeatureWeight], P[kP_weakFeatureWeight]);
  let A = wenLiAlignments(y);
  let pw = wenLiPowers(A, q);
  let h = pw * A;
  // Normalised stop-gradient target u = h/N with N² = Σ_j λ_j ‖h_.j‖².
  let invN = 1.0 / max(sqrt(dot(lam, h * h)), kWenLiMinNorm);
  let e12 = y[kS_e12];
  let e21 = y[kS_e21];
  // Residuals e_.j = E h_.j − u_.j, E = I + [[0, E₁₂], [E₂₁, 0]], as (feature s, feature w) pairs.
  let r1 = h.xy + e12 * h.zw - invN * h.xy;
  let r2 = e21 * h.xy + h.zw - invN * h.zw;
  // g_rj = λ_j q (Eᵀ e_.j)_r a_rj^(q−1).
  let g = q * lam * vec4<f32>(r1 + e21 * r2, e12 * r1 + r2) * pw;
  // Riemannian flow on each circle: dφ = −(tangent · g) with tangent (−sin φ, cos φ).
  var dy: State;
  dy[kS_phi1] = A.y * g.x - A.x * g.y;
  dy[kS_phi2] = A.w * g.z - A.z * g.w;
  let etaE = select(0.0, -P[kP_predictorLr], P[kP_predictor] == kChoice_predictor_on);
  dy[kS_e12] = etaE * dot(lam.xy, r1 * h.zw);
  dy[kS_e21] = etaE * dot(lam.xy, r2 * h.xy);
  return dy;
}

fn wenLiFull(y: State) -> bool {
  let A = wenLiAlignments(y);
  return (A.x > kWenLiHeld && A.w > kWenLiHeld) || (A.y > kWenLiHeld && A.z > kWenLiHeld);
}

// ‖h_.w‖ < c ‖h_.s‖, compared squared (no division when the strong column vanishes). Runs every
// step for the collapse-time latch, so a neuron with φ in (0.5, 2.6) answers first without trig: its
// sin φ > 0.479 gives ‖h_.w‖ ≥ 0.479⁴ > c·√2 ≥ c ‖h_.s‖ for every q ≤ 4 (the same answer, sooner).
fn isCollapsed(y: State, P: Params) -> bool {
  if (any(abs(vec2<f32>(y[kS_phi1], y[kS_phi2]) - vec2<f32>(1.55)) < vec2<f32>(1.05))) {
    return false;
  }
  let c = wenLiColumns(y, P);
  return c.x < kWenLiCollapsedCoverage * kWenLiCollapsedCoverage * c.y;
}

fn classify(y: State, dy: State, P: Params) -> u32 {
  if (wenLiFull(y)) {
    return kClass_full;
  }
  if (isCollapsed(y, P)) {
    return kClass_collapsed;
  }
  return kClass_partial;
}

fn readouts(y: State, P: Params) -> Readouts {
  let A = wenLiAlignments(y);
  let c = wenLiColumns(y, P);
  var r: Readouts;
  r[kR_weakCoverage] = sqrt(c.x) / max(sqrt(c.y), 1.0e-30);
  r[kR_a1Strong] = A.x;
  r[kR_a1Weak] = A.y;
  r[kR_a2Strong] = A.z;
  r[kR_a2Weak] = A.w;
  return r;
}

// The settle rule (verdict in the TS twin, term for term). Predictor off: each neuron's 1-D flow ends at
// 0 or π/2 (hyperbolic sinks, θ_c well inside), so both angles within 1e-5 of an end → stop, except both
// on the weak feature (coverage unbounded) → generic; before that continue (φ → 0 is the chart's origin,
// where the generic scaled rate stays finite). Predictor on: generic (every end state has ‖y‖ ~ 1).
fn settleVerdict(y: State, dy: State, P: Params) -> u32 {
  if (P[kP_predictor] == kChoice_predictor_on) {
    return kSettle_generic;
  }
  let phi = vec2<f32>(y[kS_phi1], y[kS_phi2]);
  let strong = abs(phi) <= vec2<f32>(kWenLiSettledAngle);
  let weak = abs(phi - vec2<f32>(kWenLiHalfPi)) <= vec2<f32>(kWenLiSettledAngle);
  if (all(weak)) {
    return kSettle_generic;
  }
  return select(kSettle_continue, kSettle_stop, all(strong | weak));
}
