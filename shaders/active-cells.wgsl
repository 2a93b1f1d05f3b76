// The active-cell list: cells still integrating, compacted between dispatches so a dispatch costs in
// proportion to the cells left and no lane of a workgroup waits on a finished neighbour. Two lists
// share one buffer (list p at p·listCapacity); `advance` reads list `parity` and appends survivors to
// the other, whose count the host zeroes first. `prepareDispatch` turns that count into the next
// indirect dispatch. The same buffer holds, at 2·listCapacity, the cell table of a cell-list run
// (slot k → grid cell), written by the host once per tile (a binding of its own would exceed the
// 8 storage buffers a stage may count on). The host side is src/engine/tile-buffers.ts.

struct ActiveCounters {
  listed: array<atomic<u32>, 2>,  // cells in list 0 and in list 1
  invocations: atomic<u32>,       // advance invocations that found a cell (the tests count with it)
  slowestT: atomic<u32>,          // bits of the smallest t among surviving cells (t ≥ 0 orders as u32)
}

@group(0) @binding(6) var<storage, read_write> counters: ActiveCounters;
@group(0) @binding(7) var<storage, read_write> activeLists: array<u32>;
// Its own group: a buffer bound as storage may not also be the indirect buffer of the same dispatch,
// and only prepareDispatch's pipeline layout has group 1.
@group(1) @binding(0) var<storage, read_write> dispatchArgs: array<u32, 3>;

override kMaxGroupsPerDimension: u32 = 65535;

fn activeCount() -> u32 {
  return atomicLoad(&counters.listed[sweep.parity]);
}

fn activeCell(k: u32) -> u32 {
  return activeLists[sweep.parity * sweep.listCapacity + k];
}

fn cellTable(k: u32) -> u32 {
  return activeLists[2u * sweep.listCapacity + k];
}

fn appendActive(cell: u32) {
  let next = 1u - sweep.parity;
  let k = atomicAdd(&counters.listed[next], 1u);
  activeLists[next * sweep.listCapacity + k] = cell;
}

fn countInvocation() {
  atomicAdd(&counters.invocations, 1u);
}

fn noteActiveTime(t: f32) {
  atomicMin(&counters.slowestT, bitcast<u32>(max(t, 0.0)));
}

@compute @workgroup_size(1)
fn prepareDispatch() {
  let n = atomicLoad(&counters.listed[1u - sweep.parity]);
  let groups = (n + kWorkgroupSize - 1u) / kWorkgroupSize;
  let x = min(groups, kMaxGroupsPerDimension);
  dispatchArgs[0] = x;
  dispatchArgs[1] = select(1u, (groups + x - 1u) / x, x > 0u);
  dispatchArgs[2] = 1u;
}
