// `collapse-atlas trajectory`: one cell's derived series as CSV, a semilog figure and a manifest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { testDevice } from '../support/gpu.js';
import { cli, entries, type CliRun } from './support.js';
import { inProcess } from './in-process.js';

const device = (await testDevice())?.device;
let dir = '';
let run: CliRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-trajectory-'));
  if (device) run = await cli(['trajectory', 'halvagal-isoloss/fig5-euclidean', '--at', '0.5,0', '--out', 'tr', '--quiet'], { cwd: dir });
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collapse-atlas trajectory, bad input (exit 2, exact messages, no browser)', () => {
  it.each([
    [
      ['trajectory', 'tian-l2/weight-decay-threshold'],
      'collapse-atlas: trajectory: tian-l2 declares no derived series (Model.series) to plot; only models with series have a trajectory view\n',
    ],
    [
      ['trajectory', 'halvagal-isoloss/weight-decay-euclidean'],
      'collapse-atlas: trajectory: preset halvagal-isoloss/weight-decay-euclidean names no cell to inspect; give --at weightDecay,lambda0\n',
    ],
    [
      ['trajectory', 'halvagal-isoloss/fig2-trajectory', '--at', '0.25'],
      'collapse-atlas: trajectory --at: expected two numbers X,Y, the values of initScale and weightDecay (got "0.25")\n',
    ],
    [
      ['trajectory', 'halvagal-isoloss/fig2-trajectory', '--at', 'a,b'],
      'collapse-atlas: trajectory --at: expected two numbers X,Y, the values of initScale and weightDecay (got "a,b")\n',
    ],
    [
      ['trajectory', 'halvagal-isoloss/fig2-trajectory', '--at', '0.25,0.5'],
      "collapse-atlas: trajectory --at: weightDecay = 0.5 is outside the preset's axis [0, 0.02]\n",
    ],
  ])('%j', async (args, message) => {
    const r = await inProcess([...args, '--out', join(dir, 'never')]);
    expect(r).toEqual({ code: 2, stderr: message });
    expect(entries(dir)).not.toContain('never');
  });
});

describe.runIf(device)('collapse-atlas trajectory halvagal-isoloss/fig5-euclidean --at 0.5,0', () => {
  const out = (...p: string[]) => join(dir, 'tr', ...p);

  it('writes trajectory.csv, .svg, .png and manifest.json', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(entries(out())).toEqual(['manifest.json', 'trajectory.csv', 'trajectory.png', 'trajectory.svg']);
  });

  it('trajectory.csv: step, then λ of both modes; t = 0 … 1500, both λ end at 1 (Euclidean)', () => {
    const [head, ...rows] = readFileSync(out('trajectory.csv'), 'utf8').trim().split('\n');
    expect(head).toBe('step,eigenvalues_0,eigenvalues_1');
    const table = rows.map((r) => r.split(',').map(Number));
    const manifest = JSON.parse(readFileSync(out('manifest.json'), 'utf8'));
    expect(table.length).toBe(manifest.rows);
    expect(table.length).toBeGreaterThan(1000);
    expect(table[0][0]).toBe(0);
    expect(table.at(-1)![0]).toBe(1500);
    // 2·W0 of the figure: four times the s₀ = 0.25 spectrum (0.1641, 0.6678).
    expect(table[0][1]).toBeCloseTo(4 * 0.1641, 3);
    expect(table[0][2]).toBeCloseTo(4 * 0.6678, 3);
    for (const v of table.at(-1)!.slice(1)) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    expect(manifest).toMatchObject({
      kind: 'trajectory',
      preset: 'halvagal-isoloss/fig5-euclidean',
      cell: { initScale: 0.5, weightDecay: 0 },
      adapter: null,
      end: 'done',
      columns: ['step', 'eigenvalues_0', 'eigenvalues_1'],
    });
  });

  it('trajectory.png: 1800×1120 (900×560 at scale 2), both curves drawn in their colours; the SVG says log', () => {
    const png = decode(readFileSync(out('trajectory.png')));
    expect([png.width, png.height]).toEqual([1800, 1120]);
    const hex = (k: number) => [1, 3, 5].map((i) => Number.parseInt(schemeTableau10[k].slice(i, i + 2), 16));
    const count = (rgb: number[]) => {
      let n = 0;
      for (let p = 0; p < png.width * png.height; p++) {
        const d = rgb.reduce((s, c, i) => s + Math.abs(png.data[p * png.channels + i] - c), 0);
        if (d < 30) n++;
      }
      return n;
    };
    expect(count(hex(0))).toBeGreaterThan(600);
    expect(count(hex(1))).toBeGreaterThan(2000);
    const svg = readFileSync(out('trajectory.svg'), 'utf8');
    expect(svg).toContain('λ (log)');
    // The log axis's ticks over λ in [0.66, 2.7]: 1, 2 and 5 of each decade it spans.
    const ticks = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['0.1', '0.2', '0.5', '1', '2', '5', '10']);
    expect(svg).toContain('training steps');
  });
});
