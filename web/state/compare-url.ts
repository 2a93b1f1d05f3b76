import { comparePresets, type ComparePreset } from '../../src/sweep/compare-presets.js';
import { compareAtResolution, parseCompareSpec, type CompareSpecInput, type ResolvedCompare } from '../../src/sweep/compare.js';
import { SpecError } from '../../src/sweep/spec.js';
import { models as registry } from '../../src/models/registry.js';
import type { Model } from '../../src/models/types.js';

/**
 * A comparison in the query string:
 *
 *   ?compare=l2-vs-cosine[&n=48]           a compare preset, optionally on an n×n grid
 *   ?compare=custom&spec=<JSON {a, b, title?}>  any two specs on the same axes
 *   ?compare=custom&file=<packed model file>&spec=…  a side's model may be that file's id (the page's user model)
 *
 * `isCompareQuery` routes the page; `compareFromQuery` names what is wrong in a malformed URL.
 */
export function isCompareQuery(search: string): boolean {
  return new URLSearchParams(search).has('compare');
}

export type CompareFromQuery =
  | { cmp: ResolvedCompare; input: CompareSpecInput; preset?: ComparePreset; error?: undefined }
  | { cmp?: undefined; error: string };

/** `available`: the models a side may name (the page passes the user model of `file=` too). */
export function compareFromQuery(search: string, available: readonly Model[] = registry): CompareFromQuery {
  const q = new URLSearchParams(search);
  const id = q.get('compare') ?? '';
  let input: CompareSpecInput;
  let preset: ComparePreset | undefined;
  if (id === 'custom') {
    try {
      input = JSON.parse(q.get('spec') ?? '');
    } catch (e) {
      return { error: `spec: not valid JSON (${(e as Error).message})` };
    }
  } else {
    preset = comparePresets.find((p) => p.id === id);
    if (!preset) return { error: `compare: unknown comparison "${id}" (known: ${comparePresets.map((p) => p.id).join(', ')}, custom)` };
    input = preset.spec;
  }
  const nText = q.get('n');
  if (nText !== null) {
    const n = Number(nText);
    if (!Number.isInteger(n) || n < 2) return { error: `n: must be an integer ≥ 2 (got "${nText}")` };
    input = compareAtResolution(input, n);
  }
  try {
    return { cmp: parseCompareSpec(input, available), input, preset };
  } catch (e) {
    if (e instanceof SpecError) return { error: e.message };
    throw e;
  }
}
