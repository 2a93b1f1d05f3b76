import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, extname } from 'node:path';
import { echo, parseSpec, specToJson, SpecError, type ResolvedSpec } from '../sweep/spec.js';
import type { RowBand } from '../engine/tiling.js';
import { getModel } from '../models/registry.js';
import { cellMetrics, type Model } from '../models/types.js';
import { usageError } from './errors.js';
import { withModelFile } from './model-files.js';
// Specs given to the CLI may hold or name a model file.
import '../user-model/accept.js';

/** One sweep of a CLI call: where its spec came from and the subfolder it writes to. */
export interface Job {
  /** Subfolder of --out ('' when the call has a single spec: DIR itself). */
  name: string;
  /** For messages: `file.json` or `file.json[2]`. */
  source: string;
  spec: ResolvedSpec;
  preset?: { model: string; id: string; title: string; caption: string };
}

/** A JSON file's value; one that cannot be read or parsed is a usage error naming it, after `prefix` (`merge: `). */
export function readJson(file: string, prefix = ''): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw usageError(`${prefix}${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usageError(`${prefix}${file}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Reads spec files, each holding one spec, a JSON array of specs, or a manifest (its `spec`). Subfolder names: the file's
 * name without `.json`, plus `-K` (K = 1, 2, …) for the K-th spec of an array. A single spec in the
 * whole call writes to --out itself.
 */
export function loadSpecFiles(files: string[]): Job[] {
  const jobs: Job[] = [];
  for (const file of files) {
    const json = readJson(file);
    const stem = basename(file, extname(file));
    const list = Array.isArray(json) ? json : [json];
    if (list.length === 0) throw usageError(`${file}: the array holds no spec`);
    list.forEach((input, k) => {
      const source = Array.isArray(json) ? `${file}[${k}]` : file;
      jobs.push({
        name: Array.isArray(json) ? `${stem}-${k + 1}` : stem,
        source,
        spec: parseOrExit(withModelFile(specOf(input), file), source),
      });
    });
  }
  const seen = new Map<string, string>();
  for (const job of jobs) {
    const other = seen.get(job.name);
    if (other) throw usageError(`${other} and ${job.source} would both write to subfolder "${job.name}"; rename one file`);
    seen.set(job.name, job.source);
  }
  if (jobs.length === 1) jobs[0].name = '';
  return jobs;
}

/**
 * A manifest written by `run` or by the explorer's export holds its full spec under `spec` (with
 * `model` as an object): runs take it back as it is.
 */
function specOf(input: unknown): unknown {
  const m = input as { spec?: unknown; model?: unknown } | null;
  const isManifest = typeof m === 'object' && m !== null && typeof m.spec === 'object' && typeof m.model === 'object' && m.model !== null;
  return isManifest ? m.spec : input;
}

export function parseOrExit(input: unknown, source: string): ResolvedSpec {
  let spec: ResolvedSpec;
  try {
    spec = parseSpec(input);
  } catch (e) {
    if (e instanceof SpecError) throw usageError(`${source}: ${e.message}`);
    throw e;
  }
  checkGridFits(spec, source);
  return spec;
}

/**
 * A result is held whole twice (in the page and in Node; merge, a tile and a refined run too):
 * class codes, the float32 final state and metrics of every cell. A grid whose result cannot fit in
 * the machine's memory is refused before anything starts, instead of failing to allocate.
 */
export function resultBytes(spec: ResolvedSpec): { perCell: number; total: number } {
  const perCell =
    1 +
    4 * spec.model.state.length +
    4 * cellMetrics(spec.model).length +
    (spec.refine ? 1 : 0) +
    (spec.timelapse ? spec.timelapse.frames : 0);
  return { perCell, total: 2 * perCell * spec.x.n * spec.y.n };
}

export function checkGridFits(spec: ResolvedSpec, source: string, memory = totalmem()): void {
  const { perCell, total } = resultBytes(spec);
  if (total <= memory) return;
  const gb = (b: number) => `${(b / 1e9).toPrecision(3)} GB`;
  throw usageError(
    `${source}: x.n × y.n: the grid ${spec.x.n} × ${spec.y.n} = ${spec.x.n * spec.y.n} cells is too large for this machine: its result needs ${gb(total)} of memory (${perCell} bytes per cell, held twice), and the machine has ${gb(memory)}`,
  );
}

/** Overrides of a preset's grid and duration (`preset --n 1024 --t-end 300`). */
export interface PresetOverrides {
  n?: string;
  tEnd?: string;
}

/** A flag's value as a positive number (an integer where `integer`), or a usage error naming the flag. */
export function positive(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw usageError(`${flag}: expected a positive ${integer ? 'integer' : 'number'} (got "${echo(text)}")`);
  return v;
}

/** `MODEL/PRESET` → the preset's spec, as a job writing to --out itself. */
export function presetJob(
  ref: string,
  overrides: PresetOverrides = {},
  userModels: ReadonlyArray<{ file: object; model: Model }> = [],
): Job {
  const [modelId, presetId, extra] = ref.split('/');
  const user = userModels.find((u) => u.model.id === modelId);
  const model = user?.model ?? (modelId ? getModel(modelId) : undefined);
  if (!model || !presetId || extra !== undefined) {
    throw usageError(
      `preset: expected MODEL/PRESET, e.g. tian-l2/weight-decay-threshold (got "${echo(ref)}"); \`collapse-atlas models\` lists them`,
    );
  }
  const preset = model.presets.find((p) => p.id === presetId);
  if (!preset)
    throw usageError(`preset: ${model.id} has no preset "${echo(presetId)}" (known: ${model.presets.map((p) => p.id).join(', ')})`);
  const n = positive('--n', overrides.n, true);
  const tEnd = positive('--t-end', overrides.tEnd, false);
  const spec = {
    model: user?.file ?? model.id,
    ...preset.spec,
    x: { ...preset.spec.x, n: n ?? preset.spec.x.n },
    y: { ...preset.spec.y, n: n ?? preset.spec.y.n },
    integrator: { ...preset.spec.integrator, ...(tEnd ? { tEnd } : {}) },
  };
  return {
    name: '',
    source: `preset ${ref}`,
    spec: parseOrExit(spec, `preset ${ref}`),
    preset: { model: model.id, id: preset.id, title: preset.title, caption: preset.caption },
  };
}

/**
 * `--refine[=COARSE]`: the job's spec with refinement on (README "Refinement"). Without a value the
 * spec's own `refine` is kept, or the defaults taken; with one, its `coarse` is replaced.
 */
export function withRefine(job: Job, flag: string | boolean | undefined): Job {
  if (flag === undefined || flag === false) return job;
  const coarse = typeof flag === 'string' ? positive('--refine', flag, true) : undefined;
  const json = specToJson(job.spec);
  const refine = { ...(json.refine || {}), ...(coarse !== undefined ? { coarse } : {}) };
  return { ...job, spec: parseOrExit({ ...json, refine }, `${job.source} with --refine`) };
}

/** `--timelapse[=FRAMES]`: the job's spec recording FRAMES (default 64) log-spaced frames (README "Time-lapse"). */
export function withTimelapse(job: Job, flag: string | boolean | undefined): Job {
  if (flag === undefined || flag === false) return job;
  const frames = typeof flag === 'string' ? positive('--timelapse', flag, true) : kDefaultFrames;
  const json = specToJson(job.spec);
  return { ...job, spec: parseOrExit({ ...json, timelapse: { ...(json.timelapse ?? {}), frames } }, `${job.source} with --timelapse`) };
}

/** Frames of `--timelapse` without a value: the time-lapse the explorer records. */
export const kDefaultFrames = 64;

export interface TileRef {
  /** 0-based, so $SLURM_ARRAY_TASK_ID (with --array=0-(N-1)) and $JOB_COMPLETION_INDEX fit as they are. */
  index: number;
  count: number;
}

export function parseTile(text: string): TileRef {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw usageError(`--tile: expected I/N with 0 ≤ I < N, e.g. 0/4 (got "${echo(text)}")`);
  return { index, count };
}

/** Rows of tile I of N: N near-equal bands, ⌊I·ny/N⌋ … ⌊(I+1)·ny/N⌋ − 1. */
export function tileRows(tile: TileRef, ny: number, source: string): RowBand {
  if (tile.count > ny) throw usageError(`--tile: ${tile.count} tiles exceed the ${ny} grid rows of ${source} (y.n)`);
  return { start: Math.floor((tile.index * ny) / tile.count), end: Math.floor(((tile.index + 1) * ny) / tile.count) };
}
