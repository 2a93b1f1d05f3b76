import { describe, expect, it } from 'vitest';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { kComputedSample, type RefinedResult } from '../../src/refine/refine.js';
import { runRefinedCpu, runRefinedGpu } from '../../src/refine/runners.js';
import { existsSync } from 'node:fs';
import { getModel, models } from '../../src/models/registry.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import type { SweepResult } from '../../src/engine/result.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { nearClassChange } from '../support/cells.js';
import { islandClassAt, islands, kIslandRadius2, kIslands } from '../fixtures/islands.js';
import { fullGridPath, presetAt, readFullGrid } from '../support/full-grid.js';

const device = (await testDevice())?.device;

const islandSpec = (refine: object | false) =>
  parseSpec(
    {
      model: 'islands',
      x: { param: 'a', min: 0, max: 127, n: 128 },
      y: { param: 'b', min: 0, max: 127, n: 128 },
      integrator: { method: 'rk4', dt: 0.5, tEnd: 1 },
      settle: false,
      refine,
    },
    [islands],
  );

const onIsland = (i: number, j: number) => kIslands.some(([a, b]) => (i - a) ** 2 + (j - b) ** 2 <= kIslandRadius2);

/** Integrated cells hold the full run's values bit for bit; inherited cells NaN; the masks agree with the stats. */
function expectHonest(refined: RefinedResult, full: SweepResult): void {
  const S = full.finalState.length / full.classes.length;
  const M = full.metrics.length / full.classes.length;
  let computed = 0;
  for (let c = 0; c < full.classes.length; c++) {
    const state = Array.from(refined.finalState.subarray(c * S, c * S + S));
    const metrics = Array.from(refined.metrics.subarray(c * M, c * M + M));
    if (refined.computed[c] === 0) {
      expect([...state, ...metrics].every(Number.isNaN), `inherited cell ${c} is NaN`).toBe(true);
      continue;
    }
    computed++;
    expect(refined.classes[c], `cell ${c}`).toBe(full.classes[c]);
    expect(state).toEqual(Array.from(full.finalState.subarray(c * S, c * S + S)));
    expect(metrics).toEqual(Array.from(full.metrics.subarray(c * M, c * M + M)));
  }
  expect(computed).toBe(refined.refine.computed);
  // Every round wrote into one result; the step attempts are the integrated cells' own.
  let steps = 0;
  for (let c = 0; c < full.classes.length; c++) if (refined.computed[c] !== 0) steps += full.metrics[c * M + M - 1];
  expect(refined.timings.instanceSteps).toBe(steps);
  expect(refined.refine.inherited).toBe(full.classes.length - computed);
  const sampled = refined.computed.filter((v) => v === kComputedSample).length;
  expect(sampled).toBe(refined.refine.sampleSize);
  expect(refined.refine.computedPerLevel.reduce((a, b) => a + b, 0) + sampled).toBe(computed);
}

describe('refine spec', () => {
  const base = { model: 'tian-l2', x: { param: 'p0', min: 0, max: 1, n: 256 }, y: { param: 'weightDecay', min: 0, max: 0.3, n: 128 } };
  it('resolves defaults, and false or absent means every cell', () => {
    expect(parseSpec(base).refine).toBe(false);
    expect(parseSpec({ ...base, refine: false }).refine).toBe(false);
    expect(parseSpec({ ...base, refine: {} }).refine).toEqual({
      coarse: 64,
      verify: 0.02,
      seed: 1,
      block: 4,
      uncertainty: { tighten: 100, f64: 32 },
    });
    expect(parseSpec({ ...base, refine: { coarse: 2, verify: 0, seed: 7 } }).refine).toEqual({
      coarse: 2,
      verify: 0,
      seed: 7,
      block: 128,
      uncertainty: { tighten: 100, f64: 32 },
    });
  });
  it('round-trips through specToJson (manifests), and an unrefined spec writes no refine field', () => {
    const refined = parseSpec({ ...base, refine: { coarse: 32, verify: 0.1, seed: 3 } });
    expect(specToJson(refined).refine).toEqual({ coarse: 32, verify: 0.1, seed: 3, uncertainty: { tighten: 100, f64: 32 } });
    expect(parseSpec(specToJson(refined)).refine).toEqual(refined.refine);
    expect('refine' in specToJson(parseSpec(base))).toBe(false);
  });
  it.each([
    [true, 'refine: expected false or an object (got true)'],
    [{ coarse: 0 }, 'refine.coarse: must be an integer ≥ 1 (got 0)'],
    [{ coarse: 48 }, 'refine.coarse: x.n must be coarse times a power of two (x.n = 256, coarse = 48, x.n / coarse = 5.333333333333333)'],
    [{ coarse: 1 }, 'refine.coarse: y.n must be a multiple of the block side x.n / coarse = 256 (y.n = 128)'],
    [{ verify: 1.5 }, 'refine.verify: must lie in [0, 1] (got 1.5)'],
    [{ seed: -1 }, 'refine.seed: must be an integer in [0, 2^32) (got -1)'],
    [{ coarse: 64, extra: 1 }, 'refine: unknown field "extra"'],
  ])('rejects %j', (refine, message) => {
    expect(() => parseSpec({ ...base, refine })).toThrow(message);
  });
});

