// f64 checks of the Wen–Li reconstruction against shared/science/wen-li.md. The reference cases of
// the spec's table run on both runners in all-models.test.ts (cases.ts).
import { describe, expect, it } from 'vitest';
import { activationPower, criticalAngle, wenLi as model } from '../../src/models/wen-li.js';
import { choiceIndex, type ParamVector, type SliceContext } from '../../src/models/types.js';
import { integrateCell } from '../../src/engine/cpu-runner.js';
import { CLASS_BY_CODE } from '../../src/models/types.js';
import { kSettleDefaults, parseSpec } from '../../src/sweep/spec.js';
import { testDevice } from '../support/gpu.js';
import { gpuAgainstCpu } from '../support/settle-agreement.js';

const device = (await testDevice())?.device;

/** A fixed-step rk4 run to tEnd without early exit (the reference form of integrateCell). */
const fixedRk4 = (dt: number, tEnd: number) => ({
  integrator: { method: 'rk4', dt, tEnd, steps: Math.round(tEnd / dt), adaptive: false, rtol: 0, atol: 0, dtMin: 0, dtMax: 0 },
  settle: false as const,
});

type Values = Record<string, number | string>;

function params(over: Values = {}): ParamVector {
  return Float64Array.from(
    model.params.map((p) => {
      const v = over[p.id] ?? p.default;
      return p.kind === 'choice' ? choiceIndex(model, p.id, String(v)) : Number(v);
    }),
  );
}

function run(over: Values, tEnd = 2000, dt = 0.1, onStep?: (t: number, y: Float64Array) => void) {
  const P = params(over);
  const out = integrateCell(model, P, fixedRk4(dt, tEnd), onStep);
  return { ...out, P, cls: CLASS_BY_CODE[out.classCode] };
}

/** The spec's loss with the stop-gradient target u frozen at `u`: L = Σ_j λ_j ½ ‖E h_.j − u_.j‖². */
function loss(y: number[], P: ParamVector, u: number[][]): number {
  const q = activationPower(P);
  const lam = [P[0], P[1]];
  const h = [y[0], y[1]].map((phi) => [Math.cos(phi), Math.sin(phi)].map((a) => Math.max(a, 0) ** q));
  const E = [
    [1, y[2]],
    [y[3], 1],
  ];
  let L = 0;
  for (let j = 0; j < 2; j++) {
    for (let r = 0; r < 2; r++) L += 0.5 * lam[j] * (E[r][0] * h[0][j] + E[r][1] * h[1][j] - u[r][j]) ** 2;
  }
  return L;
}

describe("wen-li: the flow is the spec's gradient flow", () => {
  it.each(['q2', 'q3', 'q4'])('dφ = −∂L/∂φ and dE = −η_E ∂L/∂E with u = sg(h/N) (%s)', (q) => {
    const P = params({ activationPower: q, weakFeatureWeight: 0.23, predictorLr: 1.7 });
    const y = [0.41, 1.07, 0.31, -0.12];
    const qq = activationPower(P);
    const h = [y[0], y[1]].map((phi) => [Math.cos(phi), Math.sin(phi)].map((a) => a ** qq));
    const N = Math.sqrt(P[0] * (h[0][0] ** 2 + h[1][0] ** 2) + P[1] * (h[0][1] ** 2 + h[1][1] ** 2));
    const u = h.map((row) => row.map((v) => v / N));
    const dy = new Float64Array(4);
    model.rhs(Float64Array.from(y), P, dy);
    const scale = [1, 1, 1.7, 1.7];
    for (let k = 0; k < 4; k++) {
      const d = 1e-6;
      const up = [...y];
      const dn = [...y];
      up[k] += d;
      dn[k] -= d;
      const grad = (loss(up, P, u) - loss(dn, P, u)) / (2 * d);
      expect(dy[k], `component ${k}`).toBeCloseTo(-scale[k] * grad, 8);
    }
  });

  it('without the predictor each angle follows the closed form dφ = |1 − 1/N| q sin φ cos φ [λ₁ sin^{2q−2} φ − λ₀ cos^{2q−2} φ]', () => {
    for (const q of [2, 3]) {
      const P = params({ predictor: 'off', activationPower: `q${q}`, weakFeatureWeight: 0.17 });
      const y = Float64Array.of(0.3, 1.2, 0, 0);
      const dy = new Float64Array(4);
      model.rhs(y, P, dy);
      const N = Math.sqrt(
        0.4 * (Math.cos(0.3) ** (2 * q) + Math.cos(1.2) ** (2 * q)) + 0.17 * (Math.sin(0.3) ** (2 * q) + Math.sin(1.2) ** (2 * q)),
      );
      const f = (phi: number) =>
        Math.abs(1 - 1 / N) *
        q *
        Math.sin(phi) *
        Math.cos(phi) *
        (0.17 * Math.sin(phi) ** (2 * q - 2) - 0.4 * Math.cos(phi) ** (2 * q - 2));
      expect(dy[0]).toBeCloseTo(f(0.3), 13);
      expect(dy[1]).toBeCloseTo(f(1.2), 13);
      expect(Math.abs(dy[2]) + Math.abs(dy[3])).toBe(0);
    }
  });
});

