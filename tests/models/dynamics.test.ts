// Which dynamics a run shows (src/models/dynamics.ts), where a model has a training step beside its
// flow: in words for the explorer, figure.png's caption, the CLI summary and the manifest.
import { describe, expect, it } from 'vitest';
import { dynamicsLabel } from '../../src/models/dynamics.js';
import { getModel } from '../../src/models/registry.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { manifest } from '../../src/export/grid.js';
import { manifestSchema } from '../../src/export/manifest.js';
import { specSummary } from '../../src/export/figure.js';
import { summary } from '../../src/cli/run.js';

const halvagal = (integrator: object, y = { param: 'lambda0', min: 0.01, max: 0.5, n: 2 }) =>
  parseSpec({
    model: 'halvagal-isoloss',
    params: { modes: 2, ...(y.param === 'learningRate' ? {} : { learningRate: 0.1 }) },
    x: { param: 'weightDecay', min: 0, max: 0.1, n: 2 },
    y,
    integrator,
  });

describe('dynamics labels', () => {
  it('names the training step with its step size, or the flow as its small-step limit; a flow-only model gets none', () => {
    const step = halvagal({ method: 'map', tEnd: 5 });
    expect(dynamicsLabel(step.model, 'map', step.values, [step.x.index, step.y.index])).toBe('training step, η = 0.1');
    const onAxis = halvagal({ method: 'map', tEnd: 5 }, { param: 'learningRate', min: 0.01, max: 0.1, n: 2 });
    expect(dynamicsLabel(onAxis.model, 'map', onAxis.values, [onAxis.x.index, onAxis.y.index])).toBe('training step, η on an axis');
    expect(dynamicsLabel(step.model, 'dp5', step.values)).toBe('flow (small-step limit)');
    const tian = getModel('tian-l2')!;
    expect(dynamicsLabel(tian, 'rk4', new Float64Array(tian.params.length))).toBeUndefined();
  });

  it('is written in the manifest, the figure caption and the CLI summary', () => {
    const r = runSweepCpu(halvagal({ method: 'map', tEnd: 5 }));
    const m = JSON.parse(JSON.stringify(manifest(r, { packageVersion: '0.1.0' })));
    expect(m.dynamics).toBe('training step, η = 0.1');
    expect(manifestSchema.parse(m).dynamics).toBe('training step, η = 0.1');
    expect(specSummary(r)).toMatch(/^2×2 cells · training step, η = 0\.1 · .* · 5 steps, early exit tol = 1e-6$/);
    const zero = {
      wallMs: 1,
      kernelMs: 1,
      serverMs: 0,
      browserStartMs: 0,
      pageLoadMs: 0,
      deviceMs: 0,
      readbackMs: 0,
      encodeMs: 0,
      rasterMs: 0,
      deviceLosses: 0,
      browserAttempts: 1,
    };
    expect(summary('run', r, 4, zero).split('\n')[1]).toBe(
      '  dynamics: training step, η = 0.1 (one step of full-batch gradient descent on the expected loss, at learning rate η (the toy’s own step, §8.2))',
    );
    const flow = runSweepCpu(halvagal({ method: 'rk4', dt: 0.1, tEnd: 1 }));
    expect(manifest(flow, { packageVersion: '0.1.0' }).dynamics).toBe('flow (small-step limit)');
    const tian = runSweepCpu(
      parseSpec({
        model: 'tian-l2',
        x: { param: 'weightDecay', min: 0, max: 0.1, n: 2 },
        y: { param: 'p0', min: 0.1, max: 0.5, n: 2 },
        integrator: { tEnd: 1 },
      }),
    );
    expect('dynamics' in manifest(tian, { packageVersion: '0.1.0' })).toBe(false);
  });
});
