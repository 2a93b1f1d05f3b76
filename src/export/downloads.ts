import type { SweepResult } from '../engine/result.js';
import { figureSvg, type FigureOptions } from './figure.js';
import { gridCsv, gridFiles, manifest, type ManifestContext } from './grid.js';
import { findMetric, type LayerId } from './layer.js';

/**
 * The explorer's export buttons as plain bytes, DOM-free so Node tests check exactly what the page
 * downloads; the page only wraps them in a Blob and an object URL (web/components/atlas-export.ts).
 */
export interface ExportFile {
  name: string;
  /** MIME type for the Blob. */
  type: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** `<model>-<x>-<y>`: the same stem for every file of one view, so they sort together. */
export function exportStem(r: SweepResult): string {
  return `${r.spec.model.id}-${r.spec.x.param}-${r.spec.y.param}`;
}

/** One row per cell (x, y, class, final state, metrics), as src/export/grid.ts writes it. */
export function csvExport(r: SweepResult): ExportFile {
  return { name: `${exportStem(r)}.csv`, type: 'text/csv', bytes: encoder.encode(gridCsv(r)) };
}

/** The shown layer as a .npy grid: class codes (u1) or one metric (f4), shape [ny, nx], row j = j-th y. */
export function npyExport(r: SweepResult, layer: LayerId): ExportFile {
  const file = layer === 'class' ? 'class.npy' : `${findMetric(r, layer).metric.id}.npy`;
  return { name: `${exportStem(r)}-${file}`, type: 'application/octet-stream', bytes: gridFiles(r)[file] };
}

/** The manifest; its `spec` field is a sweep spec that parseSpec (and so the batch runner) accepts. */
export function manifestExport(r: SweepResult, ctx: ManifestContext): ExportFile {
  return {
    name: `${exportStem(r)}.manifest.json`,
    type: 'application/json',
    bytes: encoder.encode(`${JSON.stringify(manifest(r, ctx), null, 2)}\n`),
  };
}

/** The publication figure's SVG (figure.ts); the page rasterises it to PNG. */
export function figureExport(r: SweepResult, opts: FigureOptions): ExportFile & { width: number; height: number } {
  const width = opts.width ?? 900;
  const height = opts.height ?? 620;
  return {
    name: `${exportStem(r)}-${opts.layer}.svg`,
    type: 'image/svg+xml',
    bytes: encoder.encode(figureSvg(r, { ...opts, width, height })),
    width,
    height,
  };
}
