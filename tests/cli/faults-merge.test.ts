// Fault catalogue, part 2: `merge` given broken tiles, and an output disk that is full. Tiles are
// written by the CLI's own writer from the f64 runner (no browser); each case breaks one file of a
// fresh copy. Every case exits 2 naming the file, before a browser starts, and leaves no output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { AtomicDir } from '../../src/cli/atomic.js';
import { writeResult } from '../../src/cli/outputs.js';
import { CliError } from '../../src/cli/errors.js';
import { manifestSchema } from '../../src/export/manifest.js';
import { entries, leftovers } from './support.js';
import { inProcess } from './in-process.js';

const specJson = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0, max: 0.9, n: 4 },
  y: { param: 'weightDecay', min: 0.02, max: 0.3, n: 4 },
  integrator: { dt: 0.1, tEnd: 5 },
};
const spec = parseSpec(specJson);
const S = spec.model.state.length;

let dir = '';
let tmp = '';
const saved = { cwd: process.cwd(), tmpdir: process.env.TMPDIR };

/** Tiles 0/2 and 1/2 of `json` written as `run --tile` writes them, into `base`-0 and `base`-1. */
async function writeTiles(json: object, base: string): Promise<void> {
  const s = parseSpec(json);
  const r = runSweepCpu(s);
  for (const index of [0, 1]) {
    const out = new AtomicDir(`${base}-${index}`, false);
    const rows = { start: 2 * index, end: 2 * index + 2 };
    const figures = {
      startedMs: 0,
      kernelMs: 0,
      serverMs: 0,
      browserStartMs: 0,
      pageLoadMs: 0,
      deviceMs: 0,
      readbackMs: 0,
      deviceLosses: 0,
      browserAttempts: 1,
    };
    await writeResult(out, '', r, { source: 'spec.json' }, { index, count: 2, rows }, figures, () =>
      Promise.reject(new Error('a tile draws no figure')),
    );
    out.commit();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-merge-faults-'));
  tmp = mkdtempSync(join(tmpdir(), 'collapse-atlas-merge-tmp-'));
  process.chdir(dir);
  process.env.TMPDIR = tmp;
  await writeTiles(specJson, 'good');
  await writeTiles({ ...specJson, integrator: { dt: 0.1, tEnd: 6 } }, 'other');
  mkdirSync('empty');
});
afterAll(() => {
  process.chdir(saved.cwd);
  if (saved.tmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved.tmpdir;
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

const data = (shape: number[], type: string) => `([${shape.join(', ')}] ${type})`;
/** The length of the tiles' final.npy header (magic, version, length, dict): the data starts there. */
const finalHeaderBytes = () => 10 + readFileSync('good-0/final.npy').readUInt16LE(8);
const manifest = (t: string) => JSON.parse(readFileSync(`${t}/manifest.json`, 'utf8'));
const setManifest = (t: string, m: unknown) => writeFileSync(`${t}/manifest.json`, JSON.stringify(m));

/** [name, what to break in tiles t-0 and t-1 (copies of good-0, good-1), the message (lazy where it reads a tile)]. */
const cases: Array<[string, () => void, string | RegExp | (() => string)]> = [
  [
    'final.npy cut short by 4 bytes',
    () => truncateSync('t-1/final.npy', readFileSync('t-1/final.npy').length - 4),
    `merge: t-1/final.npy: truncated: ${2 * 4 * S * 4 - 4} bytes of data, expected ${2 * 4 * S * 4} ${data([2, 4, S], 'float32')}`,
  ],
  [
    'final.npy cut inside its header',
    () => truncateSync('t-0/final.npy', 20),
    () => `merge: t-0/final.npy: truncated inside the .npy header (20 bytes, the header alone needs ${finalHeaderBytes()})`,
  ],
  ['class.npy empty', () => writeFileSync('t-0/class.npy', ''), 'merge: t-0/class.npy: empty (0 bytes)'],
  ['steps.npy missing', () => rmSync('t-1/steps.npy'), 'merge: t-1/steps.npy: missing'],
  [
    'class.npy not .npy',
    () => writeFileSync('t-0/class.npy', 'hello, world'),
    'merge: t-0/class.npy: not an .npy file (no \\x93NUMPY magic at the start)',
  ],
  ['class.npy holding float32', () => cpSync('t-0/s.npy', 't-0/class.npy'), 'merge: t-0/class.npy: holds dtype <f4, expected |u1 (uint8)'],
  [
    'final.npy of another shape',
    () => cpSync('t-0/s.npy', 't-0/final.npy'),
    `merge: t-0/final.npy: has shape [2, 4], expected [2, 4, ${S}]`,
  ],
  [
    'bytes after the data',
    () => appendFileSync('t-1/tauEff.npy', Buffer.alloc(4)),
    `merge: t-1/tauEff.npy: 4 bytes after the data, expected exactly 32 ${data([2, 4], 'float32')}`,
  ],
  ['manifest.json cut short', () => truncateSync('t-0/manifest.json', 100), /^merge: t-0\/manifest\.json: not valid JSON \(.+\)$/],
  ['manifest.json null', () => writeFileSync('t-1/manifest.json', 'null'), 'merge: t-1/manifest.json: expected a JSON object, got null'],
  [
    'manifest tile.index a string',
    () => setManifest('t-0', { ...manifest('t-0'), tile: { ...manifest('t-0').tile, index: '0' } }),
    'merge: t-0/manifest.json: tile.index: expected a finite number, got "0"',
  ],
  ['manifest without spec', () => setManifest('t-1', { ...manifest('t-1'), spec: undefined }), 'merge: t-1/manifest.json: spec: required'],
  [
    'manifest without tile',
    () => setManifest('t-1', { ...manifest('t-1'), tile: undefined }),
    'merge: t-1 is a whole grid, not a tile (its manifest has no "tile")',
  ],
  [
    'manifest legend colour missing',
    () => setManifest('t-1', { ...manifest('t-1'), legend: [{ ...manifest('t-1').legend[0], color: undefined }] }),
    'merge: t-1/manifest.json: legend.0.color: required',
  ],
  [
    'manifest model.status unknown',
    () => setManifest('t-0', { ...manifest('t-0'), model: { ...manifest('t-0').model, status: 'guess' } }),
    'merge: t-0/manifest.json: model.status: must be one of paper, reconstruction, user',
  ],
  [
    'manifest timings missing',
    () => setManifest('t-0', { ...manifest('t-0'), timings: undefined }),
    'merge: t-0/manifest.json: timings: required',
  ],
  [
    'a spec the tiles share but parseSpec refuses',
    () =>
      ['t-0', 't-1'].forEach((t) => {
        setManifest(t, { ...manifest(t), spec: { ...manifest(t).spec, x: { ...manifest(t).spec.x, n: 1 } } });
      }),
    't-0/manifest.json: x.n: must be an integer ≥ 2 (got 1)',
  ],
];

describe('fault catalogue: merge refuses broken tiles with exit 2, naming the file', () => {
  it('the manifests the CLI writer wrote validate against manifestSchema, which merge reads them with', () => {
    for (const t of ['good-0', 'good-1']) {
      const m = manifest(t);
      expect(manifestSchema.parse(m), t).toEqual(m);
      expect(m.tile.count).toBe(2);
    }
  });

  it.each(cases)('%s', async (_name, breakIt, message) => {
    for (const k of [0, 1]) {
      rmSync(`t-${k}`, { recursive: true, force: true });
      cpSync(`good-${k}`, `t-${k}`, { recursive: true });
    }
    breakIt();
    const r = await inProcess(['merge', 't-0', 't-1', '--out', 'merged']);
    expect(r.code).toBe(2);
    if (typeof message === 'function') expect(r.stderr).toBe(`collapse-atlas: ${message()}\n`);
    else if (typeof message === 'string') expect(r.stderr).toBe(`collapse-atlas: ${message}\n`);
    else expect(r.stderr.trimEnd().replace(/^collapse-atlas: /, '')).toMatch(message);
    expect(entries(dir)).toEqual(['empty', 'good-0', 'good-1', 'other-0', 'other-1', 't-0', 't-1']);
    expect(leftovers(tmp)).toEqual({ processes: [], files: [] });
  });

  it.each([
    ['a tile given twice', ['good-0', 'good-0'], 'merge: tile 0/2 given twice (good-0 and good-0)'],
    ['a tile missing', ['good-1'], 'merge: tile 0/2 missing'],
    ['tiles of two specs', ['good-0', 'other-1'], 'merge: other-1 comes from a different spec than good-0 (spec.integrator.tEnd differs)'],
    ['not a folder', ['nope'], 'merge: nope is not a folder'],
    ['a folder without tiles', ['empty'], 'merge: empty holds no tile (no manifest.json)'],
  ])('%s', async (_name, dirs, message) => {
    const r = await inProcess(['merge', ...dirs, '--out', 'merged']);
    expect([r.code, r.stderr]).toEqual([2, `collapse-atlas: ${message}\n`]);
    expect(entries(dir)).not.toContain('merged');
    expect(leftovers(tmp)).toEqual({ processes: [], files: [] });
  });
});

describe('fault catalogue: a full disk', () => {
  it('a write that meets ENOSPC is a usage error naming DIR and the file, and the partial folder goes', () => {
    const out = new AtomicDir('full', false);
    // /dev/full answers every write with ENOSPC: the kernel's own full disk.
    symlinkSync('/dev/full', join(out.temp, 'class.npy'));
    let error: unknown;
    try {
      out.write('class.npy', new Uint8Array(64));
    } catch (e) {
      error = e;
    }
    out.discard();
    expect(error).toBeInstanceOf(CliError);
    expect([(error as CliError).exitCode, (error as CliError).message]).toEqual([
      2,
      `--out ${join(dir, 'full')}: cannot write class.npy: the disk is full (ENOSPC); nothing was written`,
    ]);
    expect(entries(dir)).not.toContain('full');
    expect(entries(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
