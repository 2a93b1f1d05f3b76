import { dump } from 'npyjs';
import { specToJson } from '../sweep/spec.js';
import { DIFF, DIFF_COLORS, type Comparison, type ResolvedCompare } from '../sweep/compare.js';

/**
 * The files of a comparison beside each side's own files (under `a/` and `b/`, written by the
 * caller): `diff.npy` (uint8 [ny, nx], codes of `DIFF`) and `compare.json`, whose `spec`
 * parseCompareSpec takes back.
 */
export function compareFiles(cmp: ResolvedCompare, c: Comparison): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
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