describe('wen-li: closed form without the predictor', () => {
  it("θ_c = arctan((λ₀/λ₁)^{1/(2q−2)}) matches the spec's table (q = 2, λ₀ = 0.4)", () => {
    const table: Array<[number, number]> = [
      [0.1, 1.10715],
      [0.2, 0.95532],
      [0.3, 0.85707],
      [0.4, 0.7854],
    ];
    for (const [weak, thetaC] of table) expect(criticalAngle(0.4, weak, 2)).toBeCloseTo(thetaC, 5);
  });

  it('predictClass agrees with integration on both sides of θ_c, including both neurons on the weak feature', () => {
    const points: Array<[Values, string]> = [
      [{ weakFeatureWeight: 0.1, theta2: 1.05 }, 'collapsed'],
      [{ weakFeatureWeight: 0.1, theta2: 1.16 }, 'full'],
      [{ weakFeatureWeight: 0.3, activationPower: 'q3', theta2: 0.8 }, 'collapsed'],
      [{ weakFeatureWeight: 0.3, activationPower: 'q3', theta2: 1.0 }, 'full'],
      [{ weakFeatureWeight: 0.45, theta1: 1.2, theta2: 1.3 }, 'partial'],
    ];
    for (const [over, cls] of points) {
      const values = { predictor: 'off', ...over };
      expect(model.predictClass(params(values)), JSON.stringify(over)).toBe(cls);
      expect(run(values, 1000, 0.5).cls, JSON.stringify(over)).toBe(cls);
    }
    expect(model.predictClass(params({ predictor: 'on' }))).toBeUndefined();
  });
});

describe('wen-li: with the predictor (spec "With predictor")', () => {
  it('acceleration: neuron 2 reaches a₂w = 0.9 at t = 4.022 with the predictor, 6.241 without', () => {
    const hit = (predictor: string) => {
      let t0 = -1;
      let prev = 0;
      run({ predictor, weakFeatureWeight: 0.2, theta1: 0.55, theta2: 1 }, 10, 0.001, (t, y) => {
        const a = Math.sin(y[1]);
        if (t0 < 0 && a >= 0.9) t0 = t - (0.001 * (a - 0.9)) / (a - prev);
        prev = a;
      });
      return t0;
    };
    expect(hit('on')).toBeCloseTo(4.022, 3);
    expect(hit('off')).toBeCloseTo(6.241, 3);
  });

  it("θ₂* brackets the spec's bisection: 1.1306 at λ₁ = 0.1 (the λ₁ = 0.2 row is in the reference cases)", () => {
    expect(run({ weakFeatureWeight: 0.1, theta2: 1.1206 }).cls).toBe('partial');
    expect(run({ weakFeatureWeight: 0.1, theta2: 1.1406 }).cls).toBe('full');
  });

  it('the partial state is stationary, with E ≠ 0; at q = 3 it is reached for every λ₁ tested', () => {
    const r = run({ weakFeatureWeight: 0.1, theta2: 0.75 }, 4000);
    const dy = new Float64Array(4);
    model.rhs(r.state, r.P, dy);
    for (const v of dy) expect(Math.abs(v)).toBeLessThan(1e-12);
    expect(r.state[2]).toBeGreaterThan(0.4);
    for (const weak of [0.1, 0.2, 0.3, 0.4])
      expect(run({ activationPower: 'q3', weakFeatureWeight: weak, theta2: 0.75 }, 1000, 0.5).cls, `λ₁ = ${weak}`).toBe('partial');
  });
});

