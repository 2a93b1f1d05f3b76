// The commands a user types first, end to end through the real CLI: `models`, `preset ID --n 32` and
// `compare --preset ID --n 16`. Each result is checked against the f64 runner on the same spec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { models } from '../../src/models/registry.js';
import { CLASS_BY_CODE, CLASSES } from '../../src/models/types.js';
import { comparePresets } from '../../src/sweep/compare-presets.js';
import { compareAtResolution, DIFF, parseCompareSpec } from '../../src/sweep/compare.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import type { SweepResult } from '../../src/engine/result.js';
import { manifestSchema } from '../../src/export/manifest.js';
import { kFigureScale, kFigureSize } from '../../src/cli/outputs.js';
import { testDevice } from '../support/gpu.js';
import { cli, entries, errorLines, readNpy, type CliRun } from './support.js';

const device = (await testDevice())?.device;
const kPreset = { model: 'tian-l2', id: 'weight-decay-threshold', n: 32 };
const kCompare = { id: 'l2-vs-cosine', n: 16 };
/**
 * GPU (f32) and f64 may disagree on a cell whose fate is decided right at a class boundary; at most
 * this fraction of cells may differ (the model tests pin the per-cell agreement more tightly).
 */
const kMaxClassDisagreement = 0.01;

let dir = '';
let modelsRun: CliRun;
let modelsJsonRun: CliRun;
let presetRun: CliRun;
let compareRun: CliRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-commands-'));
  modelsRun = await cli(['models'], { cwd: dir });
  modelsJsonRun = await cli(['models', '--json'], { cwd: dir });
  if (!device) return;
  presetRun = await cli(['preset', `${kPreset.model}/${kPreset.id}`, '--n', String(kPreset.n), '--quiet'], { cwd: dir });
  compareRun = await cli(['compare', '--preset', kCompare.id, '--n', String(kCompare.n), '--quiet'], { cwd: dir });
}, 480_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const classesOf = (path: string) => readNpy(path).data as Uint8Array;
const disagreement = (a: Uint8Array, b: SweepResult) => a.filter((c, k) => c !== b.classes[k]).length / a.length;

describe('collapse-atlas models', () => {
  it('lists every registered model, each of its presets as MODEL/PRESET, and every comparison', () => {
    expect([modelsRun.code, errorLines(modelsRun)]).toEqual([0, []]);
    const lines = modelsRun.stdout.split('\n');
    for (const m of models) {
      expect(lines, m.id).toContain(`${m.id}: ${m.title}${m.status === 'reconstruction' ? '  [reconstruction]' : ''}`);
      expect(m.presets.length, m.id).toBeGreaterThan(0);
      for (const p of m.presets)
        expect(lines, `${m.id}/${p.id}`).toContain(`    ${m.id}/${p.id}: ${p.title} (${p.spec.x.n}×${p.spec.y.n})`);
    }
    for (const c of comparePresets) expect(lines, c.id).toContain(`  ${c.id}: ${c.title}`);
  });

  it('--json: one entry per model with its presets, each spec runnable as it is', () => {
    expect([modelsJsonRun.code, errorLines(modelsJsonRun)]).toEqual([0, []]);
    const listed = JSON.parse(modelsJsonRun.stdout) as Array<{ id: string; presets: Array<{ id: string; spec: unknown }> }>;
    expect(listed.map((m) => m.id)).toEqual(models.map((m) => m.id));
    for (const [k, m] of models.entries()) {
      expect(listed[k].presets.map((p) => p.id)).toEqual(m.presets.map((p) => `${m.id}/${p.id}`));
      for (const p of listed[k].presets) expect(() => parseSpec(p.spec), p.id).not.toThrow();
    }
  });
});

