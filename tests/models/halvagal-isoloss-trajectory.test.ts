import { describe, expect, it } from 'vitest';
import { getModel } from '../../src/models/registry.js';
import { gaussianSpectrum } from '../../src/models/halvagal-isoloss-spectrum.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { cellTrajectory, seriesValues } from '../../src/sweep/trajectory.js';

const model = getModel('halvagal-isoloss')!;

/** A trajectory preset's own cell (Preset.inspect), integrated as the inspector does. */
function presetCell(id: string) {
  const preset = model.presets.find((p) => p.id === id)!;
  const spec = parseSpec({ model: model.id, ...preset.spec });
  const P = Float64Array.from(spec.values);
  P[spec.y.index] = preset.inspect!.y;
  P[spec.x.index] = preset.inspect!.x;
  const tr = cellTrajectory(spec.model, P, { integrator: spec.integrator, settle: spec.settle });
  const lambda = seriesValues(spec.model.series![0], tr, P);
  return { spec, P, tr, lambda };
}

describe('halvagal-isoloss eigenvalue series (trajectory presets)', () => {
  it('fig2-trajectory: λ_m at the sampled steps equal e^{2αℓ_m} of training steps taken one by one in f64', () => {
    const { spec, P, tr, lambda } = presetCell('fig2-trajectory');
    expect(lambda).toHaveLength(10);
    expect(spec.model.series![0].logY).toBe(true);
    // Step 0: λ_m(0) = f_m(0)^α = (s₀² e_m)^1, the seeded draw of W0 = randn(10, 15)/4.
    const e = gaussianSpectrum(2, 15, 10);
    for (let m = 0; m < 10; m++) expect(lambda[m][0]).toBeCloseTo(0.0625 * e[m], 12);
    // The map runs one training step per unit of time: replay them and compare at every kept sample.
    let y = spec.model.initialState(P);
    const next = new Float64Array(y.length);
    let step = 0;
    let checked = 0;
    for (let s = 0; s < tr.t.length; s++) {
      while (step < tr.t[s]) {
        spec.model.map!.step(y, P, next);
        y = Float64Array.from(next);
        step++;
      }
      for (let m = 0; m < 10; m++) expect(lambda[m][s]).toBeCloseTo(Math.exp(2 * y[m]), 12);
      checked++;
    }
    expect(tr.t.at(-1)).toBe(1500);
    expect(checked).toBeGreaterThan(500);
    // The paper's picture: every mode recruited to λ = 1, the smallest (0.0997) last.
    expect(lambda[0][0]).toBeCloseTo(0.09972, 4);
    for (let m = 0; m < 10; m++) expect(Math.abs(lambda[m].at(-1)! - 1)).toBeLessThan(2e-4);
  });

  it('fig5-euclidean: both λ end within 1e-3 of 1 after 1500 steps', () => {
    const { tr, lambda } = presetCell('fig5-euclidean');
    expect(tr.t.at(-1)).toBe(1500);
    expect(lambda.map((c) => c[0])).toEqual([expect.closeTo(0.1641, 4), expect.closeTo(0.6678, 4)]);
    for (const c of lambda) expect(Math.abs(c.at(-1)! - 1)).toBeLessThan(1e-3);
  });

  it('fig5-cosine: both λ end at the conserved mean of f₀ within 1e-3', () => {
    const { tr, lambda } = presetCell('fig5-cosine');
    const e = gaussianSpectrum(5, 6, 2);
    const mean = (0.0625 * (e[0] + e[1])) / 2;
    expect(mean).toBeCloseTo(0.41593, 5);
    expect(tr.t.at(-1)).toBe(1500);
    for (const c of lambda) expect(Math.abs(c.at(-1)! - mean)).toBeLessThan(1e-3);
    // Not trivially there: the two modes start a factor 4 apart.
    expect(lambda[1][0] / lambda[0][0]).toBeCloseTo(4.07, 2);
  });
});
