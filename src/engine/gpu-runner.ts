import type { ResolvedSpec } from './resolved-spec.js';
import { emptyResult, totalSteps, type SweepResult } from './result.js';
import { getSweepPipelines } from './gpu-pipelines.js';
import { planListTiles, planTiles, type RowBand, type Tile } from './tiling.js';
import { TileBuffers, frameWords, scatter, type DispatchCount, type GridTarget, type TileSnapshot } from './tile-buffers.js';

export type { GridTarget };

export interface SweepProgress {
  tile: number;
  tiles: number;
  /** Cells of the current tile still integrating, out of `tileCells`. */
  activeCells: number;
  tileCells: number;
  /** Cells of the run whose integration has ended (settled, reached tEnd, diverged or stiff), out of `cells`. */
  cellsFinished: number;
  cells: number;
  /** Step attempts per active cell dispatched so far in the current tile. */
  attempts: number;
  /** Flow time reached by the slowest active cell of the current tile (tEnd once none is active). */
  t: number;
  /** Fraction of the run done: finished cells, plus each active one's share t/tEnd. */
  fraction: number;
  stepsPerDispatch: number;
  /** The result so far; classes are refreshed every `partialEveryMs` (finished tiles are final). */
  partial: SweepResult;
}

/** Where a lost or cancelled run stood: pass it as `resumeFrom` on a new device to continue. */
export interface Checkpoint extends TileSnapshot {
  partial: SweepResult;
  tile: number;
  /** Step attempts dispatched in `tile`; 0: the tile starts afresh. */
  attempts: number;
}

/** One advance dispatch, for tests that count the compaction (GpuRunOptions.onDispatch). */
export interface DispatchRecord {
  tile: number;
  /** Cells in the list this dispatch read. */
  listed: number;
  /** Invocations that found a cell, counted on the GPU. */
  invocations: number;
  /** Cells still active afterwards. */
  active: number;
  stepCount: number;
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
  /**
   * Integrate only these grid cells (indices j·nx + i, any order, no repeats): the result keeps the
   * full grid's shape, the other cells stay empty (zeros). The list is cut into chunks (tiles) under
   * the buffer limits. Not with `rows` or `grid`. A checkpoint resumes only with the same list and
   * the same maxCellsPerTile.
   */
  cells?: Uint32Array;
  /**
   * Write into this result (of the same spec, from an earlier run) instead of a new one: only this
   * run's cells change, and its `timings` restart as this run's. Lets a caller that runs many small
   * lists (src/refine/) keep one full-size result. Ignored with resumeFrom (the checkpoint's is used).
   */
  into?: SweepResult;
  /** Called after every advance dispatch with what it integrated (tests). */
  onDispatch?: (d: DispatchRecord) => void | Promise<void>;
}

const kMaxStepsPerDispatch = 1 << 16;
/** How long a failed GPU operation waits for device.lost before it is taken for something else. */
const kLostGraceMs = 250;
const kDefaultCellsPerTile = 1 << 16;

/**
 * Integrates every cell of the sweep on the GPU, one invocation per cell, tile by tile. Each submit
 * advances the tile's active cells by up to N step attempts, N adapted so a submit takes about
 * `budgetMs`; a cell leaves the active list when its integration ends (settled, tEnd, diverged,
 * stiff), and a tile is done when its list is empty.
 * Rejects with DeviceLostError (carrying a checkpoint) if the device is lost, and with the signal's
 * reason if aborted.
 */
