import type { ResolvedSpec } from './resolved-spec.js';
import type { SweepResult } from './result.js';
import type { SweepPipelines } from './gpu-pipelines.js';
import type { Tile } from './tiling.js';
import { CELL_STATUS } from './layout.js';

/**
 * Whole-grid GPU buffers a run mirrors every tile into, right after each integration dispatch and in
 * the same submit, so a renderer can draw the grid from them with no CPU round trip.
 * `classes`: one u32 per cell (≥ 4·nx·ny bytes); `records`: kRecordSize f32 per cell; both need COPY_DST.
 */
export interface GridTarget {
  classes: GPUBuffer;
  records: GPUBuffer;
}

/** What one dispatch left: the cells still active, the invocations that ran, the slowest cell's t. */
export interface DispatchCount {
  active: number;
  invocations: number;
  /** Smallest flow time among the cells still active (Infinity when none is). */
  slowestT: number;
}

/** The buffers of one tile's cells, as a checkpoint carries them. */
export interface TileSnapshot {
  states: Float32Array<ArrayBuffer>;
  records: Float32Array<ArrayBuffer>;
  classes: Uint32Array<ArrayBuffer>;
  /** CellControl structs (t, dt, step counts, status), raw bytes. */
  controls: Uint32Array<ArrayBuffer>;
  /** Time-lapse frames, frameWords words a cell (empty without a time-lapse). */
  frames: Uint32Array<ArrayBuffer>;
}

/** u32 words a cell's time-lapse takes: one byte a frame. */
export function frameWords(spec: ResolvedSpec): number {
  return spec.timelapse ? Math.ceil(spec.timelapse.frames / 4) : 0;
}

const kInfinityBits = 0x7f800000;

/**
 * The GPU buffers of one run, sized for its largest tile and reused by every tile: uniforms, the
 * base parameter vector, per-cell state, records, classes and controls, the two active-cell lists
 * with their counters and the indirect dispatch arguments, staging buffers for readback, two bind
 * groups. Nothing is allocated per dispatch.
 */
