import { isMap } from '../integrators/map.js';
import { dynamicsLabel } from '../models/dynamics.js';
import { basename } from 'node:path';
import type { SweepResult, UncertaintyStats } from '../engine/result.js';
import { cellMetrics } from '../models/types.js';
import { unpackRefined } from '../refine/pack.js';
import { echo, specToJson } from '../sweep/spec.js';
import type { RowBand } from '../engine/tiling.js';
import { cellEnds, stepStats } from '../export/grid.js';
import { checkVideoOptions, kVideoDefaults, videoSize } from '../export/video.js';
import { AtomicDir } from './atomic.js';
import { CliError, kExit, usageError } from './errors.js';
import { writeResult, type RunFigures, type TileInfo } from './outputs.js';
import { progress } from './progress.js';
import type { PageFault, PageRunReply } from './protocol.js';
import { checkChromium } from './chromium.js';
import { BrowserCrashError, BrowserSession } from './session.js';
import { parseTile, tileRows, type Job } from './specs.js';

export interface RunOptions {
  out: string;
  tile?: string;
  chromium: string;
  quiet: boolean;
  force: boolean;
  /** grid.csv: true always, false never, absent for grids up to kCsvDefaultMaxCells. */
  csv?: boolean;
  /** `--video-size WxH` and `--fps`: timelapse.webm's frame size (default videoSize) and rate. */
  videoSize?: string;
  fps?: string;
}

/** Browser starts per sweep before exit 4; device losses the page survives per browser. */
const kBrowserAttempts = 3;
const kDeviceRetries = 2;

/**
 * Test hook (README "Batch runs"), COLLAPSE_ATLAS_FAULT: device-lost-once | device-lost (in the page),
 * browser-crash (killed at the first progress report), browser-crash-early (killed as soon as it
 * has started, before the page loads), gpu-hang (the GPU process frozen at the first report); the
 * last three at every browser start.
 */
const kFaults = ['device-lost-once', 'device-lost', 'browser-crash', 'browser-crash-early', 'gpu-hang'] as const;
type Fault = (typeof kFaults)[number];

function faultHook(): { page?: PageFault; node?: Exclude<Fault, PageFault> } {
  const f = process.env.COLLAPSE_ATLAS_FAULT;
  if (!f) return {};
  if (!(kFaults as readonly string[]).includes(f))
    throw usageError(`COLLAPSE_ATLAS_FAULT: unknown fault "${echo(f)}" (${kFaults.join(', ')})`);
  return f === 'device-lost' || f === 'device-lost-once' ? { page: f } : { node: f as Exclude<Fault, PageFault> };
}

function replyError(reply: Exclude<PageRunReply, { ok: true }>, job: Job, chromium: string): CliError {
  switch (reply.kind) {
    case 'no-webgpu':
      return new CliError(
        `${reply.message}. Chromium (${chromium}) runs WebGPU on Vulkan: install the loader and a driver (Debian: sudo apt-get install -y libvulkan1; SwiftShader ships with Debian's chromium), or pass --chromium PATH to a Chromium with WebGPU`,
        kExit.noWebGpu,
      );
    case 'device-lost':
      return new CliError(`${job.source}: ${reply.message}`, kExit.lost);
    case 'spec':
      return usageError(`${job.source}: ${reply.message}`);
    default:
      return new CliError(`${job.source}: internal error in the batch page: ${reply.message}`, 1);
  }
}

