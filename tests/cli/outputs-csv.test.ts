// grid.csv by default only up to kCsvDefaultMaxCells cells (beyond, gigabytes): the CLI's writer decides.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../../src/sweep/spec.js';
import { emptyResult } from '../../src/engine/result.js';
import { kCsvDefaultMaxCells } from '../../src/export/grid.js';
import { AtomicDir } from '../../src/cli/atomic.js';
import { writeResult } from '../../src/cli/outputs.js';

const dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
const result = (nx: number, ny: number) =>
  emptyResult(
    parseSpec({
      model: 'ziyin-landscape',
      x: { param: 'augmentation', min: 0, max: 1, n: nx },
      y: { param: 'weightDecay', min: 0, max: 0.1, n: ny },
    }),
    Float32Array,
    'test',
  );

async function written(name: string, nx: number, ny: number, csv?: boolean, tile = false): Promise<string[]> {
  const out = new AtomicDir(join(dir, name), false);
  const rows = { start: 0, end: tile ? ny / 2 : ny };
  await writeResult(
    out,
    '',
    result(nx, ny),
    { source: 'test', csv },
    tile ? { index: 0, count: 2, rows } : undefined,
    figures,
    async () => new Uint8Array(),
  );
  out.commit();
  const m = JSON.parse(readFileSync(join(dir, name, 'manifest.json'), 'utf8'));
  expect(existsSync(join(dir, name, 'grid.csv'))).toBe(m.files.includes('grid.csv'));
  return m.files;
}

describe('grid.csv', () => {
  it('is written by default up to 512 × 512 cells, and not beyond', async () => {
    expect(kCsvDefaultMaxCells).toBe(512 * 512);
    expect(await written('at-limit', 512, 512)).toContain('grid.csv');
    expect(await written('over', 1024, 257)).not.toContain('grid.csv');
  });
  it("counts the cells of a tile's band, not of the grid", async () => {
    expect(await written('tile', 1024, 512, undefined, true)).toContain('grid.csv');
  });
  it('--csv writes it at any size, --no-csv never', async () => {
    expect(await written('forced', 1024, 257, true)).toContain('grid.csv');
    expect(await written('refused', 8, 8, false)).not.toContain('grid.csv');
  });
});