describe('refinement against the full run (f64 runner, island fixture)', () => {
  const full = runSweepCpu(islandSpec(false));

  it('without verification, finds the line exactly and misses the islands, saying it sampled nothing', async () => {
    const refined = await runRefinedCpu(islandSpec({ coarse: 8, verify: 0 }));
    expectHonest(refined, full);
    const wrong: string[] = [];
    for (let j = 0; j < 128; j++) {
      for (let i = 0; i < 128; i++) {
        const want = onIsland(i, j) ? 'non-collapsed' : islandClassAt(i, j);
        if (CLASS_BY_CODE[refined.classes[j * 128 + i]] !== want) wrong.push(`(${i}, ${j})`);
      }
    }
    expect(wrong).toEqual([]);
    expect(refined.refine).toMatchObject({ sampleSize: 0, disagreements: 0, disagreementCells: [], block: 16, levels: 5 });
    expect(refined.refine.computed / 128 ** 2).toBeLessThan(0.15);
  });

  it('verification at 25 % finds every island (seed 1) and reports where', async () => {
    const refined = await runRefinedCpu(islandSpec({ coarse: 8, verify: 0.25, seed: 1 }));
    expectHonest(refined, full);
    expect(Array.from(refined.classes)).toEqual(Array.from(full.classes));
    expect(refined.refine.disagreements).toBeGreaterThanOrEqual(kIslands.length);
    for (const [i, j] of refined.refine.disagreementCells) expect(onIsland(i, j), `(${i}, ${j})`).toBe(true);
    for (const [a, b] of kIslands)
      expect(refined.refine.disagreementCells.some(([i, j]) => (i - a) ** 2 + (j - b) ** 2 <= kIslandRadius2)).toBe(true);
  });

  it('a band of rows refines on its own: blocks start at its first row, nothing outside it is touched', async () => {
    const rows = { start: 40, end: 88 };
    const band = await runRefinedCpu(islandSpec({ coarse: 8, verify: 0.25, seed: 1 }), { rows });
    const inBand = (c: number) => c >= rows.start * 128 && c < rows.end * 128;
    expect(band.computed.every((v, c) => inBand(c) || v === 0)).toBe(true);
    expect(band.classes.every((k, c) => inBand(c) || k === 0)).toBe(true);
    expect(band.finalState.every((v, c) => inBand(Math.floor(c / 2)) || v === 0)).toBe(true);
    expect(band.refine.cells).toBe(48 * 128);
    // Rows 40 … 87: the line a + b = 190.5 and the island at (51, 83) are in it, and both are right.
    const wrong = Array.from(band.classes.subarray(rows.start * 128, rows.end * 128)).filter(
      (k, c) => k !== full.classes[rows.start * 128 + c],
    );
    expect(wrong).toEqual([]);
    // A representative of the band's first block row lies 8 rows into it (blocks start at row 40).
    expect(band.computed[48 * 128 + 8]).toBe(1);
  });

  it('finds a 21-cell island at the rate the sample predicts: 1 − (1 − verify)^21 ≈ 35 % at verify = 0.02', async () => {
    let found = 0;
    let reported = 0;
    const trials = 30;
    for (let seed = 1; seed <= trials; seed++) {
      const refined = await runRefinedCpu(islandSpec({ coarse: 8, verify: 0.02, seed }));
      for (const [a, b] of kIslands) {
        const whole = refined.classes[b * 128 + a] === CLASSES.collapsed.code;
        const hit = refined.refine.disagreementCells.some(([i, j]) => (i - a) ** 2 + (j - b) ** 2 <= kIslandRadius2);
        expect(whole, `seed ${seed}: an island is refined exactly when the sample hit it`).toBe(hit);
        found += Number(whole);
        reported += Number(hit);
      }
      // Whatever the sample missed, every cell off the islands is right.
      const wrong = refined.classes.filter((k, c) => k !== full.classes[c] && !onIsland(c % 128, Math.floor(c / 128)));
      expect(wrong.length, `seed ${seed}`).toBe(0);
    }
    const rate = found / (trials * kIslands.length);
    // 90 trials at p = 0.346: σ ≈ 0.05; 4σ either side.
    expect(rate).toBeGreaterThan(0.346 - 0.2);
    expect(rate).toBeLessThan(0.346 + 0.2);
    expect(reported).toBe(found);
  });
});

