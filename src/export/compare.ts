import { dump } from 'npyjs';
import { specToJson } from '../sweep/spec.js';
import { DIFF, DIFF_COLORS, type Comparison, type ResolvedCompare } from '../sweep/compare.js';
import type { SweepResult } from '../engine/result.js';
import { gridFiles, manifest, type ManifestContext } from './grid.js';

/**
 * The files of a comparison: each side's grid files under `a/` and `b/`, `diff.npy` (uint8 [ny, nx],
 * codes of `DIFF`) and `compare.json`, whose `spec` parseCompareSpec takes back.
 */
export function compareFiles(cmp: ResolvedCompare, a: SweepResult, b: SweepResult, c: Comparison, ctx: ManifestContext): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const [side, r] of [['a', a], ['b', b]] as const) {
    for (const [name, bytes] of Object.entries(gridFiles(r))) files[`${side}/${name}`] = bytes;
    files[`${side}/manifest.json`] = new TextEncoder().encode(JSON.stringify(manifest(r, ctx), null, 2));
  }
  files['diff.npy'] = new Uint8Array(dump(c.diff, [c.ny, c.nx]));
  files['compare.json'] = new TextEncoder().encode(JSON.stringify(compareManifest(cmp, c), null, 2));
  return files;
}

export function compareManifest(cmp: ResolvedCompare, c: Comparison) {
  return {
    spec: { title: cmp.title, a: specToJson(cmp.a), b: specToJson(cmp.b) },
    models: { a: { id: cmp.a.model.id, status: cmp.a.model.status }, b: { id: cmp.b.model.id, status: cmp.b.model.status } },
    diffLegend: Object.entries(DIFF).map(([id, code]) => ({ code, id, color: DIFF_COLORS[id as keyof typeof DIFF] })),
    cells: c.nx * c.ny,
    differing: c.differing,
    comparable: c.comparable,
    diverged: c.diverged,
    fraction: c.fraction,
    transitions: c.transitions,
  };
}
