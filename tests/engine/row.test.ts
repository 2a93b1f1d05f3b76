import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import '../../src/user-model/accept.js';
import { axisValues, parseSpec, specToJson } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;
const lorenz = JSON.parse(readFileSync(new URL('../../models/lorenz.json', import.meta.url), 'utf8'));

/** The DiffEqGPU paper's problem as a 1-D sweep: ρ ∈ [0, 21], t ∈ [0, 1], 1000 RK4 steps. */
const row = (n: number) =>
  parseSpec({
    model: lorenz,
    params: { sigma: 10, beta: 8 / 3 },
    initial: { x0: 1, y0: 0, z0: 0 },
    x: { param: 'rho', min: 0, max: 21, n },
    integrator: { method: 'rk4', dt: 1e-3, tEnd: 1 },
    settle: false,
  });

describe('1-D sweeps: a spec without y is one row along x', () => {
  it('resolves to ny = 1 with every cell on x alone, and round-trips without a y', () => {
    const spec = row(8);
    expect([spec.x.n, spec.y.n]).toEqual([8, 1]);
    expect(Array.from(axisValues(spec.y))).toEqual([0]);
    expect(specToJson(spec).y).toBeUndefined();
    expect(parseSpec(specToJson(spec)).y).toEqual(spec.y);
  });

  it.runIf(device)('WGSL and f64 integrate the same row; ρ reaches each cell (the state at t = 1 moves with ρ)', async () => {
    const spec = row(64);
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    expect(cpu.finalState.length).toBe(64 * 3);
    for (let k = 0; k < 64 * 3; k++)
      expect(Math.abs(gpu.finalState[k] - cpu.finalState[k])).toBeLessThan(1e-3 * (1 + Math.abs(cpu.finalState[k])));
    const xs = Array.from({ length: 64 }, (_, i) => cpu.finalState[3 * i]);
    expect(new Set(xs.map((v) => v.toFixed(6))).size).toBe(64);
    expect(gpu.timings.instanceSteps).toBe(64 * 1000);
  });
});