export class TileBuffers {
  private readonly uniform: GPUBuffer;
  private readonly params: GPUBuffer;
  readonly states: GPUBuffer;
  readonly records: GPUBuffer;
  readonly classes: GPUBuffer;
  readonly controls: GPUBuffer;
  private readonly frameWords: number;
  private readonly counters: GPUBuffer;
  private readonly lists: GPUBuffer;
  private readonly args: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly countsStaging: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly argsGroup: GPUBindGroup;
  private readonly stateSize: number;
  private readonly recordSize: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: SweepPipelines,
    private readonly capacity: number,
    private readonly spec: ResolvedSpec,
  ) {
    const { kernel, control, counters } = pipelines;
    this.stateSize = kernel.stateSize;
    this.recordSize = kernel.recordSize;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size: Math.max(16, size), usage });
    this.uniform = make('sweep uniforms', pipelines.uniformView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.params = make('base params', 4 * spec.values.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    this.states = make('states', 4 * capacity * this.stateSize, storage);
    this.records = make('records', 4 * capacity * this.recordSize, storage);
    this.classes = make('classes', 4 * capacity, storage);
    this.controls = make('cell controls', capacity * control.size, storage);
    this.frameWords = frameWords(spec);
    this.counters = make('active counters', counters.size, storage);
    // Two active lists, the cell table of a cell-list tile (shaders/active-cells.wgsl), then the
    // time-lapse frames (recordFrames in shaders/sweep.wgsl).
    this.lists = make('active lists, cell table and frames', 4 * capacity * (3 + this.frameWords), storage);
    this.args = make('dispatch args', 12, GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_SRC);
    this.staging = make(
      'readback',
      Math.max(4 * this.stateSize, 4 * this.recordSize, control.size, 4 * this.frameWords) * capacity,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    );
    this.countsStaging = make('counters readback', counters.size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(this.params, 0, new Float32Array(spec.values));
    const buffers = [this.uniform, this.params, this.states, this.records, this.classes, this.controls, this.counters, this.lists];
    this.bindGroup = device.createBindGroup({
      label: 'sweep',
      layout: pipelines.layout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.argsGroup = device.createBindGroup({
      label: 'dispatch args',
      layout: pipelines.argsLayout,
      entries: [{ binding: 0, resource: { buffer: this.args } }],
    });
  }

  private writeUniforms(tile: Tile, parity: number, stepCount: number): void {
    const { uniformView } = this.pipelines;
    const { spec } = this;
    const it = spec.integrator;
    const axis = (a: ResolvedSpec['x']) => ({ param: a.index, n: a.n, logScale: a.scale === 'log' ? 1 : 0, min: a.min, max: a.max });
    const settle = spec.settle;
    uniformView.set({
      x: axis(spec.x),
      y: axis(spec.y),
      rowOffset: tile.rowOffset,
      cellCount: tile.cells,
      parity,
      listCapacity: this.capacity,
      stepCount,
      steps: it.steps,
      dt: it.dt,
      lastDt: it.adaptive ? it.dt : it.tEnd - (it.steps - 1) * it.dt,
      tEnd: it.tEnd,
      rtol: it.rtol,
      atol: it.atol,
      dtMin: it.dtMin,
      dtMax: it.dtMax,
      settleOn: settle ? 1 : 0,
      settleTol: settle ? settle.tol : 0,
      settleHold: settle ? settle.hold : 0,
      listed: tile.list ? 1 : 0,
      frames: spec.timelapse ? spec.timelapse.frames : 0,
      frameWords: this.frameWords,
    });
    if (spec.timelapse) {
      // Written as flat views: the vec4 arrays hold four frames each, in order.
      uniformView.views.frameSteps.set(padded(spec.timelapse.steps));
      uniformView.views.frameTimes.set(padded(spec.timelapse.times));
    }
    this.device.queue.writeBuffer(this.uniform, 0, uniformView.arrayBuffer);
  }

  /** Zeroes the count of list `next`, the invocation count and the slowest-t reduction. */
  private resetCounters(next: number): void {
    const c = this.pipelines.counters;
    this.device.queue.writeBuffer(this.counters, c.active + 4 * next, new Uint32Array([0]));
    this.device.queue.writeBuffer(this.counters, c.invocations, new Uint32Array([0]));
    this.device.queue.writeBuffer(this.counters, c.slowestT, new Uint32Array([kInfinityBits]));
  }

  /** Ends the encoder: the next dispatch's arguments, the counters' readback, the grid mirror. */
  private async finish(encoder: GPUCommandEncoder, parity: number, tile: Tile, grid?: GridTarget): Promise<DispatchCount> {
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipelines.prepareDispatch);
    pass.setBindGroup(0, this.bindGroup);
    pass.setBindGroup(1, this.argsGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(this.counters, 0, this.countsStaging, 0, this.pipelines.counters.size);
    if (grid) {
      const base = tile.rowOffset * this.spec.x.n;
      encoder.copyBufferToBuffer(this.classes, 0, grid.classes, 4 * base, 4 * tile.cells);
      encoder.copyBufferToBuffer(this.records, 0, grid.records, 4 * base * this.recordSize, 4 * tile.cells * this.recordSize);
    }
    this.device.queue.submit([encoder.finish()]);
    await this.countsStaging.mapAsync(GPUMapMode.READ);
    const words = new Uint32Array(this.countsStaging.getMappedRange().slice(0));
    this.countsStaging.unmap();
    const c = this.pipelines.counters;
    const slowestBits = words[c.slowestT / 4];
    return {
      active: words[c.active / 4 + (1 - parity)],
      invocations: words[c.invocations / 4],
      slowestT: slowestBits === kInfinityBits ? Infinity : new Float32Array(Uint32Array.of(slowestBits).buffer)[0],
    };
  }

  /** A cell-list tile's slot → grid cell table, read by every dispatch of the tile. */
  private writeCellTable(tile: Tile): void {
    if (tile.list) this.device.queue.writeBuffer(this.lists, 2 * 4 * this.capacity, tile.list.slice());
  }

  /** Initial state of every cell of the tile; every cell that starts finite joins list 0. */
  init(tile: Tile, grid?: GridTarget): Promise<DispatchCount> {
    if (grid && tile.list) throw new Error('a cell-list run cannot mirror into whole-grid buffers (GpuRunOptions.grid)');
    this.writeCellTable(tile);
    this.writeUniforms(tile, 1, 0);
    this.resetCounters(0);
    const groups = Math.ceil(tile.cells / this.pipelines.workgroupSize);
    const gx = Math.min(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipelines.init);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
    pass.end();
    return this.finish(encoder, 1, tile, grid);
  }

  /** Advances the cells of list `parity` by up to `stepCount` step attempts each; survivors join the other list. */
  advance(tile: Tile, parity: number, stepCount: number, grid?: GridTarget): Promise<DispatchCount> {
    this.writeUniforms(tile, parity, stepCount);
    this.resetCounters(1 - parity);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipelines.advance);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroupsIndirect(this.args, 0);
    pass.end();
    return this.finish(encoder, parity, tile, grid);
  }

  private get framesOffset(): number {
    return 3 * 4 * this.capacity;
  }

  private async read(src: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(src, offset, this.staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const copy = this.staging.getMappedRange(0, bytes).slice(0);
    this.staging.unmap();
    return copy;
  }

  async readClasses(tile: Tile): Promise<Uint32Array<ArrayBuffer>> {
    return new Uint32Array(await this.read(this.classes, 4 * tile.cells));
  }

  async readControls(tile: Tile): Promise<Uint32Array<ArrayBuffer>> {
    return new Uint32Array(await this.read(this.controls, tile.cells * this.pipelines.control.size));
  }

  /** Status (CELL_STATUS) of every cell of a control snapshot. */
  statuses(controls: Uint32Array, cells: number): Uint32Array {
    const { size, statusOffset } = this.pipelines.control;
    const out = new Uint32Array(cells);
    for (let k = 0; k < cells; k++) out[k] = controls[(k * size + statusOffset) / 4];
    return out;
  }

  async snapshot(tile: Tile): Promise<TileSnapshot> {
    const states = new Float32Array(await this.read(this.states, 4 * tile.cells * this.stateSize));
    const records = new Float32Array(await this.read(this.records, 4 * tile.cells * this.recordSize));
    const frames = new Uint32Array(
      this.frameWords ? await this.read(this.lists, 4 * tile.cells * this.frameWords, this.framesOffset) : new ArrayBuffer(0),
    );
    return { states, records, classes: await this.readClasses(tile), controls: await this.readControls(tile), frames };
  }

  /** Puts a snapshot back and rebuilds list 0 from the cells' statuses; the next advance reads it. */
  restore(tile: Tile, s: TileSnapshot): Promise<DispatchCount> {
    const q = this.device.queue;
    q.writeBuffer(this.states, 0, s.states);
    q.writeBuffer(this.records, 0, s.records);
    q.writeBuffer(this.classes, 0, s.classes);
    q.writeBuffer(this.controls, 0, s.controls);
    if (s.frames.length) q.writeBuffer(this.lists, this.framesOffset, s.frames);
    this.writeCellTable(tile);
    const status = this.statuses(s.controls, tile.cells);
    const active = Uint32Array.from(status.keys()).filter((k) => status[k] === CELL_STATUS.active);
    if (active.length) q.writeBuffer(this.lists, 0, active);
    const c = this.pipelines.counters;
    q.writeBuffer(this.counters, c.active, Uint32Array.of(active.length, 0));
    this.writeUniforms(tile, 1, 0);
    return this.finish(this.device.createCommandEncoder(), 1, tile);
  }

  /** Copies the finished tile into the result (rows rowOffset … rowOffset + rows − 1, or its list's cells). */
  async readInto(result: SweepResult, tile: Tile): Promise<void> {
    const { states, records, classes, frames } = await this.snapshot(tile);
    if (result.timelapse) unpackFrames(result, tile, frames, this.frameWords);
    if (tile.list) {
      scatter(result.finalState, states, tile.list, this.stateSize);
      scatter(result.metrics, records, tile.list, this.recordSize);
      scatter(result.classes, classes, tile.list, 1);
      return;
    }
    const base = tile.rowOffset * result.nx;
    result.finalState.set(states, base * this.stateSize);
    result.metrics.set(records, base * this.recordSize);
    result.classes.set(classes, base);
  }

  destroy(): void {
    for (const b of [
      this.uniform,
      this.params,
      this.states,
      this.records,
      this.classes,
      this.controls,
      this.counters,
      this.lists,
      this.args,
      this.staging,
      this.countsStaging,
    ])
      b.destroy();
  }
}

/** The uniform's frame arrays hold 256 entries; unused ones stay 0. */
function padded(values: readonly number[]): number[] {
  return [...values, ...new Array<number>(256 - values.length).fill(0)];
}

/** A tile's cell-major frame bytes into the result's frame-major [K, ny, nx] grid. */
function unpackFrames(result: SweepResult, tile: Tile, words: Uint32Array, perCell: number): void {
  const tl = result.timelapse!;
  const K = tl.times.length;
  const cells = result.nx * result.ny;
  const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  for (let slot = 0; slot < tile.cells; slot++) {
    const cell = tile.list ? tile.list[slot] : tile.rowOffset * result.nx + slot;
    for (let k = 0; k < K; k++) tl.classes[k * cells + cell] = bytes[slot * 4 * perCell + k];
  }
}

/** Slot k's `width` values of `src` go to grid cell list[k] of `dst`. */
export function scatter(dst: { [k: number]: number }, src: ArrayLike<number>, list: Uint32Array, width: number): void {
  for (let k = 0; k < list.length; k++) {
    const to = list[k] * width;
    const from = k * width;
    for (let d = 0; d < width; d++) dst[to + d] = src[from + d];
  }
}
