import { CLASS_BY_CODE, CLASSES, cellMetrics } from '../models/types.js';
import { axisValues, specToJson } from '../sweep/spec.js';
import { classCounts, type SweepResult } from '../engine/result.js';
import { dump } from 'npyjs';

function encodeNpy(data: Uint8Array | Float32Array, shape: number[]): Uint8Array {
  return new Uint8Array(dump(data, shape));
}

/**
 * The raw outputs of a sweep, shared by the explorer's export and the batch runner: .npy grids
 * (row j = j-th y value ascending, column i = i-th x value), one CSV row per cell, a manifest.
 */
export function gridFiles(r: SweepResult): Record<string, Uint8Array> {
  const { nx, ny } = r;
  const model = r.spec.model;
  const S = model.state.length;
  const metrics = cellMetrics(model);
  const files: Record<string, Uint8Array> = {
    'class.npy': encodeNpy(r.classes, [ny, nx]),
    'final.npy': encodeNpy(Float32Array.from(r.finalState), [ny, nx, S]),
  };
  metrics.forEach((m, k) => {
    const grid = new Float32Array(nx * ny);
    for (let c = 0; c < nx * ny; c++) grid[c] = r.metrics[c * metrics.length + k];
    files[`${m.id}.npy`] = encodeNpy(grid, [ny, nx]);
  });
  files['grid.csv'] = new TextEncoder().encode(gridCsv(r));
  return files;
}

/** One row per cell: x, y, class name, final state, metrics; a header names every column. */
export function gridCsv(r: SweepResult): string {
  const model = r.spec.model;
  const metrics = cellMetrics(model);
  const S = model.state.length;
  const xs = axisValues(r.spec.x);
  const ys = axisValues(r.spec.y);
  const lines = [[r.spec.x.param, r.spec.y.param, 'class', ...model.state.map((s) => s.id), ...metrics.map((m) => m.id)].join(',')];
  for (let j = 0; j < r.ny; j++) {
    for (let i = 0; i < r.nx; i++) {
      const c = j * r.nx + i;
      const state = Array.from(r.finalState.subarray(c * S, c * S + S));
      const values = Array.from(r.metrics.subarray(c * metrics.length, (c + 1) * metrics.length));
      lines.push([xs[i], ys[j], CLASS_BY_CODE[r.classes[c]] ?? 'pending', ...state, ...values].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

export interface ManifestContext {
  packageVersion: string;
  gitCommit?: string;
}

/** Everything needed to reproduce and read the outputs; `spec` is accepted back by parseSpec. */
export function manifest(r: SweepResult, ctx: ManifestContext) {
  const model = r.spec.model;
  return {
    spec: specToJson(r.spec),
    model: { id: model.id, title: model.title, status: model.status, version: model.version, citation: model.citation },
    legend: model.classes.map((id) => ({ code: CLASSES[id].code, id, label: CLASSES[id].label, color: CLASSES[id].color })),
    axes: { x: Array.from(axisValues(r.spec.x)), y: Array.from(axisValues(r.spec.y)) },
    state: model.state.map((s) => ({ id: s.id, symbol: s.symbol, label: s.label })),
    metrics: cellMetrics(model).map((m) => ({ id: m.id, symbol: m.symbol, label: m.label, units: m.units })),
    adapter: r.backend,
    package: { version: ctx.packageVersion, commit: ctx.gitCommit ?? 'unknown' },
    timings: { ...r.timings, instanceStepsPerSecond: r.timings.instanceSteps / (r.timings.ms / 1000) },
    tReached: r.tReached,
    counts: classCounts(r),
  };
}
