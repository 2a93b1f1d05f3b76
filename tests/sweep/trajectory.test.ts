import { describe, expect, it } from 'vitest';
import { cellTrajectory, sampleTimes } from '../../src/sweep/trajectory.js';
import { integrateCell, type CellRun } from '../../src/engine/cpu-runner.js';
import { CLASSES } from '../../src/models/types.js';
import { parseSpec, type SweepSpecInput } from '../../src/sweep/spec.js';
import { getModel } from '../../src/models/registry.js';
import { exactPosition, oscillator } from '../fixtures/oscillator.js';

const tian = getModel('tian-l2')!;

/** Parameter vector of a tian-l2 SimSiam cell on the parabola, and its run (integrator, settle) resolved by parseSpec. */
function tianCell(
  weightDecay: number,
  p0: number,
  run: Pick<SweepSpecInput, 'integrator' | 'settle'> = {},
): { P: Float64Array; run: CellRun } {
  const spec = parseSpec({
    model: 'tian-l2',
    params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
    x: { param: 'p0', min: p0, max: p0 + 0.1, n: 2 },
    y: { param: 'weightDecay', min: weightDecay, max: weightDecay + 0.1, n: 2 },
    ...run,
  });
  return { P: spec.values, run: { integrator: spec.integrator, settle: spec.settle } };
}

/** The oscillator's run as parseSpec resolves it. */
function oscillatorRun(integrator: NonNullable<SweepSpecInput['integrator']>, settle: SweepSpecInput['settle'] = false): CellRun {
  const spec = parseSpec(
    { model: 'oscillator', x: { param: 'omega', min: 1, max: 2, n: 2 }, y: { param: 'x0', min: 0, max: 1, n: 2 }, integrator, settle },
    [oscillator],
  );
  return { integrator: spec.integrator, settle: spec.settle };
}

const fixed3000 = { integrator: { method: 'rk4', dt: 0.05, tEnd: 3000 }, settle: false as const };

describe('sampleTimes', () => {
  it('keeps at most maxPoints ascending times ending at tEnd, early times log-dense and the late half linear', () => {
    const keep = sampleTimes(3000, 2000);
    expect(keep.length).toBeLessThanOrEqual(2000);
    expect(keep.length).toBeGreaterThan(1500);
    expect(keep[0]).toBeGreaterThan(0);
    expect(keep[0]).toBeLessThanOrEqual(3000 * 1e-6);
    expect(keep[keep.length - 1]).toBe(3000);
    for (let k = 1; k < keep.length; k++) expect(keep[k]).toBeGreaterThan(keep[k - 1]);
    expect(keep.filter((t) => t < 3).length).toBeGreaterThan(450); // log half: the first 0.1 % of the run is resolved
    expect(keep.filter((t) => t > 1500).length).toBeGreaterThan(450); // linear half: the late half too
  });
  it('stays within maxPoints for small budgets and still ends at tEnd', () => {
    for (const n of [5, 10, 300]) {
      const keep = sampleTimes(20, n);
      expect(keep.length).toBeLessThanOrEqual(n);
      expect(keep[keep.length - 1]).toBe(20);
      for (let k = 1; k < keep.length; k++) expect(keep[k]).toBeGreaterThan(keep[k - 1]);
    }
  });
});

