// The batch CLI end to end in headless Chromium: every output file of a run, and tiles + merge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { totalSteps, type SweepResult } from '../../src/engine/result.js';
import { cellEnds } from '../../src/export/grid.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import { testDevice } from '../support/gpu.js';
import { cli, entries, errorLines, readNpy, type CliRun } from './support.js';

const device = (await testDevice())?.device;
const nx = 16;
const ny = 12;
const small = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0, max: 0.9, n: nx },
  y: { param: 'weightDecay', min: 0.02, max: 0.3, n: ny },
  integrator: { dt: 0.1, tEnd: 200 },
};
const bao = {
  model: 'bao-cosine',
  x: { param: 'weightDecay', min: 0.05, max: 0.4, n: 6 },
  y: { param: 'normRatio', min: 0.5, max: 1.5, n: 4 },
  integrator: { tEnd: 50 },
};

let dir = '';
let run: CliRun;
let engine: SweepResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-cli-'));
  writeFileSync(join(dir, 'small.json'), JSON.stringify(small));
  writeFileSync(join(dir, 'pair.json'), JSON.stringify([small, bao]));
  // One browser for three specs: small.json → out/small, pair.json → out/pair-1, out/pair-2.
  run = await cli(['run', 'small.json', 'pair.json', '--out', 'out'], { cwd: dir });
  if (device) engine = await runSweepGpu(device, parseSpec(small));
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const out = (...p: string[]) => join(dir, 'out', ...p);
const settledOf = (r: SweepResult) => cellEnds(r);
const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));

