import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { WebGpuUnavailableError, requestSweepDevice, type SweepDevice } from '../../src/engine/device.js';
import { DeviceLostError, runSweepGpu, type Checkpoint } from '../../src/engine/gpu-runner.js';
import type { SweepResult } from '../../src/engine/result.js';
import { runRefinedGpu } from '../../src/refine/runners.js';
import { parseSpec, specToJson, type ResolvedSpec } from '../../src/sweep/spec.js';
import type { GridBuffers } from '../render/heatmap-renderer.js';
import { destroyGrid, gridLimitError, makeGrid, uploadRound } from './live-grid.js';
import { kExplorerFrames } from './timelapse-controller.js';
import { coarseOf } from '../state/coarse.js';

/** How to turn WebGPU on, shown whenever it is missing. */
export const kEnableWebGpu =
  'Use Chrome or Edge 113 or later. On Linux, start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan, or enable chrome://flags/#enable-unsafe-webgpu and restart; check chrome://gpu for "WebGPU: Hardware accelerated". Firefox: WebGPU is on from version 141 on Windows, else set dom.webgpu.enabled in about:config. Safari: Develop → Feature Flags → WebGPU.';

/** Cells integrated together: small bands fill in one after another and keep each submit short. */
const kCellsPerTile = 8192;
const kMaxRecoveries = 3;
/** The heatmap polls the run itself each frame; the page's text (progress) needs no more than this. */
const kStatusEveryMs = 100;

/** One sweep as the page sees it: its GPU grids (drawn directly), progress and CPU results. */
export interface LiveRun {
  id: number;
  spec: ResolvedSpec;
  coarseSpec?: ResolvedSpec;
  /** What the coarse pass runs instead of the chosen variant, if anything (Model.preview). */
  coarseLabel?: string;
  /** The device the grids live on (replaced after a loss). */
  device?: GPUDevice;
  fine?: GridBuffers;
  coarse?: GridBuffers;
  phase: 'starting' | 'coarse' | 'fine' | 'done' | 'failed';
  /** Bumped after every dispatch that changed a grid; the frame loop redraws when it moves. */
  version: number;
  /** Progress of the pass under way (the coarse one, then the full grid), from the engine's SweepProgress. */
  progress: PassProgress;
  /** A refined run (spec.refine): rounds done and cells integrated so far. */
  refined?: { rounds: number; computed: number };
  coarseResult?: SweepResult;
  result?: SweepResult;
  /** performance.now() marks, for the page benchmark. */
  timeline: { startedAt: number; firstFrameAt?: number; coarseDoneAt?: number; doneAt?: number; fullFrameAt?: number };
}

/** What the page shows of a pass's progress (SweepProgress in src/engine/gpu-runner.ts). */
export interface PassProgress {
  /** Cells of the pass whose integration has ended (settled, reached tEnd, diverged or stiff), out of `cells`. */
  cellsFinished: number;
  cells: number;
  /** Cells of the current engine tile still integrating. */
  activeCells: number;
  /** Flow time reached by the slowest active cell of the current tile (tEnd once none is active). */
  t: number;
  /** Fraction of the pass done: finished cells plus each active one's share t/tEnd. */
  fraction: number;
}

/**
 * The progress line of a pass: cells settled (finished) out of the pass's cells, the cells still
 * integrating, and the flow time reached by the slowest of them, e.g.
 * `1830 / 4096 cells settled · 512 active · slowest at t = 41.2 / 3000`.
 */
export function progressText(p: PassProgress, tEnd: number): string {
  const t = p.t >= 100 ? p.t.toFixed(0) : p.t.toPrecision(3);
  return `${p.cellsFinished} / ${p.cells} cells settled · ${p.activeCells} active · slowest at t = ${t} / ${tEnd}`;
}

const startProgress = (spec: ResolvedSpec): PassProgress => ({
  cellsFinished: 0,
  cells: spec.x.n * spec.y.n,
  activeCells: 0,
  t: 0,
  fraction: 0,
});

/**
 * Owns the GPU device and the running sweep: `start(spec)` aborts whatever runs and begins a coarse
 * pass then the full grid, both mirrored into GPU grids that the heatmap draws. A lost device is
 * replaced and the sweep resumes from the engine's checkpoint.
 */