export async function runSweepGpu(device: GPUDevice, spec: ResolvedSpec, opts: GpuRunOptions = {}): Promise<SweepResult> {
  const started = performance.now();
  const pipelines = await getSweepPipelines(device, {
    model: spec.model,
    method: spec.integrator.method,
    adaptive: spec.integrator.adaptive,
    axes: { x: spec.x.index, y: spec.y.index },
    workgroupSize: opts.workgroupSize,
  });
  const { kernel } = pipelines;
  // The lists buffer holds two active lists, the cell table and the time-lapse frames.
  const bytesPerCell = Math.max(4 * kernel.stateSize, 4 * kernel.recordSize, pipelines.control.size, 12 + 4 * frameWords(spec));
  const limits = {
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    workgroupSize: pipelines.workgroupSize,
    maxCellsPerTile: opts.maxCellsPerTile ?? kDefaultCellsPerTile,
  };
  if (opts.cells) checkCellList(opts, spec.x.n * spec.y.n);
  const tiles = opts.cells
    ? planListTiles(opts.cells, bytesPerCell, limits)
    : planTiles(spec.x.n, spec.y.n, bytesPerCell, limits, opts.rows);
  const bandCells = tiles.reduce((sum, t) => sum + t.cells, 0);
  let lostMessage: string | undefined;
  void device.lost.then((info) => (lostMessage = `the GPU device was lost (${info.reason}): ${info.message || 'no detail'}`));

  const resume = opts.resumeFrom;
  const result = resume ? resume.partial : opts.into ? restart(opts.into) : emptyResult(spec, Float32Array, opts.adapterInfo ?? 'webgpu');
  const buffers = new TileBuffers(device, pipelines, Math.max(1, ...tiles.map((t) => t.cells)), spec);
  let checkpoint: Checkpoint | undefined = resume;
  const { tEnd, adaptive, steps: stepCap } = spec.integrator;
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
      const finishedBefore = tileCellsBefore(tiles, ti);
      let attempts = 0;
      let count: DispatchCount;
      // A checkpoint taken at a tile's end has attempts 0: that tile starts afresh.
      if (resume && ti === resume.tile && resume.attempts > 0) {
        count = await buffers.restore(tile, resume);
        attempts = resume.attempts;
      } else {
        count = await buffers.init(tile, opts.grid);
      }
      let parity = 0;
      let lastPartial = performance.now();
      let lastCheckpoint = performance.now();
      while (count.active > 0) {
        opts.signal?.throwIfAborted();
        checkLost();
        // Fixed steps: never dispatch attempts past the last step (it would only cost the check).
        const n = adaptive ? stepsPerDispatch : Math.max(1, Math.min(stepsPerDispatch, stepCap - attempts));
        const listed = count.active;
        const t0 = performance.now();
        count = await buffers.advance(tile, parity, n, opts.grid);
        checkLost();
        parity = 1 - parity;
        attempts += n;
        const ms = performance.now() - t0;
        result.timings.kernelMs += ms;
        await opts.onDispatch?.({ tile: ti, listed, invocations: count.invocations, active: count.active, stepCount: n });
        if (n === stepsPerDispatch) {
          // The next submit integrates `count.active` cells: scale by the cells that left, but grow at
          // most 2× per submit so one slow submit cannot overshoot the budget by far.
          const perCellStep = Math.max(ms, 0.5) / (listed * n);
          const scaled = Math.round(budget / (perCellStep * Math.max(count.active, 1)));
          stepsPerDispatch = Math.min(kMaxStepsPerDispatch, Math.max(1, Math.min(2 * stepsPerDispatch, scaled)));
        }
        const now = performance.now();
        if (checkpointEveryMs > 0 && now - lastCheckpoint >= checkpointEveryMs && count.active > 0) {
          // Restoring rebuilds list 0 from the statuses, so the run goes on with parity 0 from there.
          checkpoint = { partial: result, tile: ti, attempts, ...(await buffers.snapshot(tile)) };
          lastCheckpoint = performance.now();
        }
        if (opts.onProgress) {
          if (partialEveryMs > 0 && now - lastPartial >= partialEveryMs) {
            copyClasses(result, tile, await buffers.readClasses(tile));
            lastPartial = performance.now();
          }
          const tShare = count.active > 0 ? Math.min(1, count.slowestT / tEnd) : 1;
          const finished = finishedBefore + tile.cells - count.active;
          await opts.onProgress({
            tile: ti,
            tiles: tiles.length,
            activeCells: count.active,
            tileCells: tile.cells,
            cellsFinished: finished,
            cells: bandCells,
            attempts,
            t: count.active > 0 ? count.slowestT : tEnd,
            fraction: (finished + count.active * tShare) / bandCells,
            stepsPerDispatch,
            partial: result,
          });
        }
      }
      await buffers.readInto(result, tile);
      checkLost();
      checkpoint = { partial: result, tile: ti + 1, attempts: 0, ...emptySnapshot() };
    }
  } catch (e) {
    // A loss can surface first as a failed mapAsync (Chromium rejects it before device.lost
    // resolves): give device.lost a moment before deciding what this error is.
    if (!lostMessage && !(e instanceof DeviceLostError) && !opts.signal?.aborted) {
      await Promise.race([device.lost, new Promise((resolve) => setTimeout(resolve, kLostGraceMs))]);
    }
    if (lostMessage && !(e instanceof DeviceLostError)) throw new DeviceLostError(lostMessage, checkpoint);
    throw e;
  } finally {
    buffers.destroy();
  }
  result.tReached = tEnd;
  result.timings.ms = performance.now() - started;
  result.timings.instanceSteps = totalSteps(result, opts.cells);
  result.timings.endedAt = new Date().toISOString();
  return result;
}

function emptySnapshot(): TileSnapshot {
  return {
    states: new Float32Array(0),
    records: new Float32Array(0),
    classes: new Uint32Array(0),
    controls: new Uint32Array(0),
    frames: new Uint32Array(0),
  };
}

function tileCellsBefore(tiles: Tile[], ti: number): number {
  let cells = 0;
  for (let k = 0; k < ti; k++) cells += tiles[k].cells;
  return cells;
}

/** `into` with fresh timings for the run about to write into it. */
function restart(into: SweepResult): SweepResult {
  into.timings = { startedAt: new Date().toISOString(), endedAt: '', ms: 0, kernelMs: 0, instanceSteps: 0 };
  return into;
}

function checkCellList(opts: GpuRunOptions, gridCells: number): void {
  if (opts.rows) throw new Error('runSweepGpu: pass either rows or cells, not both');
  if (opts.grid) throw new Error('runSweepGpu: a cell-list run cannot mirror into whole-grid buffers (grid)');
  for (const c of opts.cells!) {
    if (c >= gridCells) throw new Error(`runSweepGpu: cell ${c} is outside the ${gridCells}-cell grid`);
  }
}

function copyClasses(result: SweepResult, tile: Tile, classes: Uint32Array): void {
  if (tile.list) {
    scatter(result.classes, classes, tile.list, 1);
    return;
  }
  result.classes.set(classes.subarray(0, tile.cells), tile.rowOffset * result.nx);
}
