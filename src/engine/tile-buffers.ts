import type { ResolvedSpec } from '../sweep/spec.js';
import type { SweepResult } from './result.js';
import type { SweepPipelines } from './gpu-pipelines.js';
import type { Tile } from './tiling.js';

/**
 * Whole-grid GPU buffers a run mirrors every tile into, right after each integration dispatch and in
 * the same submit, so a renderer can draw the grid from them with no CPU round trip.
 * `classes`: one u32 per cell (≥ 4·nx·ny bytes); `records`: kRecordSize f32 per cell; both need COPY_DST.
 */
export interface GridTarget {
  classes: GPUBuffer;
  records: GPUBuffer;
}

/**
 * The GPU buffers of one run, sized for its largest tile and reused by every tile: uniforms, the
 * base parameter vector, per-cell state, records and classes, one staging buffer for readback,
 * one bind group. Nothing is allocated per dispatch.
 */
export class TileBuffers {
  private readonly uniform: GPUBuffer;
  private readonly params: GPUBuffer;
  readonly states: GPUBuffer;
  readonly records: GPUBuffer;
  readonly classes: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly stateSize: number;
  private readonly recordSize: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: SweepPipelines,
    maxCells: number,
    values: Float64Array,
  ) {
    const { kernel } = pipelines;
    this.stateSize = kernel.stateSize;
    this.recordSize = kernel.recordSize;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage: number) => device.createBuffer({ label, size: Math.max(16, size), usage });
    this.uniform = make('sweep uniforms', pipelines.uniformView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.params = make('base params', 4 * values.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    this.states = make('states', 4 * maxCells * this.stateSize, storage);
    this.records = make('records', 4 * maxCells * this.recordSize, storage);
    this.classes = make('classes', 4 * maxCells, storage);
    this.staging = make('readback', 4 * maxCells * Math.max(this.stateSize, this.recordSize, 1), GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(this.params, 0, new Float32Array(values));
    const entries = [this.uniform, this.params, this.states, this.records, this.classes].map((buffer, binding) => ({ binding, resource: { buffer } }));
    this.bindGroup = device.createBindGroup({ label: 'sweep', layout: pipelines.layout, entries });
  }

  /** Writes the uniforms for (tile, steps) and submits one dispatch of `pipeline` over the tile. */
  dispatch(pipeline: GPUComputePipeline, spec: ResolvedSpec, tile: Tile, stepStart: number, stepCount: number, grid?: GridTarget): void {
    const { uniformView } = this.pipelines;
    const axis = (a: ResolvedSpec['x']) => ({ param: a.index, n: a.n, logScale: a.scale === 'log' ? 1 : 0, min: a.min, max: a.max });
    uniformView.set({ x: axis(spec.x), y: axis(spec.y), rowOffset: tile.rowOffset, cellCount: tile.cells, stepStart, stepCount, dt: spec.integrator.dt });
    this.device.queue.writeBuffer(this.uniform, 0, uniformView.arrayBuffer);
    const groups = Math.ceil(tile.cells / this.pipelines.workgroupSize);
    const gx = Math.min(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
    pass.end();
    if (grid) {
      const base = tile.rowOffset * spec.x.n;
      encoder.copyBufferToBuffer(this.classes, 0, grid.classes, 4 * base, 4 * tile.cells);
      encoder.copyBufferToBuffer(this.records, 0, grid.records, 4 * base * this.recordSize, 4 * tile.cells * this.recordSize);
    }
    this.device.queue.submit([encoder.finish()]);
  }

  private async read(src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(src, 0, this.staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const copy = this.staging.getMappedRange(0, bytes).slice(0);
    this.staging.unmap();
    return copy;
  }

  async readClasses(tile: Tile): Promise<Uint32Array<ArrayBuffer>> {
    return new Uint32Array(await this.read(this.classes, 4 * tile.cells));
  }

  async snapshot(tile: Tile): Promise<{ states: Float32Array<ArrayBuffer>; records: Float32Array<ArrayBuffer>; classes: Uint32Array<ArrayBuffer> }> {
    const states = new Float32Array(await this.read(this.states, 4 * tile.cells * this.stateSize));
    const records = new Float32Array(await this.read(this.records, 4 * tile.cells * this.recordSize));
    return { states, records, classes: await this.readClasses(tile) };
  }

  restore(states: Float32Array<ArrayBuffer>, records: Float32Array<ArrayBuffer>, classes: Uint32Array<ArrayBuffer>): void {
    this.device.queue.writeBuffer(this.states, 0, states);
    this.device.queue.writeBuffer(this.records, 0, records);
    this.device.queue.writeBuffer(this.classes, 0, classes);
  }

  /** Copies the finished tile into the result (rows rowOffset … rowOffset + rows − 1). */
  async readInto(result: SweepResult, tile: Tile): Promise<void> {
    const { states, records, classes } = await this.snapshot(tile);
    const base = tile.rowOffset * result.nx;
    result.finalState.set(states, base * this.stateSize);
    result.metrics.set(records, base * this.recordSize);
    result.classes.set(classes, base);
  }

  destroy(): void {
    for (const b of [this.uniform, this.params, this.states, this.records, this.classes, this.staging]) b.destroy();
  }
}
