import { interpolateViridis } from 'd3-scale-chromatic';
import { encode } from 'fast-png';
import { CLASS_BY_CODE, CLASSES, cellMetrics, type Metric } from '../models/types.js';
import type { SweepResult } from '../engine/result.js';

/**
 * One colour per cell for a figure layer, DOM-free: the class map in the fixed CLASSES palette, or a
 * per-cell metric in viridis over the range of its applicable values. Shared by figure.svg, raw.png
 * and the explorer's exports.
 */

/** `'class'` or the id of one of cellMetrics(model). */
export type LayerId = 'class' | string;

/** Cells that have no value to colour: a metric that never applied, or a diverged cell. */
export const kNoValueColor = '#c8c8c8';
const kPendingColor = '#000000';

export interface MetricRange {
  metric: Metric;
  min: number;
  max: number;
  /** Cells drawn in kNoValueColor (missing value, diverged, non-finite). */
  noValue: number;
}

export interface LayerColors {
  /** RGB per pixel, rows top to bottom = y descending (image order), nx × ny pixels. */
  rgb: Uint8Array;
  /** Set for a metric layer. */
  range?: MetricRange;
}

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Viridis at t ∈ [0, 1] as #rrggbb (d3's ramp already returns hex). */
export const viridis = (t: number): string => interpolateViridis(Math.min(1, Math.max(0, t)));

export function findMetric(r: SweepResult, layer: LayerId): { metric: Metric; index: number } {
  const metrics = cellMetrics(r.spec.model);
  const index = metrics.findIndex((m) => m.id === layer);
  if (index < 0) throw new Error(`layer "${layer}" is neither "class" nor a metric of ${r.spec.model.id} (${metrics.map((m) => m.id).join(', ')})`);
  return { metric: metrics[index], index };
}

/** A cell's metric value, or undefined where it has none to colour. */
function metricValue(r: SweepResult, index: number, count: number, metric: Metric, cell: number): number | undefined {
  if (r.classes[cell] === CLASSES.diverged.code) return undefined;
  const v = r.metrics[cell * count + index];
  if (!Number.isFinite(v) || (metric.missing !== undefined && v === metric.missing)) return undefined;
  return v;
}

export function metricRange(r: SweepResult, layer: LayerId): MetricRange {
  const { metric, index } = findMetric(r, layer);
  const count = cellMetrics(r.spec.model).length;
  let min = Infinity;
  let max = -Infinity;
  let noValue = 0;
  for (let c = 0; c < r.nx * r.ny; c++) {
    const v = metricValue(r, index, count, metric, c);
    if (v === undefined) noValue++;
    else {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (min > max) [min, max] = [0, 1];
  return { metric, min, max, noValue };
}

export function layerColors(r: SweepResult, layer: LayerId): LayerColors {
  const { nx, ny } = r;
  const rgb = new Uint8Array(nx * ny * 3);
  const put = (cell: number, c: readonly number[]) => {
    const i = cell % nx;
    const j = (cell - i) / nx;
    rgb.set(c, ((ny - 1 - j) * nx + i) * 3);
  };
  if (layer === 'class') {
    const palette = new Map<number, [number, number, number]>(CLASS_BY_CODE.map((id) => [CLASSES[id].code, hexToRgb(CLASSES[id].color)]));
    const pending = hexToRgb(kPendingColor);
    for (let c = 0; c < nx * ny; c++) put(c, palette.get(r.classes[c]) ?? pending);
    return { rgb };
  }
  const range = metricRange(r, layer);
  const { index } = findMetric(r, layer);
  const count = cellMetrics(r.spec.model).length;
  const none = hexToRgb(kNoValueColor);
  const span = range.max - range.min;
  // 256 precomputed colours: viridis strings per cell would dominate a 1024² encode.
  const lut = Array.from({ length: 256 }, (_, k) => hexToRgb(viridis(k / 255)));
  for (let c = 0; c < nx * ny; c++) {
    const v = metricValue(r, index, count, range.metric, c);
    put(c, v === undefined ? none : lut[span > 0 ? Math.round(((v - range.min) / span) * 255) : 128]);
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

/** Base64 without Buffer, so the same code runs in the page and in Node. */
export function base64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let k = 0; k < bytes.length; k += chunk) s += String.fromCharCode(...bytes.subarray(k, k + chunk));
  return btoa(s);
}
