// halvagal-isoloss beyond A4 (shared/science/halvagal-isoloss.md §8): the exact cosine expectation
// (X7/X8) in the model's own flow, the training step as a map (§8.2) and the Gaussian initial spectra
// of the paper's figures (§8.3), in f64 and on the GPU.
import { describe, expect, it } from 'vitest';
import { halvagalIsoloss as family } from '../../src/models/halvagal-isoloss.js';
import { ix } from '../../src/models/halvagal-isoloss-flow.js';
import { gaussianSpectrum } from '../../src/models/halvagal-isoloss-spectrum.js';
import { choiceIndex, type Model, type ParamVector } from '../../src/models/types.js';
import { integrateCell, runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { RkStepper } from '../../src/integrators/stepper.js';
import { rk4 } from '../../src/integrators/tableaus.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { seededRandom } from '../../src/util/random.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;

function values(over: Record<string, number | string>): ParamVector {
  return Float64Array.from(family.params, (p) => {
    const v = over[p.id] ?? p.default;
    return p.kind === 'choice' ? choiceIndex(family, p.id, String(v)) : Number(v);
  });
}

const lambdasOf = (y: Float64Array, M: number, alpha = 1) => Array.from(y.subarray(0, M), (l) => Math.exp(2 * alpha * l));

/** Applies the model's training step n times from its initial state; `each` sees every state. */
function steps(over: Record<string, number | string>, n: number, each?: (y: Float64Array) => void) {
  const P = values(over);
  const model: Model = family.instantiate!(P);
  let y: Float64Array = model.initialState(P);
  let next: Float64Array = new Float64Array(y.length);
  for (let k = 0; k < n; k++) {
    model.map!.step(y, P, next);
    [y, next] = [next, y];
    each?.(y);
  }
  return { P, model, y };
}

/** rk4 on the model's flow to tEnd (no early exit); `each` sees every state. */
function flowTo(over: Record<string, number | string>, tEnd: number, dt: number, each?: (y: Float64Array) => void) {
  const P = values(over);
  const model: Model = family.instantiate!(P);
  const y = model.initialState(P);
  const stepper = new RkStepper(rk4, y.length);
  for (let k = 0; k < Math.round(tEnd / dt); k++) {
    stepper.step((a, o) => model.rhs(a, P, o), y, dt);
    each?.(y);
  }
  return { P, model, y };
}

describe('halvagal-isoloss: the exact cosine expectation (X7/X8) in the model', () => {
  it('conserves Σf (cosine) and Σλf (IsoLoss-cosine) to 1e-9 relative along a trajectory at wd = 0', () => {
    for (const [loss, power] of [
      ['cosine', 1],
      ['isoloss-cosine', 2],
    ] as const) {
      const over = { loss, cosineExpectation: 'exact', modes: 4, learningRate: 0.1, lambda0: 0.02, lambda0Ratio: 25 };
      const invariant = (y: Float64Array) => lambdasOf(y, 4).reduce((s, l) => s + l ** power, 0);
      const P = values(over);
      const before = invariant(family.instantiate!(P).initialState(P));
      let drift = 0;
      const end = flowTo(over, 40, 0.02, (y) => (drift = Math.max(drift, Math.abs(invariant(y) / before - 1))));
      expect(drift).toBeLessThan(1e-9);
      const lam = lambdasOf(end.y, 4);
      expect(Math.max(...lam) / Math.min(...lam)).toBeLessThan(25 / 2); // it did move towards isotropy
    }
  });

  it('ends where A4 ends (the conservation law picks λ*), but reaches 0.9 λ* at other times', () => {
    const run = (cosineExpectation: string) => {
      const P = values({ loss: 'cosine', cosineExpectation, modes: 2, learningRate: 0.1, lambda0: 0.01, lambda0Ratio: 50 });
      const model = family.instantiate!(P);
      const out = integrateCell(model, P, parseSpec({ model: 'halvagal-isoloss', ...specOf(P), integrator: adaptive(3000) }));
      return { lam: Array.from(out.readouts.subarray(2, 4)), reach: out.readouts[0] };
    };
    const exact = run('exact');
    const meanField = run('mean-field');
    for (let m = 0; m < 2; m++) expect(exact.lam[m]).toBeCloseTo(meanField.lam[m], 5);
    expect(exact.reach).toBeGreaterThan(0);
    // §8: up to ×5 at M = 2 with a strong spread; here the slow mode's time differs by more than 20 %.
    expect(Math.abs(exact.reach / meanField.reach - 1)).toBeGreaterThan(0.2);
  });
});

const adaptive = (tEnd: number) => ({ method: 'dp5', dt: 0.1, tEnd, rtol: 1e-7, atol: 1e-9 });

/** The spec fields (params, initial) that reproduce P, with a dummy 2 × 2 slice. */
function specOf(P: ParamVector) {
  const params: Record<string, number | string> = {};
  const initial: Record<string, number | string> = {};
  family.params.forEach((p, k) => {
    if (p.id === 'weightDecay' || p.id === 'lambda0') return;
    (p.role === 'initial' ? initial : params)[p.id] = p.kind === 'choice' ? p.options[P[k]] : P[k];
  });
  return {
    params,
    initial,
    x: { param: 'weightDecay', min: P[ix.weightDecay], max: P[ix.weightDecay] + 1e-9, n: 2 },
    y: { param: 'lambda0', min: P[ix.lambda0], max: P[ix.lambda0] * (1 + 1e-9), n: 2 },
  };
}

describe('halvagal-isoloss: the training step as a map (§8.2)', () => {
  it('tends to the flow as η → 0 at a fixed η·steps, with first-order error in η', () => {
    const errors = [0.02, 0.01, 0.005].map((eta) => {
      const n = Math.round(8 / eta);
      // ε = 0: its ε/η shift of a stable state would dominate the O(η) error at small η.
      const over = { loss: 'euclidean', modes: 2, learningRate: eta, lambda0: 0.1, lambda0Ratio: 4, symmetryBreaking: 0 };
      const map = lambdasOf(steps(over, n).y, 2);
      const flow = lambdasOf(flowTo(over, n, 0.5).y, 2);
      return Math.max(...map.map((l, m) => Math.abs(l - flow[m])));
    });
    for (let k = 1; k < errors.length; k++) {
      expect(Math.log2(errors[k - 1] / errors[k]), `errors ${errors}`).toBeGreaterThan(0.8);
      expect(Math.log2(errors[k - 1] / errors[k]), `errors ${errors}`).toBeLessThan(1.2);
    }
  });

  it('at η = 1, α = 2, λ₀ = 0.5 (Euclidean) the step oscillates around λ* = 1 while the flow converges to it', () => {
    const over = { loss: 'euclidean', modes: 1, learningRate: 1, predictorExponent: 2, lambda0: 0.5 };
    const trail: number[] = [];
    steps(over, 2000, (y) => trail.push(lambdasOf(y, 1, 2)[0]));
    // §8.2: the step's multiplier at λ* is 1 − 2αη = −3, so λ* repels: the toy wanders around it (0.33 at its end).
    const tail = trail.slice(-100);
    expect(Math.min(...tail)).toBeLessThan(0.5);
    expect(Math.max(...tail)).toBeGreaterThan(1);
    expect(Math.abs(lambdasOf(flowTo(over, 200, 0.01).y, 1, 2)[0] - 1)).toBeLessThan(1e-6);
  });

  it('cosine + weight decay: the step settles on the floor λ ≈ 0.015–0.018 (M = 4), the flow collapses', () => {
    for (const weightDecay of [0.02, 0.05]) {
      const over = {
        loss: 'cosine',
        cosineExpectation: 'exact',
        modes: 4,
        learningRate: 0.1,
        weightDecay,
        lambda0: 0.01,
        lambda0Ratio: 50,
      };
      const { y, model, P } = steps(over, 3000);
      for (const l of lambdasOf(y, 4)) {
        expect(l).toBeGreaterThan(0.0144);
        expect(l).toBeLessThan(0.0182);
      }
      expect(model.classify(y, y, P)).toBe('non-collapsed');
      const flow = flowTo(over, 3000, 0.5);
      expect(flow.model.classify(flow.y, flow.y, flow.P)).toBe('collapsed');
      // Without symmetry breaking the spectrum turns isotropic to the last bit and the step follows the flow down.
      const exactSymmetric = steps({ ...over, symmetryBreaking: 0 }, 3000);
      expect(Math.max(...lambdasOf(exactSymmetric.y, 4))).toBeLessThan(1e-3);
      // The floor does not depend on ε.
      for (const symmetryBreaking of [1e-9, 1e-4]) {
        for (const l of lambdasOf(steps({ ...over, symmetryBreaking }, 3000).y, 4)) expect(Math.abs(l - 0.0163)).toBeLessThan(0.0021);
      }
    }
  });

  it('a step that carries u through zero flips the sign relative to an EMA target, and stays finite', () => {
    // 1 + r = 1 − η λ(s11 λ − s21) = −0.44 at λ₀ = 1.8: the first Euclidean step carries u through zero.
    const over = { loss: 'euclidean', target: 'ema', modes: 1, learningRate: 1, lambda0: 1.8, emaTime: 50 };
    const signs: number[] = [];
    const { y } = steps(over, 200, (s) => signs.push(s[3]));
    expect(signs[0]).toBe(-1);
    expect(y.every(Number.isFinite)).toBe(true);
    expect(signs.every((s) => s === 1 || s === -1)).toBe(true);
  });

  it('is refused with a message where tEnd is not a whole number of steps; runs by default for 1500 steps', () => {
    const spec = (integrator: object) =>
      parseSpec({
        model: 'halvagal-isoloss',
        x: { param: 'weightDecay', min: 0, max: 0.1, n: 2 },
        y: { param: 'lambda0', min: 0.01, max: 0.1, n: 2 },
        integrator,
      });
    expect(spec({ method: 'map' }).integrator.tEnd).toBe(1500);
    expect(() => spec({ method: 'map', tEnd: 10.5 })).toThrow('integrator.tEnd: a map runs a whole number of training steps');
  });
});

describe('halvagal-isoloss: Gaussian initial spectra (§8.3)', () => {
  it('draws eig(G Gᵀ) of G = randn(M, N) from the seed: trace and Frobenius norm of G Gᵀ, ascending, reproducible', () => {
    const e = gaussianSpectrum(2, 15, 10);
    const { normal } = seededRandom(2);
    const G = Array.from({ length: 10 }, () => Array.from({ length: 15 }, normal));
    const F = G.map((r) => G.map((s) => r.reduce((acc, g, k) => acc + g * s[k], 0)));
    const trace = F.reduce((s, row, i) => s + row[i], 0);
    const frobenius = F.flat().reduce((s, v) => s + v * v, 0);
    expect(e.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
    expect(e.reduce((s, v) => s + v * v, 0)).toBeCloseTo(frobenius, 7);
    expect([...e].every((v, m) => m === 0 || v >= e[m - 1])).toBe(true);
    expect(gaussianSpectrum(2, 15, 10)).toBe(e);
    expect(gaussianSpectrum(3, 15, 10)[0]).not.toBe(e[0]);
    expect(() => gaussianSpectrum(1, 3, 4)).toThrow(
      'halvagal-isoloss: a Gaussian initial spectrum needs inputDim N ≥ modes M (got N = 3, M = 4): W0 W0ᵀ would have zero eigenvalues',
    );
  });

  it('λ_m(0) = (s₀² e_m)^α in the initial state; the seed and N are structural (one kernel per draw)', () => {
    const over = { initialSpectrum: 'gaussian', modes: 10, inputDim: 15, initSeed: 2, initScale: 0.25, predictorExponent: 0.5 };
    const P = values(over);
    const model = family.instantiate!(P);
    const e = gaussianSpectrum(2, 15, 10);
    lambdasOf(model.initialState(P), 10, 0.5).forEach((l, m) => {
      expect(l).toBeCloseTo((e[m] / 16) ** 0.5, 12);
    });
    expect(family.instantiate!(values({ ...over, initScale: 0.5 }))).toBe(model);
    expect(family.instantiate!(values({ ...over, initSeed: 3 }))).not.toBe(model);
    expect(model.variant).toBe('modes=10,target=simsiam,cosineExpectation=mean-field,spectrum=gaussian');
  });
});

describe.runIf(device)('halvagal-isoloss: exact closure, training step and Gaussian spectra on the GPU against f64', () => {
  const cases = [
    ['cosine flow, exact, EMA', { loss: 'cosine', cosineExpectation: 'exact', target: 'ema', modes: 3, learningRate: 0.1 }, adaptive(400)],
    [
      'cosine step, exact',
      { loss: 'isoloss-cosine', cosineExpectation: 'exact', modes: 3, learningRate: 0.1 },
      { method: 'map', tEnd: 400 },
    ],
    [
      'Euclidean step, Gaussian spectrum',
      { loss: 'euclidean', modes: 10, learningRate: 0.01, initialSpectrum: 'gaussian', inputDim: 15, initSeed: 2 },
      { method: 'map', tEnd: 1500 },
    ],
  ] as const;
  it.each(cases)('%s: same classes, final λ within 1e-3 relative', async (_name, params, integrator) => {
    const gaussian = 'initialSpectrum' in params;
    const spec = parseSpec({
      model: 'halvagal-isoloss',
      params: Object.fromEntries(Object.entries(params).filter(([k]) => !['initialSpectrum', 'inputDim', 'initSeed'].includes(k))),
      initial: gaussian ? { initialSpectrum: 'gaussian', inputDim: 15, initSeed: 2 } : { lambda0Ratio: 20 },
      x: gaussian
        ? { param: 'initScale', min: 0.1, max: 0.5, n: 3, scale: 'log' }
        : { param: 'lambda0', min: 0.01, max: 3, n: 3, scale: 'log' },
      // wd ≤ 0.01: no cell reaches §8.2's floor, whose 2-cycles f32 and f64 may enter in opposite phase.
      y: { param: 'weightDecay', min: 0, max: 0.01, n: 2 },
      integrator,
      settle: false,
    });
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    const M = params.modes;
    const R = spec.model.readouts.length + 3;
    expect(Array.from(gpu.classes)).toEqual(Array.from(cpu.classes));
    for (let cell = 0; cell < 6; cell++) {
      for (let m = 0; m < M; m++) {
        const k = cell * R + M + m;
        expect(Math.abs(gpu.metrics[k] / cpu.metrics[k] - 1), `cell ${cell} λ${m}`).toBeLessThan(1e-3);
      }
    }
  });
});
