// The sweep kernel: one invocation integrates one cell (one grid point of a 2-D parameter slice)
// and reduces it to a per-cell record on the GPU. Joined after the generated prelude, the model, the
// stepper, a step driver (fixed or adaptive) and the active-cell list by buildKernel
// (src/engine/kernel.ts). The structs are declared only here; the TS views are derived from this
// text (src/engine/layout.ts). The f64 twin of the loop in `advance` is integrateCell in
// src/engine/cpu-runner.ts.

struct Axis {
  param: u32,     // index into Params (the kernel reads it from kAxisX / kAxisY)
  n: u32,         // grid points along the axis
  logScale: u32,  // 0 linear, 1 log
  min: f32,
  max: f32,
}

// Uniform address space: a struct-typed member must sit on a 16-byte boundary.
struct SweepUniforms {
  @align(16) x: Axis,
  @align(16) y: Axis,
  rowOffset: u32,   // first grid row (y index) of this tile
  cellCount: u32,   // cells in this tile
  parity: u32,      // this dispatch reads active list `parity` and appends to list 1 − parity
  listCapacity: u32,
  stepCount: u32,   // step attempts per cell in this dispatch
  steps: u32,       // fixed step: steps to tEnd; adaptive: attempts a cell may take
  dt: f32,          // fixed step, or an adaptive cell's first step
  lastDt: f32,      // fixed step: the last step, ending exactly at tEnd
  tEnd: f32,
  rtol: f32,
  atol: f32,
  dtMin: f32,
  dtMax: f32,
  settleOn: u32,
  settleTol: f32,
  settleHold: f32,
  listed: u32,      // 1: buffer slot k holds grid cell cellTable(k) (a cell-list run); 0: a row band
  frames: u32,      // time-lapse frames recorded per cell (0: none)
  frameWords: u32,  // u32 words per cell in `frames` (four frames a word)
  // Frame k is due once a fixed-step cell has taken frameSteps[k] steps, or an adaptive one has
  // reached frameTimes[k] (its step is shortened to land there). Four per vec4: uniform arrays pad
  // scalars to 16 bytes.
  frameSteps: array<vec4u, 64>,
  frameTimes: array<vec4f, 64>,
}

// What each cell carries between dispatches besides its state.
struct CellControl {
  tHi: f32,         // flow time, as an unevaluated sum tHi + tLo (compensated: many small steps
  tLo: f32,         // to t = 2·10⁴ would lose whole time units in one f32)
  dt: f32,          // adaptive: the next step to try
  prevErr: f32,     // the PI controller's memory
  quietSince: f32,  // flow time since which the scaled rate stays under settle.tol; −1 if not
  accepted: u32,
  rejected: u32,
  status: u32,      // kCell*
  frame: u32,       // the next time-lapse frame to record
}

// One step attempt of the driver (shaders/integrators/*-step.wgsl).
struct Attempt {
  y: State,
  kNext: State,     // f(y) when the tableau is FSAL (haveKNext)
  h: f32,
  dtNext: f32,
  prevErr: f32,
  stop: f32,        // where the step lands when `lands`: tEnd, or an adaptive run's next frame time
  accepted: bool,
  lands: bool,      // an accepted step ends exactly on `stop`
  stiff: bool,      // rejected, and the controller wants a step below dtMin
  haveKNext: bool,
}

@group(0) @binding(0) var<uniform> sweep: SweepUniforms;
@group(0) @binding(1) var<storage, read> baseParams: array<f32>;
@group(0) @binding(2) var<storage, read_write> states: array<f32>;   // kStateSize per cell
@group(0) @binding(3) var<storage, read_write> records: array<f32>;  // kRecordSize per cell
@group(0) @binding(4) var<storage, read_write> classes: array<u32>;  // one class code per cell
@group(0) @binding(5) var<storage, read_write> controls: array<CellControl>;

override kWorkgroupSize: u32 = 64;
// Finite blow-up threshold: WGSL gives no reliable NaN/Inf, so a cell is latched as diverged as soon
// as any state component leaves [-bound, bound] (a NaN fails the comparison too).
override kDivergenceBound: f32 = 1.0e6;

const kDerived = -1.0e30;
// Records: readouts, then the engine's metrics in the order of ENGINE_METRICS (src/models/types.ts).
const kRecordSize = kReadoutCount + 3u;
const kRecordCollapseTime = kReadoutCount;
const kRecordTSettled = kReadoutCount + 1u;
const kRecordSteps = kReadoutCount + 2u;
const kMissing = -1.0;

// Cell statuses (CELL_STATUS in src/engine/layout.ts).
const kCellActive = 0u;
const kCellSettled = 1u;   // stopped early: its fate is decided
const kCellDone = 2u;      // reached tEnd
const kCellDiverged = 3u;
const kCellStiff = 4u;

