import { describe, expect, it } from 'vitest';
import { parse } from 'npyjs';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { CLASS_BY_CODE } from '../../src/models/types.js';
import { csvExport, figureExport, manifestExport, npyExport } from '../../src/export/downloads.js';

const spec = parseSpec({
  model: 'tian-l2',
  params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
  x: { param: 'p0', min: 0.05, max: 0.6, n: 6 },
  y: { param: 'weightDecay', min: 0.01, max: 0.3, n: 4 },
  integrator: { dt: 0.1, tEnd: 400 },
});
const result = runSweepCpu(spec);
const npy = (bytes: Uint8Array) => parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

describe('explorer export files', () => {
  it('the CSV has one row per cell with the grid class, x running fastest', () => {
    const f = csvExport(result);
    expect(f.name).toBe('tian-l2-p0-weightDecay.csv');
    const rows = new TextDecoder()
      .decode(f.bytes)
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0].slice(0, 3)).toEqual(['p0', 'weightDecay', 'class']);
    expect(rows.length).toBe(1 + 24);
    expect(rows.slice(1).map((r) => r[2])).toEqual(Array.from(result.classes, (c) => CLASS_BY_CODE[c]));
    expect(Number(rows[1 + 6 * 3 + 5][0])).toBeCloseTo(0.6, 12);
    expect(Number(rows[1 + 6 * 3 + 5][1])).toBeCloseTo(0.3, 12);
    expect(new Set(rows.slice(1).map((r) => r[2]))).toEqual(new Set(['collapsed', 'non-collapsed']));
  });

  it('the NPY is the shown layer: class codes, or one metric in f4', () => {
    const cls = npy(npyExport(result, 'class').bytes);
    expect(cls.shape).toEqual([4, 6]);
    expect(Array.from(cls.data as Uint8Array)).toEqual(Array.from(result.classes));
    const s = npyExport(result, 's');
    expect(s.name).toBe('tian-l2-p0-weightDecay-s.npy');
    expect((npy(s.bytes).data as Float32Array)[23]).toBeCloseTo(result.metrics[23 * 5], 5);
    const steps = npyExport(result, 'steps');
    expect(steps.name).toBe('tian-l2-p0-weightDecay-steps.npy');
    expect((npy(steps.bytes).data as Float32Array)[23]).toBe(result.metrics[23 * 5 + 4]);
    expect((npy(npyExport(result, 'tSettled').bytes).data as Float32Array)[23]).toBe(Math.fround(result.metrics[23 * 5 + 3]));
    expect(() => npyExport(result, 'speed')).toThrow(
      'layer "speed" is neither "class" nor a metric of tian-l2 (s, tauEff, collapseTime, tSettled, steps)',
    );
  });

  it('the manifest spec parses back to the same sweep', () => {
    const f = manifestExport(result, { packageVersion: '0.1.0' });
    const m = JSON.parse(new TextDecoder().decode(f.bytes));
    const back = parseSpec(m.spec);
    expect(specToJson(back)).toEqual(specToJson(spec));
    expect(Array.from(back.values)).toEqual(Array.from(spec.values));
    expect(m.counts.collapsed + m.counts['non-collapsed']).toBe(24);
    expect(m.steps.total).toBe(result.timings.instanceSteps);
    expect(m.ends.settled + m.ends.ranToTEnd + m.ends.divergedOrStiff).toBe(24);
    expect(m.adapter).toBe('cpu-f64');
  });

  it('the figure SVG carries its size for rasterising', () => {
    const f = figureExport(result, { layer: 'class', title: 'P1' });
    const svg = new TextDecoder().decode(f.bytes);
    expect([f.width, f.height]).toEqual([900, 620]);
    expect(svg).toMatch(/^<svg [^>]*width="900" height="620"/);
    expect(svg).toContain('>P1<');
  });
});