describe.runIf(device)('refinement on the GPU', () => {
  it('the island fixture refines on the GPU exactly as with the f64 runner', async () => {
    const spec = islandSpec({ coarse: 8, verify: 0.25, seed: 1 });
    const gpu = await withErrorScopes(device!, () => runRefinedGpu(device!, spec, { maxCellsPerTile: 500 }));
    const cpu = await runRefinedCpu(spec);
    expect(Array.from(gpu.classes)).toEqual(Array.from(cpu.classes));
    expect(Array.from(gpu.computed)).toEqual(Array.from(cpu.computed));
    expect(gpu.refine).toEqual(cpu.refine);
  });

  it("tian-l2/weight-decay-threshold at 128²: integrated cells hold the full run's values bit for bit", async () => {
    const preset = getModel('tian-l2')!.presets.find((p) => p.id === 'weight-decay-threshold')!;
    const full = await runSweepGpu(device!, parseSpec(presetAt('tian-l2', preset, 128, false)), { budgetMs: 200 });
    const refined = await runRefinedGpu(device!, parseSpec(presetAt('tian-l2', preset, 128, { coarse: 32, uncertainty: false })), {
      budgetMs: 200,
    });
    expectHonest(refined, full);
  });
});

// Every preset at 256² against its full-grid reference (every cell integrated with the preset's own
// integrator and early exit; scripts/refine-references.ts), but those below, each with its reason.
const kNoReference: Record<string, string> = {
  'halvagal-isoloss/spectrum-cosine': 'its full grid takes minutes on SwiftShader (the closure issue)',
  'halvagal-isoloss/training-step-cosine-floor':
    'a training-step map of 3000 steps in every cell (no early exit before the floor): the full 256² grid takes minutes on SwiftShader',
  'halvagal-isoloss/fig2-training-step':
    'a training-step map of 1500 steps of ten modes in every cell: the full 256² grid takes minutes on SwiftShader',
  'halvagal-isoloss/fig2-trajectory':
    'a trajectory preset: the figure is the inspected cell, the slice around it only context (fixed horizon, 1500 steps)',
  'halvagal-isoloss/fig5-euclidean':
    'a trajectory preset: the figure is the inspected cell, the slice around it only context (fixed horizon, 1500 steps)',
  'halvagal-isoloss/fig5-cosine':
    'a trajectory preset: the figure is the inspected cell, the slice around it only context (fixed horizon, 1500 steps)',
};
const references = models.flatMap((m) =>
  m.presets.filter((p) => existsSync(fullGridPath(m.id, p.id))).map((preset) => ({ model: m.id, preset, key: `${m.id}/${preset.id}` })),
);

describe.runIf(device)('every preset refined at 256²', () => {
  it('has a reference for every preset but those exempted with a reason', () => {
    const all = models.flatMap((m) => m.presets.map((p) => `${m.id}/${p.id}`));
    expect(all.filter((k) => !references.some((r) => r.key === k))).toEqual(Object.keys(kNoReference));
  });
  it.each(references)('$key: equal off the boundary, ≤ 0.1 % overall, ≤ 15 % of cells integrated', async ({ model, preset }) => {
    const n = 256;
    const full = readFullGrid(model, preset.id);
    const refined = await runRefinedGpu(device!, parseSpec(presetAt(model, preset, n, { coarse: 64, uncertainty: false })), {
      budgetMs: 200,
    });
    const near = nearClassChange(full.classes, n, n, 8);
    const off: string[] = [];
    let differ = 0;
    for (let c = 0; c < n * n; c++) {
      if (refined.classes[c] === full.classes[c]) continue;
      differ++;
      if (!near[c]) off.push(`(${c % n}, ${Math.floor(c / n)})`);
    }
    expect(off, 'cells off the boundary whose class differs').toEqual([]);
    expect(differ / (n * n)).toBeLessThanOrEqual(0.001);
    expect(refined.refine.computed / (n * n)).toBeLessThan(0.15);
  });
});
