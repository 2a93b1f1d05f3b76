import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/sweep/spec.js';
import { integrateCell, runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runRefinedCpu } from '../../src/refine/runners.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { buildKernel } from '../../src/engine/kernel.js';
import { integrateFixed } from '../../src/integrators/stepper.js';
import { mapTableau } from '../../src/integrators/map.js';
import { rk4 } from '../../src/integrators/tableaus.js';
import { CLASSES } from '../../src/models/types.js';
import { tianL2 } from '../../src/models/tian-l2.js';
import { exactFlow, gradientStep } from '../fixtures/gradient-step.js';
import { oscillator } from '../fixtures/oscillator.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;
const available = [gradientStep, oscillator, tianL2];

/** The map iterated by hand, the definition the engine must reproduce. */
function iterate(a: number, eta: number, w0: number, steps: number): number[] {
  const ws = [w0];
  const y = Float64Array.of(w0);
  const out = new Float64Array(1);
  for (let n = 0; n < steps; n++) {
    gradientStep.map!.step(y, Float64Array.of(a, eta, w0), out);
    y.set(out);
    ws.push(y[0]);
  }
  return ws;
}

const grid = (integrator: object, settle: object | false = false) =>
  parseSpec(
    {
      model: 'gradient-step',
      x: { param: 'a', min: -1, max: 1, n: 16 },
      y: { param: 'eta', min: 0.05, max: 0.9, n: 8, scale: 'linear' },
      integrator,
      settle,
    },
    available,
  );

