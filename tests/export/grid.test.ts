import { describe, expect, it } from 'vitest';
import { parse } from 'npyjs';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { gridCsv, gridFiles, manifest } from '../../src/export/grid.js';
import { manifestSchema } from '../../src/export/manifest.js';
import { runRefinedCpu } from '../../src/refine/runners.js';
import { formatZodIssue } from '../../src/sweep/spec.js';

const spec = parseSpec({
  model: 'tian-l2',
  x: { param: 'p0', min: 0.01, max: 0.3, n: 5 },
  y: { param: 'weightDecay', min: 0.01, max: 0.2, n: 3 },
  integrator: { dt: 0.1, tEnd: 300 },
});
const result = runSweepCpu(spec);
const files = gridFiles(result);
const read = (name: string) => {
  const bytes = files[name];
  return parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
};

describe('grid export', () => {
  it('writes numpy-readable grids with [ny, nx] rows of ascending y', () => {
    const cls = read('class.npy');
    expect(cls.dtype).toBe('u1');
    expect(cls.shape).toEqual([3, 5]);
    expect(Array.from(cls.data as Uint8Array)).toEqual(Array.from(result.classes));
    const final = read('final.npy');
    expect(final.dtype).toBe('f4');
    expect(final.shape).toEqual([3, 5, 3]);
    expect((final.data as Float32Array)[(2 * 5 + 4) * 3 + 1]).toBeCloseTo(result.finalState[(2 * 5 + 4) * 3 + 1], 6);
    expect(Object.keys(files).sort()).toEqual([
      'class.npy',
      'collapseTime.npy',
      'final.npy',
      'grid.csv',
      's.npy',
      'steps.npy',
      'tSettled.npy',
      'tauEff.npy',
    ]);
    expect(read('s.npy').shape).toEqual([3, 5]);
    // The engine's metrics after the readouts: t_c, t_s (−1: ran to tEnd), step attempts.
    for (const [k, id] of ['collapseTime', 'tSettled', 'steps'].entries()) {
      expect(Array.from(read(`${id}.npy`).data as Float32Array), id).toEqual(
        Array.from({ length: 15 }, (_, c) => Math.fround(result.metrics[c * 5 + 2 + k])),
      );
    }
  });

  it('the .npy header follows NumPy format 1.0 (magic, 64-byte aligned, C order)', () => {
    const bytes = files['class.npy'];
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toMatch(/'fortran_order': ?False/);
    expect(header).toMatch(/'shape': ?\(3, ?5\)/);
    expect(header.endsWith('\n')).toBe(true);
  });

  it('one CSV row per cell with a header naming every column', () => {
    const lines = gridCsv(result).trim().split('\n');
    expect(lines[0]).toBe('p0,weightDecay,class,w,p,wa,s,tauEff,collapseTime,tSettled,steps');
    expect(lines).toHaveLength(1 + 15);
    const last = lines[15].split(',');
    expect(Number(last[0])).toBeCloseTo(0.3, 12);
    expect(Number(last[1])).toBeCloseTo(0.2, 12);
    expect(last[2]).toBe(result.classes[14] === 0 ? 'collapsed' : 'non-collapsed');
  });

  it('the manifest carries the full spec, legend, axes and counts, and its spec parses back', () => {
    const m = manifest(result, { packageVersion: '0.1.0', gitCommit: 'abc123' });
    expect(parseSpec(m.spec).values).toEqual(spec.values);
    expect(m.model).toMatchObject({ id: 'tian-l2', status: 'paper', version: 1 });
    expect(m.legend.map((l) => [l.code, l.id])).toEqual([
      [0, 'collapsed'],
      [1, 'non-collapsed'],
      [3, 'diverged'],
    ]);
    expect(m.axes.x).toHaveLength(5);
    expect(m.axes.y[2]).toBeCloseTo(0.2, 12);
    expect(m.state.map((s) => s.id)).toEqual(['w', 'p', 'wa']);
    expect(m.metrics.map((s) => s.id)).toEqual(['s', 'tauEff', 'collapseTime', 'tSettled', 'steps']);
    expect(m.counts.collapsed + m.counts['non-collapsed']).toBe(15);
    expect(m.spec.settle).toEqual({ tol: 1e-6, hold: 0.5 });
    expect(m.adapter).toBe('cpu-f64');
    expect(m.package).toEqual({ version: '0.1.0', commit: 'abc123' });
  });

  it('the manifest counts step attempts and how the cells ended, over the whole grid or a band of rows', () => {
    const steps = Array.from({ length: 15 }, (_, c) => result.metrics[c * 5 + 4]);
    const tSettled = Array.from({ length: 15 }, (_, c) => result.metrics[c * 5 + 3]);
    const m = manifest(result, { packageVersion: '0.1.0' });
    const total = steps.reduce((a, b) => a + b, 0);
    expect(m.steps).toEqual({ total, meanPerCell: total / 15, maxPerCell: Math.max(...steps) });
    expect(total).toBe(result.timings.instanceSteps);
    const settled = tSettled.filter((t) => t >= 0).length;
    expect(m.ends).toEqual({ settled, ranToTEnd: 15 - settled, divergedOrStiff: 0 });
    expect(settled).toBeGreaterThan(0); // early exit is on by default
    expect(Math.max(...steps)).toBeLessThanOrEqual(3000); // the fixed step: at most tEnd/dt
    const band = manifest(result, { packageVersion: '0.1.0' }, { start: 1, end: 2 });
    expect(band.steps.total).toBe(steps.slice(5, 10).reduce((a, b) => a + b, 0));
    expect(band.ends.settled + band.ends.ranToTEnd).toBe(5);
    // A fixed-horizon run: every cell runs to tEnd, 3000 steps each.
    const fixed = manifest(runSweepCpu({ ...spec, settle: false }), { packageVersion: '0.1.0' });
    expect(fixed.steps).toEqual({ total: 15 * 3000, meanPerCell: 3000, maxPerCell: 3000 });
    expect(fixed.ends).toEqual({ settled: 0, ranToTEnd: 15, divergedOrStiff: 0 });
    expect(fixed.spec.settle).toBe(false);
  });

  it('the manifest of a plain and of a refined, uncertainty-checked run validates against manifestSchema after JSON', async () => {
    const plain = JSON.parse(JSON.stringify(manifest(result, { packageVersion: '0.1.0' })));
    expect(manifestSchema.parse(plain)).toEqual(plain);
    const refinedSpec = parseSpec({
      model: 'tian-l2',
      integrator: { dt: 0.1, tEnd: 300 },
      x: { param: 'p0', min: 0.01, max: 0.3, n: 8 },
      y: { param: 'weightDecay', min: 0.01, max: 0.2, n: 8 },
      refine: { coarse: 2, uncertainty: { tighten: 10 } },
    });
    const refined = await runRefinedCpu(refinedSpec);
    const m = JSON.parse(JSON.stringify(manifest(refined, { packageVersion: '0.1.0' })));
    expect(m.refine.cells).toBe(64);
    expect(m.uncertainty.checked).toBeGreaterThan(0);
    expect(manifestSchema.parse(m)).toEqual(m);
  });

  it('a malformed manifest is refused with a message naming the field', () => {
    const good = JSON.parse(JSON.stringify(manifest(result, { packageVersion: '0.1.0' })));
    const issue = (m: object) => {
      const parsed = manifestSchema.safeParse(m, { reportInput: true });
      return parsed.success ? 'accepted' : formatZodIssue(parsed.error.issues[0]);
    };
    expect(issue({ ...good, timings: { ...good.timings, ms: '12' } })).toBe('timings.ms: expected a finite number, got "12"');
    expect(issue({ ...good, legend: [{ ...good.legend[0], color: undefined }] })).toBe('legend.0.color: required');
    expect(issue({ ...good, model: { ...good.model, status: 'guess' } })).toBe('model.status: must be one of paper, reconstruction, user');
    expect(issue({ ...good, counts: { collapsed: -1 } })).toMatch(/^counts\.collapsed: Too small: expected number to be >=0$/);
    expect(issue({ ...good, package: undefined })).toBe('package: required');
  });
});
