// halvagal-isoloss with weight decay where the f32 kernel and the old formulation broke (issue 12): an
// EMA target collapsing under wd (0·∞ in f32: v/u overflows as λ underflows), and the SimSiam cosine
// losses, whose trace law (halvagal-isoloss.md §3, §8.2) fixes Q = Σf (cosine) or Σλf = Σf^{1+α}
// (IsoLoss-cosine) at Q0·e^{−kη·wd·t}, k = 2 or 2(1+α), whatever the spectrum: along f64 trajectories,
// on (wd, λ0) grids against the collapse the law proves by tEnd, and the GPU against f64.
import { describe, expect, it } from 'vitest';
import { halvagalIsoloss as family } from '../../src/models/halvagal-isoloss.js';
import { initialLambda, ix } from '../../src/models/halvagal-isoloss-flow.js';
import { choiceIndex, CLASSES, type ParamVector } from '../../src/models/types.js';
import { integrateCell, runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { axisValues, cellValues, parseSpec, type ResolvedSpec } from '../../src/sweep/spec.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;

/**
 * Parameters from the defaults with overrides, the cosine losses under the mean-field closure A4 (the
 * trace law holds under either; the exact closure's quadrature would make these f64 grids minutes long).
 */
function values(over: Record<string, number | string>): ParamVector {
  return Float64Array.from(family.params, (p) => {
    const v = over[p.id] ?? (p.id === 'cosineExpectation' ? 'mean-field' : p.default);
    return p.kind === 'choice' ? choiceIndex(family, p.id, String(v)) : Number(v);
  });
}

/** The fraction of cells where two runs give the same class. */
function agreement(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === b[k]) same++;
  return same / a.length;
}
const count = (classes: Uint8Array) => {
  const c: Record<string, number> = {};
  for (const k of classes) c[k] = (c[k] ?? 0) + 1;
  return c;
};
const engineFailures = (classes: Uint8Array) => classes.filter((k) => k === CLASSES.diverged.code || k === CLASSES.stiff.code).length;

describe('halvagal-isoloss: EMA target with weight decay', () => {
  // H4's axes (τ_ema, λ0) with wd = 0.2 (> s21²/(4 s11) is not needed: the EMA lag alone decides). Where
  // η·wd·τ_ema > 1 the target cannot follow u down, v/u grows like e^{(wd − 1/τ)t}; before the fix the
  // f32 kernel met λ = 0 with v/u = ∞ there: 297 of 1024 cells went `stiff` on SwiftShader (727
  // agreed with f64) and the run took 623 s; now v/u·λ is one exponential.
  const spec = parseSpec({
    model: family.id,
    params: { modes: 1, loss: 'euclidean', target: 'ema', weightDecay: 0.2 },
    x: { param: 'emaTime', min: 0.1, max: 100, n: 32, scale: 'log' },
    y: { param: 'lambda0', min: 0.01, max: 0.5, n: 32, scale: 'log' },
    integrator: { method: 'dp5', dt: 0.05, tEnd: 1000, rtol: 1e-5 },
  });

  it('f64: 864 of 1024 cells collapse, none diverged or stiff', () => {
    const cpu = runSweepCpu(spec);
    expect(count(cpu.classes)).toEqual({ [CLASSES.collapsed.code]: 864, [CLASSES['non-collapsed'].code]: 160 });
  });

  it.runIf(device)('32² on the GPU: no diverged or stiff cell, classes agree with f64 on ≥ 99 % (1024 of 1024 measured)', async () => {
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    expect(engineFailures(gpu.classes)).toBe(0);
    expect(agreement(gpu.classes, cpu.classes)).toBeGreaterThanOrEqual(0.99);
  });
});

