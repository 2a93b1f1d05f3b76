// How the CLI names its output folders and splits a grid into tiles (no browser).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFiles, parseTile, presetJob, tileRows } from '../../src/cli/specs.js';

const dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-specs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = { model: 'tian-l2', x: { param: 'p0', min: 0, max: 1, n: 4 }, y: { param: 'weightDecay', min: 0, max: 0.3, n: 3 } };
const file = (name: string, json: unknown) => {
  writeFileSync(join(dir, name), JSON.stringify(json));
  return join(dir, name);
};

describe('CLI specs and tiles', () => {
  it('takes a manifest back (its spec), as the explorer and `run` write it', async () => {
    const { manifest } = await import('../../src/export/grid.js');
    const { emptyResult } = await import('../../src/engine/result.js');
    const { parseSpec } = await import('../../src/sweep/spec.js');
    const resolved = parseSpec({ ...spec, params: { augmentation: 0.25 } });
    const written = manifest(emptyResult(resolved, Float32Array, 'test'), { packageVersion: '0.0.0' });
    const [job] = loadSpecFiles([file('manifest.json', written)]);
    expect(job.spec.values).toEqual(resolved.values);
    expect(job.spec.x).toEqual(resolved.x);
  });

  it('N tiles cover every row exactly once, in near-equal bands', () => {
    for (const [ny, n] of [
      [12, 3],
      [1024, 7],
      [5, 5],
      [100, 1],
    ]) {
      const bands = Array.from({ length: n }, (_, i) => tileRows({ index: i, count: n }, ny, 's'));
      expect(bands[0].start).toBe(0);
      expect(bands[n - 1].end).toBe(ny);
      for (let i = 1; i < n; i++) expect(bands[i].start).toBe(bands[i - 1].end);
      const sizes = bands.map((b) => b.end - b.start);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(tileRows({ index: 1, count: 3 }, 12, 's')).toEqual({ start: 4, end: 8 });
    expect(() => tileRows({ index: 0, count: 13 }, 12, 'a.json')).toThrow('--tile: 13 tiles exceed the 12 grid rows of a.json (y.n)');
    expect(parseTile('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['8/8', '1', '-1/4', '0/0', 'a/b'])
      expect(() => parseTile(bad)).toThrow(`--tile: expected I/N with 0 ≤ I < N, e.g. 0/4 (got "${bad}")`);
  });

  it('one spec writes to DIR itself; several to subfolders named after the file, -K in an array', () => {
    expect(loadSpecFiles([file('one.json', spec)]).map((j) => j.name)).toEqual(['']);
    expect(
      loadSpecFiles([file('one.json', spec), file('two.json', [spec, spec])]).map((j) => [j.name, j.source.slice(dir.length + 1)]),
    ).toEqual([
      ['one', 'one.json'],
      ['two-1', 'two.json[0]'],
      ['two-2', 'two.json[1]'],
    ]);
    const a = file('same.json', spec);
    const sub = mkdtempSync(join(dir, 'sub-'));
    const b = join(sub, 'same.json');
    writeFileSync(b, JSON.stringify(spec));
    expect(() => loadSpecFiles([a, b])).toThrow(`${a} and ${b} would both write to subfolder "same"; rename one file`);
  });

  it('a preset can be run on another grid and to another time', () => {
    const job = presetJob('tian-l2/weight-decay-threshold', { n: '64', tEnd: '300' });
    expect([job.spec.x.n, job.spec.y.n, job.spec.integrator.tEnd, job.preset?.id]).toEqual([64, 64, 300, 'weight-decay-threshold']);
    expect(() => presetJob('tian-l2/weight-decay-threshold', { n: '1.5' })).toThrow('--n: expected a positive integer (got "1.5")');
    expect(() => presetJob('tian-l2')).toThrow(
      'preset: expected MODEL/PRESET, e.g. tian-l2/weight-decay-threshold (got "tian-l2"); `collapse-atlas models` lists them',
    );
  });
});
