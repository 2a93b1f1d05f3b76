import { encode } from 'fast-png';
import { CLASS_BY_CODE, CLASSES, cellMetrics, type Metric } from '../models/types.js';
import type { SweepResult } from '../engine/result.js';
import {
  cellPaint,
  cellRgb,
  classColor,
  hexToRgb,
  metricStyle,
  rampColor,
  type ClassPaletteId,
  type MetricStyle,
  type Rgb,
} from './palette.js';

export { base64 } from './base64.js';
export { hexToRgb };

/**
 * One colour per cell for a figure layer, DOM-free: the class map or a per-cell metric, coloured by
 * src/export/palette.ts exactly as the explorer's heatmap colours it. Shared by figure.svg, raw.png,
 * the compare page and the explorer's exports.
 */

/** `'class'` or the id of one of cellMetrics(model). */
export type LayerId = 'class' | string;

/** Viridis at t ∈ [0, 1] as #rrggbb (the palette's ramp). */
export const viridis = rampColor;

export interface MetricRange {
  metric: Metric;
  /** The colour range and scale (palette.ts metricStyle), as on screen. */
  style: MetricStyle;
  /** Cells of each kind that is not a value on the ramp (each gets a legend entry when present). */
  missing: number;
  diverged: number;
  notComputed: number;
}

export interface LayerColors {
  /** RGB per pixel, rows top to bottom = y descending (image order), nx × ny pixels. */
  rgb: Uint8Array;
  /** Set for a metric layer. */
  range?: MetricRange;
}

/** One colour of a categorical layer: a class of the fixed legend, or e.g. a comparison's diff code. */
export interface Category {
  code: number;
  label: string;
  color: string;
}

/** The class legend in a class palette as categories. */
export const classCategoriesOf = (palette: ClassPaletteId = 'default'): readonly Category[] =>
  CLASS_BY_CODE.map((id) => ({ code: CLASSES[id].code, label: CLASSES[id].label, color: classColor(id, palette) }));

/** The fixed class legend as categories (the default of every categorical layer). */
export const classCategories: readonly Category[] = classCategoriesOf('default');

export function findMetric(r: SweepResult, layer: LayerId): { metric: Metric; index: number } {
  const metrics = cellMetrics(r.spec.model);
  const index = metrics.findIndex((m) => m.id === layer);
  if (index < 0)
    throw new Error(`layer "${layer}" is neither "class" nor a metric of ${r.spec.model.id} (${metrics.map((m) => m.id).join(', ')})`);
  return { metric: metrics[index], index };
}

export function metricRange(r: SweepResult, layer: LayerId): MetricRange {
  const { metric } = findMetric(r, layer);
  const style = metricStyle(r.spec.model, layer, r)!;
  const range: MetricRange = { metric, style, missing: 0, diverged: 0, notComputed: 0 };
  for (let c = 0; c < r.nx * r.ny; c++) {
    const paint = cellPaint(r, style, c);
    if (paint === 'missing') range.missing++;
    else if (paint === 'not-computed') range.notComputed++;
    else if (paint === 'class') range.diverged++;
  }
  return range;
}

export function layerColors(r: SweepResult, layer: LayerId, categories: readonly Category[] = classCategories): LayerColors {
  const { nx, ny } = r;
  const rgb = new Uint8Array(nx * ny * 3);
  const range = layer === 'class' ? undefined : metricRange(r, layer);
  const palette = new Map<number, Rgb>(categories.map((k) => [k.code, hexToRgb(k.color)]));
  for (let c = 0; c < nx * ny; c++) {
    const i = c % nx;
    const j = (c - i) / nx;
    rgb.set(cellRgb(r, range?.style, c, palette), ((ny - 1 - j) * nx + i) * 3);
  }
  return { rgb, range };
}

/**
 * The layer as a PNG with one pixel per cell, nx wide and ny high, y ascending upward (the top row is
 * the largest y). Example: `rawPng(result, 'class')` for raw.png.
 */
export function rawPng(r: SweepResult, layer: LayerId = 'class'): Uint8Array {
  const { rgb } = layerColors(r, layer);
  return encode({ width: r.nx, height: r.ny, data: rgb, channels: 3, depth: 8 });
}
