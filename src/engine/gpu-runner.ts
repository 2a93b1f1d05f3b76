import type { ResolvedSpec } from '../sweep/spec.js';
import { emptyResult, type SweepResult } from './result.js';
import { getSweepPipelines } from './gpu-pipelines.js';
import { planTiles, type RowBand, type Tile } from './tiling.js';
import { TileBuffers, type GridTarget } from './tile-buffers.js';

export type { GridTarget };

export interface SweepProgress {
  tile: number;
  tiles: number;
  /** Steps done in the current tile, out of `steps`. */
  stepsDone: number;
  steps: number;
  /** Simulated time reached by the current tile. */
  t: number;
  /** Fraction of the whole sweep's instance-steps done. */
  fraction: number;
  stepsPerDispatch: number;
  /** The result so far; classes are refreshed every `partialEveryMs` (finished tiles are final). */
  partial: SweepResult;
}

/** Where a lost or cancelled run stood: pass it as `resumeFrom` on a new device to continue. */
export interface Checkpoint {
  partial: SweepResult;
  tile: number;
  stepsDone: number;
  /** The current tile's buffers at `stepsDone` (states, records, classes). */
  states: Float32Array<ArrayBuffer>;
  records: Float32Array<ArrayBuffer>;
  classes: Uint32Array<ArrayBuffer>;
}

export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(
    message: string,
    /** The last checkpoint; undefined if the device was lost before the first one. */
    readonly checkpoint: Checkpoint | undefined,
  ) {
    super(message);
  }
}

export interface GpuRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void | Promise<void>;
  /** Target wall time of one submit: ≈ 10–50 ms interactive, < 250 ms batch. Default 40. */
  budgetMs?: number;
  /** Steps in the first dispatch, before the budget takes over. Default 16. */
  initialStepsPerDispatch?: number;
  /**
   * Cells integrated together (default 65536). Each dispatch costs a fixed few hundred ns per cell
   * on SwiftShader besides the steps, so smaller tiles let the time budget buy more steps a submit.
   */
  maxCellsPerTile?: number;
  /** How often the partial classes are read back for progress. Default 500; 0 never. */
  partialEveryMs?: number;
  /** How often a checkpoint is read back. Default 5000; 0 only at tile ends. */
  checkpointEveryMs?: number;
  resumeFrom?: Checkpoint;
  workgroupSize?: number;
  /** Whole-grid buffers every advance dispatch mirrors its tile into (for a live heatmap). */
  grid?: GridTarget;
  /** Written into the result (describeAdapter of the device's adapter). */
  adapterInfo?: string;
  /**
   * Integrate only these grid rows (the batch runner's `--tile`); the result keeps the full grid's
   * shape and the other rows stay empty. Default: every row.
   */
  rows?: RowBand;
}

const kMaxStepsPerDispatch = 1 << 16;
const kDefaultCellsPerTile = 1 << 16;

/**
 * Integrates every cell of the sweep on the GPU, one invocation per cell, tile by tile. Each submit
 * advances the tile by N steps, with N adapted so a submit takes about `budgetMs`.
 * Rejects with DeviceLostError (carrying a checkpoint) if the device is lost, and with the signal's
 * reason if aborted.
 */
