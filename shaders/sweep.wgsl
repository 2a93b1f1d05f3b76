// The sweep kernel: one invocation integrates one cell (one grid point of a 2-D parameter slice)
// and reduces it to a per-cell record on the GPU. Joined after the generated prelude, the model and
// the stepper by buildKernel (src/engine/kernel.ts). SweepUniforms is declared only here; the TS
// view is derived from this text (src/engine/layout.ts).

struct Axis {
  param: u32,     // index into Params
  n: u32,         // grid points along the axis
  logScale: u32,  // 0 linear, 1 log
  min: f32,
  max: f32,
}

// Uniform address space: a struct-typed member must sit on a 16-byte boundary.
struct SweepUniforms {
  @align(16) x: Axis,
  @align(16) y: Axis,
  rowOffset: u32,  // first grid row (y index) of this tile
  cellCount: u32,  // cells in this tile
  stepStart: u32,  // global index of this dispatch's first step
  stepCount: u32,  // steps in this dispatch
  dt: f32,
}

@group(0) @binding(0) var<uniform> sweep: SweepUniforms;
@group(0) @binding(1) var<storage, read> baseParams: array<f32>;
@group(0) @binding(2) var<storage, read_write> states: array<f32>;   // kStateSize per cell
@group(0) @binding(3) var<storage, read_write> records: array<f32>;  // kRecordSize per cell
@group(0) @binding(4) var<storage, read_write> classes: array<u32>;  // one class code per cell

override kWorkgroupSize: u32 = 64;
// Finite blow-up threshold: WGSL gives no reliable NaN/Inf, so a cell is latched as diverged as soon
// as any state component leaves [-bound, bound] (a NaN fails the comparison too).
override kDivergenceBound: f32 = 1.0e6;

const kDerived = -1.0e30;
const kRecordSize = kReadoutCount + 1u;  // readouts, then the collapse time
const kNoCollapse = -1.0;

fn axisValue(a: Axis, i: u32) -> f32 {
  let f = f32(i) / f32(a.n - 1u);
  if (a.logScale != 0u) {
    return a.min * pow(a.max / a.min, f);
  }
  return a.min + f * (a.max - a.min);
}

fn cellParams(cell: u32) -> Params {
  var P: Params;
  for (var k = 0u; k < kParamCount; k++) {
    P[k] = baseParams[k];
  }
  P[sweep.x.param] = axisValue(sweep.x, cell % sweep.x.n);
  P[sweep.y.param] = axisValue(sweep.y, sweep.rowOffset + cell / sweep.x.n);
  return P;
}

fn bounded(y: State) -> bool {
  return stateBounded(y, kDivergenceBound);
}

// Dispatches are 2-D once a tile needs more than 65535 workgroups.
fn cellIndex(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * kWorkgroupSize;
}

fn loadState(cell: u32) -> State {
  var y: State;
  for (var d = 0u; d < kStateSize; d++) {
    y[d] = states[cell * kStateSize + d];
  }
  return y;
}

fn storeCell(cell: u32, y: State, P: Params, collapseTime: f32, cls: u32) {
  for (var d = 0u; d < kStateSize; d++) {
    states[cell * kStateSize + d] = y[d];
  }
  let r = readouts(y, P);
  for (var m = 0u; m < kReadoutCount; m++) {
    records[cell * kRecordSize + m] = r[m];
  }
  records[cell * kRecordSize + kReadoutCount] = collapseTime;
  classes[cell] = cls;
}

@compute @workgroup_size(kWorkgroupSize)
fn init(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let cell = cellIndex(gid, groups);
  if (cell >= sweep.cellCount) {
    return;
  }
  let P = cellParams(cell);
  let y = initialState(P);
  var cls = kClass_diverged;
  if (bounded(y)) {
    cls = classify(y, rhs(y, P), P);
  }
  storeCell(cell, y, P, select(kNoCollapse, 0.0, isCollapsed(y, P)), cls);
}

@compute @workgroup_size(kWorkgroupSize)
fn advance(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let cell = cellIndex(gid, groups);
  if (cell >= sweep.cellCount || classes[cell] == kClass_diverged) {
    return;
  }
  let P = cellParams(cell);
  var y = loadState(cell);
  var collapseTime = records[cell * kRecordSize + kReadoutCount];
  var cls = kClass_pending;
  for (var s = 0u; s < sweep.stepCount; s++) {
    let next = rkStep(y, P, sweep.dt);
    if (!bounded(next)) {
      cls = kClass_diverged;  // keep the last finite state
      break;
    }
    y = next;
    if (collapseTime < 0.0 && isCollapsed(y, P)) {
      collapseTime = f32(sweep.stepStart + s + 1u) * sweep.dt;
    }
  }
  if (cls != kClass_diverged) {
    cls = classify(y, rhs(y, P), P);
  }
  storeCell(cell, y, P, collapseTime, cls);
}