export class SweepController implements ReactiveController {
  device?: SweepDevice;
  run?: LiveRun;
  error?: string;
  /** Shown while recovering from a device loss. */
  notice?: string;
  /** Incremented each time a new device replaces a lost one (the renderer rebuilds on it). */
  deviceGeneration = 0;
  /** Every device loss seen, as told to the user. */
  readonly losses: string[] = [];
  /**
   * While set, a new run waits on it once its grids exist (all pending), before it integrates:
   * tests hold a recompute to look at what the map shows meanwhile (the zoomed picture).
   */
  hold?: Promise<unknown>;
  private abort?: AbortController;
  private pending?: Promise<unknown>;
  private nextId = 1;
  private lastStatus = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort?.abort(new Error('element removed'));
  }

  private async openDevice(): Promise<SweepDevice> {
    const opened = await requestSweepDevice(navigator.gpu);
    console.info(`Collapse Atlas: sweeps run on ${opened.adapterInfo}`);
    void opened.device.lost.then((info) => {
      if (this.device !== opened) return;
      this.device = undefined;
      this.notice = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}); recovering on a new device…`;
      this.losses.push(this.notice);
      this.host.requestUpdate();
      void this.recoverIdle();
    });
    return opened;
  }

  /**
   * Cancels the running sweep and starts `spec` at once. A run that computes every cell records its
   * time-lapse too (the scrubber's frames); a refined one cannot (its inherited cells know tEnd only).
   */
  start(view: ResolvedSpec): void {
    this.abort?.abort(new Error('superseded by a new sweep'));
    const abort = new AbortController();
    this.abort = abort;
    const old = this.run;
    const coarse = coarseOf(view);
    const coarseSpec = coarse?.spec;
    const spec =
      view.refine || view.timelapse ? view : parseSpec({ ...specToJson(view), timelapse: { frames: kExplorerFrames } }, [view.model]);
    const run: LiveRun = {
      id: this.nextId++,
      spec,
      coarseSpec,
      ...(coarse?.label ? { coarseLabel: coarse.label } : {}),
      phase: 'starting',
      version: 0,
      progress: startProgress(coarseSpec ?? spec),
      timeline: { startedAt: performance.now() },
    };
    this.run = run;
    this.error = undefined;
    // The old run may have one dispatch in flight that writes its grids: free them once it stops.
    const previous = this.pending ?? Promise.resolve();
    const freeOld = () => [old?.fine, old?.coarse].forEach(destroyGrid);
    this.pending = previous
      .then(() => this.execute(run, abort.signal))
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        run.phase = 'failed';
        this.error = e instanceof WebGpuUnavailableError ? `${e.message}. ${kEnableWebGpu}` : (e as Error).message;
      })
      .finally(() => this.host.requestUpdate());
    void previous.finally(freeOld);
    this.host.requestUpdate();
  }

  private async device_(): Promise<GPUDevice> {
    this.device ??= await this.openDevice();
    return this.device.device;
  }

  private async execute(run: LiveRun, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const device = await this.device_();
    const tooLarge = gridLimitError(run.spec, device.limits);
    if (tooLarge) throw new Error(tooLarge);
    run.device = device;
    run.fine = makeGrid(device, run.spec);
    if (run.coarseSpec) run.coarse = makeGrid(device, run.coarseSpec);
    if (this.hold) {
      this.host.requestUpdate();
      await this.hold;
      signal.throwIfAborted();
    }
    if (run.coarseSpec) {
      run.phase = 'coarse';
      run.progress = startProgress(run.coarseSpec);
      run.coarseResult = await this.integrate(run, 'coarse', signal);
      run.timeline.coarseDoneAt = performance.now();
    }
    run.phase = 'fine';
    run.progress = startProgress(run.spec);
    run.result = run.spec.refine ? await this.refine(run, signal) : await this.integrate(run, 'fine', signal);
    run.phase = 'done';
    run.version++;
    run.timeline.doneAt = performance.now();
  }

  /**
   * A refined run: each round's classes, records and computed codes go into the fine grid as they
   * come (coarse blocks first, then finer along the boundaries). Its rounds are short, so after a
   * device loss it starts again from scratch on the new device (as web/batch.ts does).
   */
  private async refine(run: LiveRun, signal: AbortSignal): Promise<SweepResult> {
    for (let attempt = 0; ; attempt++) {
      const device = await this.device_();
      run.refined = { rounds: 0, computed: 0 };
      try {
        const result = await runRefinedGpu(device, run.spec, {
          signal,
          budgetMs: 25,
          partialEveryMs: 0,
          maxCellsPerTile: kCellsPerTile,
          adapterInfo: this.device?.adapterInfo,
          onProgress: (p) => this.progressed(run, p),
          onRound: (r) => {
            if (this.run !== run || run.device !== device) return;
            uploadRound(device, run.fine!, r.classes, r.result, r.computedCells);
            run.refined = { rounds: r.round, computed: r.computed };
            run.version++;
            this.host.requestUpdate();
          },
        });
        // The final classes are the last round's paint; upload once more in case no round followed it.
        uploadRound(device, run.fine!, result.classes, result, result.computed);
        return result;
      } catch (e) {
        if (!(e instanceof DeviceLostError) || signal.aborted || attempt >= kMaxRecoveries) throw e;
        if (this.device?.device === device) this.device = undefined;
        const fresh = await this.device_();
        this.deviceGeneration++;
        this.replaceGrids(run, fresh);
        this.notice = undefined;
      }
    }
  }

  private progressed(run: LiveRun, p: PassProgress): void {
    if (this.run !== run) return;
    run.progress = { cellsFinished: p.cellsFinished, cells: p.cells, activeCells: p.activeCells, t: p.t, fraction: p.fraction };
    run.version++;
    if (performance.now() - this.lastStatus >= kStatusEveryMs) {
      this.lastStatus = performance.now();
      this.host.requestUpdate();
    }
  }

  /** One pass of the run, resuming on a new device after a loss. */
  private async integrate(run: LiveRun, which: 'coarse' | 'fine', signal: AbortSignal): Promise<SweepResult> {
    const spec = which === 'coarse' ? run.coarseSpec! : run.spec;
    let resumeFrom: Checkpoint | undefined;
    for (let attempt = 0; ; attempt++) {
      const device = await this.device_();
      try {
        const result = await runSweepGpu(device, spec, {
          signal,
          budgetMs: 25,
          partialEveryMs: 0,
          maxCellsPerTile: kCellsPerTile,
          grid: run[which],
          resumeFrom,
          adapterInfo: this.device?.adapterInfo,
          onProgress: (p) => this.progressed(run, p),
        });
        // Tiles finished on a lost device never reached this grid: the CPU result fills it once.
        if (resumeFrom) {
          run[which === 'coarse' ? 'coarseResult' : 'result'] = result;
          this.replaceGrids(run, device);
        }
        return result;
      } catch (e) {
        if (!(e instanceof DeviceLostError) || signal.aborted || attempt >= kMaxRecoveries) throw e;
        resumeFrom = e.checkpoint;
        if (this.device?.device === device) this.device = undefined;
        const fresh = await this.device_();
        this.deviceGeneration++;
        this.replaceGrids(run, fresh);
        this.notice = undefined;
      }
    }
  }

  /** A loss between sweeps: the finished grids go to a new device from their CPU copies, and redraw. */
  private async recoverIdle(): Promise<void> {
    const run = this.run;
    if (!run || (run.phase !== 'done' && run.phase !== 'failed')) return; // a running sweep recovers itself
    try {
      const device = await this.device_();
      this.deviceGeneration++;
      if (run.phase === 'done') this.replaceGrids(run, device);
      this.notice = undefined;
    } catch (e) {
      this.error = (e as Error).message;
    }
    this.host.requestUpdate();
  }

  private replaceGrids(run: LiveRun, device: GPUDevice): void {
    run.device = device;
    if (run.coarseSpec) run.coarse = makeGrid(device, run.coarseSpec, run.coarseResult);
    run.fine = makeGrid(device, run.spec, run.result);
    run.version++;
  }
}