describe('halvagal-isoloss: the cosine trace law with weight decay', () => {
  const k = (loss: string) => (loss === 'cosine' ? 2 : 4); // α = 1
  const Q = (y: Float64Array, loss: string) => Array.from(y.subarray(0, 8)).reduce((s, l) => s + Math.exp(k(loss) * l), 0);

  // 8 modes, λ0 = 0.1 … 5 (ρ0 = 50), η = 0.1, wd = 0.05, tsit5 to t = 2000 without early exit. Before the
  // fix the 1e-8 norm floor threw the collapsed state back up (cosine ended at λ ≈ 1.3e5, "non-collapsed";
  // IsoLoss-cosine went stiff after 1e6 steps at t ≈ 823 with Σλf 19 % off the law).
  it.each(['cosine', 'isoloss-cosine'])(
    '%s, wd = 0.05: Q = Q0·e^{−kη·wd·t} to 2e-5 relative at every step, collapsed at the end in < 1000 steps',
    (loss) => {
      const P = values({ modes: 8, loss, learningRate: 0.1, weightDecay: 0.05, lambda0: 0.1 });
      const model = family.instantiate!(P);
      const run = {
        integrator: parseSpec({
          model: family.id,
          params: { modes: 8 },
          x: { param: 'weightDecay', min: 0, max: 1, n: 2 },
          y: { param: 'lambda0', min: 0.1, max: 1, n: 2 },
          integrator: { method: 'tsit5', dt: 0.1, tEnd: 2000, rtol: 1e-5 },
        }).integrator,
        settle: false as const,
      };
      let q0 = -1;
      let worst = 0;
      const out = integrateCell(model, P, run, (t, y) => {
        if (q0 < 0) q0 = Q(y, loss);
        worst = Math.max(worst, Math.abs(Q(y, loss) / (q0 * Math.exp(-k(loss) * 0.1 * 0.05 * t)) - 1));
      });
      expect(q0).toBeCloseTo(
        Array.from({ length: 8 }, (_, m) => initialLambda(P, m, 8) ** (k(loss) / 2)).reduce((s, v) => s + v, 0),
        12,
      );
      expect(worst).toBeLessThan(2e-5);
      expect(out.end).toBe('done');
      expect(out.classCode).toBe(CLASSES.collapsed.code);
      expect(Math.max(...out.readouts.subarray(8, 16))).toBeLessThan(1e-8); // ≈ 3e-9 and 4e-9 measured
      expect(out.steps).toBeLessThan(1000); // 310 and 210 measured
      // Collapse at the time the law gives for an isotropic spectrum, λ = λ* e^{−2η·wd·t} reaching 1e-3
      // (the spectrum is isotropic well before): 727.5 and 767.6.
      const lambdaStar = out.readouts[8 * 2 + 2];
      expect(out.collapseTime).toBeCloseTo(Math.log(lambdaStar / 1e-3) / (2 * 0.1 * 0.05), -1);
    },
  );

  /** The (wd, λ0) grid, and the class the trace law proves at tEnd where it proves one. */
  function grid(loss: string, n: number): { spec: ResolvedSpec; proved: (number | undefined)[] } {
    const spec = parseSpec({
      model: family.id,
      params: { modes: 8, loss, learningRate: 0.1, cosineExpectation: 'mean-field' },
      x: { param: 'weightDecay', min: 0, max: 0.1, n, scale: 'linear' },
      y: { param: 'lambda0', min: 0.01, max: 1, n, scale: 'log' },
      integrator: { method: 'tsit5', dt: 0.1, tEnd: 2000, rtol: 1e-5 },
    });
    const xs = axisValues(spec.x);
    const ys = axisValues(spec.y);
    const proved: (number | undefined)[] = [];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const P = cellValues(spec, xs, ys, i, j);
        const kk = k(loss);
        const q0 = Array.from({ length: 8 }, (_, m) => initialLambda(P, m, 8) ** (kk / 2)).reduce((s, v) => s + v, 0);
        // Every λ_m ≤ Q^{2/k} (α = 1): below 1e-3 at tEnd proves collapse; wd = 0 conserves Q, and the
        // spectrum ends isotropic at a λ ≥ 0.01.
        const bound = Math.exp((2 / kk) * (Math.log(q0) - kk * P[ix.learningRate] * P[ix.weightDecay] * 2000));
        proved.push(bound < 1e-3 ? CLASSES.collapsed.code : P[ix.weightDecay] === 0 ? CLASSES['non-collapsed'].code : undefined);
      }
    }
    return { spec, proved };
  }
  const lawAgreement = (classes: Uint8Array, proved: (number | undefined)[]) => {
    const cells = proved.flatMap((p, c) => (p === undefined ? [] : [classes[c] === p ? 1 : 0]));
    return { cells: cells.length, agree: cells.reduce((s, v) => s + v, 0) };
  };

  it.each([
    ['cosine', 809],
    ['isoloss-cosine', 823],
  ] as const)('%s (wd, λ0) 32² in f64: every one of the %i cells where the law proves a class has it', (loss, cells) => {
    const { spec, proved } = grid(loss, 32);
    const cpu = runSweepCpu(spec);
    expect(engineFailures(cpu.classes)).toBe(0);
    expect(lawAgreement(cpu.classes, proved)).toEqual({ cells, agree: cells });
  });

  it.runIf(device).each(['cosine', 'isoloss-cosine'])(
    '%s (wd, λ0) 16² on the GPU: no diverged or stiff cell, classes agree with f64 on ≥ 99 % and with the law everywhere',
    async (loss) => {
      const { spec, proved } = grid(loss, 16);
      const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
      const cpu = runSweepCpu(spec);
      expect(engineFailures(gpu.classes)).toBe(0);
      expect(agreement(gpu.classes, cpu.classes)).toBeGreaterThanOrEqual(0.99);
      const law = lawAgreement(gpu.classes, proved);
      expect(law.agree).toBe(law.cells);
    },
  );

  it('classify calls a state with λ > 1e6 diverged (§6), whatever the engine bound on ln u says', () => {
    const P = values({ modes: 1 });
    const y = family.instantiate!(P).initialState(P);
    y[0] = Math.log(2e6) / 2;
    expect(family.instantiate!(P).classify(y, new Float64Array(y.length), P)).toBe('diverged');
    y[0] = Math.log(5e5) / 2;
    expect(family.instantiate!(P).classify(y, new Float64Array(y.length), P)).toBe('non-collapsed');
  });
});
