import type { SweepSpecInput } from '../sweep/spec.js';
import type { RowBand } from '../engine/tiling.js';
import type { RefineStats, UncertaintyStats } from '../engine/result.js';

/**
 * What the batch runner (Node) and its page (web/batch.ts, in headless Chromium) say to each other.
 * Node sends a spec as JSON; the page keeps the result and hands it back in base64 chunks, so no
 * single DevTools message grows with the grid.
 */

/** Test hooks, from COLLAPSE_ATLAS_FAULT: lose the device after the first progress report, once or every time. */
export type PageFault = 'device-lost-once' | 'device-lost';

export interface PageRunRequest {
  spec: SweepSpecInput;
  rows: RowBand;
  /** Device losses the page survives by resuming from the engine's checkpoint on a fresh device. */
  deviceRetries: number;
  fault?: PageFault;
  /** A time-lapse run of a whole grid: encode it as a WebM of this size and rate (fetch `webm`). */
  video?: { width: number; height: number; fps: number };
}

export type PageRunReply =
  | {
      ok: true;
      adapterInfo: string;
      tReached: number;
      timings: { startedAt: string; endedAt: string; ms: number; kernelMs: number; instanceSteps: number };
      /** Milliseconds to get an adapter and device (every attempt). */
      deviceMs: number;
      deviceLosses: number;
      /**
       * Byte lengths of the arrays kept in the page, for `chunk`. A refined run's are packed
       * (src/refine/pack.ts): `finalState` and `metrics` of the integrated cells only, listed in
       * `cells` with their `codes` and `uncertain` bits; a plain run has no `cells`, `codes`, `uncertain` (0).
       */
      bytes: Record<PageArray, number>;
      /** A refined run (spec.refine): its stats; fetch `computed` too. */
      refine?: RefineStats;
      /** A refined run with the uncertainty check: its stats; fetch `uncertain` too. */
      uncertainty?: UncertaintyStats;
      /** A time-lapse run (spec.timelapse): the frames' flow times; fetch `timelapse` ([K, ny, nx] classes) too. */
      timelapseTimes?: number[];
    }
  | { ok: false; kind: 'no-webgpu' | 'device-lost' | 'spec' | 'error'; message: string };

export type PageArray = 'classes' | 'finalState' | 'metrics' | 'cells' | 'codes' | 'uncertain' | 'timelapse' | 'webm';

/** The page's API, on `window.collapseAtlasBatch`. */
export interface BatchPageApi {
  run(request: PageRunRequest): Promise<PageRunReply>;
  /** Base64 of bytes [offset, offset + length) of one array of the last result. */
  chunk(name: PageArray, offset: number, length: number): string;
  /** PNG (base64) of an SVG drawn on a 2-D canvas at `scale` device pixels per SVG pixel. */
  rasterise(svg: string, width: number, height: number, scale: number): Promise<string>;
}

/** Progress the page reports through the function Node exposes as `window.collapseAtlasProgress`. */
export interface PageProgress {
  /** Finished cells plus each active one's share t/tEnd, over the run's cells (a refined run: over the current round's cells). */
  fraction: number;
  /** Flow time reached by the slowest active cell of the current engine tile. */
  t: number;
  tile: number;
  tiles: number;
  /** Cells of the current engine tile still integrating. */
  activeCells: number;
  /** Cells whose integration has ended (settled, reached tEnd, diverged or stiff), out of `cells`. */
  cellsFinished: number;
  cells: number;
}
