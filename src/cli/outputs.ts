import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepResult } from '../engine/result.js';
import type { RowBand } from '../engine/tiling.js';
import { gridFiles, kCsvDefaultMaxCells, manifest } from '../export/grid.js';
import { figureSvg } from '../export/figure.js';
import type { Manifest } from '../export/manifest.js';
import { rawPng } from '../export/layer.js';
import type { AtomicDir } from './atomic.js';
import { kRepoRoot } from './session.js';
import type { Job, TileRef } from './specs.js';

/** figure.svg is drawn at this size; figure.png at kFigureScale device pixels per SVG unit. */
export const kFigureSize = { width: 900, height: 620 };
export const kFigureScale = 2;

export type Rasterise = (svg: string, width: number, height: number, scale: number) => Promise<Uint8Array>;

export function packageInfo(): { version: string; commit: string } {
  const version = (JSON.parse(readFileSync(join(kRepoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: kRepoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: kRepoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (dirty) commit += '-dirty';
  } catch {
    // not a git checkout (a tarball): 'unknown'
  }
  return { version, commit };
}

/** Where the wall time of one sweep went, in ms (README "Performance"). */
export interface RunFigures {
  wallMs: number;
  kernelMs: number;
  serverMs: number;
  browserStartMs: number;
  pageLoadMs: number;
  deviceMs: number;
  readbackMs: number;
  encodeMs: number;
  rasterMs: number;
  deviceLosses: number;
  browserAttempts: number;
}

export interface TileInfo extends TileRef {
  rows: RowBand;
}

/**
 * Writes one result under `sub` of the atomic folder: the .npy grids and grid.csv (job.csv; absent: for bands up to kCsvDefaultMaxCells cells) (of the tile's
 * rows for a tile), and for a whole grid figure.svg, figure.png and raw.png; manifest.json last,
 * with the run's figures. Returns the time spent encoding and rasterising.
 */
export async function writeResult(
  out: AtomicDir,
  sub: string,
  r: SweepResult,
  job: Pick<Job, 'source' | 'preset'> & { extra?: Pick<Manifest, 'mergedFrom'>; csv?: boolean; video?: Uint8Array },
  tile: TileInfo | undefined,
  figures: Omit<RunFigures, 'encodeMs' | 'rasterMs' | 'wallMs'> & { startedMs: number },
  rasterise: Rasterise,
): Promise<RunFigures> {
  const rows = tile?.rows ?? { start: 0, end: r.ny };
  const t0 = performance.now();
  const csv = job.csv ?? (rows.end - rows.start) * r.nx <= kCsvDefaultMaxCells;
  const files = gridFiles(r, rows, { csv });
  for (const [name, bytes] of Object.entries(files)) out.write(join(sub, name), bytes);
  let svg: string | undefined;
  if (!tile) {
    svg = figureSvg(r, { layer: 'class', subtitle: job.preset?.title });
    out.write(join(sub, 'figure.svg'), svg);
    out.write(join(sub, 'raw.png'), rawPng(r, 'class'));
  }
  if (job.video) out.write(join(sub, 'timelapse.webm'), job.video);
  const t1 = performance.now();
  if (svg) out.write(join(sub, 'figure.png'), await rasterise(svg, kFigureSize.width, kFigureSize.height, kFigureScale));
  const t2 = performance.now();
  const { startedMs, ...rest } = figures;
  const run: RunFigures = { ...rest, encodeMs: t1 - t0, rasterMs: t2 - t1, wallMs: performance.now() - startedMs };
  const instanceSteps = r.timings.instanceSteps;
  const m: Manifest = {
    ...manifest(r, packageInfoCached(), rows),
    source: job.source,
    ...(job.preset ? { preset: job.preset } : {}),
    ...(tile ? { tile } : {}),
    files: [
      ...Object.keys(files),
      ...(svg ? ['figure.svg', 'raw.png', 'figure.png'] : []),
      ...(job.video ? ['timelapse.webm'] : []),
      'manifest.json',
    ],
    ...job.extra,
    run: {
      ...run,
      overheadMs: run.wallMs - run.kernelMs,
      instanceStepsPerSecondWall: instanceSteps / (run.wallMs / 1000),
      instanceStepsPerSecondKernel: instanceSteps / (run.kernelMs / 1000),
    },
  };
  out.write(join(sub, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
  return run;
}

let cachedInfo: { packageVersion: string; gitCommit: string } | undefined;
function packageInfoCached() {
  if (!cachedInfo) {
    const { version, commit } = packageInfo();
    cachedInfo = { packageVersion: version, gitCommit: commit };
  }
  return cachedInfo;
}
