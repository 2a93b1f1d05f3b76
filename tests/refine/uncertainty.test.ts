// The uncertainty layer: the finest cells of a refined run re-run at a tighter tolerance and, for a
// seeded sample, with the f64 reference; a class that flips marks the cell uncertain.
import { describe, expect, it } from 'vitest';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { UNCERTAIN_PRECISION, UNCERTAIN_TOLERANCE } from '../../src/engine/result.js';
import { runRefinedCpu, runRefinedGpu } from '../../src/refine/runners.js';
import { f64Sample, finestCells, tighterSpec } from '../../src/refine/uncertainty.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { sensitive } from '../fixtures/sensitive.js';

const device = (await testDevice())?.device;
const n = 64;
const cells = (pred: (c: number) => boolean) => Array.from({ length: n * n }, (_, c) => c).filter(pred);

// RK4 at dt = 0.5 over tEnd = 4 decays by 0.3 % too little, so near a = −ln(c)/4 its class is wrong; dt/2 moves the boundary.
const toleranceSpec = (refine: object | false) =>
  parseSpec(
    {
      model: 'sensitive',
      params: { b: 0 },
      x: { param: 'a', min: 0.9, max: 1.1, n },
      y: { param: 'c', min: Math.exp(-4.4), max: Math.exp(-3.6), n },
      integrator: { method: 'rk4', dt: 0.5, tEnd: 4 },
      settle: false,
      refine,
    },
    [sensitive],
  );
// y stays 1 + b: the f32 kernel rounds 1 + b and c to steps of 6e−8 to 1.2e−7, the f64 reference does not.
const precisionSpec = (refine: object | false) =>
  parseSpec(
    {
      model: 'sensitive',
      params: { a: 0 },
      x: { param: 'b', min: -1e-7, max: 1e-7, n },
      y: { param: 'c', min: 1 - 1e-7, max: 1 + 1e-7, n },
      integrator: { method: 'rk4', dt: 0.5, tEnd: 4 },
      settle: false,
      refine,
    },
    [sensitive],
  );

describe('refine.uncertainty in the spec', () => {
  const base = { model: 'tian-l2', x: { param: 'p0', min: 0, max: 1, n: 64 }, y: { param: 'weightDecay', min: 0, max: 0.3, n: 64 } };
  it('defaults to rtol / 100 and 32 f64 cells, and round-trips; false turns it off', () => {
    expect(parseSpec({ ...base, refine: {} }).refine).toMatchObject({ uncertainty: { tighten: 100, f64: 32 } });
    expect(parseSpec({ ...base, refine: { uncertainty: false } }).refine).toMatchObject({ uncertainty: false });
    const spec = parseSpec({ ...base, refine: { uncertainty: { tighten: 10, f64: 0 } } });
    expect(specToJson(spec).refine).toEqual({ coarse: 64, verify: 0.02, seed: 1, uncertainty: { tighten: 10, f64: 0 } });
    expect(parseSpec(specToJson(spec)).refine).toEqual(spec.refine);
  });
  it.each([
    [{ tighten: 1 }, 'refine.uncertainty.tighten: must be a finite number > 1 (got 1)'],
    [{ f64: 2.5 }, 'refine.uncertainty.f64: must be an integer ≥ 0 (got 2.5)'],
    [{ f64: -1 }, 'refine.uncertainty.f64: must be an integer ≥ 0 (got -1)'],
  ])('rejects %j', (uncertainty, message) => {
    expect(() => parseSpec({ ...base, refine: { uncertainty } })).toThrow(message);
  });
  it('tightens rtol and atol of an adaptive run, halves a fixed step (ending at tEnd)', () => {
    const adaptive = tighterSpec(parseSpec({ ...base, integrator: { method: 'dp5', rtol: 1e-5, atol: 1e-8 } }), 100).integrator;
    expect([adaptive.rtol, adaptive.atol]).toEqual([1e-5 / 100, 1e-8 / 100]);
    const fixed = tighterSpec(parseSpec({ ...base, integrator: { method: 'rk4', dt: 0.3, tEnd: 1 } }), 100).integrator;
    expect([fixed.dt, fixed.steps]).toEqual([0.15, 7]);
  });
  it('draws the f64 sample by cell, not by list order', () => {
    const list = Uint32Array.from({ length: 500 }, (_, k) => 3 * k);
    const a = f64Sample(list, 20, 7);
    expect(a.length).toBe(20);
    expect(Array.from(f64Sample(list.slice().reverse(), 20, 7))).toEqual(Array.from(a));
    expect(Array.from(f64Sample(list, 20, 8))).not.toEqual(Array.from(a));
  });
});

