// The one colouring path: the heatmap shader takes its constants and colour buffer from
// src/export/palette.ts, which the exports use too (pixel agreement: tests/web/explorer.test.ts).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CLASSES, CLASS_BY_CODE, CLASS_PENDING } from '../../src/models/types.js';
import { kPaletteSlots, kRamp, paletteData, paletteWgsl, rampIndex } from '../../src/export/palette.js';

const shader = readFileSync('shaders/web/heatmap.wgsl', 'utf8');

describe('palette', () => {
  it('generates every constant the heatmap shader uses; the shader declares none of its own', () => {
    expect(shader).not.toMatch(/^\s*(const|override)\s/m);
    const prelude = paletteWgsl();
    expect(prelude).toContain(`const kPending = ${CLASS_PENDING}u;`);
    expect(prelude).toContain(`const kDiverged = ${CLASSES.diverged.code}u;`);
    expect(prelude).toContain('const kNotComputedColor = 10u;');
    expect(prelude).toContain('const kInheritedFade = 0.6;');
    const used = new Set([...shader.matchAll(/\bk[A-Z]\w*/g)].map((m) => m[0]));
    const declared = new Set([...prelude.matchAll(/^const (k\w+)/gm)].map((m) => m[1]));
    expect([...used].filter((k) => !declared.has(k))).toEqual([]);
  });

  it('lays out the colour buffer as the slots say: class codes, pending, ramp ends', () => {
    const data = paletteData();
    const at = (slot: number) => Array.from(data.subarray(4 * slot, 4 * slot + 3), (v) => Math.round(v * 255));
    for (const id of CLASS_BY_CODE)
      expect(at(CLASSES[id].code)).toEqual([1, 3, 5].map((k) => parseInt(CLASSES[id].color.slice(k, k + 2), 16)));
    expect(at(kPaletteSlots.kPendingColor)).toEqual([0xe4, 0xe4, 0xe4]);
    expect(at(kPaletteSlots.kRampStart)).toEqual([0x44, 0x01, 0x54]);
    expect(at(kPaletteSlots.kRampStart + kPaletteSlots.kRampSize - 1)).toEqual([...kRamp[255]]);
    expect(data.length).toBe(4 * (kPaletteSlots.kRampStart + kPaletteSlots.kRampSize));
  });

  it('maps values to the ramp linearly or in log v, clamped', () => {
    expect(rampIndex({ index: 0, lo: 0, hi: 2, log: false }, 1)).toBe(128);
    expect(rampIndex({ index: 0, lo: 1, hi: 1e4, log: true }, 100)).toBe(128);
    expect(rampIndex({ index: 0, lo: 0, hi: 2, log: false }, -5)).toBe(0);
    expect(rampIndex({ index: 0, lo: 0, hi: 2, log: false }, 7)).toBe(255);
  });
});
