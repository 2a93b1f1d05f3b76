import { describe, expect, it } from 'vitest';
import { baoCosine as model } from '../../src/models/bao-cosine.js';
import {
  cosineCoefficients,
  criticalWeightDecay,
  growth,
  nonTrivialRoots,
  tianCriticalWeightDecay,
} from '../../src/models/bao-cosine-closed-form.js';
import { CLASSES, CLASS_BY_CODE, DERIVED, choiceIndex, paramIndex, type ParamVector, type SliceContext } from '../../src/models/types.js';
import { integrateCell, runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { QuietClock } from '../../src/engine/settle.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { integrateFixed } from '../../src/integrators/stepper.js';
import { rk4 } from '../../src/integrators/tableaus.js';

// f64 checks of the cosine-loss reconstruction against shared/science/bao-cosine.md §2B and §5.
// §5's Tian rows (reduced cubic, full 3-variable EMA system) are not covered: Tian's cubic is not an
// exact limit of this model inside its parameter ranges (it needs q = 0, i.e. τ = 0, which kills B),
// and the model has no τ dynamics. tests/models/tian-l2.test.ts owns them.

type Values = Record<string, number | string>;

/** A parameter vector from the defaults with overrides (choices by option name, 'derived' allowed). */
function params(over: Values = {}): ParamVector {
  const P = new Float64Array(model.params.length);
  model.params.forEach((p, i) => {
    const v = over[p.id] ?? p.default;
    if (p.kind === 'choice') P[i] = choiceIndex(model, p.id, String(v));
    else P[i] = v === 'derived' ? DERIVED : Number(v);
  });
  return P;
}

function run(P: ParamVector, tEnd: number, dt = 0.1) {
  const f = (y: Float64Array, out: Float64Array) => model.rhs(y, P, out);
  const y = integrateFixed(rk4, f, model.initialState(P), dt, Math.round(tEnd / dt));
  const dy = new Float64Array(y.length);
  f(y, dy);
  return { y, dy, cls: model.classify(y, dy, P) };
}

// §5 shared values: σ² = 0.5, τ = 1, α_p = 1, N_Ψ = N_Φ = N, ρ = 1 (also the model's defaults).
const base = { augmentation: 0.5, meanCosine: 1, tau: 1, predictorLr: 1, norm: 1, normRatio: 1 };
const coeffs = (norm: number) => cosineCoefficients({ ...base, norm });
const etaStar1 = criticalWeightDecay(coeffs(1)).etaStar;
const roots005 = nonTrivialRoots(coeffs(1), 0.05)!;

describe('bao-cosine closed forms (§2B)', () => {
  it('η* and p* at N = 1 and N = 0.7', () => {
    const one = criticalWeightDecay(coeffs(1));
    expect(one.etaStar).toBeCloseTo(0.1577603, 8);
    expect(one.pStar).toBeCloseTo(0.295308, 6);
    expect(criticalWeightDecay(coeffs(0.7)).etaStar).toBeCloseTo(0.310068, 6);
  });

  it('p⁻ and p⁺ at N = 1, η = 0.05 are the roots of G', () => {
    expect(roots005.pMinus).toBeCloseTo(0.0544483737, 9);
    expect(roots005.pPlus).toBeCloseTo(0.4862825846, 9);
    for (const p of [roots005.pMinus, roots005.pPlus]) expect(0.05 - coeffs(1).a * growth(coeffs(1), p)).toBeCloseTo(0, 14);
    expect(nonTrivialRoots(coeffs(1), 1.001 * etaStar1)).toBeUndefined();
  });

  it("Tian's L2 reference η_c = τ²/(4(1+σ²)) is 1/6 at the shared values", () => {
    expect(tianCriticalWeightDecay(1, 0.5)).toBeCloseTo(1 / 6, 15);
  });
});

describe('bao-cosine reference trajectories (§5)', () => {
  const cases: Array<{ name: string; norm: number; eta: number; p0: number; tEnd: number; pEnd: number }> = [
    { name: 'N = 1, η = 0.05, p₀ = 0.5', norm: 1, eta: 0.05, p0: 0.5, tEnd: 5000, pEnd: 0.4862825846 },
    { name: 'p₀ = 1.01·p⁻', norm: 1, eta: 0.05, p0: 1.01 * roots005.pMinus, tEnd: 20000, pEnd: 0.4862825846 },
    { name: 'p₀ = 0.99·p⁻', norm: 1, eta: 0.05, p0: 0.99 * roots005.pMinus, tEnd: 20000, pEnd: 0 },
    { name: 'η = 0.99η*', norm: 1, eta: 0.99 * etaStar1, p0: 0.3, tEnd: 50000, pEnd: 0.3212538801 },
    { name: 'η = 1.01η*', norm: 1, eta: 1.01 * etaStar1, p0: 0.3, tEnd: 50000, pEnd: 0 },
    { name: 'N = 0.7 rescues η = 1.01η*(1)', norm: 0.7, eta: 1.01 * etaStar1, p0: 0.3, tEnd: 50000, pEnd: 0.4177560837 },
  ];
  it.each(cases)('$name ends at p = $pEnd', ({ norm, eta, p0, tEnd, pEnd }) => {
    const P = params({ ...base, norm, weightDecay: eta, p0 });
    const { y, cls } = run(P, tEnd);
    expect(Math.abs(y[0] - pEnd)).toBeLessThan(1e-5);
    expect(Math.abs(y[1] - pEnd * pEnd)).toBeLessThan(1e-5); // back on s = p²/α_p
    expect(y[2]).toBe(norm); // frozen
    expect(cls).toBe(pEnd === 0 ? 'collapsed' : 'non-collapsed');
    expect(model.isCollapsed(y, P)).toBe(pEnd === 0);
    expect(model.predictClass(P)).toBe(cls);
  });

  it('unreduced (p, s) from (0.5, 0.5) ends at p = 0.48628258', () => {
    const P = params({ ...base, weightDecay: 0.05, p0: 0.5, s0: 0.5 });
    expect(Array.from(model.initialState(P))).toEqual([0.5, 0.5, 1]);
    expect(model.predictClass(P)).toBeUndefined(); // off the invariant curve
    const { y, cls } = run(P, 5000);
    expect(y[0]).toBeCloseTo(0.48628258, 7);
    expect(y[1]).toBeCloseTo(0.48628258 ** 2, 7);
    expect(cls).toBe('non-collapsed');
  });

  it('emergence: relaxing norms turn η = 1.5η*(1) from collapse-only into p⁺ at N = 0.5', () => {
    const eta = 1.5 * etaStar1;
    const P = params({ ...base, weightDecay: eta, p0: 0.4, norms: 'relaxing', normFloor: 0.5 });
    expect(nonTrivialRoots(coeffs(1), eta)).toBeUndefined(); // only collapse exists at t = 0
    expect(model.predictClass(P)).toBeUndefined();
    const { y, cls } = run(P, 2000);
    expect(Math.abs(y[0] - 0.3863458891)).toBeLessThan(1e-5);
    expect(y[0]).toBeCloseTo(nonTrivialRoots(coeffs(0.5), eta)!.pPlus, 8);
    expect(y[2]).toBeCloseTo(0.5, 12);
    expect(cls).toBe('non-collapsed');
    const readout = new Float64Array(1);
    model.readout(y, P, readout);
    expect(readout[0]).toBe(y[2]);

    const low = run(params({ ...base, weightDecay: eta, p0: 0.1, norms: 'relaxing', normFloor: 0.5 }), 2000);
    expect(low.cls).toBe('collapsed');
    expect(low.y[0]).toBeLessThan(1e-6);
  });
});

describe('bao-cosine structure', () => {
  it('s − p²/α_p decays as e^{−2ηt}, frozen or relaxing, for any α_p', () => {
    for (const norms of ['frozen', 'relaxing']) {
      const P = params({
        weightDecay: 0.2,
        predictorLr: 2.5,
        augmentation: 1.3,
        normRatio: 1.7,
        meanCosine: 0.6,
        tau: 0.8,
        norm: 1.2,
        normFloor: 0.6,
        norms,
        p0: 0.4,
        s0: 0.9,
      });
      const u0 = 0.9 - 0.4 ** 2 / 2.5;
      for (const t of [2, 10]) {
        const y = integrateFixed(rk4, (a, o) => model.rhs(a, P, o), model.initialState(P), 0.01, Math.round(t / 0.01));
        const u = y[1] - y[0] ** 2 / 2.5;
        expect(Math.abs(u / (u0 * Math.exp(-2 * 0.2 * t)) - 1)).toBeLessThan(1e-8);
      }
    }
  });

  it('fixed points are zeros of rhs with the stated stability', () => {
    const sets: Values[] = [
      { weightDecay: 0.05 },
      { weightDecay: 0.12, predictorLr: 3, normRatio: 0.8, meanCosine: 0.7, augmentation: 2, tau: 1.4, norm: 0.9 },
      { weightDecay: 0.3, norms: 'relaxing', norm: 1, normFloor: 0.5 },
    ];
    for (const over of sets) {
      const P = params(over);
      const fps = model.fixedPoints(P);
      expect(fps.map((f) => f.label.split(' ')[0])).toEqual(['collapse', 'p⁻', 'p⁺']);
      for (const fp of fps) {
        const y = Float64Array.from(fp.state);
        const dy = new Float64Array(3);
        model.rhs(y, P, dy);
        for (const v of dy) expect(Math.abs(v)).toBeLessThan(1e-12);
        // (p, s) Jacobian by central differences: stable iff trace < 0 and det > 0 (a saddle has det < 0).
        const J = [0, 1].map((i) =>
          [0, 1].map((j) => {
            const h = 1e-6;
            const [up, dn] = [h, -h].map((d) => {
              const z = Float64Array.from(y);
              z[j] += d;
              const out = new Float64Array(3);
              model.rhs(z, P, out);
              return out[i];
            });
            return (up - dn) / (2 * h);
          }),
        );
        const det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        expect(det > 0 && J[0][0] + J[1][1] < 0, fp.label).toBe(fp.stable);
      }
    }
    expect(model.fixedPoints(params({ weightDecay: 0.3 })).length).toBe(1); // η > η*: collapse only
  });

  it('initial state: s₀ on the invariant curve unless given', () => {
    expect(Array.from(model.initialState(params({ p0: 0.6, predictorLr: 4 })))).toEqual([0.6, 0.09, 1]);
    expect(Array.from(model.initialState(params({ p0: 0.6, s0: 2, norm: 0.8 })))).toEqual([0.6, 2, 0.8]);
  });

  it('classify: a shrinking mode with s < 1e-4 is collapsed, a growing one is not', () => {
    const y = Float64Array.of(0.005, 2.5e-5, 1);
    for (const [eta, expected] of [
      [0.05, 'collapsed'],
      [0.001, 'non-collapsed'],
    ] as const) {
      const P = params({ weightDecay: eta });
      const dy = new Float64Array(3);
      model.rhs(y, P, dy);
      expect(model.classify(y, dy, P)).toBe(expected);
      expect(model.isCollapsed(y, P)).toBe(false);
    }
    expect(model.isCollapsed(Float64Array.of(9e-7, 0, 1), params())).toBe(true);
  });

  it('predictClass inside each region agrees with the integrated outcome', () => {
    const points: Array<[Values, string]> = [
      [{ weightDecay: 0.05, p0: 0.5 }, 'non-collapsed'],
      [{ weightDecay: 0.05, p0: 0.02 }, 'collapsed'],
      [{ weightDecay: 0.3, p0: 0.5 }, 'collapsed'],
      [{ weightDecay: 0.3, p0: 0.5, norm: 0.6 }, 'non-collapsed'],
      [{ weightDecay: 0, p0: 0.2 }, 'non-collapsed'],
    ];
    for (const [over, expected] of points) {
      const P = params(over);
      expect(model.predictClass(P), JSON.stringify(over)).toBe(expected);
      expect(run(P, 3000).cls, JSON.stringify(over)).toBe(expected);
    }
    expect(model.predictClass(params({ norms: 'relaxing' }))).toBeUndefined();
    expect(model.predictClass(params({ weightDecay: 0, tau: 0 }))).toBeUndefined(); // η = η* = 0
  });
});

describe('bao-cosine overlays and presets', () => {
  function slice(preset: (typeof model.presets)[number], swap = false): SliceContext {
    const { spec } = preset;
    const P = params({ ...spec.params, ...spec.initial, [spec.x.param]: spec.x.min, [spec.y.param]: spec.y.min });
    const [x, y] = swap ? [spec.y, spec.x] : [spec.x, spec.y];
    return { x: { param: x.param, min: x.min, max: x.max }, y: { param: y.param, min: y.min, max: y.max }, values: P };
  }
  const preset = (id: string) => model.presets.find((p) => p.id === id)!;
  const inSlice = (s: SliceContext, [x, y]: [number, number]) => x >= s.x.min && x <= s.x.max && y >= s.y.min && y <= s.y.max;

  it('every preset names real parameters and options, says reconstruction, and has overlays', () => {
    expect(model.presets.map((p) => p.id)).toEqual(['norm-vs-weight-decay', 'emergence', 'basin']);
    for (const p of model.presets) {
      expect(p.caption.toLowerCase()).toContain('reconstruction');
      for (const [k, v] of Object.entries({ ...p.spec.params, ...p.spec.initial })) {
        paramIndex(model, k);
        if (typeof v === 'string' && v !== 'derived') choiceIndex(model, k, v);
      }
      const curves = model.overlays(slice(p));
      expect(curves.length).toBeGreaterThan(0);
      for (const c of curves) {
        expect(c.points.length).toBeGreaterThan(1);
        for (const pt of c.points) expect(inSlice(slice(p), pt)).toBe(true);
      }
    }
  });

  it('(η, N) plane: η = η*(N) in either orientation, with Tian η_c = 1/6', () => {
    for (const swap of [false, true]) {
      const s = slice(preset('norm-vs-weight-decay'), swap);
      const curves = model.overlays(s);
      const star = curves.find((c) => c.id === 'eta-star')!;
      expect(star.kind).toBe('boundary');
      expect(star.points.length).toBeGreaterThan(100);
      for (const pt of star.points) {
        const [eta, n] = swap ? [pt[1], pt[0]] : pt;
        expect(eta).toBeCloseTo(criticalWeightDecay(coeffs(n)).etaStar, 12);
      }
      const tian = curves.find((c) => c.id === 'tian-eta-c')!;
      expect(tian.kind).toBe('reference');
      for (const pt of tian.points) expect(swap ? pt[1] : pt[0]).toBeCloseTo(1 / 6, 6);
    }
  });

  it('(η, p₀) plane: p₀ = p⁻(η) ending at (η*, p*), and the η* line above p*', () => {
    const curves = model.overlays(slice(preset('basin')));
    const pMinus = curves.find((c) => c.id === 'p-minus')!;
    const c1 = coeffs(1);
    for (const [eta, p] of pMinus.points) expect(eta - c1.a * growth(c1, p)).toBeCloseTo(0, 12);
    const [etaEnd, pEnd] = pMinus.points[pMinus.points.length - 1];
    expect(etaEnd).toBeCloseTo(etaStar1, 12);
    expect(pEnd).toBeCloseTo(0.295308, 6);
    const star = curves.find((c) => c.id === 'eta-star')!;
    for (const [eta, p] of star.points) {
      expect(eta).toBeCloseTo(etaStar1, 12);
      expect(p).toBeGreaterThanOrEqual(0.295308);
    }
    // Relaxing norms (emergence preset): only reference lines η*(N₀) and η*(N_floor).
    const emergence = model.overlays(slice(preset('emergence')));
    expect(emergence.map((c) => [c.id, c.kind])).toEqual([
      ['eta-star-initial', 'reference'],
      ['tian-eta-c', 'reference'],
    ]); // η*(N_floor = 0.5) = 0.578 lies right of the slice (η ≤ 0.4)
  });

  it('preset cells away from the boundaries integrate to the predicted class at the preset dt and tEnd', () => {
    for (const p of model.presets) {
      const { x, y, integrator } = p.spec;
      let nonCollapsedBeyondStar = 0;
      for (const fx of [0.1, 0.5, 0.9]) {
        for (const fy of [0.1, 0.5, 0.9]) {
          const P = params({
            ...p.spec.params,
            ...p.spec.initial,
            [x.param]: x.min + fx * (x.max - x.min),
            [y.param]: y.min + fy * (y.max - y.min),
          });
          const out = run(P, integrator!.tEnd!, integrator!.dt!);
          const predicted = model.predictClass(P);
          if (predicted) expect(out.cls, `${p.id} at (${fx}, ${fy})`).toBe(predicted);
          if (P[paramIndex(model, 'weightDecay')] > etaStar1 && out.cls === 'non-collapsed') nonCollapsedBeyondStar++;
        }
      }
      // The emergence figure's point: cells right of η*(N₀ = 1) that still end non-collapsed.
      if (p.id === 'emergence') expect(nonCollapsedBeyondStar).toBeGreaterThan(0);
    }
  });
});

describe('bao-cosine WGSL', () => {
  it('names only declared parameters, state, readouts and options, and defines the five entry points', () => {
    const src = model.wgsl;
    for (const [, id] of src.matchAll(/kP_(\w+)/g)) paramIndex(model, id);
    for (const [, id] of src.matchAll(/kS_(\w+)/g)) expect(model.state.map((s) => s.id)).toContain(id);
    for (const [, id] of src.matchAll(/kR_(\w+)/g)) expect(model.readouts.map((r) => r.id)).toContain(id);
    expect(src).toContain('kChoice_norms_relaxing');
    for (const fn of [
      'initialState(P: Params) -> State',
      'rhs(y: State, P: Params) -> State',
      'classify(y: State, dy: State, P: Params) -> u32',
      'isCollapsed(y: State, P: Params) -> bool',
      'readouts(y: State, P: Params) -> Readouts',
    ]) {
      expect(src).toContain(`fn ${fn}`);
    }
    expect(src).not.toMatch(/@compute|fma\(/);
  });
});

describe('bao-cosine settle rule (early exit)', () => {
  const integrator = (tEnd: number) =>
    parseSpec({
      model: 'bao-cosine',
      x: { param: 'p0', min: 0, max: 1, n: 2 },
      y: { param: 'weightDecay', min: 0, max: 1, n: 2 },
      integrator: { dt: 0.1, tEnd },
    }).integrator;
  const settleRun = (
    P: ParamVector,
    tEnd: number,
    y0?: number[],
    settle: false | { tol: number; hold: number } = { tol: 1e-6, hold: 0.5 },
  ) => {
    const m = y0 ? { ...model, initialState: () => Float64Array.from(y0) } : model;
    return integrateCell(m, P, { integrator: integrator(tEnd), settle });
  };
  const look = (y: number[], P: ParamVector) => {
    const yy = Float64Array.from(y);
    const dy = new Float64Array(3);
    model.rhs(yy, P, dy);
    return {
      verdict: model.settle!.verdict(yy, dy, P),
      cls: model.classify(yy, dy, P),
      quiet: new QuietClock().settled(0, yy, dy, { tol: 1e-6, hold: 0.5 }),
    };
  };

  it('stops a collapsed state near the origin (both routes), not one that can still grow', () => {
    const P = params({ weightDecay: 0.05 }); // p⁻ = 0.0544
    expect(look([0.01, 1e-4 * 0.99, 1], P).verdict).toBe('stop'); // route 2: p ≥ 4α_p a τ s/η and λ ≤ −η/2
    expect(look([5e-7, 1e-13, 1], P).verdict).toBe('stop'); // route 1: p stays below 1e-6
    expect(look([5e-7, 1e-20, 1], P).verdict).toBe('stop'); // s below kSettleSafeS: only route 1
    expect(look([0.01, 1e-20, 1], P).verdict).toBe('continue'); // ... which needs p < 1e-6 first
    expect(look([0.05, 9e-5, 1], P).verdict).toBe('continue'); // p just below p⁻: ln s may still not decay at η/2
    expect(look([0.003, 9e-5, 1], P).verdict).toBe('continue'); // p < 4α_p a τ s/η: p may still rise
    expect(look([0.3, 0.09, 1], P).verdict).toBe('generic');
  });

  it('does not stop a state near the origin that regrows (small η: p sits in the growth window)', () => {
    // η = 0.001: p⁻ ≈ 1e-3. At p = 0.005, s = 5e-6 the cell is slow (the generic test would stop it:
    // the norm N = 1 sets the scale) but it grows to p⁺.
    const P = params({ weightDecay: 0.001 });
    const y = [0.005, 5e-6, 1];
    const l = look(y, P);
    expect(l.quiet).toBe(true);
    expect(l.verdict).toBe('continue');
    const out = settleRun(P, 20000, y);
    expect(CLASS_BY_CODE[out.classCode]).toBe('non-collapsed');
    expect(model.predictClass(params({ weightDecay: 0.001, p0: 0.005 }))).toBe('non-collapsed');
  });

  it('a collapsed cell stops far below tEnd with the fixed-horizon class', () => {
    for (const over of [
      { weightDecay: 0.05, p0: 0.99 * roots005.pMinus },
      { weightDecay: 0.3, p0: 0.5 },
      { weightDecay: 1.5 * etaStar1, p0: 0.1, norms: 'relaxing', normFloor: 0.5 },
    ] as Values[]) {
      const P = params(over);
      const early = settleRun(P, 5000);
      const full = settleRun(P, 5000, undefined, false);
      expect(CLASS_BY_CODE[full.classCode], JSON.stringify(over)).toBe('collapsed');
      expect(early.classCode).toBe(full.classCode);
      expect(early.tSettled).toBeGreaterThan(0);
      expect(early.tSettled, JSON.stringify(over)).toBeLessThan(0.1 * 5000);
    }
  });

  it('the WGSL settleVerdict agrees with the TS twin: GPU sweeps against runSweepCpu cell by cell', async () => {
    const device = (await testDevice())?.device;
    if (!device) return;
    const specs = [
      {
        params: { norms: 'frozen' },
        x: { param: 'weightDecay', min: 0.001, max: 0.4, n: 12 },
        y: { param: 'p0', min: 0.001, max: 0.6, n: 12 },
      },
      {
        params: { norms: 'relaxing', norm: 1, normFloor: 0.5 },
        x: { param: 'weightDecay', min: 0.05, max: 0.4, n: 10 },
        y: { param: 'p0', min: 0.02, max: 0.8, n: 10 },
      },
    ];
    for (const s of specs) {
      const spec = parseSpec({ model: 'bao-cosine', ...s, integrator: { dt: 0.1, tEnd: 3000 } });
      const gpu = await withErrorScopes(device, () => runSweepGpu(device, spec));
      const cpu = runSweepCpu(spec);
      const M = model.readouts.length + 3;
      let stopped = 0;
      for (let k = 0; k < gpu.classes.length; k++) {
        expect(gpu.classes[k], `${s.params.norms} cell ${k}`).toBe(cpu.classes[k]);
        const [tg, tc] = [gpu.metrics[k * M + M - 2], cpu.metrics[k * M + M - 2]];
        if (cpu.classes[k] === CLASSES.collapsed.code && tc >= 0) {
          stopped++;
          expect(Math.abs(tg - tc), `cell ${k}: ${tg} vs ${tc}`).toBeLessThanOrEqual(0.01 * tc + 0.5);
          expect(tc).toBeLessThan(0.3 * 3000);
        }
      }
      expect(stopped, s.params.norms).toBeGreaterThan(5);
    }
  }, 120_000);
});
