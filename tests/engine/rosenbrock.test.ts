// rosenbrock23 through the engine: only a model with a Jacobian (a model file) takes it; on a stiff
// model file (Prothero–Robinson, exact u = sin ωt) it is accurate in f64 where dp5 needs 30 000 steps
// a cell; and the WGSL stepper (f32, with its LU solve) follows the f64 reference on the GPU.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/sweep/spec.js';
import '../../src/user-model/accept.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { buildKernel } from '../../src/engine/kernel.js';
import { luFactor, luSolve, rosenbrock23 } from '../../src/integrators/rosenbrock.js';
import linearSolveWgsl from '../../shaders/integrators/linear-solve.wgsl?raw';
import { evaluateWgsl } from '../support/wgsl-harness.js';
import { tianL2 } from '../../src/models/tian-l2.js';
import { compileUserModel } from '../../src/user-model/compile.js';
import { worstFinalStateGap } from '../support/cells.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import type { SweepResult } from '../../src/engine/result.js';
import { modelsText } from '../../src/cli/models.js';

const device = (await testDevice())?.device;
const readJson = (url: URL) => JSON.parse(readFileSync(url, 'utf8'));
const prothero = readJson(new URL('../fixtures/model-files/prothero-robinson.json', import.meta.url));
const lorenz = readJson(new URL('../../models/lorenz.json', import.meta.url));

/** Prothero–Robinson on a k × ω grid: k from 1e2 to 1e5 (log), ω from 0.5 to 2, to t = 10. */
function stiffSpec(method: string, extra: Record<string, unknown> = {}) {
  return parseSpec({
    model: prothero,
    x: { param: 'k', min: 1e2, max: 1e5, n: 4, scale: 'log' },
    y: { param: 'omega', min: 0.5, max: 2, n: 3 },
    integrator: { method, dt: 1e-3, tEnd: 10, rtol: 1e-4, atol: 1e-7, ...extra },
    settle: false,
  });
}

/** Each cell's u at t = 10 and its step attempts (the last engine metric). */
function cells(r: SweepResult) {
  const M = r.spec.model.readouts.length + 3;
  const omegas = [0.5, 1.25, 2];
  return Array.from({ length: 12 }, (_, c) => ({
    u: r.finalState[2 * c],
    exact: Math.sin(omegas[Math.floor(c / 4)] * 10),
    steps: r.metrics[c * M + M - 1],
  }));
}

describe('rosenbrock23 needs a Jacobian', () => {
  const message =
    "rosenbrock23 needs the Jacobian ∂f/∂y, and tian-l2 has none: only a model file's right-hand side is differentiated (built-in models run rk4, rk38, dp5, tsit5)";

  it('a built-in model is refused by name, in the spec and at the kernel', () => {
    const spec = { model: 'tian-l2', x: { param: 'weightDecay', min: 0, max: 0.1, n: 4 }, integrator: { method: 'rosenbrock23' } };
    expect(() => parseSpec(spec)).toThrow(`integrator.method: ${message}`);
    expect(() => buildKernel(tianL2, rosenbrock23)).toThrow(message);
  });

  it('a model file takes it, and lists it among its methods', () => {
    expect(stiffSpec('rosenbrock23').integrator).toMatchObject({ method: 'rosenbrock23', adaptive: true, rtol: 1e-4, atol: 1e-7 });
    expect(() => stiffSpec('euler')).toThrow('integrator.method: unknown integrator "euler" (known: rk4, rk38, dp5, tsit5, rosenbrock23)');
    const kernel = buildKernel(compileUserModel(prothero), rosenbrock23);
    expect(kernel.prelude).toContain('const kGamma = 0.2928932309150696;');
    expect(kernel.code).toContain('fn jacobian(y: State, P: Params) -> array<f32, 4> {');
  });

  it('`collapse-atlas models` offers it for a model file, not for a built-in model', () => {
    const lines = modelsText([{ path: 'pr.json', model: compileUserModel(prothero) }]).split('\n');
    const offers = lines.filter((l) => l.includes('integrator defaults'));
    expect(offers.at(-1)).toBe('  integrator defaults: rk4, dt = 0.001, tEnd = 10 (also rk38; adaptive dp5, tsit5; stiff: rosenbrock23)');
    expect(offers.filter((l) => l.includes('rosenbrock23'))).toHaveLength(1);
  });
});

describe('rosenbrock23 in f64 on a stiff model file', () => {
  it('follows sin ωt for k up to 1e5 in 279 … 1559 steps a cell; dp5 needs 3·10⁴ at k = 1e4', () => {
    const ros = cells(runSweepCpu(stiffSpec('rosenbrock23')));
    for (const c of ros) {
      expect(Math.abs(c.u - c.exact)).toBeLessThan(1e-4);
      expect(c.steps).toBeLessThan(2500);
    }
    // One dp5 row only (k = 1e2 … 1e4 at ω = 0.5): at its stability limit h ≈ 3.3/k.
    const dp = runSweepCpu(
      parseSpec({
        model: prothero,
        params: { omega: 0.5 },
        x: { param: 'k', min: 1e2, max: 1e4, n: 3, scale: 'log' },
        integrator: { method: 'dp5', dt: 1e-3, tEnd: 10, rtol: 1e-4, atol: 1e-7 },
        settle: false,
      }),
    );
    const M = dp.spec.model.readouts.length + 3;
    expect(dp.metrics[2 * M + M - 1]).toBeGreaterThan(2.5e4);
    expect(ros[2].steps * 20).toBeLessThan(dp.metrics[2 * M + M - 1]);
  });
});

