/**
 * The batch runner's page: headless Chromium loads it from the CLI's local server and Node drives it
 * through `window.collapseAtlasBatch` (see src/cli/protocol.ts). It only runs the engine and
 * rasterises figures; parsing, file formats and figures are built in Node from the same src/ code.
 */
import { requestSweepDevice, WebGpuUnavailableError, type SweepDevice } from '../src/engine/device.js';
import { DeviceLostError, runSweepGpu, type Checkpoint, type SweepProgress } from '../src/engine/gpu-runner.js';
import type { SweepResult } from '../src/engine/result.js';
import { parseSpec, SpecError, type ResolvedSpec } from '../src/sweep/spec.js';
// The CLI sends a model file's contents as a spec's model.
import '../src/user-model/accept.js';
import { runRefinedGpu } from '../src/refine/runners.js';
import { packRefined } from '../src/refine/pack.js';
import { base64 } from '../src/export/base64.js';
import type { BatchPageApi, PageArray, PageProgress, PageRunReply, PageRunRequest } from '../src/cli/protocol.js';
import { svgToPngBlob } from './render/rasterise.js';
import { timelapseWebm } from '../src/export/video.js';

declare global {
  interface Window {
    collapseAtlasBatch: BatchPageApi;
    /** Exposed by Node (puppeteer's exposeFunction); absent when the page is opened by hand. */
    collapseAtlasProgress?: (p: PageProgress) => void;
  }
}

/** One submit stays under the batch ceiling of 250 ms so a hung kernel is noticed early. */
const kBudgetMs = 200;
const kCheckpointEveryMs = 10_000;
const kProgressEveryMs = 250;

/** What `chunk` serves: the last result's arrays, packed when it was refined. */
let last: Partial<Record<PageArray, ArrayBufferView>> | undefined;

function keep(result: SweepResult, webm?: Uint8Array): Record<PageArray, number> {
  last = result.computed
    ? { classes: result.classes, ...packRefined(result) }
    : { classes: result.classes, finalState: result.finalState, metrics: result.metrics };
  if (result.timelapse) last.timelapse = result.timelapse.classes;
  if (webm) last.webm = webm;
  const bytes = { classes: 0, finalState: 0, metrics: 0, cells: 0, codes: 0, uncertain: 0, timelapse: 0, webm: 0 };
  for (const [name, a] of Object.entries(last)) bytes[name as PageArray] = a.byteLength;
  return bytes;
}

async function run(req: PageRunRequest): Promise<PageRunReply> {
  let spec: ResolvedSpec;
  try {
    spec = parseSpec(req.spec);
  } catch (e) {
    return { ok: false, kind: 'spec', message: (e as Error).message };
  }
  let resumeFrom: Checkpoint | undefined;
  let deviceMs = 0;
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    let opened: SweepDevice;
    try {
      opened = await requestSweepDevice(navigator.gpu);
    } catch (e) {
      if (e instanceof WebGpuUnavailableError) return { ok: false, kind: 'no-webgpu', message: e.message };
      return { ok: false, kind: 'error', message: String((e as Error).stack ?? e) };
    }
    deviceMs += performance.now() - t0;
    const { device, adapterInfo } = opened;
    let faulted = false;
    let lastReport = 0;
    try {
      const onProgress = (p: SweepProgress) => {
        const now = performance.now();
        if (now - lastReport >= kProgressEveryMs || p.fraction >= 1) {
          lastReport = now;
          window.collapseAtlasProgress?.({
            fraction: p.fraction,
            t: p.t,
            tile: p.tile,
            tiles: p.tiles,
            activeCells: p.activeCells,
            cellsFinished: p.cellsFinished,
            cells: p.cells,
          });
        }
        if (!faulted && (req.fault === 'device-lost' || (req.fault === 'device-lost-once' && attempt === 0))) {
          faulted = true;
          device.destroy();
        }
      };
      // A refined run restarts from scratch after a device loss (its rounds are short); a plain run resumes from its checkpoint.
      const result = spec.refine
        ? await runRefinedGpu(device, spec, {
            rows: req.rows,
            budgetMs: kBudgetMs,
            partialEveryMs: 0,
            checkpointEveryMs: 0,
            adapterInfo,
            onProgress,
          })
        : await runSweepGpu(device, spec, {
            rows: req.rows,
            budgetMs: kBudgetMs,
            partialEveryMs: 0,
            checkpointEveryMs: kCheckpointEveryMs,
            adapterInfo,
            resumeFrom,
            onProgress,
          });
      device.destroy();
      const webm = req.video && result.timelapse ? await timelapseWebm(result, req.video) : undefined;
      const bytes = keep(result, webm);
      return {
        ok: true,
        adapterInfo,
        tReached: result.tReached,
        timings: result.timings,
        deviceMs,
        deviceLosses: attempt,
        bytes,
        ...(result.refine ? { refine: result.refine } : {}),
        ...(result.uncertainty ? { uncertainty: result.uncertainty } : {}),
        ...(result.timelapse ? { timelapseTimes: Array.from(result.timelapse.times) } : {}),
      };
    } catch (e) {
      if (e instanceof DeviceLostError && attempt < req.deviceRetries) {
        resumeFrom = e.checkpoint;
        continue;
      }
      if (e instanceof DeviceLostError)
        return { ok: false, kind: 'device-lost', message: `${e.message}; gave up after ${attempt + 1} attempts` };
      if (e instanceof SpecError) return { ok: false, kind: 'spec', message: e.message };
      return { ok: false, kind: 'error', message: String((e as Error).stack ?? e) };
    }
  }
}

function chunk(name: PageArray, offset: number, length: number): string {
  if (!last) throw new Error('no result in the page yet');
  const a = last[name];
  if (!a) throw new Error(`the last result has no ${name}`);
  return base64(new Uint8Array(a.buffer, a.byteOffset + offset, length));
}

async function rasterise(svg: string, width: number, height: number, scale: number): Promise<string> {
  const blob = await svgToPngBlob(svg, width, height, scale);
  return base64(new Uint8Array(await blob.arrayBuffer()));
}

window.collapseAtlasBatch = { run, chunk, rasterise };
