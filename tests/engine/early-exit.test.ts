// Early exit, adaptive steps and active-cell compaction: counted, checked against the fixed-horizon
// run and against known solutions. Nothing here times anything (speed is `npm run bench`).
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepGpu, type DispatchRecord } from '../../src/engine/gpu-runner.js';
import { integrateCell, runSweepCpu } from '../../src/engine/cpu-runner.js';
import { integrateFixed } from '../../src/integrators/stepper.js';
import { rk4 } from '../../src/integrators/tableaus.js';
import { CLASSES, STEPS, T_SETTLED, cellMetrics } from '../../src/models/types.js';
import type { SweepResult } from '../../src/engine/result.js';
import { exactPosition, oscillator } from '../fixtures/oscillator.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { nearClassChange } from '../support/cells.js';

const device = (await testDevice())?.device;

const tianSpec = {
  model: 'tian-l2',
  params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
  x: { param: 'p0', min: 0.01, max: 1, n: 24 },
  y: { param: 'weightDecay', min: 0.001, max: 0.3, n: 20 },
  integrator: { dt: 0.05, tEnd: 3000 },
};

/** The metric `id` of every cell. */
function metric(r: SweepResult, id: string): number[] {
  const metrics = cellMetrics(r.spec.model);
  const k = metrics.findIndex((m) => m.id === id);
  return Array.from({ length: r.nx * r.ny }, (_, c) => r.metrics[c * metrics.length + k]);
}

const oscillatorSpec = (integrator: object, settle: false | object = false, n = 3) =>
  parseSpec(
    { model: 'oscillator', x: { param: 'omega', min: 0.5, max: 1, n }, y: { param: 'x0', min: 1, max: 2, n: 2 }, integrator, settle },
    [oscillator],
  );

describe.runIf(device)('active-cell compaction', () => {
  it.each(['rk4', 'dp5'])('each %s dispatch integrates exactly the cells that still have work, counted on the GPU', async (method) => {
    const spec = parseSpec({ ...tianSpec, integrator: { ...tianSpec.integrator, method, tEnd: 300 } });
    const dispatches: DispatchRecord[] = [];
    const r = await withErrorScopes(device!, () =>
      runSweepGpu(device!, spec, { initialStepsPerDispatch: 8, budgetMs: 4, onDispatch: (d) => void dispatches.push(d) }),
    );
    // A cell takes one more attempt in every dispatch that lists it until it ends, so it is listed
    // in dispatch d exactly when its step count exceeds the attempts dispatched before d.
    const steps = metric(r, STEPS.id);
    const withWorkAfter = (attempts: number) => steps.filter((s) => s > attempts).length;
    let before = 0;
    for (const d of dispatches) {
      expect(d.invocations, `dispatch after ${before} attempts`).toBe(d.listed);
      expect(d.listed).toBe(withWorkAfter(before));
      before += d.stepCount;
      expect(d.active).toBe(withWorkAfter(before));
    }
    expect(dispatches.length).toBeGreaterThan(3);
    expect(dispatches.at(-1)!.active).toBe(0);
    // Cells leave along the way: the last dispatches list far fewer cells than the first.
    expect(dispatches.at(-1)!.listed).toBeLessThan(dispatches[0].listed / 4);
    expect(r.timings.instanceSteps).toBe(steps.reduce((a, b) => a + b, 0));
  });
});

describe.runIf(device)('early exit', () => {
  it('stops settled cells long before tEnd with the classes of the fixed-horizon run, on both runners', async () => {
    const early = parseSpec(tianSpec);
    const fixed = parseSpec({ ...tianSpec, settle: false });
    const [gpuEarly, gpuFixed] = [await runSweepGpu(device!, early), await runSweepGpu(device!, fixed)];
    const near = nearClassChange(gpuFixed.classes, 24, 20, 8);
    for (let c = 0; c < 24 * 20; c++) if (!near[c]) expect(gpuEarly.classes[c], `cell ${c}`).toBe(gpuFixed.classes[c]);
    expect(gpuEarly.timings.instanceSteps).toBeLessThan(gpuFixed.timings.instanceSteps / 10);
    expect(metric(gpuFixed, T_SETTLED.id).every((t) => t === -1)).toBe(true);
    const tSettled = metric(gpuEarly, T_SETTLED.id);
    expect(tSettled.filter((t) => t > 0 && t < 3000).length).toBeGreaterThan(0.9 * 24 * 20);
    // The f64 runner stops the same cells (within one class change of the boundary) after as many steps.
    const cpuEarly = runSweepCpu(early);
    for (let c = 0; c < 24 * 20; c++) if (!near[c]) expect(cpuEarly.classes[c], `cell ${c}`).toBe(gpuFixed.classes[c]);
    // f32 may stop a cell earlier than f64 where a fixed step stops changing its state (the stall).
    const ratio = gpuEarly.timings.instanceSteps / cpuEarly.timings.instanceSteps;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(1.25);
  });

  it('a settled non-collapsed cell ends within the settle tolerance of the fixed-horizon end state (f64)', () => {
    const early = parseSpec({ ...tianSpec, x: { ...tianSpec.x, n: 8 }, y: { ...tianSpec.y, n: 8 } });
    const fixed = parseSpec({ ...tianSpec, x: { ...tianSpec.x, n: 8 }, y: { ...tianSpec.y, n: 8 }, settle: false });
    const [a, b] = [runSweepCpu(early), runSweepCpu(fixed)];
    const tSettled = metric(a, T_SETTLED.id);
    let checked = 0;
    let worst = 0;
    for (let c = 0; c < 64; c++) {
      if (a.classes[c] !== CLASSES['non-collapsed'].code || tSettled[c] < 0) continue;
      checked++;
      const ya = a.finalState.subarray(3 * c, 3 * c + 3);
      const yb = b.finalState.subarray(3 * c, 3 * c + 3);
      const scale = Math.max(...Array.from(yb, Math.abs));
      worst = Math.max(worst, ...Array.from(ya, (v, d) => Math.abs(v - yb[d]) / scale));
    }
    expect(checked).toBeGreaterThan(20);
    // ‖f‖∞ ≤ tol·‖y‖∞ with tol = 1e-6, 1/λ ≤ 100 at these fixed points: at most 1e-4 from the end.
    expect(worst).toBeLessThan(1e-4);
  });

  it('settle: false runs every cell to tEnd, as before', async () => {
    const spec = oscillatorSpec({ method: 'rk4', dt: 0.1, tEnd: 5 });
    const r = await runSweepGpu(device!, spec);
    expect(metric(r, STEPS.id)).toEqual(new Array(6).fill(50));
    expect(metric(r, T_SETTLED.id)).toEqual(new Array(6).fill(-1));
  });
});

