import { readFileSync } from 'node:fs';
import type { Preset } from '../../src/models/types.js';
import type { SweepSpecInput } from '../../src/sweep/spec.js';

/** A preset at n² (its own integrator, early exit), with `refine` as given. */
export function presetAt(modelId: string, preset: Preset, n: number, refine: object | false): SweepSpecInput {
  const s = preset.spec;
  return { model: modelId, ...s, x: { ...s.x, n }, y: { ...s.y, n }, refine };
}

export function fullGridPath(modelId: string, presetId: string): string {
  return `tests/fixtures/full-grid/${modelId}--${presetId}.json`;
}

/** Rows of class codes, run-length coded: "0*12 1*244". */
export function encodeRows(classes: Uint8Array, nx: number): string[] {
  const rows: string[] = [];
  for (let j = 0; j < classes.length / nx; j++) {
    const runs: string[] = [];
    let start = j * nx;
    for (let c = start + 1; c <= (j + 1) * nx; c++) {
      if (c < (j + 1) * nx && classes[c] === classes[start]) continue;
      runs.push(`${classes[start]}*${c - start}`);
      start = c;
    }
    rows.push(runs.join(' '));
  }
  return rows;
}

export function decodeRows(rows: string[]): Uint8Array {
  const out: number[] = [];
  for (const row of rows) {
    for (const run of row.split(' ')) {
      const [code, count] = run.split('*').map(Number);
      for (let k = 0; k < count; k++) out.push(code);
    }
  }
  return Uint8Array.from(out);
}

export interface FullGrid {
  spec: SweepSpecInput;
  adapter: string;
  seconds: number;
  classes: Uint8Array;
}

/** The full-grid reference of a preset (scripts/refine-references.ts writes them). */
export function readFullGrid(modelId: string, presetId: string): FullGrid {
  const raw = JSON.parse(readFileSync(fullGridPath(modelId, presetId), 'utf8')) as Omit<FullGrid, 'classes'> & { classes: string[] };
  return { ...raw, classes: decodeRows(raw.classes) };
}