// Model verdicts (SettleVerdict in src/models/types.ts).
const kSettle_generic = 0u;
const kSettle_stop = 1u;
const kSettle_continue = 2u;

fn axisValue(a: Axis, i: u32) -> f32 {
  // A one-point axis (the y of a 1-D sweep, which is x itself) is its min.
  let f = select(0.0, f32(i) / f32(a.n - 1u), a.n > 1u);
  if (a.logScale != 0u) {
    return a.min * pow(a.max / a.min, f);
  }
  return a.min + f * (a.max - a.min);
}

// The grid index j·nx + i of the cell in buffer slot `cell`.
fn gridCellOf(cell: u32) -> u32 {
  if (sweep.listed != 0u) {
    return cellTable(cell);
  }
  return sweep.rowOffset * sweep.x.n + cell;
}

fn cellParamsOf(cell: u32) -> Params {
  let g = gridCellOf(cell);
  return cellParams(axisValue(sweep.x, g % sweep.x.n), axisValue(sweep.y, g / sweep.x.n));
}

fn bounded(y: State) -> bool {
  return stateBounded(y, kDivergenceBound);
}

// Dispatches are 2-D once a tile needs more than 65535 workgroups.
fn invocationIndex(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * kWorkgroupSize;
}

fn loadState(cell: u32) -> State {
  var y: State;
  for (var d = 0u; d < kStateSize; d++) {
    y[d] = states[cell * kStateSize + d];
  }
  return y;
}

fn storeCell(cell: u32, y: State, dy: State, P: Params, collapseTime: f32, c: CellControl) {
  for (var d = 0u; d < kStateSize; d++) {
    states[cell * kStateSize + d] = y[d];
  }
  let r = readouts(y, P);
  for (var m = 0u; m < kReadoutCount; m++) {
    records[cell * kRecordSize + m] = r[m];
  }
  records[cell * kRecordSize + kRecordCollapseTime] = collapseTime;
  records[cell * kRecordSize + kRecordTSettled] = select(kMissing, c.tHi + c.tLo, c.status == kCellSettled);
  records[cell * kRecordSize + kRecordSteps] = f32(c.accepted + c.rejected);
  let cls = cellClass(y, dy, P, c.status);
  var ended = c;
  recordFrames(cell, &ended, cls);
  classes[cell] = cls;
  controls[cell] = ended;
}

fn cellClass(y: State, dy: State, P: Params, status: u32) -> u32 {
  if (status == kCellStiff) {
    return kClass_stiff;
  }
  if (status == kCellDiverged) {
    return kClass_diverged;
  }
  return classify(y, dy, P);
}

fn frameDue(c: CellControl) -> bool {
  return c.frame < sweep.frames && (c.status != kCellActive || frameReached(c, c.frame));
}

// Writes `cls` into every frame now due: those the cell's time has reached, or all that are left once
// its integration has ended (a run stopped later would end in the same state).
fn recordFrames(cell: u32, c: ptr<function, CellControl>, cls: u32) {
  while (frameDue(*c)) {
    let k = (*c).frame;
    // One byte a frame, frameWords words a cell, after the lists and the cell table (a binding of
    // its own would pass the eight storage buffers a stage may have).
    let w = 3u * sweep.listCapacity + cell * sweep.frameWords + k / 4u;
    let shift = 8u * (k % 4u);
    activeLists[w] = (activeLists[w] & ~(0xffu << shift)) | (cls << shift);
    (*c).frame = k + 1u;
  }
}

// The generic settle test (src/engine/settle.ts): ‖f(y)‖∞ ≤ tol·‖y‖∞ held from t₀ to (1 + hold)·t₀.
fn quietFor(c: ptr<function, CellControl>, y: State, dy: State) -> bool {
  let t = (*c).tHi + (*c).tLo;
  if (stateMaxAbs(dy) > sweep.settleTol * stateMaxAbs(y)) {
    (*c).quietSince = -1.0;
    return false;
  }
  if ((*c).quietSince < 0.0) {
    (*c).quietSince = t;
  }
  return t >= (1.0 + sweep.settleHold) * (*c).quietSince;
}

// Whether the cell goes on, at (y, dy = stepRate(y)) after its latest step (or at t = 0): the model's
// verdict and the generic test, tEnd, the step budget. Every cell left active will take at least
// one more attempt, so a dispatch's list holds exactly the cells that still have work.
fn fate(c: ptr<function, CellControl>, y: State, dy: State, P: Params, stalled: bool) -> u32 {
  if (sweep.settleOn != 0u) {
    let verdict = fateVerdict(y, dy, P);
    let decided = verdict == kSettle_stop || (verdict == kSettle_generic && quietFor(c, y, dy));
    // A cell headed for collapse stops once it has crossed the collapse threshold, so that its t_c
    // is on record. A stalled state stops at once: it can never move again.
    if (stalled || (decided && (isCollapsed(y, P) || classify(y, dy, P) != kClass_collapsed))) {
      return kCellSettled;
    }
  }
  if ((*c).tHi + (*c).tLo >= sweep.tEnd) {
    return kCellDone;
  }
  if ((*c).accepted + (*c).rejected >= sweep.steps) {
    return kCellStiff;  // step budget spent
  }
  return kCellActive;
}

