// The figure's theme and class palette (issue 14): the explorer's dark page and colour-blind-safe
// classes carry into the exported figure; the shader's colour buffer takes the same palette.
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { figureSvg, kFigureInk } from '../../src/export/figure.js';
import { classColor, classPaletteIds, hexToRgb, kClassPalettes, paletteData } from '../../src/export/palette.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';

const nx = 10;
const ny = 8;
const tian = runSweepCpu(
  parseSpec({
    model: 'tian-l2',
    x: { param: 'p0', min: 0, max: 0.9, n: nx },
    y: { param: 'weightDecay', min: 0.02, max: 0.3, n: ny },
    integrator: { dt: 0.1, tEnd: 300 },
  }),
);

/** Okabe & Ito (2008), "Color Universal Design": the eight colours of the set. */
const kOkabeIto = ['#000000', '#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7'];

/** The figure's embedded heatmap PNG (one pixel per cell, top row = largest y), decoded. */
function heatmapPixels(svg: string): { at: (i: number, j: number) => number[] } {
  const png = decode(Buffer.from(/class="heatmap"[^>]*href="data:image\/png;base64,([^"]+)"/.exec(svg)![1], 'base64'));
  return { at: (i, j) => Array.from(png.data.slice(3 * ((ny - 1 - j) * nx + i), 3 * ((ny - 1 - j) * nx + i) + 3)) };
}

describe('class palettes', () => {
  it('okabe-ito gives every class its own colour from the Okabe–Ito set; default is CLASSES', () => {
    const okabe = CLASS_BY_CODE.map((id) => classColor(id, 'okabe-ito'));
    expect(new Set(okabe).size).toBe(CLASS_BY_CODE.length);
    expect(okabe.filter((c) => !kOkabeIto.includes(c))).toEqual([]);
    expect(CLASS_BY_CODE.map((id) => classColor(id))).toEqual(CLASS_BY_CODE.map((id) => CLASSES[id].color));
    expect(classPaletteIds).toEqual(Object.keys(kClassPalettes));
  });

  it('lays each palette into the shader colour buffer at the class codes', () => {
    for (const palette of classPaletteIds) {
      const data = paletteData(palette);
      for (const id of CLASS_BY_CODE) {
        const slot = CLASSES[id].code;
        expect(Array.from(data.subarray(4 * slot, 4 * slot + 3), (v) => Math.round(v * 255))).toEqual(hexToRgb(classColor(id, palette)));
      }
    }
  });
});

describe('figureSvg theme and palette', () => {
  const classes = new Set(Array.from(tian.classes, (c) => CLASS_BY_CODE[c]));

  it('dark: the page, text and axis lines take the dark ink; light stays the paper default', () => {
    const dark = figureSvg(tian, { layer: 'class', theme: 'dark' });
    expect(/<rect class="page" [^>]*fill="([^"]+)"/.exec(dark)![1]).toBe('#15181e');
    expect(/<svg [^>]*fill="([^"]+)"/.exec(dark)![1]).toBe(kFigureInk.dark.text);
    expect(dark).not.toContain('stroke="#333333"');
    const light = figureSvg(tian, { layer: 'class' });
    expect(/<rect class="page" [^>]*fill="([^"]+)"/.exec(light)![1]).toBe('#ffffff');
    expect(light).not.toContain(`stroke="${kFigureInk.dark.line}"`);
  });

  it('okabe-ito: the cells and the legend swatches take the palette', () => {
    expect(classes.size).toBeGreaterThanOrEqual(2);
    for (const palette of classPaletteIds) {
      const svg = figureSvg(tian, { layer: 'class', palette, theme: 'dark' });
      const px = heatmapPixels(svg);
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) expect(px.at(i, j)).toEqual(hexToRgb(classColor(CLASS_BY_CODE[tian.classes[j * nx + i]], palette)));
      for (const id of classes) expect(svg).toContain(`fill="${classColor(id, palette)}" stroke="${kFigureInk.dark.line}"`);
    }
  });
});
