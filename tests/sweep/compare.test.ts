import { describe, expect, it } from 'vitest';
import { load } from 'npyjs';
import { compareAtResolution, compareResults, DIFF, parseCompareSpec } from '../../src/sweep/compare.js';
import { comparePresets } from '../../src/sweep/compare-presets.js';
import { compareFiles } from '../../src/export/compare.js';
import { emptyResult } from '../../src/engine/result.js';
import { CLASSES } from '../../src/models/types.js';
import { models } from '../../src/models/registry.js';

const axes = {
  x: { param: 'weightDecay', min: 0, max: 0.2, n: 4 },
  y: { param: 'p0', min: 0.1, max: 0.5, n: 3 },
};
const tian = { model: 'tian-l2', ...axes };
const bao = { model: 'bao-cosine', ...axes };

function messageOf(input: unknown): string {
  try {
    parseCompareSpec(input);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('compare specs', () => {
  it('every compare preset parses, on identical axes', () => {
    for (const p of comparePresets) {
      const c = parseCompareSpec(p.spec);
      const { index: _ax, ...ax } = c.a.x;
      const { index: _bx, ...bx } = c.b.x;
      expect(ax).toEqual(bx);
      expect(c.a.y.n).toBe(c.b.y.n);
    }
  });

  it('names the field of each bad comparison', () => {
    expect(messageOf([])).toBe('compare: expected an object { a: spec, b: spec, title? }');
    expect(messageOf({ a: tian })).toBe('b: required');
    expect(messageOf({ a: tian, b: bao, c: bao })).toBe('compare: unknown field "c"');
    expect(messageOf({ a: { ...tian, model: 'nope' }, b: bao })).toBe(
      `a.model: unknown model "nope" (known: ${models.map((m) => m.id).join(', ')})`,
    );
    expect(messageOf({ a: tian, b: { ...bao, x: { ...axes.x, n: 5 } } })).toBe(
      'b.x: must equal a.x to compare cell for cell (a: weightDecay [0, 0.2] × 4 linear; b: weightDecay [0, 0.2] × 5 linear)',
    );
    expect(messageOf({ a: tian, b: { ...bao, y: { param: 's0', min: 0.1, max: 0.5, n: 3 } } })).toBe(
      'b.y: must equal a.y to compare cell for cell (a: p0 [0.1, 0.5] × 3 linear; b: s0 [0.1, 0.5] × 3 linear)',
    );
  });
});

describe('compareResults', () => {
  const cmp = parseCompareSpec({ a: tian, b: bao });
  const { collapsed: C, 'non-collapsed': N, diverged: D } = CLASSES;
  const ra = emptyResult(cmp.a, Float32Array, 'test');
  const rb = emptyResult(cmp.b, Float32Array, 'test');
  ra.classes.set([C.code, C.code, N.code, N.code, C.code, N.code, D.code, N.code, C.code, C.code, C.code, N.code]);
  rb.classes.set([C.code, N.code, N.code, C.code, C.code, N.code, N.code, D.code, N.code, C.code, C.code, N.code]);

  it('marks differing cells, leaves diverged ones out of the fraction and counts transitions', () => {
    const c = compareResults(ra, rb);
    expect(Array.from(c.diff)).toEqual([0, 1, 0, 1, 0, 0, 2, 2, 1, 0, 0, 0]);
    expect(c.differing).toBe(3);
    expect(c.diverged).toBe(2);
    expect(c.comparable).toBe(10);
    expect(c.fraction).toBeCloseTo(0.3, 12);
    expect(c.transitions).toEqual({ 'collapsed → non-collapsed': 2, 'non-collapsed → collapsed': 1 });
  });

  it('writes diff.npy in grid order and a compare.json whose spec parses back', async () => {
    const c = compareResults(ra, rb);
    const files = compareFiles(cmp, c);
    const bytes = files['diff.npy'];
    const npy = await load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(npy.shape).toEqual([3, 4]);
    expect(Array.from(npy.data as Uint8Array)).toEqual(Array.from(c.diff));
    expect(Object.keys(files).sort()).toEqual(['compare.json', 'diff.npy']);
    const json = JSON.parse(new TextDecoder().decode(files['compare.json']));
    expect(json.fraction).toBeCloseTo(0.3, 12);
    expect(json.diffLegend.map((d: { code: number }) => d.code)).toEqual([DIFF.same, DIFF.differs, DIFF.diverged]);
    const back = parseCompareSpec(json.spec);
    expect(back.a.model.id).toBe('tian-l2');
    expect(back.b.x).toEqual(cmp.b.x);
    expect(back.title).toBe('tian-l2 vs bao-cosine');
  });
});

describe('compareFigureSvg', () => {
  it('draws both sides and the diff panel with its legend and the fraction', async () => {
    const { compareFigureSvg } = await import('../../src/export/compare-figure.js');
    const cmp = parseCompareSpec({ title: 'L2 vs cosine', a: tian, b: bao });
    const ra = emptyResult(cmp.a, Float32Array, 'test');
    const rb = emptyResult(cmp.b, Float32Array, 'test');
    rb.classes.fill(CLASSES['non-collapsed'].code, 0, 3);
    const svg = compareFigureSvg(cmp, ra, rb, compareResults(ra, rb));
    expect(svg.match(/<svg /g)).toHaveLength(4);
    expect(svg).toContain('>L2 vs cosine</text>');
    expect(svg).toContain('>difference: 25.0 % of cells</text>');
    expect(svg).toContain('class differs in 3 of 12 comparable cells (25.00 %)');
    expect(svg).toContain('>class differs</text>');
    expect(svg).toContain('>same class</text>');
    expect(svg).not.toContain('>diverged on either side</text>');
  });

  it("takes the page's theme and class palette: a dark page, Okabe–Ito class legends, the diff panel's own colours", async () => {
    const { compareFigureSvg } = await import('../../src/export/compare-figure.js');
    const { classColor } = await import('../../src/export/palette.js');
    const cmp = parseCompareSpec({ title: 'L2 vs cosine', a: tian, b: bao });
    const ra = emptyResult(cmp.a, Float32Array, 'test');
    const rb = emptyResult(cmp.b, Float32Array, 'test');
    rb.classes.fill(CLASSES['non-collapsed'].code, 0, 3);
    const light = compareFigureSvg(cmp, ra, rb, compareResults(ra, rb));
    const dark = compareFigureSvg(cmp, ra, rb, compareResults(ra, rb), { theme: 'dark', palette: 'okabe-ito' });
    expect(dark.split('\n')[1]).toMatch(/^<rect width="\d+" height="\d+" fill="#15181e"\/>$/);
    expect(light.split('\n')[1]).toMatch(/^<rect width="\d+" height="\d+" fill="#ffffff"\/>$/);
    for (const id of ['collapsed', 'non-collapsed'] as const) {
      expect(dark).toContain(`fill="${classColor(id, 'okabe-ito')}"`);
      expect(dark).not.toContain(`fill="${CLASSES[id].color}"`);
      expect(light).toContain(`fill="${CLASSES[id].color}"`);
    }
    expect(dark).toContain('>class differs</text>');
  });

  it('compareAtResolution puts both sides of every preset on an n×n grid and changes nothing else', () => {
    for (const preset of comparePresets) {
      const full = parseCompareSpec(preset.spec);
      const small = parseCompareSpec(compareAtResolution(preset.spec, 16));
      for (const side of ['a', 'b'] as const) {
        expect([small[side].x.n, small[side].y.n], preset.id).toEqual([16, 16]);
        expect(
          { ...small[side], x: { ...small[side].x, n: full[side].x.n }, y: { ...small[side].y, n: full[side].y.n } },
          preset.id,
        ).toEqual(full[side]);
      }
    }
  });
});
