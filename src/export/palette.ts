import { interpolateViridis } from 'd3-scale-chromatic';
import { CLASSES, CLASS_BY_CODE, CLASS_PENDING, STEPS, cellMetrics, type ClassId, type Model } from '../models/types.js';
import type { SweepResult } from '../engine/result.js';

/**
 * The one colouring of a sweep's layers. The explorer's heatmap shader (shaders/web/heatmap.wgsl:
 * its constants from `paletteWgsl()`, its colour buffer from `paletteData()`) and the exports
 * (layer.ts: raw.png, figure.svg/png, the compare page) take every colour and every rule from here;
 * `cellRgb` is the rule itself, which the shader mirrors (tested pixel for pixel in tests/web/).
 */

/** A cell not integrated yet. */
export const kPendingColor = '#e4e4e4';
/** A metric that never applied to a cell (e.g. the collapse time of a cell that never collapsed). */
export const kMissingColor = '#9a9a9a';
/** A metric layer's cell that refinement did not integrate (it inherited its block's class): never a value. */
export const kNotComputedColor = '#e9dcc3';
/** The explorer's "computed cells" overlay mixes inherited cells this far towards white. */
export const kInheritedFade = 0.6;
export const kRampSize = 256;
/**
 * Layout of the shader's colour buffer: one slot per class code (codes are stable and grow, e.g.
 * wen-li's `full` is 4), then pending, missing, not computed, the ramp.
 */
export const kPaletteSlots = { kClassSlots: 8, kPendingColor: 8, kMissingColor: 9, kNotComputedColor: 10, kRampStart: 16, kRampSize };
if (CLASS_BY_CODE.length > kPaletteSlots.kClassSlots)
  throw new Error(`the palette has ${kPaletteSlots.kClassSlots} class slots for ${CLASS_BY_CODE.length} classes`);

/** Above this max/min ratio of a positive metric the colours follow log(v). */
const kLogSpan = 1e3;
/**
 * Step counts are multiplicative (a cell that settles early takes a few hundred steps, one that runs
 * to t_end tens of thousands): log colours once they span a decade.
 */
const kStepsLogSpan = 10;

