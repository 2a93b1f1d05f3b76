import { dynamicsLabel } from '../models/dynamics.js';
import { CLASS_BY_CODE, CLASSES, STEPS, T_SETTLED, cellMetrics } from '../models/types.js';
import { axisValues, specToJson } from '../sweep/spec.js';
import type { SweepResult } from '../engine/result.js';
import type { RowBand } from '../engine/tiling.js';
import type { Manifest } from './manifest.js';
import { dump } from 'npyjs';

function encodeNpy(data: Uint8Array | Float32Array, shape: number[]): Uint8Array {
  return new Uint8Array(dump(data, shape));
}

const allRows = (r: SweepResult): RowBand => ({ start: 0, end: r.ny });

/** Grids up to this many cells get grid.csv unless told otherwise (the CLI's --csv / --no-csv); beyond, it runs to gigabytes. */
export const kCsvDefaultMaxCells = 512 * 512;

/**
 * The raw outputs of a sweep, shared by the explorer's export and the batch runner: .npy grids
 * (row j = j-th y value ascending, column i = i-th x value), one CSV row per cell (unless `csv` is
 * false), a manifest. `rows` limits them to one band of grid rows (a batch tile): the .npy grids
 * then have end − start rows and the CSV carries the band's own y values.
 */
/** `dynamics`, for a model with a training step: which of the two the run shows (dynamicsLabel). */
function dynamicsField(r: SweepResult): { dynamics?: string } {
  const label = dynamicsLabel(r.spec.model, r.spec.integrator.method, r.spec.values, [r.spec.x.index, r.spec.y.index]);
  return label ? { dynamics: label } : {};
}

export function gridFiles(r: SweepResult, rows: RowBand = allRows(r), opts: { csv?: boolean } = {}): Record<string, Uint8Array> {
  const { nx } = r;
  const ny = rows.end - rows.start;
  const c0 = rows.start * nx;
  const cells = nx * ny;
  const model = r.spec.model;
  const S = model.state.length;
  const metrics = cellMetrics(model);
  const files: Record<string, Uint8Array> = {
    'class.npy': encodeNpy(r.classes.subarray(c0, c0 + cells), [ny, nx]),
    'final.npy': encodeNpy(Float32Array.from(r.finalState.subarray(c0 * S, (c0 + cells) * S)), [ny, nx, S]),
  };
  metrics.forEach((m, k) => {
    const grid = new Float32Array(cells);
    for (let c = 0; c < cells; c++) grid[c] = r.metrics[(c0 + c) * metrics.length + k];
    files[`${m.id}.npy`] = encodeNpy(grid, [ny, nx]);
  });
  if (r.computed) files['computed.npy'] = encodeNpy(r.computed.subarray(c0, c0 + cells), [ny, nx]);
  if (r.uncertain) files['uncertain.npy'] = encodeNpy(r.uncertain.subarray(c0, c0 + cells), [ny, nx]);
  if (r.timelapse) files['timelapse.npy'] = encodeNpy(timelapseBand(r, rows), [r.timelapse.times.length, ny, nx]);
  if (opts.csv !== false) files['grid.csv'] = new TextEncoder().encode(gridCsv(r, rows));
  return files;
}

/**
 * One row per cell: x, y, class name, final state, metrics; a header names every column. A refined
 * run adds a column `computed` (computed.npy's code; 0: inherited, state and metrics NaN), and one
 * whose uncertainty was checked a last column `uncertain` (uncertain.npy's bits).
 */
