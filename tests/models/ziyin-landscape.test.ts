// f64 checks of the Ziyin landscape reconstruction against shared/science/ziyin-landscape.md. The
// single-direction reference rows run on both runners in all-models.test.ts (cases.ts).
import { describe, expect, it } from 'vitest';
import { growthRate, quartic, ziyinLandscape as model } from '../../src/models/ziyin-landscape.js';
import { CLASS_BY_CODE, choiceIndex, type ParamVector, type SliceContext } from '../../src/models/types.js';
import { integrateCell } from '../../src/engine/cpu-runner.js';
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

function run(over: Values, tEnd = 400, dt = 0.05) {
  const P = params(over);
  const out = integrateCell(model, P, fixedRk4(dt, tEnd));
  return { ...out, P, cls: CLASS_BY_CODE[out.classCode] };
}

type Mat = number[][];
const mul = (A: Mat, B: Mat): Mat => A.map((row) => B[0].map((_, j) => row.reduce((acc, v, k) => acc + v * B[k][j], 0)));
const tr = (A: Mat): Mat => A[0].map((_, j) => A.map((row) => row[j]));
const diag = (v: number[]): Mat => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
const axpy = (A: Mat, a: number, B: Mat): Mat => A.map((row, i) => row.map((v, j) => v + a * B[i][j]));

describe('ziyin-landscape: the full matrix flow (spec "Matrix check")', () => {
  it('dW/dt = 2WA − 2κWS − (WCWᵀ)WC − γW ends with the eigenvalues of WᵀW at 2m/Q = [1.041667, 0.082645, 0]', () => {
    const A = diag([1, 0.6, 0.3]);
    const S = diag([0.2, 0.5, 0.5]);
    const C = axpy(A, 1, S);
    const f = (W: Mat): Mat => {
      const WC = mul(W, C);
      let d = axpy(mul(W, A), -1, mul(W, S)); // κ = 1
      d = axpy(axpy(d, 1, d), -1, mul(mul(WC, tr(W)), WC));
      return axpy(d, -0.1, W); // γ = 0.1
    };
    // A generic, non-diagonal start: the decoupled directions are reached by the flow, not assumed.
    let W: Mat = [
      [0.011, -0.004, 0.007],
      [0.003, 0.009, -0.006],
      [-0.005, 0.002, 0.012],
    ];
    // The spec integrates to T = 3000; the slowest direction (m = 0.05) has settled to 1e-70 by T = 1000.
    const dt = 0.1;
    for (let n = 0; n < 1000 / dt; n++) {
      const k1 = f(W);
      const k2 = f(axpy(W, dt / 2, k1));
      const k3 = f(axpy(W, dt / 2, k2));
      const k4 = f(axpy(W, dt, k3));
      W = axpy(W, dt / 6, axpy(axpy(axpy(k1, 2, k2), 2, k3), 1, k4));
    }
    const WtW = mul(tr(W), W);
    // The flow keeps WᵀW diagonal in the data eigenbasis at the end: the eigenvalues are the diagonal.
    expect(Math.abs(WtW[0][1]) + Math.abs(WtW[0][2]) + Math.abs(WtW[1][2])).toBeLessThan(1e-6);
    const P = params({ dataVariance: 1, ratio2: 0.6, ratio3: 0.3, augmentation: 0.2, weightDecay: 0.1, invariance: 1 });
    expect(WtW[0][0]).toBeCloseTo(1.041667, 6);
    expect(WtW[0][0]).toBeCloseTo((2 * growthRate(P, 0)) / quartic(P, 0), 6);
    // Direction 2 has s = 0.5 in the matrix check; the model's shared s gives its own 2m/Q there.
    expect(WtW[1][1]).toBeCloseTo(0.082645, 6);
    expect(WtW[1][1]).toBeCloseTo((2 * (0.6 - 0.5 - 0.05)) / (0.6 + 0.5) ** 2, 6);
    expect(WtW[2][2]).toBeLessThan(1e-12);
  });
});

