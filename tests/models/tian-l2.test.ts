// tian-l2 in f64 against tian-l2.md: the reference cases of §6, the exact integral (§3), fixed points,
// closed forms and numerical separatrix (§4), overlays for the presets (§5). No GPU.
import { describe, expect, it } from 'vitest';
import { tianL2 as model, kCollapsedS, kSlowCollapseS } from '../../src/models/tian-l2.js';
import { etaC, etaStar, pStar, separatrixU } from '../../src/models/tian-l2-closed-form.js';
import {
  CLASSES,
  CLASS_BY_CODE,
  DERIVED,
  paramIndex,
  type ClassId,
  type OverlayCurve,
  type ParamVector,
  type SliceContext,
} from '../../src/models/types.js';
import { integrateCell, runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { QuietClock } from '../../src/engine/settle.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { RkStepper, integrateFixed } from '../../src/integrators/stepper.js';
import { rk4 } from '../../src/integrators/tableaus.js';

type Over = Record<string, number | string>;
const ix = (id: string) => paramIndex(model, id);

/** Defaults, then overrides by id (choices by option name, 'derived' for a derived initial condition). */
function vec(over: Over = {}): ParamVector {
  const P = new Float64Array(model.params.length);
  model.params.forEach((p, i) => {
    const v = over[p.id] ?? p.default;
    P[i] = p.kind === 'choice' ? p.options.indexOf(v as string) : v === 'derived' ? DERIVED : (v as number);
  });
  return P;
}

/** RK4 at fixed dt to time T from the model's own initial state; end state, s and class. */
function run(P: ParamVector, T = 3000, dt = 0.05) {
  const y = integrateFixed(rk4, (x, out) => model.rhs(x, P, out), model.initialState(P), dt, Math.round(T / dt));
  const dy = new Float64Array(3);
  model.rhs(y, P, dy);
  return { y, w: y[0], p: y[1], wa: y[2], s: y[0] * y[0], cls: model.classify(y, dy, P) };
}

const pPlus = 0.958258; // p*₊ at τ = 1, σ² = 0, η = 0.04
const sPlus = 0.918258;

interface RefCase {
  id: string;
  over: Over;
  end: 'origin' | Partial<Record<'w' | 'p' | 'wa' | 's', number>>;
  cls: ClassId;
}

// §6 in primitive form. Defaults: SimSiam, η = 0.04, σ² = 0, α_p = 1, s0 on the parabola ("pst"
// with s = p² and "p1d" map onto the parabola; "prim" with w = p is the same point at α_p = 1).
const cases: RefCase[] = [
  { id: 'A1', over: { p0: 0.045 }, end: { p: pPlus, s: sPlus }, cls: 'non-collapsed' },
  { id: 'A2', over: { p0: 0.038 }, end: 'origin', cls: 'collapsed' },
  { id: 'B1', over: { augmentation: 1, weightDecay: 0.12, p0: 0.21 }, end: { p: 0.3, s: 0.09 }, cls: 'non-collapsed' },
  { id: 'B2', over: { augmentation: 1, weightDecay: 0.12, p0: 0.19 }, end: 'origin', cls: 'collapsed' },
  { id: 'B3', over: { augmentation: 1, weightDecay: 0.13, p0: 0.3 }, end: 'origin', cls: 'collapsed' },
  { id: 'B4', over: { augmentation: 1, weightDecay: 0.124, p0: 0.3 }, end: { p: 0.272361 }, cls: 'non-collapsed' },
  { id: 'C1', over: { weightDecay: 0, p0: 1.5, s0: 1.2 }, end: { p: 1.024695, s: 0 }, cls: 'collapsed' },
  { id: 'C2', over: { weightDecay: 0, p0: 1.5, s0: 1.3 }, end: { p: 1, s: 0.05 }, cls: 'non-collapsed' },
  { id: 'C3', over: { weightDecay: 0, p0: -0.5, s0: 0.3 }, end: { p: 1, s: 1.05 }, cls: 'non-collapsed' },
  { id: 'C4', over: { weightDecay: 0, p0: -0.5, s0: 0.2 }, end: { p: -0.223607, s: 0 }, cls: 'collapsed' },
  { id: 'E1', over: { p0: 0.02, s0: 0.5 }, end: { p: pPlus, s: sPlus }, cls: 'non-collapsed' },
  { id: 'E3', over: { p0: 0.02, s0: 0.0027 }, end: 'origin', cls: 'collapsed' },
  { id: 'E4', over: { p0: 0.02, s0: 0.0029 }, end: { p: pPlus, s: sPlus }, cls: 'non-collapsed' },
  { id: 'F1', over: { p0: 0.02, s0: 0.001 }, end: 'origin', cls: 'collapsed' },
  { id: 'F2', over: { predictorLr: 10, p0: 0.02, s0: 0.001 }, end: { p: pPlus, s: 0.0918258 }, cls: 'non-collapsed' },
  { id: 'G1', over: { p0: 0.045 }, end: { w: pPlus, p: pPlus, wa: pPlus }, cls: 'non-collapsed' },
  { id: 'G2', over: { target: 'byol', emaRate: 0.4, p0: 0.045, wa0: 0 }, end: 'origin', cls: 'collapsed' },
  { id: 'G3', over: { target: 'byol', emaRate: 0.4, p0: 0.047, wa0: 0 }, end: { w: pPlus, p: pPlus, wa: pPlus }, cls: 'non-collapsed' },
  { id: 'G4', over: { target: 'byol', emaRate: 0.04, p0: 0.075, wa0: 0 }, end: 'origin', cls: 'collapsed' },
  { id: 'G5', over: { target: 'byol', emaRate: 0.04, p0: 0.082, wa0: 0 }, end: { w: pPlus, p: pPlus, wa: pPlus }, cls: 'non-collapsed' },
  {
    id: 'G6',
    over: { target: 'byol', emaRate: 0.4, augmentation: 1, weightDecay: 0.1, p0: 0.5, wa0: 0 },
    end: { w: 0.361803, p: 0.361803, wa: 0.361803, s: 0.130902 },
    cls: 'non-collapsed',
  },
  { id: 'K1', over: { target: 'fixed', tau: 0.5, p0: 0.11 }, end: { w: 0.4, p: 0.4, wa: 0.2, s: 0.16 }, cls: 'non-collapsed' },
  { id: 'K2', over: { target: 'fixed', tau: 0.5, p0: 0.09 }, end: 'origin', cls: 'collapsed' },
];

describe('tian-l2: reference cases of tian-l2.md §6 (RK4, dt 0.05, T 3000)', () => {
  it.each(cases)('$id', ({ over, end, cls }) => {
    const r = run(vec(over));
    expect(r.cls).toBe(cls);
    if (end === 'origin') {
      expect(r.s).toBeLessThan(kCollapsedS);
      for (const v of r.y) expect(Math.abs(v)).toBeLessThan(1e-5);
    } else {
      for (const [k, v] of Object.entries(end)) expect(Math.abs(r[k as keyof typeof end] - v), k).toBeLessThan(1e-5);
    }
  });

  it('H1: c = 0, p0 < 0 at η = 0 collapses algebraically, caught by the slope rule', () => {
    const r = run(vec({ weightDecay: 0, p0: -0.5, s0: 0.25 }));
    // On the parabola ṗ = p²(1 − p), so −1/p + ln(|p|/(1 − p)) grows exactly like t.
    const F = (p: number) => -1 / p + Math.log(Math.abs(p) / (1 - p));
    const target = F(-0.5) + 3000;
    let p = -1 / target;
    for (let k = 0; k < 50; k++) p -= (F(p) - target) / (1 / (p * p) + 1 / p + 1 / (1 - p));
    expect(p).toBeCloseTo(-3.3235e-4, 7);
    expect(Math.abs(r.p / p - 1)).toBeLessThan(1e-6);
    expect(r.s).toBeGreaterThan(kCollapsedS); // s ≈ 1.1e-7: not by the first rule ...
    expect(r.s).toBeLessThan(kSlowCollapseS);
    expect(model.isCollapsed(r.y, vec())).toBe(false);
    expect(r.cls).toBe('collapsed'); // ... but by the second
  });
});

describe('tian-l2: state, readouts, classifier', () => {
  it('derives s0 on the parabola and starts w_a consistent with the target', () => {
    expect(Array.from(model.initialState(vec({ p0: -0.3, predictorLr: 4 })))).toEqual([0.15, -0.3, 0.15]);
    expect(Array.from(model.initialState(vec({ target: 'fixed', tau: 0.5, p0: 0.2, s0: 0.09 })))).toEqual([0.3, 0.2, 0.15]);
    expect(Array.from(model.initialState(vec({ target: 'byol', p0: 0.2, s0: 0.09, wa0: -1 })))).toEqual([0.3, 0.2, -1]);
  });

  it('reads out s = w² and τ = w_a/w, 0 at w = 0', () => {
    const out = new Float64Array(2);
    model.readout(run(vec({ target: 'fixed', tau: 0.5, p0: 0.11 })).y, vec(), out);
    expect(out[0]).toBeCloseTo(0.16, 6);
    expect(out[1]).toBeCloseTo(0.5, 12);
    model.readout(Float64Array.of(0, 0.3, 0.1), vec(), out);
    expect(Array.from(out)).toEqual([0, 0]);
  });

  it('classifies by s < 1e-8, or s < 1e-4 while shrinking', () => {
    const P = vec();
    expect(model.classify(Float64Array.of(5e-5, 0, 0), Float64Array.of(1, 0, 0), P)).toBe('collapsed');
    expect(model.classify(Float64Array.of(5e-3, 0, 0), Float64Array.of(-1e-6, 0, 0), P)).toBe('collapsed');
    expect(model.classify(Float64Array.of(5e-3, 0, 0), Float64Array.of(1e-6, 0, 0), P)).toBe('non-collapsed');
    expect(model.classify(Float64Array.of(0.02, 0, 0), Float64Array.of(-1, 0, 0), P)).toBe('non-collapsed');
    expect(model.isCollapsed(Float64Array.of(9e-5, 0, 0), P)).toBe(true);
  });

  it('the WGSL side carries the same thresholds and the five entry points', () => {
    expect(model.wgsl).toMatch(/kTianCollapsedS = 1\.0e-8;/);
    expect(model.wgsl).toMatch(/kTianSlowCollapseS = 1\.0e-4;/);
    expect([kCollapsedS, kSlowCollapseS]).toEqual([1e-8, 1e-4]);
    for (const sig of [
      'fn initialState(P: Params) -> State',
      'fn rhs(y: State, P: Params) -> State',
      'fn classify(y: State, dy: State, P: Params) -> u32',
      'fn isCollapsed(y: State, P: Params) -> bool',
      'fn readouts(y: State, P: Params) -> Readouts',
    ])
      expect(model.wgsl).toContain(sig);
    expect(model.wgsl).not.toMatch(/@compute|fma\(/);
  });
});

describe('tian-l2: exact integral w² − p²/α_p = c e^{−2ηt} (§3, Eqn 14)', () => {
  it.each<[string, Over]>([
    ['BYOL G6', { target: 'byol', emaRate: 0.4, augmentation: 1, weightDecay: 0.1, p0: 0.5, s0: 0.4, wa0: 0 }],
    ['α_p = 10, off the parabola', { predictorLr: 10, p0: 0.02, s0: 0.001 }],
    ['fixed τ = 0.5, c < 0', { target: 'fixed', tau: 0.5, p0: 0.6, s0: 0.1 }],
  ])('%s', (_name, over) => {
    const P = vec(over);
    const alphaP = P[ix('predictorLr')];
    const eta = P[ix('weightDecay')];
    const y = model.initialState(P);
    const c0 = y[0] * y[0] - (y[1] * y[1]) / alphaP;
    const stepper = new RkStepper(rk4, 3);
    const f = (x: Float64Array, out: Float64Array) => model.rhs(x, P, out);
    const dt = 0.02;
    for (let n = 1; n <= 10_000; n++) {
      stepper.step(f, y, dt);
      if (n % 2500 === 0) {
        const c = y[0] * y[0] - (y[1] * y[1]) / alphaP;
        expect(Math.abs(c - c0 * Math.exp(-2 * eta * n * dt))).toBeLessThan(1e-12);
      }
    }
    expect(Math.abs(c0)).toBeGreaterThan(5e-4); // a real offset from the parabola
  });
});

/** Jacobian of the model's rhs by central differences. */
function jacobian(y: number[], P: ParamVector): number[][] {
  const h = 1e-6;
  const plus = new Float64Array(3);
  const minus = new Float64Array(3);
  const J = [0, 1, 2].map(() => [0, 0, 0]);
  for (let j = 0; j < 3; j++) {
    const yp = Float64Array.from(y);
    const ym = Float64Array.from(y);
    yp[j] += h;
    ym[j] -= h;
    model.rhs(yp, P, plus);
    model.rhs(ym, P, minus);
    for (let i = 0; i < 3; i++) J[i][j] = (plus[i] - minus[i]) / (2 * h);
  }
  return J;
}
const det2 = (J: number[][]) => J[0][0] * J[1][1] - J[0][1] * J[1][0];
const det3 = (J: number[][]) =>
  J[0][0] * (J[1][1] * J[2][2] - J[1][2] * J[2][1]) -
  J[0][1] * (J[1][0] * J[2][2] - J[1][2] * J[2][0]) +
  J[0][2] * (J[1][0] * J[2][1] - J[1][1] * J[2][0]);
const minors3 = (J: number[][]) =>
  det2([
    [J[0][0], J[0][1]],
    [J[1][0], J[1][1]],
  ]) +
  det2([
    [J[0][0], J[0][2]],
    [J[2][0], J[2][2]],
  ]) +
  det2([
    [J[1][1], J[1][2]],
    [J[2][1], J[2][2]],
  ]);

/** Stability from the Jacobian: (w, p) block for a frozen target (w_a is slaved), Routh–Hurwitz for BYOL. */
function stableByJacobian(J: number[][], byol: boolean): boolean {
  if (!byol) return J[0][0] + J[1][1] < 0 && det2(J) > 0;
  const c2 = -(J[0][0] + J[1][1] + J[2][2]);
  const c1 = minors3(J);
  const c0 = -det3(J);
  return c2 > 0 && c0 > 0 && c2 * c1 > c0;
}

describe('tian-l2: fixed points (§4)', () => {
  it.each<[string, Over, number]>([
    ['SimSiam', {}, 3],
    ['SimSiam σ² = 1, η = 0.12', { augmentation: 1, weightDecay: 0.12 }, 3],
    ['fixed τ = 0.5', { target: 'fixed', tau: 0.5 }, 3],
    ['BYOL β = 0.4', { target: 'byol' }, 3],
    ['α_p = 10', { predictorLr: 10 }, 3],
    ['η = 0', { weightDecay: 0 }, 2],
    ['η > η_c', { weightDecay: 0.3 }, 1],
  ])('%s: zeros of rhs with the stated stability', (_name, over, count) => {
    const P = vec(over);
    const fps = model.fixedPoints(P);
    expect(fps).toHaveLength(count);
    const out = new Float64Array(3);
    for (const fp of fps) {
      model.rhs(Float64Array.from(fp.state), P, out);
      for (const v of out) expect(Math.abs(v)).toBeLessThan(1e-14);
      if (P[ix('weightDecay')] > 0) expect(stableByJacobian(jacobian(fp.state, P), over.target === 'byol'), fp.label).toBe(fp.stable);
    }
  });

  it('matches the eigenvalues quoted in §4 (τ = 1, σ² = 0, η = 0.04, α_p = 1)', () => {
    const [, minus, plus] = model.fixedPoints(vec());
    expect(minus.state[1]).toBeCloseTo(0.0417424, 7);
    expect(plus.state[1]).toBeCloseTo(pPlus, 6);
    // SimSiam (p, s) eigenvalues (−0.08, +0.0383) and (−0.878, −0.08): trace and determinant.
    const Jm = jacobian(minus.state, vec());
    const Jp = jacobian(plus.state, vec());
    expect(Jm[0][0] + Jm[1][1]).toBeCloseTo(-0.08 + 0.0383, 3);
    expect(det2(Jm) / (-0.08 * 0.0383)).toBeCloseTo(1, 2);
    expect(Jp[0][0] + Jp[1][1]).toBeCloseTo(-0.878 - 0.08, 3);
    expect(det2(Jp) / (-0.878 * -0.08)).toBeCloseTo(1, 2);
    // Primitive BYOL, β = 0.4: (−0.438, +0.0349, −0.08) and (−2.07, −0.08, −0.17).
    const B = vec({ target: 'byol' });
    const [, bm, bp] = model.fixedPoints(B).map((fp) => jacobian(fp.state, B));
    expect(bm[0][0] + bm[1][1] + bm[2][2]).toBeCloseTo(-0.438 + 0.0349 - 0.08, 3);
    expect(det3(bm) / (-0.438 * 0.0349 * -0.08)).toBeCloseTo(1, 2);
    expect(bp[0][0] + bp[1][1] + bp[2][2]).toBeCloseTo(-2.07 - 0.08 - 0.17, 2);
    expect(det3(bp) / (-2.07 * -0.08 * -0.17)).toBeCloseTo(1, 2);
  });
});

describe('tian-l2: closed forms through predictClass (§4)', () => {
  it('evaluates η_c, p*± and η*(p0)', () => {
    expect(etaC(1, 1)).toBe(0.25);
    expect(etaC(1, 2)).toBe(0.125);
    expect(pStar(0.04, 1, 1)!.minus).toBeCloseTo(0.0417424, 7);
    expect(pStar(0.04, 1, 1)!.plus).toBeCloseTo(pPlus, 6);
    expect(pStar(0.12, 1, 2)!.minus).toBeCloseTo(0.2, 12);
    expect(pStar(0.12, 1, 2)!.plus).toBeCloseTo(0.3, 12);
    expect(pStar(0.13, 1, 2)).toBeUndefined();
    expect(etaStar(0.3, 1, 1)).toBeCloseTo(0.21, 12);
    expect(etaStar(0.6, 1, 1)).toBe(0.25);
  });

  it('on the parabola (η > 0): collapse iff η > η*(p0), checked by integration away from the boundary', () => {
    let checked = 0;
    const bases: Over[] = [{}, { augmentation: 1 }, { target: 'fixed', tau: 0.5 }];
    for (const base of bases) {
      const v = vec(base);
      const tau = base.target === 'fixed' ? 0.5 : 1;
      const a = 1 + v[ix('augmentation')];
      for (const p0 of [0.02, 0.1, 0.3, 0.6, 0.9]) {
        for (const eta of [0.01, 0.05, 0.1, 0.2, 0.28]) {
          const star = etaStar(p0, tau, a);
          if (Math.abs(eta - star) < 0.2 * Math.max(star, 0.05)) continue; // away from the boundary
          const P = vec({ ...base, p0, weightDecay: eta });
          const predicted = model.predictClass(P);
          expect(predicted).toBe(eta > star ? 'collapsed' : 'non-collapsed');
          expect(run(P, Math.max(3000, 50 / eta)).cls, `${JSON.stringify(base)} p0=${p0} η=${eta}`).toBe(predicted);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('η = 0: collapse iff α_p s0 < p0² (p0 < 0) or < p0² − p*² (p0 > p*), checked by integration', () => {
    let checked = 0;
    for (const base of [
      { predictorLr: 1, augmentation: 0 },
      { predictorLr: 10, augmentation: 1 },
    ]) {
      const pS = 1 / (1 + base.augmentation);
      for (const p0 of [-0.8, -0.3, 0.2, 0.45, 0.7, 1.3]) {
        for (const u0 of [0.05, 0.3, 0.8, 1.4]) {
          const uStar = p0 < 0 ? p0 * p0 : p0 > pS ? p0 * p0 - pS * pS : -Infinity;
          if (Math.abs(u0 - uStar) < 0.05) continue;
          const P = vec({ ...base, weightDecay: 0, p0, s0: u0 / base.predictorLr });
          const predicted = model.predictClass(P);
          expect(predicted).toBe(u0 < uStar ? 'collapsed' : 'non-collapsed');
          expect(run(P).cls, `${JSON.stringify(base)} p0=${p0} u0=${u0}`).toBe(predicted);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(35);
  });

  it('C2 escapes with c < 0 and p0 > p*: the criterion is the boundary curve, not "c < 0"', () => {
    const P = vec({ weightDecay: 0, p0: 1.5, s0: 1.3 });
    expect(model.predictClass(P)).toBe('non-collapsed');
    expect(model.predictClass(vec({ weightDecay: 0, p0: 1.5, s0: 1.2 }))).toBe('collapsed');
  });

  it('η > η_c collapses from anywhere; undecided where no closed form applies', () => {
    const P = vec({ weightDecay: 0.3, p0: 0.6, s0: 0.5 });
    expect(model.predictClass(P)).toBe('collapsed');
    expect(run(P).cls).toBe('collapsed');
    expect(model.predictClass(vec({ target: 'byol', p0: 0.5 }))).toBeUndefined();
    expect(model.predictClass(vec({ p0: 0.02, s0: 0.0027 }))).toBeUndefined(); // off the parabola, η > 0
    expect(model.predictClass(vec({ weightDecay: 0, p0: -0.5 }))).toBeUndefined(); // c = 0, p0 < 0 (H1)
    expect(model.predictClass(vec({ p0: 0.3, s0: 0 }))).toBe('collapsed'); // w = 0 is invariant
  });
});

function slice(x: SliceContext['x'], y: SliceContext['y'], over: Over): SliceContext {
  return { x, y, values: vec({ ...over, [x.param]: x.min, [y.param]: y.min }) };
}
const byId = (curves: OverlayCurve[], id: string) => {
  const c = curves.find((k) => k.id === id);
  if (!c) throw new Error(`no overlay ${id} among ${curves.map((k) => k.id).join(', ')}`);
  return c;
};

describe('tian-l2: numerical separatrix (§4)', () => {
  it('the (α_p, s0) overlay is the line α_p s0 = 0.0028063 at p0 = 0.02', () => {
    const curves = model.overlays(slice({ param: 'predictorLr', min: 0.1, max: 100 }, { param: 's0', min: 1e-5, max: 1 }, { p0: 0.02 }));
    const c = byId(curves, 'separatrix-alpha');
    expect(c.source).toBe('numerical separatrix, f64 bisection');
    expect(c.points.length).toBeGreaterThan(150);
    for (const [x, y] of c.points) expect(Math.abs((x * y) / 0.0028063 - 1)).toBeLessThan(2e-5);
    expect(c.points[0][0]).toBeCloseTo(0.1, 12);
    expect(c.points[c.points.length - 1][0]).toBeCloseTo(100, 9);
  });

  it('bisection reproduces the s0*(p0) table to its last digit', () => {
    const table: Array<[number, number]> = [
      [-0.2, 0.051137],
      [-0.05, 0.0097997],
      [0, 0.0041872],
      [0.01, 0.0034435],
      [0.02, 0.0028063],
      [0.03, 0.0022661],
      [0.04, 0.0018132],
    ];
    for (const [p0, s] of table) expect(Math.abs(separatrixU(p0, 1, 1, 0.04)! - s), `p0 = ${p0}`).toBeLessThan(5.5e-8);
  });

  it('the stable manifold traced in the (p0, s0) plane passes through the table within drawing accuracy', () => {
    const curves = model.overlays(slice({ param: 'p0', min: -0.3, max: 0.3 }, { param: 's0', min: 0, max: 0.06 }, {}));
    const c = byId(curves, 'separatrix');
    expect(c.kind).toBe('boundary');
    const at = (p0: number) => {
      const k = c.points.findIndex((q, i) => i > 0 && (c.points[i - 1][0] - p0) * (q[0] - p0) <= 0);
      const [a, b] = [c.points[k - 1], c.points[k]];
      return a[1] + ((b[1] - a[1]) * (p0 - a[0])) / (b[0] - a[0]);
    };
    for (const [p0, s] of [
      [-0.2, 0.051137],
      [-0.05, 0.0097997],
      [0, 0.0041872],
      [0.02, 0.0028063],
      [0.04, 0.0018132],
    ]) {
      expect(Math.abs(at(p0) / s - 1), `p0 = ${p0}`).toBeLessThan(3e-3);
    }
  });
});

describe('tian-l2: overlays for the presets (§5)', () => {
  const curvesOf = (id: string) => {
    const pr = model.presets.find((p) => p.id === id)!;
    const { x, y } = pr.spec;
    const s = slice(x, y, { ...pr.spec.params, ...pr.spec.initial });
    const curves = model.overlays(s);
    for (const c of curves) {
      expect(c.points.length, c.id).toBeGreaterThanOrEqual(2);
      for (const [px, py] of c.points) {
        expect(px).toBeGreaterThanOrEqual(x.min - 1e-9 * (x.max - x.min));
        expect(px).toBeLessThanOrEqual(x.max + 1e-9 * (x.max - x.min));
        expect(py).toBeGreaterThanOrEqual(y.min - 1e-9 * (y.max - y.min));
        expect(py).toBeLessThanOrEqual(y.max + 1e-9 * (y.max - y.min));
      }
    }
    return curves;
  };

  it('has the five presets of §5 with n = 128 and T ≥ max(3000, 50/η, 50/β)', () => {
    expect(model.presets.map((p) => p.id)).toHaveLength(5);
    for (const p of model.presets) {
      expect([p.spec.x.n, p.spec.y.n]).toEqual([128, 128]);
      expect(p.spec.integrator!.tEnd!).toBeGreaterThanOrEqual(3000);
    }
  });

  it('P1 (p0, η): η_c = 1/4 and η*(p0)', () => {
    const curves = curvesOf('weight-decay-threshold');
    for (const [, y] of byId(curves, 'eta-c').points) expect(y).toBe(0.25);
    const star = byId(curves, 'eta-star');
    expect(star.points.length).toBeGreaterThan(150);
    for (const [x, y] of star.points) expect(y).toBeCloseTo(x <= 0.5 ? x * (1 - x) : 0.25, 12);
  });

  it('P2 (σ², η): η_c(σ²) and η*(σ²) at p0 = 0.3', () => {
    const curves = curvesOf('augmentation-vs-weight-decay');
    for (const [x, y] of byId(curves, 'eta-c').points) expect(y).toBeCloseTo(1 / (4 * (1 + x)), 12);
    for (const [x, y] of byId(curves, 'eta-star').points) expect(y).toBeCloseTo(etaStar(0.3, 1, 1 + x), 12);
  });

  it('P3 (p0, s0) at η = 0: the piecewise parabola, cut at the box edge on the curve', () => {
    const curves = curvesOf('fig3-basin-eta0');
    const neg = byId(curves, 'eta0-boundary-1');
    const pos = byId(curves, 'eta0-boundary-2');
    for (const [x, y] of neg.points) expect(y).toBeCloseTo(x * x, 12);
    for (const [x, y] of pos.points) expect(y).toBeCloseTo(x * x - 1, 12);
    expect(Math.max(...neg.points.map(([x]) => x))).toBeLessThan(0);
    expect(Math.min(...pos.points.map(([x]) => x))).toBeGreaterThan(1);
    const parabola = byId(curves, 'parabola').points;
    expect(parabola[parabola.length - 1][0]).toBeCloseTo(Math.sqrt(1.5), 9);
    expect(parabola[parabola.length - 1][1]).toBeCloseTo(1.5, 9);
  });

  it('P4 (α_p, s0): the numerical line α_p s0 = u*(0.02)', () => {
    const c = byId(curvesOf('predictor-learning-rate'), 'separatrix-alpha');
    for (const [x, y] of c.points) expect(Math.abs((x * y) / 0.0028063 - 1)).toBeLessThan(2e-5);
  });

  it('P5 (β, p0): the SimSiam asymptote p0 = p*₋ = 0.041742 as a reference line', () => {
    const c = byId(curvesOf('ema-rate'), 'simsiam-threshold');
    expect(c.kind).toBe('reference');
    for (const [, y] of c.points) expect(y).toBeCloseTo(0.0417424, 7);
  });
});

describe('tian-l2: settle rule (early exit)', () => {
  const settleRun = (P: ParamVector, y0?: number[], settle: false | { tol: number; hold: number } = { tol: 1e-6, hold: 0.5 }) => {
    // integrateCell from a hand-picked state: a model whose initialState returns y0.
    const m = y0 ? { ...model, initialState: () => Float64Array.from(y0) } : model;
    return integrateCell(m, P, {
      integrator: parseSpec({
        model: 'tian-l2',
        x: { param: 'p0', min: 0, max: 1, n: 2 },
        y: { param: 's0', min: 0, max: 1, n: 2 },
        integrator: { dt: 0.05, tEnd: 3000 },
      }).integrator,
      settle,
    });
  };
  const verdict = (y: number[], P: ParamVector) => {
    const dy = new Float64Array(3);
    model.rhs(Float64Array.from(y), P, dy);
    return model.settle!.verdict(Float64Array.from(y), dy, P);
  };
  const classOf = (y: number[], P: ParamVector) => {
    const dy = new Float64Array(3);
    model.rhs(Float64Array.from(y), P, dy);
    return model.classify(Float64Array.from(y), dy, P);
  };

  it('stops a collapsed state whose growth rate is negative for every reachable p (SimSiam, frozen τ, BYOL)', () => {
    expect(verdict([1e-3, 0.01, 1e-3], vec())).toBe('stop'); // η = 0.04, p well below p*₋ = 0.0417
    expect(verdict([1e-3, 0.01, 5e-4], vec({ target: 'fixed', tau: 0.5 }))).toBe('stop');
    expect(verdict([0, 0.5, 0], vec())).toBe('stop'); // w = 0 is invariant
    expect(verdict([5e-5, 0.01, 8e-5], vec({ target: 'byol' }))).toBe('stop');
    // η > η_c: no growth anywhere, whatever p.
    expect(verdict([1e-3, 0.5, 1e-3], vec({ weightDecay: 0.3 }))).toBe('stop');
    // Same states just above the thresholds are not stopped.
    expect(verdict([1e-3, 0.04, 1e-3], vec())).toBe('continue'); // p inside the 1 % margin below p*₋
    expect(verdict([5e-4, 0.01, 5e-4], vec({ target: 'byol' }))).toBe('continue'); // V² = 2.5e-7 ≥ 1e-8
    expect(verdict([0.3, 0.3, 0.3], vec())).toBe('generic');
  });

  it('does not stop a state near w = 0 that regrows: p decays through the growth window (η = 0.04)', () => {
    // p = 1.5 > p*₊: w shrinks now (the classifier says collapsed), but p passes (p*₋, p*₊) on its way down.
    const P = vec();
    const y = [1e-3, 1.5, 1e-3];
    expect(classOf(y, P)).toBe('collapsed');
    expect(verdict(y, P)).toBe('continue');
    const out = settleRun(P, y);
    expect(CLASS_BY_CODE[out.classCode]).toBe('non-collapsed');
    expect(out.state[1]).toBeCloseTo(pPlus, 5);
  });

  it('η = 0: a tiny w with p in (0, τ/a) regrows; the generic test alone would stop it as collapsed', () => {
    const P = vec({ weightDecay: 0 });
    const y = Float64Array.of(1e-7, 0.5, 1e-7);
    const dy = new Float64Array(3);
    model.rhs(y, P, dy);
    expect(new QuietClock().settled(0, y, dy, { tol: 1e-6, hold: 0.5 })).toBe(true); // what 'generic' would do
    expect(model.classify(y, dy, P)).toBe('collapsed');
    expect(model.settle!.verdict(y, dy, P)).toBe('continue');
    const out = settleRun(P, Array.from(y));
    expect(CLASS_BY_CODE[out.classCode]).toBe('non-collapsed');
    expect(out.state[1]).toBeCloseTo(1, 6); // the line p = τ/a
  });

  it('η = 0 algebraic collapse (H1, c = 0) keeps running; c < 0 with p < 0 (C4) stops', () => {
    const P = vec({ weightDecay: 0 });
    expect(verdict([1e-3, -1e-3, 1e-3], P)).toBe('continue'); // on the parabola: λ → 0⁻, no margin
    expect(verdict([1e-3, -0.2236, 1e-3], P)).toBe('stop'); // |p| ≥ √d = 0.2236: λ ≤ −0.27
    expect(verdict([1e-3, 0.5, 1e-3], P)).toBe('continue'); // in the growth window
    expect(verdict([1e-3, 1.0247, 1e-3], P)).toBe('stop'); // C1's end: p ≥ √d > τ/a
    const h1 = settleRun(vec({ weightDecay: 0, p0: -0.5, s0: 0.25 }));
    expect(h1.tSettled).toBe(-1); // ran to tEnd, as the fixed-horizon run
    expect(CLASS_BY_CODE[h1.classCode]).toBe('collapsed');
    const c4 = settleRun(vec({ weightDecay: 0, p0: -0.5, s0: 0.2 }));
    expect(CLASS_BY_CODE[c4.classCode]).toBe('collapsed');
    expect(c4.tSettled).toBeGreaterThan(0);
    expect(c4.tSettled).toBeLessThan(300);
  });

  it('collapsed cells stop far below tEnd with the fixed-horizon class (A2, E3, G2, K2, B3)', () => {
    for (const id of ['A2', 'E3', 'G2', 'K2', 'B3']) {
      const P = vec(cases.find((c) => c.id === id)!.over);
      const early = settleRun(P);
      const full = settleRun(P, undefined, false);
      expect(CLASS_BY_CODE[early.classCode], id).toBe('collapsed');
      expect(full.classCode, id).toBe(early.classCode);
      expect(early.tSettled, id).toBeGreaterThan(0);
      expect(early.tSettled, id).toBeLessThan(0.2 * 3000);
      expect(early.steps, id).toBeLessThan(0.2 * full.steps);
    }
  });

  it('the WGSL settleVerdict agrees with the TS twin: GPU sweeps against runSweepCpu cell by cell', async () => {
    const device = (await testDevice())?.device;
    if (!device) return;
    const specs = [
      // SimSiam P1 (η rows from 0 through η_c), P3 at η = 0 (conserved-quantity route), BYOL (V route).
      { x: { param: 'p0', min: 0, max: 1, n: 12 }, y: { param: 'weightDecay', min: 0, max: 0.3, n: 12 }, params: { target: 'simsiam' } },
      {
        x: { param: 'p0', min: -1, max: 1.5, n: 12 },
        y: { param: 's0', min: 0, max: 1.5, n: 12 },
        params: { target: 'simsiam', weightDecay: 0 },
      },
      {
        x: { param: 'emaRate', min: 0.1, max: 10, n: 10, scale: 'log' },
        y: { param: 'p0', min: 0.03, max: 0.1, n: 10 },
        params: { target: 'byol', weightDecay: 0.04 },
        initial: { wa0: 0 },
      },
    ];
    for (const s of specs) {
      const spec = parseSpec({ model: 'tian-l2', ...s, integrator: { dt: 0.05, tEnd: 3000 } });
      const gpu = await withErrorScopes(device, () => runSweepGpu(device, spec));
      const cpu = runSweepCpu(spec);
      const M = model.readouts.length + 3;
      let stopped = 0;
      for (let k = 0; k < gpu.classes.length; k++) {
        expect(gpu.classes[k], `${s.y.param} cell ${k}`).toBe(cpu.classes[k]);
        const [tg, tc] = [gpu.metrics[k * M + M - 2], cpu.metrics[k * M + M - 2]];
        if (cpu.classes[k] === CLASSES.collapsed.code && tc >= 0) {
          // Stopped by the rule: same step (± a few, f32 against f64 near the thresholds).
          stopped++;
          expect(Math.abs(tg - tc), `cell ${k}: ${tg} vs ${tc}`).toBeLessThanOrEqual(0.01 * tc + 0.5);
          // It stops once s < 1e-8 (t_c on record), ln(1e4)/2η after the rule first holds at s < 1e-4.
          expect(tc).toBeLessThan(0.25 * 3000);
        }
        // End states agree to f32 accuracy where both stopped at the same time.
        if (Math.abs(tg - tc) <= 1e-3 * Math.max(tc, 1)) {
          for (let d = 0; d < 3; d++) expect(Math.abs(gpu.finalState[k * 3 + d] - cpu.finalState[k * 3 + d])).toBeLessThan(1e-3);
        }
      }
      expect(stopped, s.y.param).toBeGreaterThan(5);
    }
  }, 120_000);
});