export function gridCsv(r: SweepResult, rows: RowBand = allRows(r)): string {
  const model = r.spec.model;
  const metrics = cellMetrics(model);
  const S = model.state.length;
  const xs = axisValues(r.spec.x);
  const ys = axisValues(r.spec.y);
  const { computed, uncertain } = r;
  const lines = [
    [
      r.spec.x.param,
      r.spec.y.param,
      'class',
      ...model.state.map((s) => s.id),
      ...metrics.map((m) => m.id),
      ...(computed ? ['computed'] : []),
      ...(uncertain ? ['uncertain'] : []),
    ].join(','),
  ];
  for (let j = rows.start; j < rows.end; j++) {
    for (let i = 0; i < r.nx; i++) {
      const c = j * r.nx + i;
      const state = Array.from(r.finalState.subarray(c * S, c * S + S));
      const values = Array.from(r.metrics.subarray(c * metrics.length, (c + 1) * metrics.length));
      lines.push(
        [
          xs[i],
          ys[j],
          CLASS_BY_CODE[r.classes[c]] ?? 'pending',
          ...state,
          ...values,
          ...(computed ? [computed[c]] : []),
          ...(uncertain ? [uncertain[c]] : []),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface ManifestContext {
  packageVersion: string;
  gitCommit?: string;
}

/** Cells per class within a band of rows (model classes listed even when absent). */
export function bandCounts(r: SweepResult, rows: RowBand = allRows(r)): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of r.spec.model.classes) counts[c] = 0;
  for (const code of r.classes.subarray(rows.start * r.nx, rows.end * r.nx)) {
    const id = CLASS_BY_CODE[code] ?? `code ${code}`;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/**
 * Step attempts within a band of rows (the `steps` metric): the total, the mean and the most per
 * cell. In a refined run only integrated cells count (inherited ones have no steps: NaN).
 */
export function stepStats(r: SweepResult, rows: RowBand = allRows(r)): { total: number; meanPerCell: number; maxPerCell: number } {
  const metrics = cellMetrics(r.spec.model);
  const k = metrics.indexOf(STEPS);
  let total = 0;
  let max = 0;
  let cells = 0;
  for (let c = rows.start * r.nx; c < rows.end * r.nx; c++) {
    const v = r.metrics[c * metrics.length + k];
    if (Number.isNaN(v)) continue;
    cells++;
    total += v;
    max = Math.max(max, v);
  }
  return { total, meanPerCell: cells ? total / cells : 0, maxPerCell: max };
}

/**
 * How the cells of a band ended, from the `tSettled` metric and the class: `settled` stopped early
 * (tSettled ≥ 0), `ranToTEnd` integrated to tEnd, `divergedOrStiff` were latched diverged or stiff
 * before it (their tSettled is missing too). A refined run adds `inherited`: cells not integrated.
 */
export function cellEnds(
  r: SweepResult,
  rows: RowBand = allRows(r),
): { settled: number; ranToTEnd: number; divergedOrStiff: number; inherited?: number } {
  const metrics = cellMetrics(r.spec.model);
  const k = metrics.indexOf(T_SETTLED);
  const ends: { settled: number; ranToTEnd: number; divergedOrStiff: number; inherited?: number } = {
    settled: 0,
    ranToTEnd: 0,
    divergedOrStiff: 0,
    ...(r.computed ? { inherited: 0 } : {}),
  };
  for (let c = rows.start * r.nx; c < rows.end * r.nx; c++) {
    const code = r.classes[c];
    if (r.computed && r.computed[c] === 0) ends.inherited!++;
    else if (code === CLASSES.diverged.code || code === CLASSES.stiff.code) ends.divergedOrStiff++;
    else if (r.metrics[c * metrics.length + k] === T_SETTLED.missing) ends.ranToTEnd++;
    else ends.settled++;
  }
  return ends;
}

/**
 * Everything needed to reproduce and read the outputs; `spec` is accepted back by parseSpec. With
 * `rows`, the spec and axes stay the full grid's and the counts are the band's. Its shape is
 * manifestSchema's (src/export/manifest.ts), less the fields only the CLI writes.
 */
export function manifest(r: SweepResult, ctx: ManifestContext, rows: RowBand = allRows(r)): Manifest {
  const model = r.spec.model;
  return {
    spec: specToJson(r.spec),
    model: { id: model.id, title: model.title, status: model.status, version: model.version, citation: model.citation },
    ...dynamicsField(r),
    legend: model.classes.map((id) => ({ code: CLASSES[id].code, id, label: CLASSES[id].label, color: CLASSES[id].color })),
    axes: { x: Array.from(axisValues(r.spec.x)), y: Array.from(axisValues(r.spec.y)) },
    state: model.state.map((s) => ({ id: s.id, symbol: s.symbol, label: s.label })),
    metrics: cellMetrics(model).map((m) => ({ id: m.id, symbol: m.symbol, label: m.label, units: m.units })),
    adapter: r.backend,
    package: { version: ctx.packageVersion, commit: ctx.gitCommit ?? 'unknown' },
    timings: { ...r.timings, instanceStepsPerSecond: r.timings.instanceSteps / (r.timings.ms / 1000) },
    tReached: r.tReached,
    counts: bandCounts(r, rows),
    steps: stepStats(r, rows),
    ends: cellEnds(r, rows),
    ...(r.refine ? { refine: r.refine } : {}),
    ...(r.uncertainty ? { uncertainty: r.uncertainty } : {}),
    ...(r.timelapse ? { timelapse: { frames: r.timelapse.times.length, times: Array.from(r.timelapse.times) } } : {}),
  };
}

/** The rows of `rows` of every time-lapse frame, frame-major: timelapse.npy's [K, rows, nx]. */
function timelapseBand(r: SweepResult, rows: RowBand): Uint8Array {
  const tl = r.timelapse!;
  const band = (rows.end - rows.start) * r.nx;
  const out = new Uint8Array(tl.times.length * band);
  for (let k = 0; k < tl.times.length; k++) {
    const from = k * r.nx * r.ny + rows.start * r.nx;
    out.set(tl.classes.subarray(from, from + band), k * band);
  }
  return out;
}