export async function runSweepGpu(device: GPUDevice, spec: ResolvedSpec, opts: GpuRunOptions = {}): Promise<SweepResult> {
  const started = performance.now();
  const wg = opts.workgroupSize ?? 64;
  const pipelines = await getSweepPipelines(device, spec.model, spec.integrator.method, wg);
  const { kernel } = pipelines;
  const bytesPerCell = 4 * Math.max(kernel.stateSize, kernel.recordSize, 1);
  const tiles = planTiles(spec.x.n, spec.y.n, bytesPerCell, {
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    workgroupSize: wg,
    maxCellsPerTile: opts.maxCellsPerTile ?? kDefaultCellsPerTile,
  }, opts.rows);
  const bandCells = tiles.reduce((sum, t) => sum + t.cells, 0);
  let lostMessage: string | undefined;
  void device.lost.then((info) => (lostMessage = `the GPU device was lost (${info.reason}): ${info.message || 'no detail'}`));

  const resume = opts.resumeFrom;
  const result = resume ? resume.partial : emptyResult(spec, Float32Array, opts.adapterInfo ?? 'webgpu');
  const buffers = new TileBuffers(device, pipelines, Math.max(...tiles.map((t) => t.cells)), spec.values);
  let checkpoint: Checkpoint | undefined = resume;
  const totalSteps = spec.integrator.steps;
  const instanceSteps = bandCells * totalSteps;
  let stepsPerDispatch = Math.max(1, opts.initialStepsPerDispatch ?? 16);
  const budget = opts.budgetMs ?? 40;
  const checkpointEveryMs = opts.checkpointEveryMs ?? 5000;
  const partialEveryMs = opts.partialEveryMs ?? 500;

  const checkLost = () => {
    if (lostMessage) throw new DeviceLostError(lostMessage, checkpoint);
  };
  try {
    for (let ti = resume?.tile ?? 0; ti < tiles.length; ti++) {
      const tile = tiles[ti];
      let stepsDone = 0;
      // A checkpoint taken at a tile's end has stepsDone 0: that tile starts afresh.
      if (resume && ti === resume.tile && resume.stepsDone > 0) {
        buffers.restore(resume.states, resume.records, resume.classes);
        stepsDone = resume.stepsDone;
      } else {
        buffers.dispatch(pipelines.init, spec, tile, 0, 0);
      }
      let lastPartial = performance.now();
      let lastCheckpoint = performance.now();
      while (stepsDone < totalSteps) {
        opts.signal?.throwIfAborted();
        checkLost();
        const n = Math.min(stepsPerDispatch, totalSteps - stepsDone);
        const t0 = performance.now();
        buffers.dispatch(pipelines.advance, spec, tile, stepsDone, n, opts.grid);
        await device.queue.onSubmittedWorkDone();
        checkLost();
        const ms = performance.now() - t0;
        result.timings.kernelMs += ms;
        stepsDone += n;
        if (n === stepsPerDispatch) {
          // Grow at most 2× per submit so one slow submit cannot overshoot the budget by far.
          const scaled = Math.round((stepsPerDispatch * budget) / Math.max(ms, 0.5));
          stepsPerDispatch = Math.min(kMaxStepsPerDispatch, Math.max(1, Math.min(2 * stepsPerDispatch, scaled)));
        }
        const now = performance.now();
        if (checkpointEveryMs > 0 && now - lastCheckpoint >= checkpointEveryMs && stepsDone < totalSteps) {
          checkpoint = { partial: result, tile: ti, stepsDone, ...(await buffers.snapshot(tile)) };
          lastCheckpoint = performance.now();
        }
        if (opts.onProgress) {
          if (partialEveryMs > 0 && now - lastPartial >= partialEveryMs) {
            copyClasses(result, tile, await buffers.readClasses(tile));
            lastPartial = performance.now();
          }
          const done = (tileCellsBefore(tiles, ti) * totalSteps + tile.cells * stepsDone) / (bandCells * totalSteps);
          await opts.onProgress({ tile: ti, tiles: tiles.length, stepsDone, steps: totalSteps, t: stepsDone * spec.integrator.dt, fraction: done, stepsPerDispatch, partial: result });
        }
      }
      await buffers.readInto(result, tile);
      checkLost();
      checkpoint = { partial: result, tile: ti + 1, stepsDone: 0, states: new Float32Array(0), records: new Float32Array(0), classes: new Uint32Array(0) };
    }
  } catch (e) {
    if (lostMessage && !(e instanceof DeviceLostError)) throw new DeviceLostError(lostMessage, checkpoint);
    throw e;
  } finally {
    buffers.destroy();
  }
  result.tReached = totalSteps * spec.integrator.dt;
  result.timings.ms = performance.now() - started;
  result.timings.instanceSteps = instanceSteps;
  result.timings.endedAt = new Date().toISOString();
  return result;
}

function tileCellsBefore(tiles: Tile[], ti: number): number {
  let cells = 0;
  for (let k = 0; k < ti; k++) cells += tiles[k].cells;
  return cells;
}

function copyClasses(result: SweepResult, tile: Tile, classes: Uint32Array): void {
  result.classes.set(classes.subarray(0, tile.cells), tile.rowOffset * result.nx);
}

