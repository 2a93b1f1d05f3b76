import { interpolateViridis } from 'd3-scale-chromatic';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';

/** Colours the heatmap and its legends share; the shader gets them once as a storage buffer. */
export const kPendingColor = '#e4e4e4';
/** A metric that never applied to a cell (e.g. the collapse time of a cell that never collapsed). */
export const kMissingColor = '#9a9a9a';
/** A metric layer's cell that refinement did not integrate (it inherited its block's class). */
export const kNotComputedColor = '#e9dcc3';
/** The "computed cells" overlay: inherited cells are mixed this far towards white. */
export const kInheritedFade = 0.6;
export const kRampSize = 256;
/**
 * Layout of the colour buffer, passed to shaders/web/heatmap.wgsl as overrides: one slot per class
 * code (codes are stable and grow, e.g. wen-li's `full` is 4), then pending, missing, the ramp.
 */
export const kPaletteSlots = { kClassSlots: 8, kPendingColor: 8, kMissingColor: 9, kNotComputedColor: 10, kRampStart: 16, kRampSize, kInheritedFade };
if (CLASS_BY_CODE.length > kPaletteSlots.kClassSlots) throw new Error(`the heatmap palette has ${kPaletteSlots.kClassSlots} class slots for ${CLASS_BY_CODE.length} classes`);
const { kPendingColor: kPendingSlot, kMissingColor: kMissingSlot, kNotComputedColor: kNotComputedSlot, kRampStart } = kPaletteSlots;

export const rampColor = (t: number): string => interpolateViridis(t);

export function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];
}

/** d3's interpolators answer "#rrggbb" for viridis; class colours are written that way too. */
export function paletteData(): Float32Array<ArrayBuffer> {
  const data = new Float32Array(4 * (kRampStart + kRampSize));
  const put = (slot: number, hex: string) => data.set([...rgb(hex).map((c) => c / 255), 1], 4 * slot);
  CLASS_BY_CODE.forEach((id, code) => put(code, CLASSES[id].color));
  put(kPendingSlot, kPendingColor);
  put(kMissingSlot, kMissingColor);
  put(kNotComputedSlot, kNotComputedColor);
  for (let k = 0; k < kRampSize; k++) put(kRampStart + k, rampColor(k / (kRampSize - 1)));
  return data;
}