describe('the f64 runner', () => {
  it('flags the finest cells whose class the halved step changes, and runs no f64 sample (it is f64)', async () => {
    const r = await runRefinedCpu(toleranceSpec({ coarse: 8, verify: 0 }));
    const half = runSweepCpu(tighterSpec(toleranceSpec(false), 100));
    const finest = new Set(finestCells(r));
    const want = cells((c) => finest.has(c) && half.classes[c] !== r.classes[c]);
    expect(cells((c) => r.uncertain![c] !== 0)).toEqual(want);
    expect(want.length).toBeGreaterThanOrEqual(8);
    expect(r.uncertain!.every((b) => b === 0 || b === UNCERTAIN_TOLERANCE)).toBe(true);
    expect(r.uncertainty).toMatchObject({
      checked: finest.size,
      flippedTolerance: want.length,
      f64Sample: 0,
      flippedPrecision: 0,
      noVerdict: 0,
      uncertain: want.length,
      tighter: { dt: 0.25 },
    });
    // Each flagged cell: the coarse step called it non-collapsed where the exact decay e^{−4a} < c collapses it.
    for (const c of want) {
      const a = 0.9 + (0.2 * (c % n)) / (n - 1);
      const cc = Math.exp(-4.4) + ((Math.exp(-3.6) - Math.exp(-4.4)) * Math.floor(c / n)) / (n - 1);
      expect([Math.exp(-4 * a) < cc, r.classes[c]], `cell ${c}`).toEqual([true, 1]);
    }
    // The check leaves the result as the refinement wrote it.
    const plain = await runRefinedCpu(toleranceSpec({ coarse: 8, verify: 0, uncertainty: false }));
    expect(Array.from(r.classes)).toEqual(Array.from(plain.classes));
    expect(Array.from(r.finalState)).toEqual(Array.from(plain.finalState));
    expect('uncertain' in plain).toBe(false);
  });
});

describe.runIf(device)('on the GPU', () => {
  it('tolerance: the flagged cells are the finest whose class a full run at dt/2 changes', async () => {
    const r = await withErrorScopes(device!, () =>
      runRefinedGpu(device!, toleranceSpec({ coarse: 8, verify: 0 }), { maxCellsPerTile: 300 }),
    );
    const full = await runSweepGpu(device!, toleranceSpec(false));
    const half = await runSweepGpu(device!, tighterSpec(toleranceSpec(false), 100));
    const finest = new Set(finestCells(r));
    const tolerance = cells((c) => finest.has(c) && half.classes[c] !== full.classes[c]);
    expect(tolerance.length).toBeGreaterThanOrEqual(8);
    expect(cells((c) => (r.uncertain![c] & UNCERTAIN_TOLERANCE) !== 0)).toEqual(tolerance);
    expect(r.uncertainty!.flippedTolerance).toBe(tolerance.length);
  });

  it("precision: the flagged cells are the f64 sample's cells where the f64 reference disagrees", async () => {
    const r = await withErrorScopes(device!, () =>
      runRefinedGpu(device!, precisionSpec({ coarse: 8, verify: 0, seed: 3, uncertainty: { f64: 64 } })),
    );
    const gpu = await runSweepGpu(device!, precisionSpec(false));
    const cpu = runSweepCpu(precisionSpec(false));
    const sample = new Set(f64Sample(finestCells(r), 64, 3));
    expect(sample.size).toBe(64);
    const precision = cells((c) => sample.has(c) && gpu.classes[c] !== cpu.classes[c]);
    expect(precision.length).toBeGreaterThanOrEqual(3);
    expect(cells((c) => r.uncertain![c] !== 0)).toEqual(precision);
    expect(r.uncertain!.every((b) => b === 0 || b === UNCERTAIN_PRECISION)).toBe(true);
    expect(r.uncertainty).toMatchObject({
      f64Sample: 64,
      flippedPrecision: precision.length,
      flippedTolerance: 0,
      uncertain: precision.length,
    });
    expect(r.uncertainty!.cells).toEqual(precision.map((c) => [c % n, Math.floor(c / n), UNCERTAIN_PRECISION]));
  });
});