export type Rgb = [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Viridis at t ∈ [0, 1] as #rrggbb (d3's ramp already returns hex). */
export const rampColor = (t: number): string => interpolateViridis(Math.min(1, Math.max(0, t)));

/** The ramp as kRampSize colours: entry k is viridis(k / (kRampSize − 1)). */
export const kRamp: readonly Rgb[] = Array.from({ length: kRampSize }, (_, k) => hexToRgb(rampColor(k / (kRampSize - 1))));

/** How a metric layer maps values to the ramp; absent for the class map. */
export interface MetricStyle {
  /** The metric's index in a cell's record (cellMetrics(model)). */
  index: number;
  lo: number;
  hi: number;
  log: boolean;
  /** The value meaning "never applied" (painted kMissingColor). */
  missing?: number;
}

/**
 * Colour range of a metric layer: min and max over the cells where it applied (not diverged, not the
 * metric's `missing` value, finite: inherited cells hold NaN). Log colours when a positive range spans
 * more than kLogSpan (steps: kStepsLogSpan). Undefined for the class map; [0, 1] without a result.
 */
export function metricStyle(model: Model, layer: string, result: SweepResult | undefined): MetricStyle | undefined {
  const metrics = cellMetrics(model);
  const index = metrics.findIndex((m) => m.id === layer);
  if (index < 0) return undefined;
  const { missing } = metrics[index];
  let lo = Infinity;
  let hi = -Infinity;
  if (result && result.spec.model === model) {
    for (let k = 0; k < result.classes.length; k++) {
      const v = result.metrics[k * metrics.length + index];
      if (result.classes[k] === CLASSES.diverged.code || v === missing || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  // A cell decided before its first step took 0 steps: it shares the lowest colour with 1 step.
  if (metrics[index].id === STEPS.id && lo < 1 && hi > 1) lo = 1;
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const log = lo > 0 && hi / lo > (metrics[index].id === STEPS.id ? kStepsLogSpan : kLogSpan);
  return { index, lo, hi, log, missing };
}

/** The ramp entry of value v: t = (v − lo)/(hi − lo), or the same in log v, clamped to [0, 1]. */
export function rampIndex(style: MetricStyle, v: number): number {
  const t = style.log
    ? (Math.log(Math.max(v, 1e-37)) - Math.log(style.lo)) / (Math.log(style.hi) - Math.log(style.lo))
    : (v - style.lo) / Math.max(style.hi - style.lo, 1e-30);
  return Math.round(Math.min(1, Math.max(0, t)) * (kRampSize - 1));
}

/** What a cell of a layer shows; `cellRgb` gives its colour. */
export type CellPaint = 'pending' | 'class' | 'not-computed' | 'missing' | 'value';

/**
 * What cell `cell` of a layer shows (`style` undefined: the class map): pending, its class colour
 * (the class map, or a diverged cell in any layer), not computed (a metric of an inherited cell),
 * missing (the metric never applied, or is not finite) or a value on the ramp.
 */
export function cellPaint(r: SweepResult, style: MetricStyle | undefined, cell: number): CellPaint {
  const cls = r.classes[cell];
  if (cls === CLASS_PENDING) return 'pending';
  if (style && r.computed?.[cell] === 0) return 'not-computed';
  if (!style || cls === CLASSES.diverged.code) return 'class';
  const v = r.metrics[cell * (r.metrics.length / r.classes.length) + style.index];
  return (style.missing !== undefined && v === style.missing) || !Number.isFinite(v) ? 'missing' : 'value';
}

/**
 * The class palettes a user can pick (`?palette=` in the explorer, `palette` in figure exports).
 * `default` is the CLASSES colours; `okabe-ito` takes every class colour from Okabe & Ito's
 * colour-universal-design set ("Color Universal Design", 2008), told apart under protanopia,
 * deuteranopia and tritanopia: blue / orange / bluish green for the three outcomes a basin map
 * mostly shows, vermillion for the numerical blow-up.
 */
export const kClassPalettes = {
  default: Object.fromEntries(CLASS_BY_CODE.map((id) => [id, CLASSES[id].color])) as Record<ClassId, string>,
  'okabe-ito': {
    collapsed: '#0072b2',
    'non-collapsed': '#e69f00',
    partial: '#009e73',
    diverged: '#d55e00',
    full: '#cc79a7',
    stiff: '#56b4e9',
  },
} as const satisfies Record<string, Record<ClassId, string>>;

export type ClassPaletteId = keyof typeof kClassPalettes;
export const classPaletteIds = Object.keys(kClassPalettes) as ClassPaletteId[];

/** The #rrggbb colour of class `id` in `palette`. */
export function classColor(id: ClassId, palette: ClassPaletteId = 'default'): string {
  return kClassPalettes[palette][id];
}

/** Class code → RGB of a palette (cellRgb's `classColors`). */
export function classRgb(palette: ClassPaletteId = 'default'): ReadonlyMap<number, Rgb> {
  return new Map(CLASS_BY_CODE.map((id) => [CLASSES[id].code, hexToRgb(classColor(id, palette))]));
}

/** The colour of cell `cell`; `classColors` maps class codes (default: the fixed CLASSES palette). */
export function cellRgb(
  r: SweepResult,
  style: MetricStyle | undefined,
  cell: number,
  classColors: ReadonlyMap<number, Rgb> = kClassRgb,
): Rgb {
  switch (cellPaint(r, style, cell)) {
    case 'pending':
      return kPendingRgb;
    case 'not-computed':
      return kNotComputedRgb;
    case 'missing':
      return kMissingRgb;
    case 'class':
      return classColors.get(r.classes[cell]) ?? kPendingRgb;
    case 'value':
      return kRamp[rampIndex(style!, r.metrics[cell * (r.metrics.length / r.classes.length) + style!.index])];
  }
}

const kPendingRgb = hexToRgb(kPendingColor);
const kMissingRgb = hexToRgb(kMissingColor);
const kNotComputedRgb = hexToRgb(kNotComputedColor);
const kClassRgb = classRgb('default');

/** The shader's colour buffer for a class palette, laid out as kPaletteSlots says (RGBA in [0, 1]). */
export function paletteData(palette: ClassPaletteId = 'default'): Float32Array<ArrayBuffer> {
  const { kPendingColor: pending, kMissingColor: missing, kNotComputedColor: notComputed, kRampStart } = kPaletteSlots;
  const data = new Float32Array(4 * (kRampStart + kRampSize));
  const put = (slot: number, c: Rgb) => data.set([...c.map((v) => v / 255), 1], 4 * slot);
  classRgb(palette).forEach((c, code) => {
    put(code, c);
  });
  put(pending, kPendingRgb);
  put(missing, kMissingRgb);
  put(notComputed, kNotComputedRgb);
  kRamp.forEach((c, k) => {
    put(kRampStart + k, c);
  });
  return data;
}

/** The WGSL constants of the heatmap shader, prepended to shaders/web/heatmap.wgsl (as the kernel's prelude is). */
export function paletteWgsl(): string {
  return [
    '// generated by paletteWgsl() (src/export/palette.ts)',
    `const kPending = ${CLASS_PENDING}u;`,
    `const kDiverged = ${CLASSES.diverged.code}u;`,
    ...Object.entries(kPaletteSlots).map(([id, v]) => `const ${id} = ${v}u;`),
    `const kInheritedFade = ${kInheritedFade};`,
  ].join('\n');
}
