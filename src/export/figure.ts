import { isMap } from '../integrators/map.js';
import { dynamicsLabel } from '../models/dynamics.js';
import { scaleLinear, scaleLog } from 'd3-scale';
import { encode } from 'fast-png';
import { DERIVED, type NumberParam, type OverlayCurve } from '../models/types.js';
import type { SweepResult } from '../engine/result.js';
import type { ResolvedAxis } from '../sweep/spec.js';
import { hatchPattern, uncertainCount, uncertainHatch } from './hatch.js';
import { base64, classCategoriesOf, layerColors, viridis, type Category, type LayerId, type MetricRange } from './layer.js';
import { classColor, kMissingColor, kNotComputedColor, type ClassPaletteId } from './palette.js';
import { CLASSES } from '../models/types.js';

/** raw.png (one pixel per cell) lives with the colour mapping; re-exported for one import. */
export { rawPng, type LayerId } from './layer.js';

/**
 * The publication figure as a standalone SVG string, DOM-free (Node and the page alike): the layer as
 * an embedded PNG (one pixel per cell, y ascending upward), axes in the papers' symbols, a legend of
 * the classes present or a colorbar, the model's closed-form overlays, a title. Example:
 *
 *   writeFileSync('figure.svg', figureSvg(result, { layer: 'class', subtitle: preset.title }));
 */
export interface FigureOptions {
  layer: LayerId;
  /** Draw model.overlays(slice); default true. */
  overlays?: boolean;
  /** Default: the model's title. */
  title?: string;
  /** Second line, e.g. the preset's title; default: none. The spec summary is always shown. */
  subtitle?: string;
  width?: number;
  height?: number;
  /** Page colours: `light` (default, for paper) or `dark` (the explorer's projector theme). */
  theme?: FigureTheme;
  /** Class colours (palette.ts kClassPalettes) of the default class legend; default `default`. */
  palette?: ClassPaletteId;
  /** Colours and legend of the `class` layer; default the class legend in `palette` (compare: diff codes). */
  categories?: readonly Category[];
  /** Heading of the categorical legend; default "class". */
  legendTitle?: string;
  /** Prefix of the SVG's element ids, for several figures inline in one document. */
  idPrefix?: string;
}

const kFont = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const kMargin = { left: 78, top: 86, bottom: 58, gap: 18 };
const kLegendWidth = 250;
/** Overlay strokes: dark lines with a white halo read on every class colour and on viridis. */
const kDashes = ['', '7 4', '2 3', '10 3 2 3', '4 2 1 2'];
const kReferenceStroke = '#555555';
const kBadgeColor = '#b35806';