describe('wen-li: classes, fixed points, overlays', () => {
  it('classify: full needs alignments > 0.9 with distinct features; collapse is weak coverage < 1e-2', () => {
    const P = params();
    const cls = (phi1: number, phi2: number) => model.classify(Float64Array.of(phi1, phi2, 0, 0), new Float64Array(4), P);
    expect(cls(0.4, 1.2)).toBe('full'); // cos 0.4 = 0.921, sin 1.2 = 0.932
    expect(cls(0.46, 1.2)).toBe('partial'); // cos 0.46 = 0.896
    expect(cls(1.2, 0.4)).toBe('full');
    expect(cls(0.05, 0.11)).toBe('collapsed'); // coverage ‖h_.w‖/‖h_.s‖ = 0.0088
    expect(cls(0.05, 0.12)).toBe('partial'); // 0.0104
    const readout = new Float64Array(5);
    model.readout(Float64Array.of(0, Math.PI / 2, 0, 0), P, readout);
    expect(readout[0]).toBeCloseTo(1, 12);
    expect(readout[4]).toBe(1);
  });

  it('fixed points are zeros of the flow; the stable ones attract a nudged state', () => {
    for (const predictor of ['on', 'off']) {
      const P = params({ predictor, weakFeatureWeight: 0.25 });
      const fps = model.fixedPoints(P);
      expect(fps.length).toBe(predictor === 'on' ? 2 : 9);
      for (const fp of fps) {
        const dy = new Float64Array(4);
        model.rhs(Float64Array.from(fp.state), P, dy);
        for (const v of dy) expect(Math.abs(v), fp.label).toBeLessThan(1e-12);
        if (!fp.stable) continue;
        // E has no dynamics without the predictor, so only the angles are nudged there.
        const y = Float64Array.from(fp.state, (v, k) => v + (k < 2 ? (v > 1 ? -0.02 : 0.02) : predictor === 'on' ? 0.01 : 0));
        const f = (z: Float64Array, out: Float64Array) => model.rhs(z, P, out);
        for (let n = 0; n < 4000; n++) {
          const k = new Float64Array(4);
          f(y, k);
          for (let d = 0; d < 4; d++) y[d] += 0.1 * k[d];
        }
        y.forEach((v, d) => {
          expect(Math.abs(v - fp.state[d]), `${fp.label} [${d}]`).toBeLessThan(1e-3);
        });
      }
    }
  });

  const slice = (x: SliceContext['x'], y: SliceContext['y'], over: Values): SliceContext => ({
    x,
    y,
    values: params({ ...over, [x.param]: x.min, [y.param]: y.min }),
  });

  it('PW1: θ₂ = θ_c(λ₁) is a boundary without the predictor and a reference with it', () => {
    for (const preset of model.presets) {
      const { x, y, params: p, initial } = preset.spec;
      const curves = model.overlays(slice(x, y, { ...p, ...initial }));
      expect(
        curves.map((c) => c.id),
        preset.id,
      ).toEqual(['theta-c-2']); // θ₁ = 0.55 < θ_c everywhere
      const q = Number(String(p!.activationPower).slice(1));
      expect(curves[0].kind).toBe(p!.predictor === 'off' ? 'boundary' : 'reference');
      expect(curves[0].points.length).toBeGreaterThan(100);
      for (const [weak, theta] of curves[0].points) expect(theta).toBeCloseTo(criticalAngle(0.4, weak, q), 9);
    }
  });

  it('(θ₁, θ₂): two straight lines at θ_c', () => {
    const curves = model.overlays(
      slice({ param: 'theta1', min: 0.1, max: 1.5 }, { param: 'theta2', min: 0.1, max: 1.5 }, { predictor: 'off' }),
    );
    const thetaC = criticalAngle(0.4, 0.2, 2);
    expect(curves.map((c) => c.id)).toEqual(['theta-c-1', 'theta-c-2']);
    for (const [x] of curves[0].points) expect(x).toBeCloseTo(thetaC, 9);
    for (const [, y] of curves[1].points) expect(y).toBeCloseTo(thetaC, 9);
  });
});