async function runWithRetries(session: BrowserSession, job: Job, tile: TileInfo | undefined, label: string, opts: RunOptions) {
  const fault = faultHook();
  const bar = progress(label, opts.quiet);
  if (fault.node === 'browser-crash-early') session.afterLaunch = () => session.killBrowser();
  try {
    for (let attempt = 1; ; attempt++) {
      let faulted = false;
      try {
        const reply = await session.run(
          {
            spec: specToJson(job.spec),
            rows: tile?.rows ?? { start: 0, end: job.spec.y.n },
            deviceRetries: kDeviceRetries,
            fault: fault.page,
            ...(job.spec.timelapse && !tile ? { video: videoOptions(job, opts) } : {}),
          },
          (p) => {
            bar.update(p);
            if (faulted) return;
            faulted = true;
            if (fault.node === 'browser-crash') session.killBrowser();
            if (fault.node === 'gpu-hang') session.stopGpuProcess();
          },
        );
        if (!reply.ok) throw replyError(reply, job, opts.chromium);
        return { reply, attempts: attempt };
      } catch (e) {
        if (!(e instanceof BrowserCrashError)) throw e;
        if (attempt >= kBrowserAttempts)
          throw new CliError(`${job.source}: ${e.message}; gave up after ${attempt} browser starts`, kExit.lost);
        if (!opts.quiet)
          process.stderr.write(
            `${label}: ${e.message}${e.detail ? ` (${e.detail})` : ''}; restarting the browser (start ${attempt + 1} of ${kBrowserAttempts})\n`,
          );
      }
    }
  } finally {
    bar.stop();
    session.afterLaunch = undefined;
  }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** e.g. `  uncertain: 3 cells (2 flip at rtol / 100 of 1804 finest cells, 1 in f64 of 32 sampled, 0 re-runs without a verdict)` */
export function uncertaintyLine(u: UncertaintyStats): string {
  const how = 'dt' in u.tighter ? 'half the step' : `rtol / ${u.tighten}`;
  return `  uncertain: ${u.uncertain} cells (${u.flippedTolerance} flip at ${how} of ${u.checked} finest cells, ${u.flippedPrecision} in f64 of ${u.f64Sample} sampled, ${u.noVerdict} re-runs without a verdict)`;
}

/** `  dynamics: training step, η = 0.1 (one step of …)` for a model with a training step (dynamicsLabel). */
function dynamicsLine(r: SweepResult): string[] {
  const { model, integrator, values, x, y } = r.spec;
  const label = dynamicsLabel(model, integrator.method, values, [x.index, y.index]);
  if (!label) return [];
  return [`  dynamics: ${label}${isMap(integrator.method) && model.map ? ` (${model.map.description})` : ''}`];
}

/**
 * The lines printed after a sweep, e.g.
 *   small: 192 cells, 1.234e+5 step attempts (643 per cell) in 3.21 s: 3.844e+4 instance-steps/s overall, 1.1e+6 in kernels (0.11 s)
 *     cells: 150 settled early, 42 ran to tEnd = 100, 0 diverged or stiff
 */
export function summary(label: string, r: SweepResult, cells: number, f: RunFigures, rows?: RowBand): string {
  const steps = stepStats(r, rows);
  const ends = cellEnds(r, rows);
  const rate = (ms: number) => (steps.total / (ms / 1000)).toExponential(3);
  return [
    `${label}: ${cells} cells, ${steps.total.toExponential(3)} step attempts (${steps.meanPerCell.toFixed(1)} per cell) in ${sec(f.wallMs)}: ${rate(f.wallMs)} instance-steps/s overall, ${rate(f.kernelMs)} in kernels (${sec(f.kernelMs)})`,
    ...dynamicsLine(r),
    `  cells: ${ends.settled} settled early, ${ends.ranToTEnd} ran to tEnd = ${r.spec.integrator.tEnd}, ${ends.divergedOrStiff} diverged or stiff${ends.inherited !== undefined ? `, ${ends.inherited} inherited (not integrated)` : ''}`,
    ...(r.refine
      ? [
          `  refine: ${r.refine.computed} of ${r.refine.cells} cells integrated (${((100 * r.refine.computed) / r.refine.cells).toFixed(2)} %) in ${r.refine.rounds} rounds, coarse ${r.refine.coarse} (blocks of ${r.refine.block}), ${r.refine.sampleSize} verification samples, ${r.refine.disagreements} disagreements`,
        ]
      : []),
    ...(r.uncertainty ? [uncertaintyLine(r.uncertainty)] : []),
    `  overhead ${sec(f.wallMs - f.kernelMs)}: server ${sec(f.serverMs)}, browser start ${sec(f.browserStartMs)}, page ${sec(f.pageLoadMs)}, device ${sec(f.deviceMs)}, readback ${sec(f.readbackMs)}, encoding ${sec(f.encodeMs)}, figure.png ${sec(f.rasterMs)}, rest ${sec(f.wallMs - f.kernelMs - f.serverMs - f.browserStartMs - f.pageLoadMs - f.deviceMs - f.readbackMs - f.encodeMs - f.rasterMs)}`,
    `  adapter: ${r.backend}`,
  ].join('\n');
}

/** Runs one job in the session and writes its files under `job.name` of `out`; returns the result. */
export async function runOne(
  session: BrowserSession,
  out: AtomicDir,
  job: Job,
  tile: TileInfo | undefined,
  opts: RunOptions,
): Promise<SweepResult> {
  const label = (job.name || basename(out.target)) + (tile ? ` tile ${tile.index}/${tile.count}` : '');
  const started = performance.now();
  const before = { ...session.timings };
  const { reply, attempts } = await runWithRetries(session, job, tile, label, opts);
  if (!reply.ok) throw new Error('unreachable');
  const t0 = performance.now();
  const fetched = await Promise.all(
    (['classes', 'finalState', 'metrics', 'cells', 'codes', 'uncertain', 'timelapse', 'webm'] as const).map((name) =>
      session.fetch(name, reply.bytes[name]),
    ),
  );
  const [classes, finalState, metrics, listed, codes, uncertain, timelapse, webm] = fetched;
  const readbackMs = performance.now() - t0;
  const cellCount = job.spec.x.n * job.spec.y.n;
  const grids = reply.refine
    ? unpackRefined(
        {
          cells: new Uint32Array(listed),
          codes: new Uint8Array(codes),
          finalState: new Float32Array(finalState),
          metrics: new Float32Array(metrics),
          ...(reply.uncertainty ? { uncertain: new Uint8Array(uncertain) } : {}),
        },
        cellCount,
        job.spec.model.state.length,
        cellMetrics(job.spec.model).length,
      )
    : { finalState: new Float32Array(finalState), metrics: new Float32Array(metrics) };
  const r: SweepResult = {
    spec: job.spec,
    nx: job.spec.x.n,
    ny: job.spec.y.n,
    classes: new Uint8Array(classes),
    ...grids,
    tReached: reply.tReached,
    backend: reply.adapterInfo,
    timings: reply.timings,
    ...(reply.refine ? { refine: reply.refine } : {}),
    ...(reply.uncertainty ? { uncertainty: reply.uncertainty } : {}),
    ...(reply.timelapseTimes ? { timelapse: { times: Float64Array.from(reply.timelapseTimes), classes: new Uint8Array(timelapse) } } : {}),
  };
  const figures = await writeResult(
    out,
    job.name,
    r,
    { ...job, csv: opts.csv, ...(webm.byteLength ? { video: new Uint8Array(webm) } : {}) },
    tile,
    {
      startedMs: started,
      kernelMs: reply.timings.kernelMs,
      deviceMs: reply.deviceMs,
      readbackMs,
      serverMs: session.timings.serverMs - before.serverMs,
      browserStartMs: session.timings.browserStartMs - before.browserStartMs,
      pageLoadMs: session.timings.pageLoadMs - before.pageLoadMs,
      deviceLosses: reply.deviceLosses,
      browserAttempts: attempts,
    },
    (svg, w, h, s) => session.rasterise(svg, w, h, s),
  );
  const cells = (tile ? tile.rows.end - tile.rows.start : r.ny) * r.nx;
  if (!opts.quiet) process.stdout.write(`${summary(label, r, cells, figures, tile?.rows)}\n`);
  return r;
}

/**
 * Every job of a call in one browser; `finish` may add files from the results (compare's diff).
 * All outputs are committed together at the end, or none.
 */
export async function runInBrowser(
  jobs: Job[],
  opts: RunOptions,
  finish?: (out: AtomicDir, results: SweepResult[], session: BrowserSession) => Promise<void>,
): Promise<void> {
  const tileRef = opts.tile !== undefined ? parseTile(opts.tile) : undefined;
  const tiles = jobs.map((j): TileInfo | undefined =>
    tileRef ? { ...tileRef, rows: tileRows(tileRef, j.spec.y.n, j.source) } : undefined,
  );
  faultHook();
  checkChromium(opts.chromium);
  const out = new AtomicDir(opts.out, opts.force);
  const session = new BrowserSession(opts.chromium);
  try {
    const results: SweepResult[] = [];
    for (const [k, job] of jobs.entries()) results.push(await runOne(session, out, job, tiles[k], opts));
    await finish?.(out, results, session);
    out.commit();
    if (!opts.quiet) process.stdout.write(`wrote ${out.target}\n`);
  } catch (e) {
    out.discard();
    throw e;
  } finally {
    await session.close();
  }
}

/** `run` and `preset`. */
export async function runJobs(jobs: Job[], opts: RunOptions): Promise<void> {
  // A bad --video-size or --fps is named before any browser starts.
  for (const job of jobs) if (job.spec.timelapse) videoOptions(job, opts);
  await runInBrowser(jobs, opts);
}

/** timelapse.webm's size and rate: `--video-size WxH` (default: the long side 720 px, the map's aspect) and `--fps`. */
export function videoOptions(job: Job, opts: Pick<RunOptions, 'videoSize' | 'fps'>): { width: number; height: number; fps: number } {
  const size = opts.videoSize === undefined ? videoSize(job.spec.x.n, job.spec.y.n) : parseSize(opts.videoSize);
  const fps = opts.fps === undefined ? kVideoDefaults.fps : Number(opts.fps);
  const bad = checkVideoOptions({ ...size, fps });
  if (bad) throw usageError(`${bad.startsWith('video fps') ? '--fps' : '--video-size'}: ${bad}`);
  return { ...size, fps };
}

function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw usageError(`--video-size: expected WIDTHxHEIGHT in pixels, e.g. 1280x720 (got "${echo(text)}")`);
  return { width: Number(m[1]), height: Number(m[2]) };
}
