import { UNCERTAIN_PRECISION, UNCERTAIN_TOLERANCE } from '../engine/result.js';

/**
 * The uncertainty hatch (issue 11): cells whose class flips under a tighter tolerance or in f64
 * (SweepResult.uncertain) are covered with diagonal stripes, the same SVG in the explorer's map and
 * in figure.svg / figure.png. Stripes, not a colour: the class underneath stays readable.
 */

/** Stripe colour and geometry in SVG pixels (userSpaceOnUse: the same on every grid size). */
export const kHatchColor = '#000000';
const kHatchSpacing = 4;
const kHatchWidth = 1.5;

/** Why a cell is uncertain, one phrase per bit set, as the hover readout and the legends say it. */
export function uncertainReasons(bits: number): string[] {
  const out: string[] = [];
  if (bits & UNCERTAIN_TOLERANCE) out.push('class flips at rtol/100');
  if (bits & UNCERTAIN_PRECISION) out.push('class flips in f64');
  return out;
}

/** Cells with any bit set in `mask` (0 where absent). */
export function uncertainCount(mask: Uint8Array | undefined): number {
  let n = 0;
  if (mask) for (const b of mask) if (b) n++;
  return n;
}

export interface PlotBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * An SVG path covering the cells where `mask` is non-zero: one rectangle per horizontal run of them,
 * cell (i, j) at column i and row j counted from the bottom of `box` (y ascending upward).
 */
export function maskPath(mask: Uint8Array, nx: number, ny: number, box: PlotBox): string {
  const w = box.width / nx;
  const h = box.height / ny;
  const d: string[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (!mask[j * nx + i]) continue;
      const start = i;
      while (i + 1 < nx && mask[j * nx + i + 1]) i++;
      const x = box.x + start * w;
      const y = box.y + (ny - 1 - j) * h;
      d.push(`M${x.toFixed(2)},${y.toFixed(2)}h${((i + 1 - start) * w).toFixed(2)}v${h.toFixed(2)}h${(-(i + 1 - start) * w).toFixed(2)}z`);
    }
  }
  return d.join('');
}

/** The stripe pattern, for a `<defs>`; `id` must be unique in its document. */
export function hatchPattern(id: string): string {
  return `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${kHatchSpacing}" height="${kHatchSpacing}" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="${kHatchSpacing}" stroke="${kHatchColor}" stroke-width="${kHatchWidth}"/></pattern>`;
}

/** The hatch over the uncertain cells of an nx × ny grid drawn in `box`, or '' when none is uncertain. */
export function uncertainHatch(mask: Uint8Array | undefined, nx: number, ny: number, box: PlotBox, id: string): string {
  if (!uncertainCount(mask)) return '';
  return `<defs>${hatchPattern(id)}</defs><path class="uncertain" d="${maskPath(mask!, nx, ny, box)}" fill="url(#${id})"/>`;
}