describe('cellTrajectory', () => {
  it('ends where integrateCell ends and settles on the stable fixed point p*₊ (fixed horizon)', () => {
    // η = 0.04 < η*(0.3) = 0.21: non-collapsed, w → p*₊ = (1 + √(1 − 4η))/2 = 0.9582...
    const { P, run } = tianCell(0.04, 0.3, fixed3000);
    const tr = cellTrajectory(tian, P, run);
    const ref = integrateCell(tian, P, run);
    const last = tr.t.length - 1;
    expect(tr.t[0]).toBe(0);
    expect(tr.t[last]).toBe(3000); // the last fixed step is shortened to end exactly at tEnd
    expect(tr.t.length).toBeLessThanOrEqual(2000);
    expect(tr.states.map((s) => s[last])).toEqual(Array.from(ref.state));
    expect(tr.outcome).toEqual(ref);
    expect(tr.outcome.classCode).toBe(CLASSES['non-collapsed'].code);
    expect(tr.outcome.tSettled).toBe(-1);
    expect(tr.outcome.steps).toBe(60_000);
    const stable = tian.fixedPoints(P).find((f) => f.stable && f.state[0] > 0)!;
    expect(stable.state[1]).toBeCloseTo((1 + Math.sqrt(1 - 4 * 0.04)) / 2, 12);
    tr.states.forEach((s, d) => {
      expect(s[last]).toBeCloseTo(stable.state[d], 6);
    });
    expect(tr.states[1][0]).toBe(0.3); // p(0) = p0
  });

  it('a settled cell ends its series at its tSettled, with the outcome of integrateCell', () => {
    const { P, run } = tianCell(0.04, 0.3, { integrator: { method: 'rk4', dt: 0.05, tEnd: 3000 } }); // default settle
    expect(run.settle).not.toBe(false);
    const tr = cellTrajectory(tian, P, run);
    const ref = integrateCell(tian, P, run);
    expect(tr.outcome).toEqual(ref);
    expect(ref.end).toBe('settled');
    expect(ref.tSettled).toBeGreaterThan(0);
    expect(ref.tSettled).toBeLessThan(3000);
    const last = tr.t.length - 1;
    expect(tr.t[last]).toBe(ref.tSettled);
    expect(tr.states.map((s) => s[last])).toEqual(Array.from(ref.state));
    expect(ref.steps).toBeLessThan(60_000);
    for (let k = 1; k < tr.t.length; k++) expect(tr.t[k]).toBeGreaterThan(tr.t[k - 1]);
    // It stopped near the fixed point the fixed-horizon run reaches.
    const stable = tian.fixedPoints(P).find((f) => f.stable && f.state[0] > 0)!;
    tr.states.forEach((s, d) => {
      expect(s[last]).toBeCloseTo(stable.state[d], 3);
    });
  });

  it('an adaptive run (dp5) keeps the outcome of integrateCell, steps and tSettled included', () => {
    const { P, run } = tianCell(0.04, 0.3, { integrator: { method: 'dp5', dt: 0.05, tEnd: 3000 } });
    const tr = cellTrajectory(tian, P, run);
    const ref = integrateCell(tian, P, run);
    expect(tr.outcome).toEqual(ref);
    expect(tr.t[tr.t.length - 1]).toBe(ref.tSettled >= 0 ? ref.tSettled : 3000);
  });

  it('reports the collapse time of integrateCell and a state below the threshold by then', () => {
    const { P, run } = tianCell(0.25, 0.3, fixed3000); // η above η*(0.3) = 0.21: collapses
    const tr = cellTrajectory(tian, P, run);
    expect(tr.outcome.classCode).toBe(CLASSES.collapsed.code);
    const tc = tr.outcome.collapseTime;
    expect(tc).toBe(integrateCell(tian, P, run).collapseTime);
    expect(tc).toBeGreaterThan(10);
    const k = tr.t.findIndex((t) => t >= tc);
    expect(tr.states[0][k] ** 2).toBeLessThan(1e-8);
    expect(tr.states[0][k - 1] ** 2).toBeGreaterThanOrEqual(1e-8);
    // With early exit the same cell keeps the same collapse time.
    const early = tianCell(0.25, 0.3, { integrator: fixed3000.integrator });
    expect(cellTrajectory(tian, early.P, early.run).outcome.collapseTime).toBe(tc);
  });

  it('samples follow the exact solution at the sampled times', () => {
    const tr = cellTrajectory(oscillator, Float64Array.of(2, 1.5), {
      ...oscillatorRun({ method: 'rk4', dt: 0.001, tEnd: 20 }),
      maxPoints: 300,
    });
    expect(tr.t.length).toBeLessThanOrEqual(300);
    expect(tr.t[tr.t.length - 1]).toBe(20);
    tr.t.forEach((t, k) => {
      expect(tr.states[0][k]).toBeCloseTo(exactPosition({ omega: 2, x0: 1.5 }, t), 9);
    });
  });

  it('a diverged cell ends at its last finite state, where the runners latch it', () => {
    // RK4 is unstable for ω·dt > 2.83: at ω = 10, dt = 0.5 the state passes 1e6 on step 5 (last finite: t = 2).
    const P = Float64Array.of(10, 1);
    const run = oscillatorRun({ method: 'rk4', dt: 0.5, tEnd: 100 }, undefined);
    const tr = cellTrajectory(oscillator, P, run);
    const ref = integrateCell(oscillator, P, run);
    expect(tr.outcome.classCode).toBe(CLASSES.diverged.code);
    expect(tr.outcome.tSettled).toBe(-1);
    const last = tr.t.length - 1;
    expect(Array.from(tr.t)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(tr.states.map((s) => s[last])).toEqual(Array.from(ref.state));
    expect(Math.max(...tr.states.map((s) => Math.abs(s[last])))).toBeLessThanOrEqual(1e6);
    expect(tr.t[last]).toBe((tr.t.length - 1) * 0.5);
  });
});