describe.runIf(device)('collapse-atlas run', () => {
  it('writes one subfolder per spec, named after the file (and -K within an array)', () => {
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(entries(join(dir, 'out'))).toEqual(['pair-1', 'pair-2', 'small']);
    expect(entries(out('small'))).toEqual([
      'class.npy',
      'collapseTime.npy',
      'figure.png',
      'figure.svg',
      'final.npy',
      'grid.csv',
      'manifest.json',
      'raw.png',
      's.npy',
      'steps.npy',
      'tSettled.npy',
      'tauEff.npy',
    ]);
    expect(entries(dir)).toEqual(['out', 'pair.json', 'small.json']); // no partial folder left
    const total = totalSteps(engine);
    const summary = run.stdout.match(
      /small: 192 cells, ([\d.e+]+) step attempts \(([\d.]+) per cell\) in [\d.]+ s: [\d.e+]+ instance-steps\/s overall, [\d.e+]+ in kernels/,
    );
    expect(summary).not.toBeNull();
    expect(Number(summary![1])).toBeCloseTo(total, -Math.floor(Math.log10(total)) + 2);
    expect(Number(summary![2])).toBeCloseTo(total / 192, 1);
    const ends = settledOf(engine);
    expect(run.stdout).toContain(`  cells: ${ends.settled} settled early, ${192 - ends.settled} ran to tEnd = 200, 0 diverged or stiff\n`);
  });

  it("class.npy, final.npy and the metric grids have the engine's shapes, dtypes and values", () => {
    const cls = readNpy(out('small', 'class.npy'));
    expect([cls.dtype, cls.shape]).toEqual(['u1', [ny, nx]]);
    expect(Array.from(cls.data as Uint8Array)).toEqual(Array.from(engine.classes));
    expect(new Set(cls.data as Uint8Array)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    const final = readNpy(out('small', 'final.npy'));
    expect([final.dtype, final.shape]).toEqual(['f4', [ny, nx, 3]]);
    expect(Array.from(final.data as Float32Array)).toEqual(Array.from(engine.finalState));
    const ids = ['s', 'tauEff', 'collapseTime', 'tSettled', 'steps'];
    for (const [k, id] of ids.entries()) {
      const m = readNpy(out('small', `${id}.npy`));
      expect([m.dtype, m.shape]).toEqual(['f4', [ny, nx]]);
      expect(Array.from(m.data as Float32Array), id).toEqual(Array.from({ length: nx * ny }, (_, c) => engine.metrics[c * ids.length + k]));
    }
    const csv = readFileSync(out('small', 'grid.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('p0,weightDecay,class,w,p,wa,s,tauEff,collapseTime,tSettled,steps');
    expect(csv).toHaveLength(1 + nx * ny);
    expect(csv[1 + 5 * nx + 7].split(',')[2]).toBe(CLASS_BY_CODE[engine.classes[5 * nx + 7]]);
  });

  it('raw.png has one pixel per cell in its class colour, y upward; figure.png is the 2× figure', () => {
    const raw = decode(readFileSync(out('small', 'raw.png')));
    expect([raw.width, raw.height]).toEqual([nx, ny]);
    for (let c = 0; c < nx * ny; c++) {
      const i = c % nx;
      const j = (c - i) / nx;
      const k = ((ny - 1 - j) * nx + i) * raw.channels;
      expect(Array.from(raw.data.subarray(k, k + 3))).toEqual(rgb(CLASSES[CLASS_BY_CODE[engine.classes[c]]].color));
    }
    const fig = decode(readFileSync(out('small', 'figure.png')));
    expect([fig.width, fig.height]).toEqual([1800, 1240]);
    const svg = readFileSync(out('small', 'figure.svg'), 'utf8');
    expect(svg).toContain('>η (weight decay)</text>');
    expect(svg).toContain('data-id="eta-star"');
  });

  it('the manifest has the filled-in spec, legend, axes, names, adapter, versions, times, rate and counts', () => {
    const m = JSON.parse(readFileSync(out('small', 'manifest.json'), 'utf8'));
    expect(parseSpec(m.spec).values).toEqual(parseSpec(small).values);
    expect(m.spec.params).toEqual({ augmentation: 0, predictorLr: 1, emaRate: 0.4, tau: 1, target: 'simsiam' });
    expect(m.model).toMatchObject({ id: 'tian-l2', status: 'paper' });
    expect(m.legend.map((l: { id: string }) => l.id)).toEqual(['collapsed', 'non-collapsed', 'diverged']);
    expect(m.axes.x).toHaveLength(nx);
    expect(m.axes.y[ny - 1]).toBeCloseTo(0.3, 12);
    expect(m.state.map((s: { id: string }) => s.id)).toEqual(['w', 'p', 'wa']);
    expect(m.metrics.map((s: { id: string }) => s.id)).toEqual(['s', 'tauEff', 'collapseTime', 'tSettled', 'steps']);
    expect(m.spec.settle).toEqual({ tol: 1e-6, hold: 0.5 });
    // The adapter Chromium's WebGPU reported (vendor / architecture …), as the summary printed it.
    expect(m.adapter).toMatch(/^[^/]+( \/ [^/]+)+$/);
    expect(m.adapter).not.toMatch(/unknown adapter|unnamed adapter/);
    expect(run.stdout).toContain(`  adapter: ${m.adapter}\n`);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(m.package.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(m.package.commit.startsWith(head)).toBe(true);
    expect(Date.parse(m.timings.endedAt)).toBeGreaterThanOrEqual(Date.parse(m.timings.startedAt));
    // Early exit: cells stop when their fate is decided, so the work is the steps metric summed.
    const steps = readNpy(out('small', 'steps.npy')).data as Float32Array;
    const total = steps.reduce((a, b) => a + b, 0);
    expect(m.timings.instanceSteps).toBe(total);
    expect(total).toBeLessThan(nx * ny * 2000);
    expect(m.steps).toEqual({ total, meanPerCell: total / (nx * ny), maxPerCell: Math.max(...steps) });
    const tSettled = readNpy(out('small', 'tSettled.npy')).data as Float32Array;
    const settled = tSettled.filter((t) => t >= 0).length;
    expect(settled).toBeGreaterThan(0);
    expect(m.ends).toEqual({ settled, ranToTEnd: nx * ny - settled, divergedOrStiff: 0 });
    expect(m.timings.instanceStepsPerSecond).toBeCloseTo(m.timings.instanceSteps / (m.timings.ms / 1000), 3);
    expect(m.run.wallMs).toBeGreaterThan(m.run.kernelMs);
    const count = (code: number) => engine.classes.filter((c) => c === code).length;
    expect(m.counts).toEqual({ collapsed: count(0), 'non-collapsed': count(1), diverged: 0 });
    const b = JSON.parse(readFileSync(out('pair-2', 'manifest.json'), 'utf8'));
    expect([b.model.id, b.model.status, b.source]).toEqual(['bao-cosine', 'reconstruction', 'pair.json[1]']);
    expect(readFileSync(out('pair-2', 'figure.svg'), 'utf8')).toContain('<g class="badge">');
  });

  it('3 tiles run as separate processes, merged, equal the single run cell for cell', async () => {
    const tiles = await Promise.all(
      [0, 1, 2].map((i) => cli(['run', 'small.json', '--tile', `${i}/3`, '--out', `tile-${i}`, '--quiet'], { cwd: dir })),
    );
    expect(tiles.map((t) => [t.code, errorLines(t)])).toEqual([
      [0, []],
      [0, []],
      [0, []],
    ]);
    expect(readNpy(join(dir, 'tile-1', 'class.npy')).shape).toEqual([4, nx]);
    expect(JSON.parse(readFileSync(join(dir, 'tile-1', 'manifest.json'), 'utf8')).tile).toEqual({
      index: 1,
      count: 3,
      rows: { start: 4, end: 8 },
    });
    const merged = await cli(['merge', 'tile-2', 'tile-0', 'tile-1', '--out', 'merged'], { cwd: dir });
    expect([merged.code, errorLines(merged)]).toEqual([0, []]);
    for (const f of [
      'class.npy',
      'final.npy',
      's.npy',
      'tauEff.npy',
      'collapseTime.npy',
      'tSettled.npy',
      'steps.npy',
      'grid.csv',
      'raw.png',
      'figure.svg',
    ]) {
      expect(readFileSync(join(dir, 'merged', f)).equals(readFileSync(out('small', f))), f).toBe(true);
    }
    const single = JSON.parse(readFileSync(out('small', 'manifest.json'), 'utf8'));
    const whole = JSON.parse(readFileSync(join(dir, 'merged', 'manifest.json'), 'utf8'));
    expect([whole.counts, whole.steps, whole.ends, whole.spec]).toEqual([single.counts, single.steps, single.ends, single.spec]);
    expect(whole.timings.instanceSteps).toBe(single.timings.instanceSteps);
    expect(existsSync(join(dir, 'merged', 'figure.png'))).toBe(true);
    const missing = await cli(['merge', 'tile-2', 'tile-0', '--out', 'm2'], { cwd: dir });
    expect([missing.code, errorLines(missing)]).toEqual([2, ['collapse-atlas: merge: tile 1/3 missing']]);
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...small, integrator: { dt: 0.1, tEnd: 100 } }));
    await cli(['run', 'other.json', '--tile', '1/3', '--out', 'other-1', '--quiet'], { cwd: dir });
    const mixed = await cli(['merge', 'tile-0', 'other-1', 'tile-2', '--out', 'm3'], { cwd: dir });
    expect([mixed.code, errorLines(mixed)]).toEqual([
      2,
      ['collapse-atlas: merge: other-1 comes from a different spec than tile-0 (spec.integrator.tEnd differs)'],
    ]);
    expect(existsSync(join(dir, 'm2')) || existsSync(join(dir, 'm3'))).toBe(false);
  });
});
