import { describe, expect, it } from 'vitest';
import { decideStep, errorNorm, kControllerDefaults, type ControllerSettings } from '../../src/integrators/controller.js';

// q = 5 (a 5(4) pair): β1 = 0.14, β2 = 0.08. Expected numbers were computed independently (Python).
const q = 5;
const s: ControllerSettings = { rtol: 1e-6, atol: 1e-9, dtMin: 1e-3, dtMax: 0.5, ...kControllerDefaults };

describe('errorNorm', () => {
  it('is the RMS of e scaled by atol + rtol·max(|y|, |yNew|)', () => {
    // scales: 1e-6 + 1e-3·max(1, 2) and 1e-6 + 1e-3·max(3, 1)
    expect(errorNorm([1e-6, -2e-6], [1, -3], [2, 1], 1e-3, 1e-6)).toBeCloseTo(0.0005890239738777862, 17);
    expect(errorNorm(Float64Array.of(1e-7), Float64Array.of(1), Float64Array.of(1), 1e-6, 0)).toBeCloseTo(0.1, 15);
  });

  it('falls back to atol at y = 0 and propagates NaN', () => {
    expect(errorNorm([3e-9], [0], [0], 1e-6, 1e-9)).toBeCloseTo(3, 14);
    expect(errorNorm([1e-9, NaN], [1, 1], [1, 1], 1e-6, 1e-9)).toBeNaN();
  });
});

describe('decideStep (PI controller)', () => {
  it('pins the defaults', () => {
    expect(kControllerDefaults).toEqual({ safety: 0.9, facMin: 0.2, facMax: 10 });
  });

  it('err = 0: grows by facMax, capped by dtMax', () => {
    expect(decideStep(0, 0.01, 1, q, s)).toEqual({ accept: true, dtNext: 0.1, prevErr: 1e-4, stiff: false });
    expect(decideStep(0, 0.1, 1, q, s)).toEqual({ accept: true, dtNext: 0.5, prevErr: 1e-4, stiff: false });
  });

  it('err = 0.5: accepts with dt·0.9·err^(−β1)·prevErr^(β2)', () => {
    const first = decideStep(0.5, 0.1, 1, q, s);
    expect(first.accept).toBe(true);
    expect(first.dtNext).toBeCloseTo(0.09917146042889498, 16);
    expect(first.prevErr).toBe(0.5);
    expect(first.stiff).toBe(false);
    // A small previous error damps the growth (the P·I term).
    expect(decideStep(0.5, 0.1, 0.25, q, s).dtNext).toBeCloseTo(0.08876094340440234, 16);
  });

  it('err = 1 is still accepted; the factor is clamped to [facMin, facMax]', () => {
    const edge = decideStep(1, 0.1, 1e-4, q, s);
    expect(edge.accept).toBe(true);
    expect(edge.dtNext).toBeCloseTo(0.043076708309037454, 16); // 0.9·(1e-4)^0.08 = 0.43 > facMin
    expect(decideStep(1, 0.1, 1e-30, q, s).dtNext).toBeCloseTo(0.02, 16); // 0.9·1e-30^0.08 = 0.004 → facMin
    expect(decideStep(1e-10, 0.01, 1, q, s).dtNext).toBeCloseTo(0.1, 16); // 0.9·1e10^0.14 = 22.6 → facMax
    expect(decideStep(1e-10, 0.01, 1, q, s).prevErr).toBe(1e-4);
    expect(decideStep(1 + 1e-12, 0.1, 1, q, s).accept).toBe(false);
  });

  it('err = 4: rejects with dt·0.9·4^(−β1), prevErr unchanged', () => {
    const d = decideStep(4, 0.1, 0.3, q, s);
    expect(d.accept).toBe(false);
    expect(d.dtNext).toBeCloseTo(0.07412319155408158, 16);
    expect(d.prevErr).toBe(0.3);
    expect(d.stiff).toBe(false);
  });

  it('a huge or NaN error shrinks by facMin and rejects', () => {
    expect(decideStep(1e6, 0.1, 1, q, s).dtNext).toBeCloseTo(0.02, 16); // 0.9·1e6^(−0.14) = 0.13 → facMin
    expect(decideStep(Infinity, 0.1, 1, q, s)).toEqual({ accept: false, dtNext: 0.1 * 0.2, prevErr: 1, stiff: false });
    expect(decideStep(NaN, 0.1, 0.7, q, s)).toEqual({ accept: false, dtNext: 0.1 * 0.2, prevErr: 0.7, stiff: false });
  });

  it('a rejection that asks for less than dtMin reports stiff', () => {
    expect(decideStep(4, 0.0013, 1, q, s).stiff).toBe(true); // 0.0013·0.741 = 9.6e-4 < 1e-3
    expect(decideStep(4, 0.0013, 1, q, s).dtNext).toBeLessThan(s.dtMin);
    expect(decideStep(4, 0.0014, 1, q, s).stiff).toBe(false); // 0.0014·0.741 = 1.04e-3
    expect(decideStep(NaN, 0.004, 1, q, s).stiff).toBe(true); // 0.004·0.2 = 8e-4
    expect(decideStep(0.5, 1e-5, 1, q, s).stiff).toBe(false); // accepted steps are never stiff
  });
});
