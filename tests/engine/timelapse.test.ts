import { describe, expect, it } from 'vitest';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import type { SweepResult } from '../../src/engine/result.js';
import { gradientStep } from '../fixtures/gradient-step.js';
import { models } from '../../src/models/registry.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { interior } from '../support/cells.js';

const device = (await testDevice())?.device;

/** tian-l2 P1 (SimSiam on the parabola), small: the basin boundary moves as the flow runs. */
const p1 = (integrator: object, timelapse: object | undefined = { frames: 12 }, settle: object | false = {}) =>
  parseSpec({
    model: 'tian-l2',
    params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
    x: { param: 'p0', min: 0.05, max: 0.95, n: 24 },
    y: { param: 'weightDecay', min: 0, max: 0.3, n: 16 },
    integrator,
    settle,
    ...(timelapse ? { timelapse } : {}),
  });

function frame(r: SweepResult, k: number): Uint8Array {
  const cells = r.nx * r.ny;
  return r.timelapse!.classes.subarray(k * cells, (k + 1) * cells);
}

describe("time-lapse: every cell's class at log-spaced flow times", () => {
  it('puts fixed-step frames on the step grid, log-spaced from tEnd/1000 to tEnd, and names bad input', () => {
    const spec = p1({ method: 'rk4', dt: 0.05, tEnd: 3000 }, { frames: 4 });
    expect(spec.timelapse).toEqual({ frames: 4, from: 3, times: [3, 30, 300, 3000], steps: [60, 600, 6000, 60000] });
    const adaptive = p1({ method: 'dp5', dt: 0.05, tEnd: 3000 }, { frames: 3, from: 30 });
    expect(adaptive.timelapse).toEqual({ frames: 3, from: 30, times: [30, 300, 3000], steps: [] });
    expect(parseSpec(specToJson(adaptive)).timelapse).toEqual(adaptive.timelapse);
    expect(() => p1({ method: 'rk4' }, { frames: 1 })).toThrow('timelapse.frames: must be an integer in [2, 256] (got 1)');
    expect(() => p1({ method: 'rk4', tEnd: 100 }, { frames: 8, from: 100 })).toThrow(
      'timelapse.from: must lie in (0, tEnd = 100) (got 100)',
    );
    expect(() => p1({ method: 'rk4' }, { frames: 8, every: 2 })).toThrow('timelapse: unknown field "every"');
    expect(() =>
      parseSpec({
        ...specToJson(p1({ method: 'rk4' })),
        x: { param: 'p0', min: 0, max: 1, n: 64 },
        y: { param: 'weightDecay', min: 0, max: 0.3, n: 64 },
        refine: { coarse: 16 },
      }),
    ).toThrow('timelapse: needs every cell computed; a refined run (refine) infers cells from the boundary at tEnd only');
  });

  it('f64: frame k is the class of a run stopped at its time (rk4, early exit on); the last frame is the end class', () => {
    const spec = p1({ method: 'rk4', dt: 0.05, tEnd: 3000 }, { frames: 6 });
    const r = runSweepCpu(spec);
    const tl = spec.timelapse as Exclude<typeof spec.timelapse, false>;
    expect(Array.from(frame(r, 5))).toEqual(Array.from(r.classes));
    let changed = 0;
    for (const k of [0, 2, 3]) {
      const stopped = runSweepCpu(p1({ method: 'rk4', dt: 0.05, tEnd: tl.times[k] }, undefined));
      expect(Array.from(frame(r, k))).toEqual(Array.from(stopped.classes));
      changed += frame(r, k).filter((c, cell) => c !== r.classes[cell]).length;
    }
    expect(changed).toBeGreaterThan(20); // the basins do move: the frames are not all the end state
  });

  it.runIf(device)(
    'WGSL: the same frames as runs stopped at each time (rk4 exactly; dp5 where the grid resolves them), and as f64',
    async () => {
      const fixed = p1({ method: 'rk4', dt: 0.05, tEnd: 3000 }, { frames: 6 });
      const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, fixed, { maxCellsPerTile: 100 }));
      const tl = fixed.timelapse as Exclude<typeof fixed.timelapse, false>;
      for (const k of [1, 3]) {
        const stopped = await withErrorScopes(device!, () =>
          runSweepGpu(device!, p1({ method: 'rk4', dt: 0.05, tEnd: tl.times[k] }, undefined)),
        );
        expect(Array.from(frame(gpu, k))).toEqual(Array.from(stopped.classes));
      }
      const cpu = runSweepCpu(fixed);
      for (let k = 0; k < 6; k++) {
        const f = frame(cpu, k);
        for (const cell of interior(f, 24, 16)) expect(frame(gpu, k)[cell]).toBe(f[cell]);
      }

      const adaptive = p1({ method: 'dp5', dt: 0.05, tEnd: 3000 }, { frames: 6 });
      const gpuA = await withErrorScopes(device!, () => runSweepGpu(device!, adaptive));
      const tA = adaptive.timelapse as Exclude<typeof adaptive.timelapse, false>;
      for (const k of [1, 3, 5]) {
        const stopped = await withErrorScopes(device!, () =>
          runSweepGpu(device!, p1({ method: 'dp5', dt: 0.05, tEnd: tA.times[k] }, undefined)),
        );
        const inside = interior(stopped.classes, 24, 16);
        expect(inside.length).toBeGreaterThan(200);
        for (const cell of inside) expect(frame(gpuA, k)[cell]).toBe(stopped.classes[cell]);
      }
    },
  );

  it.runIf(device)('a map records frames by step count too, on both runners', async () => {
    const spec = parseSpec(
      {
        model: 'gradient-step',
        x: { param: 'a', min: -1, max: 1, n: 8 },
        y: { param: 'eta', min: 0.05, max: 0.9, n: 4 },
        integrator: { method: 'map', tEnd: 400 },
        timelapse: { frames: 5 },
      },
      [gradientStep, ...models],
    );
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    expect(Array.from(gpu.timelapse!.classes)).toEqual(Array.from(cpu.timelapse!.classes));
    expect((spec.timelapse as Exclude<typeof spec.timelapse, false>).steps).toEqual([1, 2, 13, 71, 400]); // 0.4·1000^(k/4), rounded to whole steps (at least one)
  });
});