describe.runIf(device)('rosenbrock23 on the GPU (WGSL, f32) against the f64 reference', () => {
  it('Prothero–Robinson, adaptive: every cell on sin ωt, as in f64', async () => {
    // atol 1e-5: in f32, k·(u − sin ωs) carries ~k·6e-8 of rounding (6e-3 at k = 1e5), and near
    // u = 0, where the error scale is atol alone, a smaller atol asks f32 for more than it has.
    const spec = stiffSpec('rosenbrock23', { atol: 1e-5 });
    const gpu = cells(await withErrorScopes(device!, () => runSweepGpu(device!, spec)));
    const cpu = cells(runSweepCpu(spec));
    gpu.forEach((c, k) => {
      expect(Math.abs(c.u - c.exact), `cell ${k}`).toBeLessThan(5e-4);
      expect(Math.abs(c.u - cpu[k].u), `cell ${k}`).toBeLessThan(5e-4);
      // f32 error estimates pick other steps, not other step counts by much.
      expect(Math.abs(c.steps - cpu[k].steps), `cell ${k}`).toBeLessThan(0.2 * cpu[k].steps);
    });
  });

  it('Prothero–Robinson, fixed steps of 0.05 (k·h up to 5000): the f64 states to f32 rounding', async () => {
    // The clock s is a state summed in f32: 200 steps of 0.05 to s ≈ 10 (ulp 1e-6) move sin ωs by ~1e-4.
    const spec = stiffSpec('rosenbrock23', { adaptive: false, dt: 0.05, rtol: undefined, atol: undefined });
    const gpu = cells(await withErrorScopes(device!, () => runSweepGpu(device!, spec)));
    const cpu = cells(runSweepCpu(spec));
    gpu.forEach((c, k) => {
      expect(Math.abs(c.u - cpu[k].u), `cell ${k}`).toBeLessThan(3e-4);
      expect(c.steps).toBe(200);
    });
  });

  it('Lorenz (a 3×3 solve) to t = 1 on an 8² σ–ρ grid', async () => {
    const spec = parseSpec({
      model: lorenz,
      x: { param: 'sigma', min: 2, max: 20, n: 8 },
      y: { param: 'rho', min: 0, max: 40, n: 8 },
      integrator: { method: 'rosenbrock23', dt: 0.01, tEnd: 1, rtol: 1e-6, atol: 1e-6 },
      settle: false,
    });
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    expect(worstFinalStateGap(gpu, cpu)).toBeLessThan(1e-3);
    expect([...gpu.classes]).toEqual([...cpu.classes]);
  });
});

/** A model file with n states and nothing else of interest: its prelude sizes the WGSL solve. */
const sized = (n: number) =>
  compileUserModel({
    id: `sized-${n}`,
    title: 'n states',
    state: Array.from({ length: n }, (_, d) => ({ id: `y${d}`, symbol: `y${d}`, initial: '0' })),
    params: [{ id: 'a', symbol: 'a', default: 1, min: 0, max: 2 }],
    rhs: Object.fromEntries(Array.from({ length: n }, (_, d) => [`y${d}`, 'a'])),
    classes: [{ class: 'collapsed', when: 'y0 < 0' }],
    otherwise: 'non-collapsed',
    defaults: { dt: 0.1, tEnd: 1 },
  });

describe.runIf(device)('LU with partial pivoting in WGSL (linear-solve.wgsl)', () => {
  // A[i][j] = (7i + 3j) mod 11 − 5 with A[0][0] = 0: the first pivot must come from another row.
  const entry = (i: number, j: number) => (i === 0 && j === 0 ? 0 : ((7 * i + 3 * j) % 11) - 5);
  const body = [
    '  var m: Matrix;',
    '  for (var i = 0u; i < kStateSize; i++) {',
    '    for (var j = 0u; j < kStateSize; j++) {',
    '      m[i * kStateSize + j] = f32((7u * i + 3u * j) % 11u) - 5.0;',
    '    }',
    '  }',
    '  m[0] = 0.0;',
    '  var piv: Pivots;',
    '  luFactor(&m, &piv);',
    '  var x = luSolve(&m, &piv, y);',
    '  for (var d = 0u; d < kStateSize; d++) {',
    '    out(d, x[d]);',
    '  }',
  ].join('\n');

  it.each([3, 6])('%d×%d (State a vec3, then an array): the f64 solution to f32 rounding', async (n) => {
    const model = sized(n);
    const points = 16;
    const inputs = new Float32Array(points * (n + 1));
    for (let k = 0; k < points; k++) {
      for (let d = 0; d < n; d++) inputs[k * (n + 1) + d] = Math.sin(1 + 3 * k + d);
      inputs[k * (n + 1) + n] = 1;
    }
    const gpu = await withErrorScopes(device!, () => evaluateWgsl(device!, model, linearSolveWgsl, body, inputs, n));
    const m = Float64Array.from({ length: n * n }, (_, e) => entry(Math.floor(e / n), e % n));
    const piv = new Uint32Array(n);
    luFactor(m, n, piv);
    expect(piv[0]).not.toBe(0);
    for (let k = 0; k < points; k++) {
      const x = Float64Array.from(inputs.subarray(k * (n + 1), k * (n + 1) + n));
      luSolve(m, n, piv, x);
      for (let d = 0; d < n; d++) expect(Math.abs(gpu[k * n + d] - x[d]), `point ${k}, x${d}`).toBeLessThan(1e-5 * (1 + Math.abs(x[d])));
    }
  });
});