export type FigureTheme = 'light' | 'dark';
/** Page, text, secondary text and axis-line colours of each theme; the dark one matches the explorer's. */
export const kFigureInk = {
  light: { background: '#ffffff', text: '#222222', muted: '#555555', line: '#333333' },
  dark: { background: '#15181e', text: '#e6e9ef', muted: '#a7afbd', line: '#c4cad4' },
} as const satisfies Record<FigureTheme, Record<string, string>>;
type Ink = (typeof kFigureInk)[FigureTheme];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Short decimal for labels: 4 significant digits, no trailing zeros. */
export function fmtNum(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

/** Greedy word wrap at `chars` per line (SVG text does not wrap). */
export function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const text = (x: number, y: number, s: string, attrs = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;

/**
 * Scale for one axis whose domain covers whole cells: cell k is centred on the k-th axis value, so the
 * domain runs half a cell beyond min and max (in log space for a log axis).
 */
function axisScale(a: ResolvedAxis, range: [number, number]) {
  if (a.scale === 'log') {
    const r = (a.max / a.min) ** (0.5 / (a.n - 1));
    return scaleLog()
      .domain([a.min / r, a.max * r])
      .range(range);
  }
  const h = (0.5 * (a.max - a.min)) / (a.n - 1);
  return scaleLinear()
    .domain([a.min - h, a.max + h])
    .range(range);
}

function axisTitle(r: SweepResult, a: ResolvedAxis): string {
  const p = r.spec.model.params[a.index] as NumberParam;
  return `${p.symbol} (${p.label}${p.units ? `, ${p.units}` : ''})${a.scale === 'log' ? ', log scale' : ''}`;
}

/** One line naming the slice: axes, grid, the other values, the integrator. */
export function specSummary(r: SweepResult): string {
  const { spec } = r;
  const fixed = spec.model.params.flatMap((p, k) => {
    if (k === spec.x.index || k === spec.y.index) return [];
    const v = spec.values[k];
    return [`${p.symbol} = ${p.kind === 'choice' ? p.options[v] : v === DERIVED ? 'derived' : fmtNum(v)}`];
  });
  const { method, dt, tEnd, adaptive, rtol, atol } = spec.integrator;
  const steps = adaptive ? `${method}, rtol = ${fmtNum(rtol)}, atol = ${fmtNum(atol)}` : `${method}, dt = ${fmtNum(dt)}`;
  const settle = spec.settle ? `early exit tol = ${fmtNum(spec.settle.tol)}` : 'fixed horizon';
  const dynamics = dynamicsLabel(spec.model, method, spec.values, [spec.x.index, spec.y.index]);
  const run = isMap(method) ? `${fmtNum(tEnd)} steps` : `${steps}, t_end = ${fmtNum(tEnd)}`;
  return `${r.nx}×${r.ny} cells · ${dynamics ? `${dynamics} · ` : ''}${fixed.join(', ')} · ${run}, ${settle}`;
}

function ticks(scale: ReturnType<typeof axisScale>, count: number): Array<{ v: number; label: string }> {
  // '~g' rather than d3's SI default for log axes ("100m" reads badly next to paper symbols).
  const format = 'base' in scale ? scale.tickFormat(count, '~g') : scale.tickFormat(count);
  const [d0, d1] = scale.domain();
  return scale
    .ticks(count)
    .filter((v) => v >= Math.min(d0, d1) && v <= Math.max(d0, d1))
    .map((v) => ({ v, label: format(v) }));
}

function polylines(curve: OverlayCurve, sx: (v: number) => number, sy: (v: number) => number): string[] {
  const runs: string[][] = [[]];
  for (const [x, y] of curve.points) {
    const px = sx(x);
    const py = sy(y);
    if (Number.isFinite(px) && Number.isFinite(py)) runs[runs.length - 1].push(`${px.toFixed(2)},${py.toFixed(2)}`);
    else if (runs[runs.length - 1].length) runs.push([]);
  }
  return runs.filter((run) => run.length >= 2).map((run) => run.join(' '));
}

function overlayStyle(curve: OverlayCurve, k: number): { stroke: string; dash: string } {
  return curve.kind === 'reference' ? { stroke: kReferenceStroke, dash: '5 4' } : { stroke: '#000000', dash: kDashes[k % kDashes.length] };
}

/** The colorbar with its title and units; returns the SVG parts and the y below it. */
function colorbar(
  range: MetricRange,
  x: number,
  y: number,
  h: number,
  id: string,
  ink: Ink,
  palette: ClassPaletteId,
): { parts: string[]; endY: number } {
  const out: string[] = [];
  const w = 16;
  const stops = Array.from({ length: 17 }, (_, k) => `<stop offset="${(k / 16).toFixed(4)}" stop-color="${viridis(1 - k / 16)}"/>`);
  out.push(`<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops.join('')}</linearGradient></defs>`);
  const { metric } = range;
  const title = wrap(`${metric.symbol}: ${metric.label}`, 34).slice(0, 3);
  title.forEach((line, n) => {
    out.push(text(x, y - 26 - 15 * (title.length - 1 - n), line, 'class="colorbar-title" font-size="12" font-weight="bold"'));
  });
  if (metric.units) out.push(text(x, y - 10, `units: ${metric.units}`, 'class="colorbar-units" font-size="11"'));
  out.push(
    `<rect class="colorbar" x="${x}" y="${y}" width="${w}" height="${h}" fill="url(#${id})" stroke="${ink.line}" stroke-width="0.5"/>`,
  );
  const { lo, hi, log } = range.style;
  // The bar is the ramp in t; ticks sit where their value's t is (log t on a log colour scale).
  const s: ReturnType<typeof axisScale> = log
    ? scaleLog()
        .domain([lo, hi])
        .range([y + h, y])
    : scaleLinear()
        .domain([lo, hi])
        .range([y + h, y]);
  for (const t of ticks(s, 5)) {
    const ty = s(t.v);
    out.push(`<line x1="${x + w}" x2="${x + w + 4}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="${ink.line}"/>`);
    if (t.label) out.push(text(x + w + 7, ty + 4, t.label, 'class="colorbar-tick" font-size="11"'));
  }
  let ly = y + h + 22;
  if (log) {
    out.push(text(x, ly - 4, 'log colour scale', 'class="colorbar-scale" font-size="11"'));
    ly += 16;
  }
  const entries: Array<[number, string, string]> = [
    [range.missing, kMissingColor, metric.id === 'tSettled' ? 'never applied (ran to t_end)' : 'never applied'],
    [range.diverged, classColor('diverged', palette), CLASSES.diverged.label],
    [range.notComputed, kNotComputedColor, 'not computed (inherited from its block)'],
  ];
  for (const [count, color, label] of entries) {
    if (!count) continue;
    out.push(`<rect x="${x}" y="${ly - 11}" width="14" height="14" fill="${color}" stroke="${ink.line}" stroke-width="0.5"/>`);
    out.push(text(x + 20, ly, label, 'class="legend-entry" font-size="12"'));
    ly += 20;
  }
  return { parts: out, endY: ly };
}

export function figureSvg(r: SweepResult, opts: FigureOptions): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 620;
  const id = opts.idPrefix ?? 'ca';
  const model = r.spec.model;
  const x0 = kMargin.left;
  const x1 = W - kLegendWidth - kMargin.gap;
  const y0 = kMargin.top;
  const y1 = H - kMargin.bottom;
  const sx = axisScale(r.spec.x, [x0, x1]);
  const sy = axisScale(r.spec.y, [y1, y0]);
  const palette = opts.palette ?? 'default';
  const ink = kFigureInk[opts.theme ?? 'light'];
  const categories = opts.categories ?? classCategoriesOf(palette);
  const { rgb, range } = layerColors(r, opts.layer, categories);
  const png = encode({ width: r.nx, height: r.ny, data: rgb, channels: 3, depth: 8 });

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${kFont}" fill="${ink.text}">`,
  );
  out.push(`<rect class="page" width="${W}" height="${H}" fill="${ink.background}"/>`);
  out.push(text(x0, 26, opts.title ?? model.title, 'class="title" font-size="17" font-weight="bold"'));
  let ty = 46;
  if (opts.subtitle) {
    out.push(text(x0, ty, opts.subtitle, 'class="subtitle" font-size="13"'));
    ty += 18;
  }
  out.push(text(x0, ty, specSummary(r).slice(0, 160), `class="summary" font-size="11" fill="${ink.muted}"`));
  if (model.status === 'reconstruction') {
    out.push(`<g class="badge"><rect x="${W - 132}" y="10" width="122" height="22" rx="4" fill="${kBadgeColor}"/>`);
    out.push(`${text(W - 71, 25, 'reconstruction', 'font-size="12" font-weight="bold" fill="#ffffff" text-anchor="middle"')}</g>`);
  }

  out.push(`<defs><clipPath id="${id}-plot"><rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}"/></clipPath></defs>`);
  out.push(
    `<image class="heatmap" x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" preserveAspectRatio="none" image-rendering="pixelated" style="image-rendering:pixelated" href="data:image/png;base64,${base64(png)}"/>`,
  );

  // Uncertain cells (SweepResult.uncertain) are hatched over their class colour.
  out.push(uncertainHatch(r.uncertain, r.nx, r.ny, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, `${id}-hatch`));

  const curves =
    opts.overlays === false
      ? []
      : model.overlays({
          x: { param: r.spec.x.param, min: r.spec.x.min, max: r.spec.x.max },
          y: { param: r.spec.y.param, min: r.spec.y.min, max: r.spec.y.max },
          values: r.spec.values,
        });
  curves.forEach((c, k) => {
    const { stroke, dash } = overlayStyle(c, k);
    for (const pts of polylines(c, sx, sy)) {
      out.push(
        `<g clip-path="url(#${id}-plot)"><polyline points="${pts}" fill="none" stroke="#ffffff" stroke-width="4" stroke-opacity="0.8"/>`,
      );
      out.push(
        `<polyline class="overlay" data-id="${esc(c.id)}" points="${pts}" fill="none" stroke="${stroke}" stroke-width="1.8"${dash ? ` stroke-dasharray="${dash}"` : ''}/></g>`,
      );
    }
  });
  out.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="${ink.line}"/>`);

  for (const t of ticks(sx, 7)) {
    const px = sx(t.v).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${y1}" y2="${y1 + (t.label ? 5 : 3)}" stroke="${ink.line}"/>`);
    if (t.label) out.push(text(sx(t.v), y1 + 18, t.label, 'class="tick-x" font-size="11" text-anchor="middle"'));
  }
  for (const t of ticks(sy, 7)) {
    const py = sy(t.v).toFixed(1);
    out.push(`<line x1="${x0 - (t.label ? 5 : 3)}" x2="${x0}" y1="${py}" y2="${py}" stroke="${ink.line}"/>`);
    if (t.label) out.push(text(x0 - 8, sy(t.v) + 4, t.label, 'class="tick-y" font-size="11" text-anchor="end"'));
  }
  out.push(text((x0 + x1) / 2, H - 16, axisTitle(r, r.spec.x), 'class="axis-x" font-size="13" text-anchor="middle"'));
  const cy = (y0 + y1) / 2;
  out.push(
    text(18, cy, axisTitle(r, r.spec.y), `class="axis-y" font-size="13" text-anchor="middle" transform="rotate(-90 18 ${cy.toFixed(1)})"`),
  );

  const lx = x1 + kMargin.gap + 6;
  let ly = y0 + 8;
  if (range) {
    const bar = colorbar(range, lx, y0 + 56, Math.min(220, (y1 - y0) * 0.5), `${id}-colorbar`, ink, palette);
    out.push(...bar.parts);
    ly = bar.endY + 8;
  } else {
    out.push(text(lx, ly, opts.legendTitle ?? 'class', 'font-size="12" font-weight="bold"'));
    ly += 20;
    for (const k of categories) {
      if (!r.classes.includes(k.code)) continue;
      out.push(`<rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="${k.color}" stroke="${ink.line}" stroke-width="0.5"/>`);
      out.push(text(lx + 20, ly, k.label, 'class="legend-entry" font-size="12"'));
      ly += 20;
    }
  }
  const uncertain = uncertainCount(r.uncertain);
  if (uncertain) {
    out.push(
      `<defs>${hatchPattern(`${id}-hatch-key`)}</defs><rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="url(#${id}-hatch-key)" stroke="${ink.line}" stroke-width="0.5"/>`,
    );
    out.push(text(lx + 20, ly, `uncertain: ${uncertain} cells`, 'class="legend-uncertain" font-size="12"'));
    out.push(text(lx + 20, ly + 15, '(class flips at rtol/100 or in f64)', 'font-size="11"'));
    ly += 38;
  }
  if (curves.length) {
    ly += 6;
    out.push(text(lx, ly, 'overlays', 'font-size="12" font-weight="bold"'));
    ly += 18;
    curves.forEach((c, k) => {
      const { stroke, dash } = overlayStyle(c, k);
      // The map's halo, so that a black line reads on a dark page too.
      out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="#ffffff" stroke-width="4" stroke-opacity="0.8"/>`);
      out.push(
        `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${stroke}" stroke-width="1.8"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
      for (const [n, line] of wrap(c.label, 30).entries())
        out.push(text(lx + 28, ly + 15 * n, line, `${n === 0 ? 'class="legend-overlay" ' : ''}font-size="11"`));
      ly += 15 * wrap(c.label, 30).length + 6;
    });
  }
  out.push('</svg>');
  return out.join('\n');
}