describe('ziyin-landscape: per-direction flow and closed forms', () => {
  it('rhs is −∂L_i/∂w of L_i = −m_i w² + Q_i w⁴/4 along every direction', () => {
    const P = params({ dataVariance: 1.3, augmentation: 0.4, weightDecay: 0.3, invariance: 0.5 });
    const y = Float64Array.of(0.3, -0.7, 1.1, 0.05);
    const dy = new Float64Array(4);
    model.rhs(y, P, dy);
    for (let i = 0; i < 4; i++) {
      const L = (w: number) => -growthRate(P, i) * w * w + (quartic(P, i) * w ** 4) / 4;
      expect(dy[i]).toBeCloseTo(-(L(y[i] + 1e-6) - L(y[i] - 1e-6)) / 2e-6, 8);
    }
  });

  it('gradient descent on the same loss: converges at η = 0.5625 < 1/(2m), 2-cycle 0.858613 ↔ 1.176434 at η = 0.6875 (m = 0.8)', () => {
    const P = params({ dataVariance: 1, augmentation: 0.2, weightDecay: 0, invariance: 1, directions: 'one' });
    expect(growthRate(P, 0)).toBeCloseTo(0.8, 15);
    const gd = (eta: number, steps: number) => {
      const w = Float64Array.of(0.01, 0, 0, 0);
      const g = new Float64Array(4);
      const tail: number[] = [];
      for (let n = 0; n < steps; n++) {
        model.rhs(w, P, g);
        w[0] += eta * g[0];
        if (n >= steps - 2) tail.push(w[0]);
      }
      return tail;
    };
    for (const w of gd(0.5625, 2000)) expect(w).toBeCloseTo(1.054093, 6);
    expect(gd(0.6875, 2000).sort()).toEqual([expect.closeTo(0.858613, 6), expect.closeTo(1.176434, 6)]);
  });

  it('the P3 spectrum at s = 0.2: rank 3, 2, 1, 0 across γ = 2(a_i − s) = 1.6, 0.8, 0.2', () => {
    const spectrum = { dataVariance: 1, ratio2: 0.6, ratio3: 0.3, ratio4: 0.1, augmentation: 0.2, invariance: 1, directions: 'four' };
    const ranks = [0.1, 0.5, 1.2, 1.8].map((gamma) => {
      const r = run({ ...spectrum, weightDecay: gamma }, 400, 0.1);
      const readout = new Float64Array(5);
      model.readout(r.state, r.P, readout);
      expect(r.cls).toBe(model.predictClass(r.P));
      for (let i = 0; i < 4; i++) {
        const m = growthRate(r.P, i);
        expect(readout[1 + i]).toBeCloseTo(m > 0 ? (2 * m) / quartic(r.P, i) : 0, 6);
      }
      return readout[0];
    });
    expect(ranks).toEqual([3, 2, 1, 0]);
    expect(run({ ...spectrum, augmentation: 0.05, weightDecay: 0.05 }, 400, 0.1).cls).toBe('non-collapsed');
  });

  it('κ = 0: augmentation only rescales w* (no collapse at s = 5); κ > 0: augmentation causes it', () => {
    expect(run({ directions: 'one', invariance: 0, augmentation: 5 }, 2000).cls).toBe('non-collapsed');
    expect(run({ directions: 'one', invariance: 0.5, augmentation: 2.1 }, 400).cls).toBe('collapsed');
    expect(run({ directions: 'one', invariance: 0.5, augmentation: 1.9 }, 2000).cls).toBe('non-collapsed');
  });

  it('classify: shrinking below w² = 1e-4 is collapsed, growing is learned; absent directions do not count', () => {
    const P = params({ directions: 'two' });
    const cls = (w: number[], dw: number[]) => model.classify(Float64Array.from(w), Float64Array.from(dw), P);
    expect(cls([0.5, 0.009], [0, -1e-4])).toBe('partial');
    expect(cls([0.5, 0.009], [0, 1e-4])).toBe('non-collapsed');
    expect(cls([0.009, 0], [-1e-4, 0])).toBe('collapsed');
    expect(cls([0.5, 0.5], [0, 0])).toBe('non-collapsed');
    expect(Array.from(model.initialState(P))).toEqual([0.01, 0.01, 0, 0]);
    expect(model.isCollapsed(Float64Array.of(9e-4, -9e-4, 1, 1), P)).toBe(true);
    expect(model.isCollapsed(Float64Array.of(9e-4, 1.1e-3, 0, 0), P)).toBe(false);
  });

  it('fixed points: zeros of rhs; the learned one is stable when every m_i ≠ 0', () => {
    const P = params({ weightDecay: 0.5, augmentation: 0.1 });
    const fps = model.fixedPoints(P);
    expect(fps.map((f) => f.stable)).toEqual([false, true]);
    expect(fps[1].label).toBe('learned (rank 2)');
    for (const fp of fps) {
      const dy = new Float64Array(4);
      model.rhs(Float64Array.from(fp.state), P, dy);
      for (const v of dy) expect(Math.abs(v)).toBeLessThan(1e-14);
    }
    expect(model.fixedPoints(params({ weightDecay: 3 }))).toEqual([
      { label: 'complete collapse (origin)', state: [0, 0, 0, 0], stable: true },
    ]);
  });
});

