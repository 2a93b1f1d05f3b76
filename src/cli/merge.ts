import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { emptyResult, type RefineStats, type UncertaintyStats } from '../engine/result.js';
import { manifestSchema, type Manifest } from '../export/manifest.js';
import { cellMetrics } from '../models/types.js';
import { mergeUncertaintyStats } from '../refine/uncertainty.js';
import { formatZodIssue } from '../sweep/spec.js';
import { AtomicDir } from './atomic.js';
import { usageError } from './errors.js';
import { readNpyExact, type NpyDescr } from './npy.js';
import { writeResult, type TileInfo } from './outputs.js';
import { checkChromium } from './chromium.js';
import { BrowserSession } from './session.js';
import { parseOrExit, readJson, tileRows } from './specs.js';

export interface MergeOptions {
  out: string;
  force: boolean;
  chromium: string;
  quiet: boolean;
}

interface TileDir {
  dir: string;
  manifest: Manifest & { tile: TileInfo };
}

/** The first path at which two JSON values differ, for "different spec" messages. */
function firstDiff(a: unknown, b: unknown, path = 'spec'): string | undefined {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b ? undefined : path;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = firstDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function readTile(dir: string): TileDir {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw usageError(`merge: ${dir} has no manifest.json (not a folder written by run --tile)`);
  const json = readJson(path, 'merge: ');
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw usageError(
      `merge: ${path}: expected a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
    );
  const parsed = manifestSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw usageError(`merge: ${path}: ${formatZodIssue(parsed.error.issues[0])}`);
  const { tile } = parsed.data;
  if (!tile) throw usageError(`merge: ${dir} is a whole grid, not a tile (its manifest has no "tile")`);
  return { dir, manifest: { ...parsed.data, tile } };
}

const readNpy = (dir: string, name: string, descr: NpyDescr, shape: number[]) => readNpyExact(join(dir, name), descr, shape);

/** Subfolders holding a manifest: the jobs of a run with several specs. */
function jobFolders(dir: string): string[] {
  if (existsSync(join(dir, 'manifest.json'))) return [''];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`merge: ${dir} is not a folder`);
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'manifest.json')))
    .sort();
}

/**
 * Assembles the tiles of `run --tile I/N` (one folder per tile, any order) into the full result:
 * every tile must come from the same spec and N, and each of 0 … N−1 must appear exactly once.
 * A run with several specs is merged subfolder by subfolder.
 */
export async function mergeTiles(dirs: string[], opts: MergeOptions): Promise<void> {
  const subs = jobFolders(dirs[0]);
  if (subs.length === 0) throw usageError(`merge: ${dirs[0]} holds no tile (no manifest.json)`);
  for (const d of dirs.slice(1)) {
    const other = jobFolders(d);
    if (other.join('\n') !== subs.join('\n'))
      throw usageError(`merge: ${d} holds [${other.join(', ')}] but ${dirs[0]} holds [${subs.join(', ')}]`);
  }
  checkChromium(opts.chromium);
  const out = new AtomicDir(opts.out, opts.force);
  const session = new BrowserSession(opts.chromium);
  try {
    for (const sub of subs)
      await mergeOne(
        dirs.map((d) => join(d, sub)),
        sub,
        out,
        session,
        opts,
      );
    out.commit();
    if (!opts.quiet) process.stdout.write(`merged ${dirs.length} tiles into ${out.target}\n`);
  } catch (e) {
    out.discard();
    throw e;
  } finally {
    await session.close();
  }
}

function mergeRefineStats(parts: RefineStats[]): RefineStats {
  const sum = (f: (s: RefineStats) => number) => parts.reduce((a, s) => a + f(s), 0);
  const [first] = parts;
  return {
    ...first,
    cells: sum((s) => s.cells),
    computed: sum((s) => s.computed),
    inherited: sum((s) => s.inherited),
    computedPerLevel: first.computedPerLevel.map((_, k) => sum((s) => s.computedPerLevel[k] ?? 0)),
    sampleSize: sum((s) => s.sampleSize),
    disagreements: sum((s) => s.disagreements),
    disagreementCells: parts.flatMap((s) => s.disagreementCells),
    rounds: sum((s) => s.rounds),
  };
}

async function mergeOne(dirs: string[], sub: string, out: AtomicDir, session: BrowserSession, opts: MergeOptions): Promise<void> {
  const started = performance.now();
  const tiles = dirs.map(readTile);
  const [first] = tiles;
  const count = first.manifest.tile.count;
  const seen = new Map<number, string>();
  for (const t of tiles) {
    const diff = firstDiff(first.manifest.spec, t.manifest.spec);
    if (diff) throw usageError(`merge: ${t.dir} comes from a different spec than ${first.dir} (${diff} differs)`);
    if (t.manifest.model.version !== first.manifest.model.version)
      throw usageError(
        `merge: ${t.dir} was run with ${t.manifest.model.id} version ${t.manifest.model.version}, ${first.dir} with ${first.manifest.model.version}`,
      );
    const { index, count: n } = t.manifest.tile;
    if (n !== count) throw usageError(`merge: ${t.dir} is tile ${index}/${n} but ${first.dir} is one of ${count}`);
    const dup = seen.get(index);
    if (dup) throw usageError(`merge: tile ${index}/${count} given twice (${dup} and ${t.dir})`);
    seen.set(index, t.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length)
    throw usageError(`merge: tile${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);

  const spec = parseOrExit(first.manifest.spec, `${first.dir}/manifest.json`);
  const adapters = [...new Set(tiles.map((t) => t.manifest.adapter))];
  const r = emptyResult(spec, Float32Array, adapters.join(' | '));
  const { nx } = r;
  const S = spec.model.state.length;
  const metrics = cellMetrics(spec.model);
  // Refined tiles (each refined its own band): the masks side by side, the stats summed.
  const refined = tiles.map((t) => t.manifest.refine);
  if (refined.some((s) => !s) && refined.some((s) => s)) throw usageError('merge: some tiles were refined and some not');
  if (refined[0]) {
    r.computed = new Uint8Array(r.nx * r.ny);
    r.refine = mergeRefineStats(refined as RefineStats[]);
  }
  const checked = tiles.map((t) => t.manifest.uncertainty);
  if (checked.some((s) => !s) && checked.some((s) => s)) throw usageError('merge: some tiles ran the uncertainty check and some not');
  if (checked[0]) {
    r.uncertain = new Uint8Array(r.nx * r.ny);
    r.uncertainty = mergeUncertaintyStats(checked as UncertaintyStats[]);
  }
  for (const t of tiles) {
    const rows = tileRows(t.manifest.tile, r.ny, t.dir);
    const n = rows.end - rows.start;
    const c0 = rows.start * nx;
    r.classes.set(readNpy(t.dir, 'class.npy', '|u1', [n, nx]), c0);
    r.finalState.set(readNpy(t.dir, 'final.npy', '<f4', [n, nx, S]), c0 * S);
    if (r.computed) r.computed.set(readNpy(t.dir, 'computed.npy', '|u1', [n, nx]), c0);
    if (r.uncertain) r.uncertain.set(readNpy(t.dir, 'uncertain.npy', '|u1', [n, nx]), c0);
    if (r.timelapse) {
      const K = r.timelapse.times.length;
      const band = readNpy(t.dir, 'timelapse.npy', '|u1', [K, n, nx]);
      for (let k = 0; k < K; k++) r.timelapse.classes.set(band.subarray(k * n * nx, (k + 1) * n * nx), k * nx * r.ny + c0);
    }
    metrics.forEach((m, k) => {
      const grid = readNpy(t.dir, `${m.id}.npy`, '<f4', [n, nx]);
      for (let c = 0; c < n * nx; c++) r.metrics[(c0 + c) * metrics.length + k] = grid[c];
    });
  }
  const times = tiles.map((t) => t.manifest.timings);
  r.tReached = first.manifest.tReached;
  r.timings = {
    startedAt: times.map((t) => t.startedAt).sort()[0],
    endedAt: times
      .map((t) => t.endedAt)
      .sort()
      .at(-1)!,
    ms: times.reduce((s, t) => s + t.ms, 0),
    kernelMs: times.reduce((s, t) => s + t.kernelMs, 0),
    instanceSteps: times.reduce((s, t) => s + t.instanceSteps, 0),
  };
  await writeResult(
    out,
    sub,
    r,
    {
      source: `merge of ${count} tiles`,
      preset: first.manifest.preset,
      extra: {
        mergedFrom: tiles
          .sort((a, b) => a.manifest.tile.index - b.manifest.tile.index)
          .map((t) => ({
            dir: t.dir,
            tile: t.manifest.tile,
            adapter: t.manifest.adapter,
            package: t.manifest.package,
            run: t.manifest.run,
          })),
      },
    },
    undefined,
    {
      // The merge step's own figures; each tile's are under mergedFrom.
      startedMs: started,
      kernelMs: 0,
      serverMs: 0,
      browserStartMs: 0,
      pageLoadMs: 0,
      deviceMs: 0,
      readbackMs: 0,
      deviceLosses: 0,
      browserAttempts: 0,
    },
    (svg, w, h, s) => session.rasterise(svg, w, h, s),
  );
  if (!opts.quiet) process.stdout.write(`${sub || 'merge'}: ${count} tiles, ${r.nx}×${r.ny} cells\n`);
}
