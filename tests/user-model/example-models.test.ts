// The example model files in models/: they compile to kernels without validation errors, their WGSL
// (f32) agrees with their f64 functions, and tian-l2 rewritten as data gives exactly the built-in
// tian-l2's classes on every preset, in f64 and on the GPU.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tianL2 } from '../../src/models/tian-l2.js';
import { CLASS_BY_CODE, type Preset } from '../../src/models/types.js';
import { parseSpec } from '../../src/sweep/spec.js';
import '../../src/user-model/accept.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { getSweepPipelines } from '../../src/engine/gpu-pipelines.js';
import { compileUserModel } from '../../src/user-model/compile.js';
import { worstFinalStateGap } from '../support/cells.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;
const read = (name: string) => JSON.parse(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), 'utf8'));
const files = { lorenz: read('lorenz'), 'tian-l2': read('tian-l2') };

/** Preset `p` of a model (a built-in id or a model file) at n × n, its duration capped at tEnd. */
function presetSpec(model: string | object, p: Preset, n: number, tEnd?: number) {
  const integrator = { ...p.spec.integrator, ...(tEnd ? { tEnd: Math.min(tEnd, p.spec.integrator?.tEnd ?? tEnd) } : {}) };
  return parseSpec({ model, ...p.spec, x: { ...p.spec.x, n }, y: { ...p.spec.y, n }, integrator });
}

describe('example model files', () => {
  it.each(Object.entries(files))('%s compiles, and its presets are valid specs', (_name, file) => {
    const model = compileUserModel(file);
    expect(model.status).toBe('user');
    expect(model.presets.length).toBeGreaterThan(0);
    for (const p of model.presets) expect(() => presetSpec(file, p, 8)).not.toThrow();
  });

  it('Lorenz: the state, rates and overlays are the closed forms', () => {
    const model = compileUserModel(files.lorenz);
    const P = Float64Array.of(10, 28, 8 / 3, 1, 0, 0);
    const y = Float64Array.of(1, 2, 3);
    const dy = new Float64Array(3);
    model.rhs(y, P, dy);
    expect([...dy]).toEqual([10 * (2 - 1), 1 * (28 - 3) - 2, 1 * 2 - (8 / 3) * 3]);
    expect([...model.initialState(P)]).toEqual([1, 0, 0]);
    const [pitchfork, hopf] = model.overlays({ x: { param: 'sigma', min: 2, max: 20 }, y: { param: 'rho', min: 0, max: 40 }, values: P });
    expect(pitchfork.points.every(([, r]) => r === 1)).toBe(true);
    // ρ_H = σ(σ + β + 3)/(σ − β − 1), drawn where it lies inside the plot (σ from about 5).
    const rhoH = (s: number) => (s * (s + 8 / 3 + 3)) / (s - 8 / 3 - 1);
    for (const [s, r] of hopf.points) expect(r).toBeCloseTo(rhoH(s), 10);
    expect(hopf.points[0][0]).toBeCloseTo(5.02, 2);
    expect(rhoH(10)).toBeCloseTo(24.7368, 4);
  });

  it('tian-l2 as data: the same initial state and right-hand side as the built-in, bit for bit', () => {
    const data = compileUserModel(files['tian-l2']);
    expect(data.params.map((p) => p.id)).toEqual(tianL2.params.map((p) => p.id));
    for (const target of [0, 1, 2]) {
      const P = Float64Array.of(0.04, 0.5, 2, 0.4, 0.7, target, 0.3, -1e30, 0.1);
      const y = Float64Array.of(0.2, -0.4, 0.15);
      const [a, b] = [new Float64Array(3), new Float64Array(3)];
      data.rhs(y, P, a);
      tianL2.rhs(y, P, b);
      expect([...a]).toEqual([...b]);
      expect([...data.initialState(P)]).toEqual([...tianL2.initialState(P)]);
    }
  });

  // P5 (ema-rate) takes a fixed step of 0.01 to t = 5000 without a proved early exit: in f64 it runs
  // at 24² to t = 100 (the generated f64 functions are closures, ~20× slower than a hand-written rhs).
  it.each(tianL2.presets.map((p, k) => [p.id, k, k === 4 ? 24 : 48, k === 4 ? 100 : 400] as const))(
    'tian-l2 as data, preset %s: the same classes and end states in f64',
    (_id, k, n, tEnd) => {
      const data = compileUserModel(files['tian-l2']);
      const builtIn = runSweepCpu(presetSpec('tian-l2', tianL2.presets[k], n, tEnd));
      const fromFile = runSweepCpu(presetSpec(files['tian-l2'], data.presets[k], n, tEnd));
      expect(fromFile.spec.model.variant).toMatch(/^file-/);
      expect([...fromFile.classes]).toEqual([...builtIn.classes]);
      expect([...fromFile.finalState]).toEqual([...builtIn.finalState]);
      // Both classes occur: the preset crosses its boundary even at 48².
      expect(new Set(builtIn.classes).size).toBeGreaterThan(1);
    },
  );
});

describe.runIf(device)('example model files on the GPU', () => {
  it.each(Object.entries(files))('%s compiles without validation errors, fixed-step and adaptive', async (_name, file) => {
    const model = compileUserModel(file);
    for (const [method, adaptive] of [
      ['rk4', false],
      ['dp5', true],
    ] as const) {
      await withErrorScopes(device!, () => getSweepPipelines(device!, { model, method, adaptive, axes: { x: 0, y: 1 } }));
    }
  });

  it("Lorenz: the generated WGSL (f32) follows the f64 functions on a 24² σ–ρ grid to t = 1 (the DiffEqGPU problem's span)", async () => {
    const p = compileUserModel(files.lorenz).presets[0];
    const spec = parseSpec({
      model: files.lorenz,
      ...p.spec,
      x: { ...p.spec.x, n: 24 },
      y: { ...p.spec.y, n: 24 },
      integrator: { method: 'rk4', dt: 0.01, tEnd: 1 },
      settle: false,
    });
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    expect(worstFinalStateGap(gpu, cpu)).toBeLessThan(1e-4);
    // The readout r = |(x, y, z)| too, computed in the kernel.
    const M = spec.model.readouts.length + 3;
    for (let cell = 0; cell < 24 * 24; cell++)
      expect(Math.abs(gpu.metrics[cell * M] - cpu.metrics[cell * M])).toBeLessThan(1e-3 * (1 + cpu.metrics[cell * M]));
  });

  it.each(tianL2.presets.map((p, k) => [p.id, k] as const))(
    'tian-l2 as data, preset %s at 48²: the same classes as the hand-written kernel',
    async (_id, k) => {
      const data = compileUserModel(files['tian-l2']);
      const builtIn = await withErrorScopes(device!, () => runSweepGpu(device!, presetSpec('tian-l2', tianL2.presets[k], 48)));
      const fromFile = await withErrorScopes(device!, () => runSweepGpu(device!, presetSpec(files['tian-l2'], data.presets[k], 48)));
      const differ = [...builtIn.classes].flatMap((c, cell) =>
        c === fromFile.classes[cell] ? [] : [`${cell}: ${CLASS_BY_CODE[c]} vs ${CLASS_BY_CODE[fromFile.classes[cell]]}`],
      );
      expect(differ).toEqual([]);
    },
  );
});
