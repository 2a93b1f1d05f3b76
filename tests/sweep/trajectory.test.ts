import { describe, expect, it } from 'vitest';
import { cellTrajectory, sampleSteps } from '../../src/sweep/trajectory.js';
import { integrateCell } from '../../src/engine/cpu-runner.js';
import { CLASSES } from '../../src/models/types.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { getModel } from '../../src/models/registry.js';
import { exactPosition, oscillator } from '../fixtures/oscillator.js';

const tian = getModel('tian-l2')!;

/** Parameter vector of a tian-l2 SimSiam cell on the parabola. */
function tianCell(weightDecay: number, p0: number): Float64Array {
  const spec = parseSpec({
    model: 'tian-l2', params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
    x: { param: 'p0', min: p0, max: p0 + 0.1, n: 2 }, y: { param: 'weightDecay', min: weightDecay, max: weightDecay + 0.1, n: 2 },
  });
  return spec.values;
}

describe('sampleSteps', () => {
  it('keeps every step of a short run', () => {
    expect(Array.from(sampleSteps(5, 2000))).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('keeps at most maxPoints ascending indices with both ends and early steps dense', () => {
    const keep = sampleSteps(600_000, 2000);
    expect(keep.length).toBeLessThanOrEqual(2000);
    expect(keep.length).toBeGreaterThan(1500);
    expect(keep[0]).toBe(0);
    expect(keep[keep.length - 1]).toBe(600_000);
    for (let k = 1; k < keep.length; k++) expect(keep[k]).toBeGreaterThan(keep[k - 1]);
    expect(Array.from(keep.slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // log half: every early step
    expect(keep.filter((n) => n > 300_000).length).toBeGreaterThan(450); // linear half: the late half too
  });
});

describe('cellTrajectory', () => {
  it('ends where integrateCell ends and settles on the stable fixed point p*₊', () => {
    // η = 0.04 < η*(0.3) = 0.21: non-collapsed, w → p*₊ = (1 + √(1 − 4η))/2 = 0.9582...
    const P = tianCell(0.04, 0.3);
    const tr = cellTrajectory(tian, P, { method: 'rk4', dt: 0.05, tEnd: 3000 });
    const ref = integrateCell(tian, P, 'rk4', 0.05, 60_000);
    const last = tr.t.length - 1;
    expect(tr.t[0]).toBe(0);
    expect(tr.t[last]).toBeCloseTo(3000, 9);
    expect(tr.t.length).toBeLessThanOrEqual(2000);
    expect(tr.states.map((s) => s[last])).toEqual(Array.from(ref.state));
    expect(tr.outcome.classCode).toBe(CLASSES['non-collapsed'].code);
    const stable = tian.fixedPoints(P).find((f) => f.stable && f.state[0] > 0)!;
    expect(stable.state[1]).toBeCloseTo((1 + Math.sqrt(1 - 4 * 0.04)) / 2, 12);
    tr.states.forEach((s, d) => expect(s[last]).toBeCloseTo(stable.state[d], 6));
    expect(tr.states[1][0]).toBe(0.3); // p(0) = p0
  });

  it('reports the collapse time of integrateCell and a state below the threshold by then', () => {
    const P = tianCell(0.25, 0.3); // η above η*(0.3) = 0.21: collapses
    const tr = cellTrajectory(tian, P, { method: 'rk4', dt: 0.05, tEnd: 3000 });
    expect(tr.outcome.classCode).toBe(CLASSES.collapsed.code);
    const tc = tr.outcome.collapseTime;
    expect(tc).toBe(integrateCell(tian, P, 'rk4', 0.05, 60_000).collapseTime);
    expect(tc).toBeGreaterThan(10);
    const k = tr.t.findIndex((t) => t >= tc);
    expect(tr.states[0][k] ** 2).toBeLessThan(1e-8);
    expect(tr.states[0][k - 1] ** 2).toBeGreaterThanOrEqual(1e-8);
  });

  it('samples follow the exact solution at the sampled times', () => {
    const tr = cellTrajectory(oscillator, Float64Array.of(2, 1.5), { method: 'rk4', dt: 0.001, tEnd: 20, maxPoints: 300 });
    expect(tr.t.length).toBeLessThanOrEqual(300);
    tr.t.forEach((t, k) => expect(tr.states[0][k]).toBeCloseTo(exactPosition({ omega: 2, x0: 1.5 }, t), 9));
  });

  it('a diverged cell ends at its last finite state, where the runners latch it', () => {
    // RK4 is unstable for ω·dt > 2.83: at ω = 10, dt = 0.5 the state passes 1e6 on step 5 (last finite: t = 2).
    const P = Float64Array.of(10, 1);
    const tr = cellTrajectory(oscillator, P, { method: 'rk4', dt: 0.5, tEnd: 100 });
    const ref = integrateCell(oscillator, P, 'rk4', 0.5, 200);
    expect(tr.outcome.classCode).toBe(CLASSES.diverged.code);
    const last = tr.t.length - 1;
    expect(Array.from(tr.t)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(tr.states.map((s) => s[last])).toEqual(Array.from(ref.state));
    expect(Math.max(...tr.states.map((s) => Math.abs(s[last])))).toBeLessThanOrEqual(1e6);
    expect(tr.t[last]).toBe((tr.t.length - 1) * 0.5);
  });
});
