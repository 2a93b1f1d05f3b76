import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepGpu, DeviceLostError, type Checkpoint } from '../../src/engine/gpu-runner.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { CLASSES } from '../../src/models/types.js';
import type { SweepResult } from '../../src/engine/result.js';
import { oscillator } from '../fixtures/oscillator.js';
import { freshDevice, testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;

const tianSpec = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0.01, max: 0.3, n: 37 },
  y: { param: 'weightDecay', min: 0.01, max: 0.2, n: 23 },
  integrator: { dt: 0.1, tEnd: 150 },
};

/** `count` distinct grid cells in a scrambled order (a fixed LCG, so the test is reproducible). */
function someCells(gridCells: number, count: number): Uint32Array {
  const order = Array.from({ length: gridCells }, (_, k) => k);
  let s = 12345;
  for (let k = gridCells - 1; k > 0; k--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const r = s % (k + 1);
    [order[k], order[r]] = [order[r], order[k]];
  }
  return Uint32Array.from(order.slice(0, count));
}

/** The listed cells equal the full run's bit for bit; every other cell stayed empty. */
function expectSameCells(listed: SweepResult, full: SweepResult, cells: Uint32Array): void {
  const S = full.finalState.length / full.classes.length;
  const M = full.metrics.length / full.classes.length;
  const inList = new Set(cells);
  const pick = (r: SweepResult, c: number) => [
    r.classes[c],
    ...r.finalState.subarray(c * S, c * S + S),
    ...r.metrics.subarray(c * M, c * M + M),
  ];
  for (const c of cells) expect(pick(listed, c), `cell ${c}`).toEqual(pick(full, c));
  for (let c = 0; c < full.classes.length; c++) {
    if (!inList.has(c))
      expect(
        pick(listed, c).every((v) => v === 0),
        `cell ${c} untouched`,
      ).toBe(true);
  }
}