describe('integrator "map": a model\'s training step, one per unit of time', () => {
  it('is refused, with the model named, where a model has no map, and its own fields are checked', () => {
    const spec = (model: string, integrator: object) => () =>
      parseSpec(
        {
          model,
          x: { param: model === 'tian-l2' ? 'weightDecay' : 'a', min: 0, max: 1, n: 4 },
          y: { param: model === 'tian-l2' ? 'augmentation' : 'w0', min: 0.1, max: 1, n: 4 },
          integrator,
        },
        available,
      );
    expect(spec('tian-l2', { method: 'map' })).toThrow(
      'integrator.method: tian-l2 has no training-step map; "map" runs a model\'s discrete training step, and tian-l2 is a flow only (integrators: rk4, rk38, dp5, tsit5)',
    );
    expect(spec('gradient-step', { method: 'map', tEnd: 2.5 })).toThrow(
      'integrator.tEnd: a map runs a whole number of training steps in [1, ',
    );
    expect(spec('gradient-step', { method: 'map', dt: 0.5 })).toThrow(
      'integrator.dt: a map steps by exactly 1 (one training step per unit of time; got 0.5)',
    );
    expect(spec('gradient-step', { method: 'map', rtol: 1e-6 })).toThrow(
      'integrator.rtol: a map takes no rtol (it applies one training step per unit of time)',
    );
    expect(spec('gradient-step', { method: 'euler' })).toThrow(
      'integrator.method: unknown integrator "euler" (known: rk4, rk38, dp5, tsit5, map)',
    );
    expect(() => buildKernel(oscillator, mapTableau)).toThrow('model oscillator has no training-step map: integrator "map" needs one');
    expect(grid({ method: 'map' }).integrator).toEqual({
      method: 'map',
      dt: 1,
      tEnd: 200,
      steps: 200,
      adaptive: false,
      rtol: 0,
      atol: 0,
      dtMin: 0,
      dtMax: 0,
    });
  });

  it('f64: applies the map exactly tEnd times, bit for bit, a sign flip included (η·a = 1.8)', () => {
    const spec = grid({ method: 'map', tEnd: 37 });
    for (const [a, eta] of [
      [1, 0.3],
      [-0.5, 0.6],
      [1, 1.8],
    ]) {
      const out = integrateCell(gradientStep, Float64Array.of(a, eta, 0.1), spec);
      const ws = iterate(a, eta, 0.1, 37);
      expect(out.steps).toBe(37);
      expect(out.end).toBe('done');
      expect(out.state[0]).toBe(ws[37]);
    }
    expect(iterate(1, 1.8, 0.1, 37).some((w) => w < 0)).toBe(true);
  });

  it('t_c is the first step at which the map counts as collapsed (no interpolation between steps)', () => {
    const ws = iterate(-0.5, 0.6, 0.1, 200);
    const first = ws.findIndex((w) => Math.abs(w) < 1e-3);
    expect(first).toBeGreaterThan(1);
    expect(integrateCell(gradientStep, Float64Array.of(-0.5, 0.6, 0.1), grid({ method: 'map' })).collapseTime).toBe(first);
  });

  it('tends to the flow as η → 0, with first-order error in η', () => {
    const errors = [0.1, 0.05, 0.025, 0.0125].map((eta) => {
      const steps = Math.round(4 / eta);
      return Math.abs(iterate(1, eta, 0.1, steps)[steps] - exactFlow(1, eta, 0.1, steps));
    });
    for (let k = 1; k < errors.length; k++) {
      expect(Math.log2(errors[k - 1] / errors[k])).toBeGreaterThan(0.95);
      expect(Math.log2(errors[k - 1] / errors[k])).toBeLessThan(1.1);
    }
    // And the engine's own flow run agrees with the closed form, so the comparison is map vs flow.
    const flow = integrateFixed(rk4, (y, out) => gradientStep.rhs(y, Float64Array.of(1, 0.0125, 0.1), out), [0.1], 0.5, 640);
    expect(flow[0]).toBeCloseTo(exactFlow(1, 0.0125, 0.1, 320), 9);
  });

  it('at η·a > 1 the map oscillates around √a while the flow converges to it', () => {
    // A period-2 orbit (0.73, 1.14) straddling the fixed point w = 1.
    const ws = iterate(1, 1.2, 0.1, 2000);
    expect(Math.abs(ws[2000] - ws[1999])).toBeGreaterThan(0.4);
    expect(Math.min(ws[2000], ws[1999])).toBeLessThan(1);
    expect(Math.max(ws[2000], ws[1999])).toBeGreaterThan(1);
    expect(Math.abs(ws[2000] - ws[1998])).toBeLessThan(1e-9);
    expect(exactFlow(1, 1.2, 0.1, 2000)).toBeCloseTo(1, 12);
  });

  it('refines like a flow; the uncertainty check re-runs nothing at a "tighter tolerance" (a map has none)', async () => {
    const spec = parseSpec(
      {
        model: 'gradient-step',
        x: { param: 'a', min: -1, max: 1, n: 32 },
        y: { param: 'eta', min: 0.05, max: 0.9, n: 32, scale: 'linear' },
        integrator: { method: 'map', tEnd: 300 },
        refine: { coarse: 8 },
      },
      available,
    );
    const refined = await runRefinedCpu(spec);
    const full = runSweepCpu({ ...spec, refine: false });
    expect(Array.from(refined.classes)).toEqual(Array.from(full.classes));
    expect(refined.refine.computed).toBeLessThan(32 * 32);
    expect(refined.uncertainty?.checked).toBe(0);
    expect(refined.uncertainty?.uncertain).toBe(0);
  });

  it.runIf(device)('WGSL (f32) runs the same map: classes, states, readouts and t_c of the f64 runner on a 16×8 grid', async () => {
    const spec = grid({ method: 'map', tEnd: 300 });
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    expect(Array.from(gpu.classes)).toEqual(Array.from(cpu.classes));
    for (let c = 0; c < 128; c++) {
      expect(gpu.finalState[c]).toBeCloseTo(cpu.finalState[c], 4);
      expect(gpu.metrics[c * 4]).toBeCloseTo(cpu.metrics[c * 4], 4);
      expect(gpu.metrics[c * 4 + 1]).toBe(cpu.metrics[c * 4 + 1]);
    }
    expect(new Set(cpu.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
  });

  it.runIf(device)('early exit stops settled cells before tEnd with the classes of the full run, on both runners', async () => {
    const full = grid({ method: 'map', tEnd: 3000 });
    const early = grid({ method: 'map', tEnd: 3000 }, { tol: 1e-6, hold: 0.5 });
    const gpuEarly = await withErrorScopes(device!, () => runSweepGpu(device!, early));
    const cpuEarly = runSweepCpu(early);
    const cpuFull = runSweepCpu(full);
    expect(Array.from(gpuEarly.classes)).toEqual(Array.from(cpuFull.classes));
    expect(Array.from(cpuEarly.classes)).toEqual(Array.from(cpuFull.classes));
    const steps = (r: typeof cpuFull) => Array.from({ length: 128 }, (_, c) => r.metrics[c * 4 + 3]);
    expect(steps(cpuFull).every((s) => s === 3000)).toBe(true);
    // Every cell with a ≥ 0.2 converges geometrically to √a (|1 − 2ηa| ≤ 0.98 a step) and must stop.
    const converging = Array.from({ length: 128 }, (_, c) => c).filter((c) => -1 + (2 * (c % 16)) / 15 >= 0.2 - 1e-12);
    expect(converging.length).toBe(56);
    for (const r of [cpuEarly, gpuEarly]) {
      const s = steps(r);
      expect(converging.filter((c) => s[c] < 3000)).toEqual(converging);
    }
  });
});
