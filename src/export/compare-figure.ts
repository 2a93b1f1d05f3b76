import type { SweepResult } from '../engine/result.js';
import { DIFF, DIFF_COLORS, type Comparison, type ResolvedCompare } from '../sweep/compare.js';
import { esc, figureSvg, kFigureInk, type FigureTheme } from './figure.js';
import type { ClassPaletteId } from './palette.js';
import type { Category } from './layer.js';

/** The diff panel's legend: codes of DIFF with their colours. */
export const diffCategories: readonly Category[] = [
  { code: DIFF.same, label: 'same class', color: DIFF_COLORS.same },
  { code: DIFF.differs, label: 'class differs', color: DIFF_COLORS.differs },
  { code: DIFF.diverged, label: 'diverged on either side', color: DIFF_COLORS.diverged },
];

export const kComparePanel = { width: 640, height: 560 };
const kHeader = 44;
/** The whole figure: three panels and a heading. */
export const compareFigureSize = { width: 3 * kComparePanel.width, height: kComparePanel.height + kHeader };

/** A result whose class grid is the comparison's diff codes, on side a's axes (for figureSvg). */
export function diffResult(a: SweepResult, c: Comparison): SweepResult {
  return { ...a, classes: c.diff };
}

export function compareSummary(c: Comparison): string {
  const pct = (100 * c.fraction).toFixed(2);
  const left = c.diverged ? `; ${c.diverged} cells diverged on either side and are left out` : '';
  return `class differs in ${c.differing} of ${c.comparable} comparable cells (${pct} %)${left}`;
}

/**
 * Three panels side by side as one SVG: side a, side b (each the ordinary publication figure) and
 * the cells whose class differs, with the fraction in the heading; `look` is the page's theme and
 * class palette (the diff panel keeps its own colours).
 */
export function compareFigureSvg(
  cmp: ResolvedCompare,
  a: SweepResult,
  b: SweepResult,
  c: Comparison,
  look: { theme?: FigureTheme; palette?: ClassPaletteId } = {},
): string {
  const { width: w, height: h } = kComparePanel;
  const ink = kFigureInk[look.theme ?? 'light'];
  const panels = [
    figureSvg(a, { layer: 'class', title: `a · ${a.spec.model.id}`, width: w, height: h, idPrefix: 'a', ...look }),
    figureSvg(b, { layer: 'class', title: `b · ${b.spec.model.id}`, width: w, height: h, idPrefix: 'b', ...look }),
    figureSvg(diffResult(a, c), {
      theme: look.theme,
      layer: 'class',
      overlays: false,
      categories: diffCategories,
      legendTitle: 'a vs b',
      title: `difference: ${(100 * c.fraction).toFixed(1)} % of cells`,
      width: w,
      height: h,
      idPrefix: 'd',
    }),
  ];
  const { width: W, height: H } = compareFigureSize;
  const nested = panels.map((svg, k) => svg.replace(/^<svg /, `<svg x="${k * w}" y="${kHeader}" `));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" fill="${ink.text}">`,
    `<rect width="${W}" height="${H}" fill="${ink.background}"/>`,
    `<text class="compare-title" x="16" y="28" font-size="19" font-weight="bold">${esc(cmp.title)}</text>`,
    `<text class="compare-summary" x="${W - 16}" y="28" font-size="13" text-anchor="end">${esc(compareSummary(c))}</text>`,
    ...nested,
    '</svg>',
  ].join('\n');
}