describe('ziyin-landscape: overlays', () => {
  const sliceOf = (id: string): SliceContext => {
    const { x, y, params: p } = model.presets.find((q) => q.id === id)!.spec;
    return { x, y, values: params({ ...p, [x.param]: x.min, [y.param]: y.min }) };
  };

  it('P1 (s, γ): the line γ = 2(a − κs)', () => {
    const [c] = model.overlays(sliceOf('p1-augmentation-vs-weight-decay'));
    expect(c.kind).toBe('boundary');
    expect(c.points.length).toBeGreaterThan(50);
    for (const [s, gamma] of c.points) expect(gamma).toBeCloseTo(2 * (1 - s), 9);
  });

  it('P2 (s, a): the line a = κs + γ/2', () => {
    const curves = model.overlays(sliceOf('p2-augmentation-vs-variance'));
    expect(curves).toHaveLength(1);
    expect(curves[0].points.length).toBeGreaterThan(50);
    for (const [s, a] of curves[0].points) expect(a).toBeCloseTo(s + 0.1, 9);
  });

  it('P3 (γ, s): one line γ = 2(a_i − s) per direction, the staircase', () => {
    const curves = model.overlays(sliceOf('p3-rank-staircase'));
    expect(curves.map((c) => c.id)).toEqual(['direction-1', 'direction-2', 'direction-3', 'direction-4']);
    curves.forEach((c, i) => {
      expect(c.points.length, c.id).toBeGreaterThan(10);
      for (const [gamma, s] of c.points) expect(gamma).toBeCloseTo(2 * ([1, 0.6, 0.3, 0.1][i] - s), 9);
    });
  });

  it('no curve where the axes do not move m (w₀ against a variance ratio of an absent direction)', () => {
    const slice: SliceContext = {
      x: { param: 'w0', min: 0.01, max: 1 },
      y: { param: 'ratio2', min: 0, max: 1 },
      values: params({ directions: 'one' }),
    };
    expect(model.overlays(slice)).toEqual([]);
  });
});

