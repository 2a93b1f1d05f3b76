// `collapse-atlas compare`: both sides, the diff grid, compare.json and the three-panel figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { DIFF } from '../../src/sweep/compare.js';
import { compareFigureSize } from '../../src/export/compare-figure.js';
import { CLASSES } from '../../src/models/types.js';
import { testDevice } from '../support/gpu.js';
import { cli, entries, errorLines, readNpy, type CliRun } from './support.js';

const device = (await testDevice())?.device;
const axes = { x: { param: 'p0', min: 0.05, max: 0.9, n: 8 }, y: { param: 'weightDecay', min: 0.02, max: 0.3, n: 5 } };
const simsiam = { model: 'tian-l2', params: { target: 'simsiam' }, ...axes, integrator: { dt: 0.1, tEnd: 150 } };
const byol = { model: 'tian-l2', params: { target: 'byol', emaRate: 0.05 }, ...axes, integrator: { dt: 0.1, tEnd: 150 } };

let dir = '';
let run: CliRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-compare-'));
  writeFileSync(join(dir, 'simsiam.json'), JSON.stringify(simsiam));
  writeFileSync(join(dir, 'byol.json'), JSON.stringify(byol));
  writeFileSync(join(dir, 'coarse.json'), JSON.stringify({ ...byol, x: { ...axes.x, n: 4 } }));
  run = await cli(['compare', 'simsiam.json', 'byol.json', '--out', 'cmp', '--quiet'], { cwd: dir });
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collapse-atlas compare, bad input', () => {
  it('refuses axes that differ, naming the field, before starting a browser (exit 2)', async () => {
    const r = await cli(['compare', 'simsiam.json', 'coarse.json', '--out', 'bad'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(errorLines(r)).toEqual([
      'collapse-atlas: simsiam.json vs coarse.json: b.x: must equal a.x to compare cell for cell (a: p0 [0.05, 0.9] × 8 linear; b: p0 [0.05, 0.9] × 4 linear)',
    ]);
    expect(entries(dir)).not.toContain('bad');
  });

  it('names an unknown comparison preset (exit 2)', async () => {
    const r = await cli(['compare', '--preset', 'nope'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(errorLines(r)[0]).toMatch(/^collapse-atlas: compare --preset: unknown comparison "nope" \(known: l2-vs-cosine, simsiam-vs-byol/);
  });
});

describe.runIf(device)('collapse-atlas compare', () => {
  const out = (...p: string[]) => join(dir, 'cmp', ...p);

  it('writes both sides, the diff, compare.json and the figure', () => {
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(entries(out())).toEqual(['a', 'b', 'compare.json', 'diff.npy', 'figure.png', 'figure.svg']);
    expect(entries(out('a'))).toContain('class.npy');
  });

  it('diff.npy marks exactly the cells whose class differs, and compare.json counts them', () => {
    const a = readNpy(out('a', 'class.npy')).data as Uint8Array;
    const b = readNpy(out('b', 'class.npy')).data as Uint8Array;
    const diff = readNpy(out('diff.npy'));
    expect(diff.shape).toEqual([5, 8]);
    const expected = Array.from(a, (ca, c) =>
      ca === CLASSES.diverged.code || b[c] === CLASSES.diverged.code ? DIFF.diverged : ca === b[c] ? DIFF.same : DIFF.differs,
    );
    expect(Array.from(diff.data as Uint8Array)).toEqual(expected);
    const differing = expected.filter((d) => d === DIFF.differs).length;
    // A slow EMA (β = 0.05) rescues some cells SimSiam loses at this horizon, so the panels differ.
    expect(differing).toBeGreaterThan(0);
    const json = JSON.parse(readFileSync(out('compare.json'), 'utf8'));
    expect(json.differing).toBe(differing);
    expect(json.fraction).toBeCloseTo(differing / json.comparable, 12);
    expect(json.spec.b.params.target).toBe('byol');
  });

  it('figure.png holds the three panels at twice the SVG size', () => {
    const png = decode(readFileSync(out('figure.png')));
    expect([png.width, png.height]).toEqual([2 * compareFigureSize.width, 2 * compareFigureSize.height]);
  });
});