@compute @workgroup_size(kWorkgroupSize)
fn init(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let cell = invocationIndex(gid, groups);
  if (cell >= sweep.cellCount) {
    return;
  }
  let P = cellParamsOf(cell);
  let y = initialState(P);
  let dy = stepRate(y, P);
  var c = CellControl(0.0, 0.0, sweep.dt, 1.0, -1.0, 0u, 0u, kCellDiverged, 0u);
  if (bounded(y)) {
    c.status = fate(&c, y, dy, P, false);
  }
  if (c.status == kCellActive) {
    appendActive(cell);
  }
  storeCell(cell, y, dy, P, select(kMissing, 0.0, isCollapsed(y, P)), c);
}

// Bisection steps that place t_c inside the step that crossed the collapse threshold (2^-12 of it).
const kCollapseBisections = 12u;

// The offset into an accepted step [t0, t0 + h] at which the step's cubic Hermite interpolant (end
// states y0, y1 and slopes f0, f1) first satisfies isCollapsed: an adaptive step can be long where a
// cell collapses, and t_c should not be rounded up to its end (src/integrators/hermite.ts is the f64 twin).
fn collapseOffset(y0: State, f0: State, y1: State, f1: State, h: f32, P: Params) -> f32 {
  var lo = 0.0;
  var hi = 1.0;
  for (var i = 0u; i < kCollapseBisections; i++) {
    let th = 0.5 * (lo + hi);
    let th2 = th * th;
    let th3 = th2 * th;
    let y = stateAxpy(stateAxpy(stateAxpy(stateScale(2.0 * th3 - 3.0 * th2 + 1.0, y0), (th3 - 2.0 * th2 + th) * h, f0), 3.0 * th2 - 2.0 * th3, y1), (th3 - th2) * h, f1);
    if (isCollapsed(y, P)) {
      hi = th;
    } else {
      lo = th;
    }
  }
  return hi * h;
}

@compute @workgroup_size(kWorkgroupSize)
fn advance(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let k = invocationIndex(gid, groups);
  if (k >= activeCount()) {
    return;
  }
  countInvocation();
  let cell = activeCell(k);
  let P = cellParamsOf(cell);
  var y = loadState(cell);
  var c = controls[cell];
  var collapseTime = records[cell * kRecordSize + kRecordCollapseTime];
  var k1 = stepRate(y, P);
  for (var s = 0u; s < sweep.stepCount && c.status == kCellActive; s++) {
    let a = attemptStep(y, k1, P, c);
    c.dt = a.dtNext;
    c.prevErr = a.prevErr;
    if (!a.accepted) {
      c.rejected += 1u;
      c.status = select(fate(&c, y, k1, P, false), kCellStiff, a.stiff);
      continue;
    }
    c.accepted += 1u;
    if (!bounded(a.y)) {
      c.status = kCellDiverged;  // keep the last finite state
      break;
    }
    // An accepted step that changes no bit of the state at the longest step it may take: f32 can
    // never move this cell again, so what it is now is what a fixed-horizon run would end with.
    let stalled = stateEqual(a.y, y) && atLongestStep(c);
    let y0 = y;
    let f0 = k1;
    let t0 = c.tHi + c.tLo;
    y = a.y;
    if (a.lands) {
      c.tHi = a.stop;
      c.tLo = 0.0;
    } else {
      let sum = c.tHi + a.h;
      let back = sum - c.tHi;
      c.tLo += (c.tHi - (sum - back)) + (a.h - back);
      c.tHi = sum;
    }
    if (a.haveKNext) {
      k1 = a.kNext;
    } else {
      k1 = stepRate(y, P);
    }
    if (collapseTime < 0.0 && isCollapsed(y, P)) {
      // A map has no state between its steps: t_c is the step at which it first counts as collapsed.
      collapseTime = t0 + select(collapseOffset(y0, f0, y, k1, a.h, P), a.h, kDiscrete);
    }
    c.status = fate(&c, y, k1, P, stalled);
    if (c.status == kCellActive && frameDue(c)) {
      recordFrames(cell, &c, classify(y, k1, P));
    }
  }
  if (c.status == kCellActive) {
    appendActive(cell);
    noteActiveTime(c.tHi + c.tLo);
  }
  storeCell(cell, y, k1, P, collapseTime, c);
}