describe('wen-li settle rule', () => {
  const half = Math.PI / 2;
  const verdict = (over: Values, y: number[]) => {
    const P = params(over);
    const state = Float64Array.from(y);
    const dy = new Float64Array(4);
    model.rhs(state, P, dy);
    return model.settle!.verdict(state, dy, P);
  };
  const off = { predictor: 'off', weakFeatureWeight: 0.2 };

  it('without the predictor: stop once both angles are within 1e-5 of 0 or π/2, continue before', () => {
    expect(verdict(off, [1e-6, half - 5e-6, 0, 0])).toBe('stop'); // full
    expect(verdict(off, [5e-6, 1e-6, 0, 0])).toBe('stop'); // collapsed
    expect(verdict(off, [2e-5, half, 0, 0])).toBe('continue');
    expect(verdict(off, [0, half - 2e-5, 0, 0])).toBe('continue');
    expect(verdict(off, [0.55, 1.0, 0, 0])).toBe('continue');
    // On θ_c the flow is quiet (a saddle): the generic test would stop it at t = 0; the rule does not.
    const thetaC = criticalAngle(0.4, 0.2, 2);
    expect(verdict(off, [0, thetaC, 0, 0])).toBe('continue');
    // Both on the weak feature: the coverage grows without bound, the generic test ends it.
    expect(verdict(off, [half, half - 1e-6, 0, 0])).toBe('generic');
  });

  it('with the predictor: always the generic test', () => {
    for (const y of [
      [0, half, 0, 0],
      [1e-7, 1e-7, 0.1, 0.1],
      [0.55, 1.0, 0, 0],
    ])
      expect(verdict({ predictor: 'on' }, y)).toBe('generic');
  });

  it('early exit (rk4, dt 0.1) ends far before tEnd with the fixed-horizon class, collapse time and alignments (1e-5)', () => {
    for (const [theta2, cls] of [
      [0.9453, 'collapsed'],
      [0.9653, 'full'],
    ] as const) {
      const over = { ...off, theta1: 0.55, theta2 };
      const P = params(over);
      const ref = run(over, 2000, 0.1);
      const out = integrateCell(model, P, { ...fixedRk4(0.1, 2000), settle: kSettleDefaults });
      expect(CLASS_BY_CODE[out.classCode]).toBe(cls);
      expect(out.classCode).toBe(ref.classCode);
      expect(out.collapseTime).toBe(ref.collapseTime);
      expect(out.tSettled).toBeGreaterThan(0);
      expect(out.tSettled).toBeLessThan(2000 / 5);
      for (let k = 1; k < 5; k++) expect(Math.abs(out.readouts[k] - ref.readouts[k])).toBeLessThanOrEqual(1e-5);
    }
  });

  // tSettled: f32 and f64 adaptive step sequences part ways; one step near the stop is up to ~12 % of t.
  it.runIf(device).each(['pw1-no-predictor', 'pw2-predictor'])(
    '%s on the GPU (WGSL verdict) against f64 (TS verdict): same classes, tSettled within 20 %',
    async (id) => {
      const p = model.presets.find((q) => q.id === id)!;
      const spec = parseSpec({ model: model.id, ...p.spec, x: { ...p.spec.x, n: 8 }, y: { ...p.spec.y, n: 8 } });
      const r = await gpuAgainstCpu(device!, spec);
      expect(r.classDiffs).toEqual([]);
      // With the predictor the generic test decides; its tol (1e-6 of ‖y‖) is near f32 resolution, so a
      // few slow cells settle in f64 only: bounded, not zero.
      expect(r.oneSided.length).toBeLessThanOrEqual(id === 'pw2-predictor' ? 4 : 0);
      expect(r.worstSettle).toBeLessThanOrEqual(0.2);
      if (id === 'pw1-no-predictor') {
        expect(r.settled.length).toBe(64);
        expect(Math.max(...r.settled)).toBeLessThan(r.tEnd / 3);
      }
    },
  );
});