describe.runIf(device)('steps', () => {
  it('a fixed step that does not divide tEnd ends exactly at tEnd (the last step is shortened)', async () => {
    // tEnd = 1 with dt = 0.3: three steps of 0.3, then one of 0.1.
    const spec = oscillatorSpec({ method: 'rk4', dt: 0.3, tEnd: 1 });
    expect(spec.integrator.steps).toBe(4);
    const gpu = await runSweepGpu(device!, spec);
    const cpu = runSweepCpu(spec);
    const f = (y: Float64Array, out: Float64Array) => oscillator.rhs(y, Float64Array.of(0.5, 1), out);
    const byHand = integrateFixed(rk4, f, integrateFixed(rk4, f, [1, 0], 0.3, 3), 1 - 3 * 0.3, 1);
    expect(Array.from(cpu.finalState.subarray(0, 2))).toEqual(Array.from(byHand));
    expect(Math.abs(gpu.finalState[0] - exactPosition({ omega: 0.5, x0: 1 }, 1))).toBeLessThan(1e-5);
    expect(Math.abs(gpu.finalState[0] - cpu.finalState[0])).toBeLessThan(1e-6);
    expect(metric(gpu, STEPS.id)[0]).toBe(4);
  });

  it.each(['dp5', 'tsit5'])('%s: the global error on the oscillator follows rtol, in WGSL', async (method) => {
    const errors: number[] = [];
    const steps: number[] = [];
    for (const rtol of [1e-2, 1e-3, 1e-4, 1e-5]) {
      const spec = oscillatorSpec({ method, dt: 0.01, tEnd: 20, rtol, atol: rtol * 1e-3 });
      const r = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
      let worst = 0;
      for (let c = 0; c < 6; c++)
        worst = Math.max(
          worst,
          Math.abs(r.finalState[2 * c] - exactPosition({ omega: 0.5 + 0.25 * (c % 3), x0: 1 + Math.floor(c / 3) }, 20)),
        );
      errors.push(worst);
      steps.push(metric(r, STEPS.id).reduce((a, b) => a + b) / 6);
      expect(worst / rtol, `rtol ${rtol}`).toBeGreaterThan(1e-3);
      expect(worst / rtol, `rtol ${rtol}`).toBeLessThan(100);
    }
    for (let k = 1; k < 4; k++) expect(errors[k]).toBeLessThan(errors[k - 1]);
    // Steps grow like rtol^(−1/5) for a fifth-order pair: ×10^(1/5) ≈ 1.6 per decade.
    const growth = (steps[3] / steps[0]) ** (1 / 3);
    expect(growth).toBeGreaterThan(1.3);
    expect(growth).toBeLessThan(2.2);
  });

  it('a cell that needs a step below dtMin, or more than maxSteps, is latched stiff on both runners and stops', async () => {
    const budget = oscillatorSpec({ method: 'tsit5', dt: 0.01, tEnd: 1000, maxSteps: 40 });
    for (const r of [await runSweepGpu(device!, budget), runSweepCpu(budget)]) {
      expect(Array.from(r.classes)).toEqual(new Array(6).fill(CLASSES.stiff.code));
      expect(metric(r, STEPS.id)).toEqual(new Array(6).fill(40));
    }
    // Explicit stability ends near ω·dt ≈ 3.3: at ω = 10 no step ≥ dtMin = 0.5 is accurate, at ω = 1
    // a 0.5 step meets rtol 1e-2 and the cell runs on.
    const wide = parseSpec(
      {
        model: 'oscillator',
        x: { param: 'omega', min: 1, max: 10, n: 2 },
        y: { param: 'x0', min: 1, max: 2, n: 2 },
        integrator: { method: 'dp5', dt: 0.5, tEnd: 50, dtMin: 0.5, dtMax: 5, rtol: 1e-2 },
        settle: false,
      },
      [oscillator],
    );
    for (const r of [await runSweepGpu(device!, wide), runSweepCpu(wide)]) {
      expect(r.classes[1]).toBe(CLASSES.stiff.code);
      expect(r.classes[0]).toBe(CLASSES['non-collapsed'].code);
      expect(metric(r, STEPS.id)[1]).toBeLessThan(5);
    }
    expect(integrateCell(oscillator, Float64Array.of(10, 1), wide).end).toBe('stiff');
  });
});
