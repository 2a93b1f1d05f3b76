// t_c inside the step that crossed the threshold: adaptive steps are long where a decay is smooth,
// and the collapse time is placed by bisection on the step's Hermite interpolant, on both runners.
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { cellMetrics } from '../../src/models/types.js';
import { collapseOffset } from '../../src/integrators/hermite.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { sensitive } from '../fixtures/sensitive.js';

const device = (await testDevice())?.device;
const n = 8;
const spec = parseSpec(
  {
    model: 'sensitive',
    params: { b: 0 },
    x: { param: 'a', min: 0.5, max: 2, n },
    y: { param: 'c', min: 0.05, max: 0.5, n },
    integrator: { method: 'dp5', rtol: 1e-6, atol: 1e-9, tEnd: 40 },
    settle: false,
  },
  [sensitive],
);
const M = cellMetrics(sensitive).length;
const exact = (c: number) => Math.log(1 / (0.05 + (0.45 * Math.floor(c / n)) / (n - 1))) / (0.5 + (1.5 * (c % n)) / (n - 1));

describe('collapseOffset', () => {
  it('finds where the cubic through (0, y0, f0) and (h, y1, f1) crosses, to 2^-12 of the step', () => {
    // y = 1 − t on [0, 2] (a cubic Hermite reproduces it exactly): below 0.3 from t = 0.7.
    const off = collapseOffset(Float64Array.of(1), Float64Array.of(-1), Float64Array.of(-1), Float64Array.of(-1), 2, (y) => y[0] < 0.3);
    expect(Math.abs(off - 0.7)).toBeLessThanOrEqual(2 / 4096);
    expect(off).toBeGreaterThanOrEqual(0.7);
  });
});

describe("t_c of y' = −a·y crossing c: ln(1/c)/a", () => {
  it('f64 runner: within 1e-4 relative, though a step spans several percent of t_c', () => {
    const r = runSweepCpu(spec);
    for (let c = 0; c < n * n; c++) {
      const tc = r.metrics[c * M + 1];
      expect(Math.abs(tc / exact(c) - 1), `cell ${c}: ${tc} vs ${exact(c)}`).toBeLessThan(1e-4);
    }
    // Steps of about tEnd / steps: far coarser than the accuracy above, so the bisection is doing the work.
    const meanStep = 40 / (r.timings.instanceSteps / (n * n));
    expect(meanStep / Math.max(...Array.from({ length: n * n }, (_, c) => exact(c)))).toBeGreaterThan(0.02);
  });
  it.runIf(device)('GPU (f32): within 1e-3 relative', async () => {
    const r = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    for (let c = 0; c < n * n; c++) {
      const tc = r.metrics[c * M + 1];
      expect(Math.abs(tc / exact(c) - 1), `cell ${c}: ${tc} vs ${exact(c)}`).toBeLessThan(1e-3);
    }
  });
});