describe.runIf(device)('collapse-atlas preset', () => {
  const folder = `${kPreset.model}-${kPreset.id}`;
  const out = (...p: string[]) => join(dir, folder, ...p);

  it('writes every output to MODEL-PRESET, with a manifest that validates and adds up', () => {
    expect([presetRun.code, errorLines(presetRun)]).toEqual([0, []]);
    expect(entries(dir)).toEqual([`compare-${kCompare.id}`, folder]); // no partial folder
    expect(entries(out())).toEqual([
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
    const m = manifestSchema.parse(JSON.parse(readFileSync(out('manifest.json'), 'utf8')));
    const preset = models.find((x) => x.id === kPreset.model)!.presets.find((p) => p.id === kPreset.id)!;
    expect(m.preset).toEqual({ model: kPreset.model, id: kPreset.id, title: preset.title, caption: preset.caption });
    expect(m.source).toBe(`preset ${kPreset.model}/${kPreset.id}`);
    expect([m.axes.x.length, m.axes.y.length]).toEqual([kPreset.n, kPreset.n]);
    expect([m.axes.x[0], m.axes.x.at(-1), m.axes.y[0], m.axes.y.at(-1)]).toEqual([
      preset.spec.x.min,
      preset.spec.x.max,
      preset.spec.y.min,
      preset.spec.y.max,
    ]);
    const cells = kPreset.n * kPreset.n;
    const classes = classesOf(out('class.npy'));
    expect(readNpy(out('class.npy')).shape).toEqual([kPreset.n, kPreset.n]);
    const counts: Record<string, number> = Object.fromEntries(m.legend.map((l) => [l.id, 0]));
    for (const c of classes) counts[CLASS_BY_CODE[c]]++;
    expect(m.counts).toEqual(counts);
    expect(counts.collapsed).toBeGreaterThan(0);
    expect(counts['non-collapsed']).toBeGreaterThan(0);
    const steps = readNpy(out('steps.npy')).data as Float32Array;
    const total = steps.reduce((a, b) => a + b, 0);
    expect(m.steps).toEqual({ total, meanPerCell: total / cells, maxPerCell: Math.max(...steps) });
    expect(m.timings.instanceSteps).toBe(total);
    expect(m.ends.settled + m.ends.ranToTEnd + m.ends.divergedOrStiff).toBe(cells);
    expect(m.tReached).toBe(preset.spec.integrator?.tEnd);
    expect(m.run?.wallMs).toBeGreaterThan(0);
    const png = decode(readFileSync(out('figure.png')));
    expect([png.width, png.height]).toEqual([kFigureScale * kFigureSize.width, kFigureScale * kFigureSize.height]);
  });

  it('the classes agree with the f64 runner on the same spec', () => {
    const m = JSON.parse(readFileSync(out('manifest.json'), 'utf8'));
    const reference = runSweepCpu(parseSpec(m.spec));
    expect(disagreement(classesOf(out('class.npy')), reference)).toBeLessThanOrEqual(kMaxClassDisagreement);
  });
});

describe.runIf(device)('collapse-atlas compare --preset', () => {
  const out = (...p: string[]) => join(dir, `compare-${kCompare.id}`, ...p);

  it('writes both sides on the n×n grid, the diff of their classes, compare.json and the figure', () => {
    expect([compareRun.code, errorLines(compareRun)]).toEqual([0, []]);
    expect(entries(out())).toEqual(['a', 'b', 'compare.json', 'diff.npy', 'figure.png', 'figure.svg']);
    const a = classesOf(out('a', 'class.npy'));
    const b = classesOf(out('b', 'class.npy'));
    expect(a).toHaveLength(kCompare.n * kCompare.n);
    const diff = readNpy(out('diff.npy'));
    expect(diff.shape).toEqual([kCompare.n, kCompare.n]);
    const expected = Array.from(a, (ca, c) =>
      ca === CLASSES.diverged.code || b[c] === CLASSES.diverged.code ? DIFF.diverged : ca === b[c] ? DIFF.same : DIFF.differs,
    );
    expect(Array.from(diff.data as Uint8Array)).toEqual(expected);
    const json = JSON.parse(readFileSync(out('compare.json'), 'utf8'));
    expect(json.differing).toBe(expected.filter((d) => d === DIFF.differs).length);
    // The cosine loss moves the weight-decay boundary (the preset's point): some cells differ.
    expect(json.differing).toBeGreaterThan(0);
    expect(json.fraction).toBeCloseTo(json.differing / json.comparable, 12);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(out('a', 'manifest.json'), 'utf8')));
    expect(manifest.axes.x).toHaveLength(kCompare.n);
  });

  it('each side agrees with the f64 runner on the preset at n×n', () => {
    const cmp = parseCompareSpec(compareAtResolution(comparePresets.find((p) => p.id === kCompare.id)!.spec, kCompare.n));
    expect(disagreement(classesOf(out('a', 'class.npy')), runSweepCpu(cmp.a))).toBeLessThanOrEqual(kMaxClassDisagreement);
    expect(disagreement(classesOf(out('b', 'class.npy')), runSweepCpu(cmp.b))).toBeLessThanOrEqual(kMaxClassDisagreement);
  });
});
