// The batch CLI with --refine: computed.npy, NaN where not integrated, the CSV column, the manifest's
// stats, and refined tiles merged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import type { SweepResult } from '../../src/engine/result.js';
import { runRefinedGpu } from '../../src/refine/runners.js';
import type { RefinedResult } from '../../src/refine/refine.js';
import { testDevice } from '../support/gpu.js';
import { nearClassChange } from '../support/cells.js';
import { cli, errorLines, readNpy, type CliRun } from './support.js';

const device = (await testDevice())?.device;
const nx = 64;
const ny = 32;
const spec = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0, max: 1, n: nx },
  y: { param: 'weightDecay', min: 0, max: 0.3, n: ny },
  integrator: { dt: 0.1, tEnd: 200 },
};

let dir = '';
let run: CliRun;
let tiles: CliRun[];
let merged: CliRun;
let noCsv: CliRun;
let full: SweepResult;
let refined: RefinedResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-refine-'));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  run = await cli(['run', 'spec.json', '--refine=8', '--out', 'ref'], { cwd: dir });
  noCsv = await cli(['run', 'spec.json', '--no-csv', '--out', 'no-csv', '--quiet'], { cwd: dir });
  tiles = [];
  for (const i of [0, 1])
    tiles.push(await cli(['run', 'spec.json', '--refine=8', '--tile', `${i}/2`, '--out', `tile-${i}`, '--quiet'], { cwd: dir }));
  merged = await cli(['merge', 'tile-1', 'tile-0', '--out', 'merged', '--quiet'], { cwd: dir });
  if (device) {
    full = await runSweepGpu(device, parseSpec(spec));
    refined = await runRefinedGpu(device, parseSpec({ ...spec, refine: { coarse: 8 } }));
  }
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (...p: string[]) => join(dir, ...p);
const npy = (...p: string[]) => readNpy(at(...p));