describe.runIf(device)('GPU runner', () => {
  it('latches blow-up as a per-cell diverged status without touching its neighbours', async () => {
    // The oscillator's eigenvalues ±iω lie on the imaginary axis, where RK4 is stable while ω·dt ≤ 2√2
    // (2.785 is the real-axis bound): with dt = 0.5 the cells with ω > 5.66 blow up. ω = 5.6
    // (ω·dt = 2.8, |R| ≈ 0.93 a step) sits between the two bounds and must stay bounded.
    const spec = parseSpec(
      {
        model: 'oscillator',
        x: { param: 'omega', min: 0.1, max: 9.6, n: 20 },
        y: { param: 'x0', min: 0.5, max: 1, n: 3 },
        integrator: { dt: 0.5, tEnd: 50 },
      },
      [oscillator],
    );
    const gpu = await withErrorScopes(device!, () => runSweepGpu(device!, spec));
    const cpu = runSweepCpu(spec);
    let diverged = 0;
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 20; i++) {
        const cell = j * 20 + i;
        const omega = 0.1 + (i * 9.5) / 19;
        const expected = omega * 0.5 > 2 * Math.SQRT2 ? CLASSES.diverged.code : CLASSES['non-collapsed'].code;
        expect(gpu.classes[cell], `cell ω = ${omega}`).toBe(expected);
        expect(cpu.classes[cell]).toBe(expected);
        for (const v of gpu.finalState.subarray(cell * 2, cell * 2 + 2)) expect(Math.abs(v)).toBeLessThanOrEqual(1e6);
        if (expected === CLASSES.diverged.code) {
          diverged++;
        } else {
          // A neighbour of a diverged cell integrates exactly as if it were alone.
          expect(gpu.finalState[cell * 2]).toBeCloseTo(cpu.finalState[cell * 2], 4);
        }
      }
    }
    expect(diverged).toBe(3 * 8);
  });

  it('a grid forced into several tiles gives exactly the single-tile result', async () => {
    const spec = parseSpec(tianSpec);
    const single = await runSweepGpu(device!, spec);
    const tiled = await runSweepGpu(device!, spec, { maxCellsPerTile: 100 }); // 2 rows a tile: 12 tiles
    expect(Array.from(tiled.classes)).toEqual(Array.from(single.classes));
    expect(Array.from(tiled.finalState)).toEqual(Array.from(single.finalState));
    expect(Array.from(tiled.metrics)).toEqual(Array.from(single.metrics));
    expect(new Set(single.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
  });

  it('mirrors every tile into whole-grid buffers that match the result (the live heatmap reads them)', async () => {
    const spec = parseSpec(tianSpec);
    const cells = spec.x.n * spec.y.n;
    const recordSize = 5; // tian-l2: s, τ, then the collapse time, tSettled and steps
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const grid = {
      classes: device!.createBuffer({ size: 4 * cells, usage }),
      records: device!.createBuffer({ size: 4 * cells * recordSize, usage }),
    };
    const result = await withErrorScopes(device!, () => runSweepGpu(device!, spec, { maxCellsPerTile: 200, grid }));
    const read = async (src: GPUBuffer) => {
      const staging = device!.createBuffer({ size: src.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const encoder = device!.createCommandEncoder();
      encoder.copyBufferToBuffer(src, 0, staging, 0, src.size);
      device!.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const copy = staging.getMappedRange().slice(0);
      staging.destroy();
      return copy;
    };
    expect(Array.from(new Uint32Array(await read(grid.classes)))).toEqual(Array.from(result.classes));
    expect(Array.from(new Float32Array(await read(grid.records)))).toEqual(Array.from(result.metrics));
    expect(result.metrics.length).toBe(cells * recordSize);
    grid.classes.destroy();
    grid.records.destroy();
  });

  it("a band of rows (the CLI's --tile) integrates exactly those rows of the full run and nothing else", async () => {
    const spec = parseSpec(tianSpec);
    const full = await runSweepGpu(device!, spec);
    const band = await runSweepGpu(device!, spec, { rows: { start: 7, end: 15 }, maxCellsPerTile: 3 * 37 });
    const nx = 37;
    expect(Array.from(band.classes.subarray(7 * nx, 15 * nx))).toEqual(Array.from(full.classes.subarray(7 * nx, 15 * nx)));
    expect(Array.from(band.finalState.subarray(7 * nx * 3, 15 * nx * 3))).toEqual(
      Array.from(full.finalState.subarray(7 * nx * 3, 15 * nx * 3)),
    );
    expect(band.classes.subarray(0, 7 * nx).every((c) => c === 0) && band.finalState.subarray(0, 7 * nx * 3).every((v) => v === 0)).toBe(
      true,
    );
    const stepsOf = (r: typeof full) => Array.from({ length: 8 * nx }, (_, k) => r.metrics[(7 * nx + k) * 5 + 4]);
    expect(band.timings.instanceSteps).toBe(stepsOf(full).reduce((a, b) => a + b, 0));
    expect(stepsOf(band)).toEqual(stepsOf(full));
  });

  it('a list of cells in any order, cut into chunks, integrates exactly those cells of the full run, bit for bit', async () => {
    const spec = parseSpec(tianSpec);
    const full = await runSweepGpu(device!, spec);
    const cells = someCells(37 * 23, 150);
    const fractions: number[] = [];
    const listed = await withErrorScopes(device!, () =>
      runSweepGpu(device!, spec, { cells, maxCellsPerTile: 64, partialEveryMs: 1, onProgress: (p) => void fractions.push(p.fraction) }),
    );
    expectSameCells(listed, full, cells);
    expect(fractions.at(-1)).toBeCloseTo(1, 12);
    const stepsOf = (r: typeof full) => Array.from(cells, (c) => r.metrics[c * 5 + 4]);
    expect(listed.timings.instanceSteps).toBe(stepsOf(full).reduce((a, b) => a + b, 0));
    const empty = await runSweepGpu(device!, spec, { cells: new Uint32Array(0) });
    expect(empty.classes.every((c) => c === 0)).toBe(true);
    await expect(runSweepGpu(device!, spec, { cells: Uint32Array.of(37 * 23) })).rejects.toThrow('cell 851 is outside the 851-cell grid');
  });

  it('a cell-list run cancels between dispatches like a row run', async () => {
    const controller = new AbortController();
    const run = runSweepGpu(device!, parseSpec(tianSpec), {
      cells: someCells(37 * 23, 300),
      signal: controller.signal,
      onProgress: (p) => (p.attempts > 0 ? controller.abort(new Error('stop: list cancelled')) : undefined),
    });
    await expect(run).rejects.toThrow('stop: list cancelled');
  });

  it('the f64 runner integrates a list of cells exactly as the full run does', () => {
    const spec = parseSpec({ ...tianSpec, x: { ...tianSpec.x, n: 13 }, y: { ...tianSpec.y, n: 9 } });
    const cells = someCells(13 * 9, 40);
    expectSameCells(runSweepCpu(spec, { cells }), runSweepCpu(spec), cells);
  });

  it('a cell-list run lost mid-chunk resumes from its checkpoint to the identical result', async () => {
    const spec = parseSpec({ ...tianSpec, integrator: { ...tianSpec.integrator, method: 'dp5' } });
    const cells = someCells(37 * 23, 400);
    const reference = await runSweepGpu(device!, spec, { cells, maxCellsPerTile: 150 });
    const doomed = await freshDevice();
    const error = await runSweepGpu(doomed.device, spec, {
      cells,
      maxCellsPerTile: 150,
      checkpointEveryMs: 1,
      initialStepsPerDispatch: 2,
      budgetMs: 1,
      onProgress: (p) => (p.tile === 0 && p.attempts >= 2 && p.activeCells > 0 ? doomed.device.destroy() : undefined),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceLostError);
    const checkpoint = (error as DeviceLostError).checkpoint!;
    expect(checkpoint.tile).toBe(0);
    expect(checkpoint.attempts).toBeGreaterThan(0);
    const resumed = await runSweepGpu(device!, spec, { cells, maxCellsPerTile: 150, resumeFrom: checkpoint });
    expect(Array.from(resumed.classes)).toEqual(Array.from(reference.classes));
    expect(Array.from(resumed.finalState)).toEqual(Array.from(reference.finalState));
    expect(Array.from(resumed.metrics)).toEqual(Array.from(reference.metrics));
  });

  it('reports progress with partial classes and adapts steps per dispatch to the budget', async () => {
    const spec = parseSpec(tianSpec);
    const fractions: number[] = [];
    const sizes: number[] = [];
    let pendingSeen = false;
    await runSweepGpu(device!, spec, {
      budgetMs: 5,
      partialEveryMs: 1,
      onProgress: (p) => {
        fractions.push(p.fraction);
        sizes.push(p.stepsPerDispatch);
        pendingSeen ||= p.partial.classes.some((c) => c === 255);
      },
    });
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.at(-1)).toBeCloseTo(1, 12);
    for (let k = 1; k < fractions.length; k++) expect(fractions[k]).toBeGreaterThanOrEqual(fractions[k - 1]);
    expect(fractions[0]).toBeLessThan(0.5);
    expect(new Set(sizes).size).toBeGreaterThan(1);
    expect(pendingSeen).toBe(false);
  });

  it('cancels between dispatches when the signal aborts', async () => {
    const controller = new AbortController();
    const run = runSweepGpu(device!, parseSpec(tianSpec), {
      signal: controller.signal,
      onProgress: (p) => (p.attempts > 0 ? controller.abort(new Error('stop: control changed')) : undefined),
    });
    await expect(run).rejects.toThrow('stop: control changed');
  });

  it.each(['rk4', 'dp5'])(
    'after a device loss, resumes from the checkpoint on a new device to the identical result (%s, early exit)',
    async (method) => {
      const spec = parseSpec({ ...tianSpec, integrator: { ...tianSpec.integrator, method } });
      const reference = await runSweepGpu(device!, spec, { maxCellsPerTile: 300 });
      const doomed = await freshDevice();
      let error: unknown;
      try {
        await runSweepGpu(doomed.device, spec, {
          maxCellsPerTile: 300,
          checkpointEveryMs: 1,
          // Short dispatches, so tile 0 still has active cells after the first (the step count per
          // dispatch carries over from tile to tile: a later tile may finish in one dispatch).
          initialStepsPerDispatch: 2,
          budgetMs: 1,
          onProgress: (p) => (p.tile === 0 && p.attempts >= 2 && p.activeCells > 0 ? doomed.device.destroy() : undefined),
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DeviceLostError);
      expect((error as Error).message).toMatch(/^the GPU device was lost \(destroyed\)/);
      const checkpoint = (error as DeviceLostError).checkpoint as Checkpoint;
      expect(checkpoint.tile).toBe(0);
      expect(checkpoint.attempts).toBeGreaterThan(0);
      const resumed = await runSweepGpu(device!, spec, { maxCellsPerTile: 300, resumeFrom: checkpoint });
      expect(Array.from(resumed.classes)).toEqual(Array.from(reference.classes));
      expect(Array.from(resumed.finalState)).toEqual(Array.from(reference.finalState));
      // t_c, t_s and the step counts too: the controller's state (t, dt, PI memory, settle clock) came back whole.
      expect(Array.from(resumed.metrics)).toEqual(Array.from(reference.metrics));
    },
  );

  it('a checkpoint taken at a tile boundary resumes with the next tile from its start', async () => {
    const spec = parseSpec(tianSpec);
    const reference = await runSweepGpu(device!, spec, { maxCellsPerTile: 300 });
    const doomed = await freshDevice();
    const error = await runSweepGpu(doomed.device, spec, {
      maxCellsPerTile: 300,
      checkpointEveryMs: 0,
      onProgress: (p) => (p.tile === 2 && p.attempts > 0 ? doomed.device.destroy() : undefined),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceLostError);
    const checkpoint = (error as DeviceLostError).checkpoint!;
    expect([checkpoint.tile, checkpoint.attempts]).toEqual([2, 0]);
    const resumed = await runSweepGpu(device!, spec, { maxCellsPerTile: 300, resumeFrom: checkpoint });
    expect(Array.from(resumed.finalState)).toEqual(Array.from(reference.finalState));
  });
});