describe('ziyin-landscape settle rule', () => {
  const verdict = (over: Values, w: number[]) => {
    const P = params(over);
    const y = Float64Array.from(w);
    const dy = new Float64Array(4);
    model.rhs(y, P, dy);
    return model.settle!.verdict(y, dy, P);
  };
  const one = { directions: 'one', dataVariance: 1, augmentation: 0.2, weightDecay: 0, invariance: 1 };
  const wStar = Math.sqrt((2 * 0.8) / 1.44); // m = 0.8, Q = (1 + 0.2)²

  it('stops on a learned point within 1e-4 (in w²), continues just outside it', () => {
    expect(verdict(one, [wStar, 0, 0, 0])).toBe('stop');
    expect(verdict(one, [wStar * Math.sqrt(1 + 0.9e-4), 0, 0, 0])).toBe('stop');
    expect(verdict(one, [wStar * Math.sqrt(1 + 2e-4), 0, 0, 0])).toBe('continue');
    expect(verdict(one, [0.01, 0, 0, 0])).toBe('continue'); // escaping the origin, m > 0
  });

  it('stops a collapsing direction (m ≤ 0) only once w² < 1e-6, whatever its rate', () => {
    const above = { ...one, augmentation: 1.05 }; // m = −0.05
    expect(verdict(above, [0.9e-3, 0, 0, 0])).toBe('stop');
    expect(verdict(above, [1.1e-3, 0, 0, 0])).toBe('continue');
    // m > 0 below the same threshold is an escape, not a collapse.
    expect(verdict(one, [0.9e-3, 0, 0, 0])).toBe('continue');
  });

  it('every present direction must be done; absent ones do not count', () => {
    const four = { ...one, directions: 'four', ratio2: 0.6, ratio3: 0.3, ratio4: 0.1, weightDecay: 0.7 };
    const P = params(four);
    const w = [0, 1, 2, 3].map((i) => (growthRate(P, i) > 0 ? Math.sqrt((2 * growthRate(P, i)) / quartic(P, i)) : 0));
    expect(w.map((x) => x > 0)).toEqual([true, true, false, false]);
    expect(verdict(four, w)).toBe('stop');
    expect(verdict(four, [w[0], w[1], 0, 2e-3])).toBe('continue');
    expect(verdict({ ...one, weightDecay: 0.7 }, [Math.sqrt((2 * 0.45) / 1.44), 0.5, 0.5, 0.5])).toBe('stop');
  });

  it('early exit ends far before tEnd with the fixed-horizon class, collapse time and λ (1e-4 relative)', () => {
    const early = (over: Values) => integrateCell(model, params(over), { ...fixedRk4(0.05, 2000), settle: kSettleDefaults });
    for (const s of [0.2, 0.95, 1.05]) {
      const over = { ...one, augmentation: s };
      const ref = run(over, 2000);
      const out = early(over);
      expect(out.tSettled, `s = ${s}`).toBeGreaterThan(0);
      expect(out.tSettled, `s = ${s}`).toBeLessThan(2000 / 5);
      expect(out.classCode).toBe(ref.classCode);
      expect(out.collapseTime).toBe(ref.collapseTime);
      expect(Math.abs(out.readouts[1] - ref.readouts[1])).toBeLessThanOrEqual(1e-4 * ref.readouts[1] + 1e-6);
    }
  });

  // tSettled: f32 and f64 adaptive step sequences part ways; one step near the stop is up to ~12 % of t.
  it.runIf(device)(
    'P3 on the GPU (WGSL verdict) against f64 (TS verdict): same classes, tSettled within 20 %, most stopped far before tEnd',
    async () => {
      const p = model.presets.find((q) => q.id === 'p3-rank-staircase')!;
      const spec = parseSpec({ model: model.id, ...p.spec, x: { ...p.spec.x, n: 8 }, y: { ...p.spec.y, n: 8 } });
      const r = await gpuAgainstCpu(device!, spec);
      expect(r.classDiffs).toEqual([]);
      expect(r.oneSided).toEqual([]);
      expect(r.worstSettle).toBeLessThanOrEqual(0.2);
      expect(r.settled.length).toBeGreaterThanOrEqual(48); // the rest sit near m = 0 (critical slowing down)
      expect(r.settled.sort((a, b) => a - b)[r.settled.length >> 1]).toBeLessThan(r.tEnd / 8);
    },
  );
});