describe.runIf(device)('collapse-atlas run --refine', () => {
  it("writes computed.npy (u1) and the classes of the engine's refined run; NaN wherever a cell was not integrated", () => {
    expect([run.code, errorLines(run)]).toEqual([0, []]);
    const computed = npy('ref', 'computed.npy');
    expect([computed.dtype, computed.shape]).toEqual(['u1', [ny, nx]]);
    expect(Array.from(computed.data as Uint8Array)).toEqual(Array.from(refined.computed));
    expect(Array.from(npy('ref', 'class.npy').data as Uint8Array)).toEqual(Array.from(refined.classes));
    const mask = computed.data as Uint8Array;
    const final = npy('ref', 'final.npy').data as Float32Array;
    for (let c = 0; c < nx * ny; c++) {
      const nan = [0, 1, 2].map((d) => Number.isNaN(final[c * 3 + d]));
      expect(nan, `cell ${c}`).toEqual(Array(3).fill(mask[c] === 0));
    }
    for (const id of ['s', 'tauEff', 'collapseTime', 'tSettled', 'steps']) {
      const grid = npy('ref', `${id}.npy`).data as Float32Array;
      expect(
        grid.every((v, c) => Number.isNaN(v) === (mask[c] === 0)),
        id,
      ).toBe(true);
    }
    const csv = readFileSync(at('ref', 'grid.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('p0,weightDecay,class,w,p,wa,s,tauEff,collapseTime,tSettled,steps,computed,uncertain');
    expect(csv.slice(1).map((l) => Number(l.split(',').at(-2)))).toEqual(Array.from(mask));
    expect(csv.slice(1).map((l) => Number(l.split(',').at(-1)))).toEqual(Array.from(refined.uncertain!));
    const inheritedRow = csv[1 + mask.indexOf(0)].split(',');
    expect(inheritedRow.slice(3, 11)).toEqual(Array(8).fill('NaN'));
  });

  it('the manifest carries the refine stats and the spec its refine; the summary says how much was integrated', () => {
    const m = JSON.parse(readFileSync(at('ref', 'manifest.json'), 'utf8'));
    expect(m.spec.refine).toEqual({ coarse: 8, verify: 0.02, seed: 1, uncertainty: { tighten: 100, f64: 32 } });
    expect(m.refine).toEqual(JSON.parse(JSON.stringify(refined.refine)));
    // The uncertainty check: the engine's own numbers (the f64 sample runs in the page as in Node).
    const u = npy('ref', 'uncertain.npy');
    expect([u.dtype, u.shape]).toEqual(['u1', [ny, nx]]);
    expect(Array.from(u.data as Uint8Array)).toEqual(Array.from(refined.uncertain!));
    const { ms: _ms, ...stats } = m.uncertainty;
    const { ms: _ms2, ...want } = refined.uncertainty!;
    expect(stats).toEqual(JSON.parse(JSON.stringify(want)));
    expect(m.uncertainty.checked).toBe(Array.from(refined.computed).filter((v) => v === refined.refine.levels).length);
    expect(m.uncertainty.checked).toBeGreaterThan(0);
    expect(m.uncertainty.f64Sample).toBe(Math.min(32, m.uncertainty.checked));
    expect(m.files).toEqual([
      'class.npy',
      'final.npy',
      's.npy',
      'tauEff.npy',
      'collapseTime.npy',
      'tSettled.npy',
      'steps.npy',
      'computed.npy',
      'uncertain.npy',
      'grid.csv',
      'figure.svg',
      'raw.png',
      'figure.png',
      'manifest.json',
    ]);
    expect(run.stdout).toContain(
      `  uncertain: ${m.uncertainty.uncertain} cells (${m.uncertainty.flippedTolerance} flip at half the step of ${m.uncertainty.checked} finest cells`,
    );
    expect(m.refine.computed + m.refine.inherited).toBe(nx * ny);
    expect(m.ends.inherited).toBe(m.refine.inherited);
    expect(m.steps.total).toBe(refined.timings.instanceSteps);
    expect(run.stdout).toContain(`  refine: ${m.refine.computed} of ${nx * ny} cells integrated`);
    // Off the boundary, the refined figure is the full one.
    const near = nearClassChange(full.classes, nx, ny, 8);
    const cls = npy('ref', 'class.npy').data as Uint8Array;
    expect(Array.from(cls).filter((k, c) => k !== full.classes[c] && !near[c])).toEqual([]);
  });

  it('each tile refines its own band; merge puts the masks side by side and sums the stats', () => {
    expect(tiles.map((t) => [t.code, errorLines(t)])).toEqual([
      [0, []],
      [0, []],
    ]);
    expect([merged.code, errorLines(merged)]).toEqual([0, []]);
    const parts = [0, 1].map((i) => npy(`tile-${i}`, 'computed.npy'));
    expect(parts.map((p) => p.shape)).toEqual([
      [16, nx],
      [16, nx],
    ]);
    const whole = npy('merged', 'computed.npy');
    expect(Array.from(whole.data as Uint8Array)).toEqual([...(parts[0].data as Uint8Array), ...(parts[1].data as Uint8Array)]);
    const stats = [0, 1].map((i) => JSON.parse(readFileSync(at(`tile-${i}`, 'manifest.json'), 'utf8')).refine);
    const m = JSON.parse(readFileSync(at('merged', 'manifest.json'), 'utf8'));
    expect(m.refine.computed).toBe(stats[0].computed + stats[1].computed);
    expect(m.refine.cells).toBe(nx * ny);
    expect(m.refine.disagreementCells).toEqual([...stats[0].disagreementCells, ...stats[1].disagreementCells]);
    const uParts = [0, 1].map((i) => npy(`tile-${i}`, 'uncertain.npy').data as Uint8Array);
    expect(Array.from(npy('merged', 'uncertain.npy').data as Uint8Array)).toEqual([...uParts[0], ...uParts[1]]);
    const uStats = [0, 1].map((i) => JSON.parse(readFileSync(at(`tile-${i}`, 'manifest.json'), 'utf8')).uncertainty);
    expect(m.uncertainty.checked).toBe(uStats[0].checked + uStats[1].checked);
    expect(m.uncertainty.f64Sample).toBe(uStats[0].f64Sample + uStats[1].f64Sample);
    // A band sees no row beyond its edge, so the tiles may refine the rows at the seam differently from
    // a single run; off the boundary every tile's classes are the full run's.
    const near = nearClassChange(full.classes, nx, ny, 8);
    const cls = npy('merged', 'class.npy').data as Uint8Array;
    expect(Array.from(cls).filter((k, c) => k !== full.classes[c] && !near[c])).toEqual([]);
  });

  it('--no-csv writes every file but grid.csv, and says so in the manifest', () => {
    expect([noCsv.code, errorLines(noCsv)]).toEqual([0, []]);
    const m = JSON.parse(readFileSync(at('no-csv', 'manifest.json'), 'utf8'));
    expect(m.files).toEqual([
      'class.npy',
      'final.npy',
      's.npy',
      'tauEff.npy',
      'collapseTime.npy',
      'tSettled.npy',
      'steps.npy',
      'figure.svg',
      'raw.png',
      'figure.png',
      'manifest.json',
    ]);
    expect(() => readFileSync(at('no-csv', 'grid.csv'))).toThrow('ENOENT');
  });

  it("rejects a coarse grid that does not divide x.n by a power of two, with the spec's message", async () => {
    const bad = await cli(['run', 'spec.json', '--refine=48', '--out', 'bad'], { cwd: dir });
    expect([bad.code, errorLines(bad)]).toEqual([
      2,
      [
        'collapse-atlas: spec.json with --refine: refine.coarse: x.n must be coarse times a power of two (x.n = 64, coarse = 48, x.n / coarse = 1.3333333333333333)',
      ],
    ]);
  });
});
