// A user model outside the editor, without a browser: its presets in presentation mode's list, and a
// comparison whose side is the user model (named by id with the URL's `file=`, or given as the model
// file itself), run on the f64 reference: the tian-l2 model file against the built-in tian-l2, and
// its compare.json, which carries the model file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { models } from '../../src/models/registry.js';
import { presentList } from '../../src/sweep/present-list.js';
import { compareResults, parseCompareSpec } from '../../src/sweep/compare.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { compareManifest } from '../../src/export/compare.js';
import { CLASSES } from '../../src/models/types.js';
import { checkModelText } from '../../web/user-model/check-text.js';
import { loadUrlModel } from '../../web/user-model/url-model.js';
import { explorerModels } from '../../web/state/user-model.js';
import { compareFromQuery } from '../../web/state/compare-url.js';
import { packModelText } from '../../web/state/model-codec.js';

const lorenzText = readFileSync(new URL('../../models/lorenz.json', import.meta.url), 'utf8');
const tianText = readFileSync(new URL('../../models/tian-l2.json', import.meta.url), 'utf8');
const lorenz = checkModelText(lorenzText).model!;

/** The P1 plane of tian-l2 on an 8 × 8 grid, cut to t = 300 (a collapse boundary crosses it). */
const p1 = (model: unknown) => ({
  model,
  params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
  x: { param: 'p0', min: 0, max: 1, n: 8, scale: 'linear' },
  y: { param: 'weightDecay', min: 0, max: 0.3, n: 8, scale: 'linear' },
  integrator: { method: 'dp5', dt: 0.05, tEnd: 300 },
});

describe('a user model in presentation mode', () => {
  it('its presets come after the built-in ones, and a ?present= list may name it', () => {
    const withUser = [...models, lorenz];
    const builtIn = presentList(null);
    const all = presentList(null, withUser);
    expect(all.length).toBe(builtIn.length + 1);
    expect(all.slice(0, -1).map((e) => `${e.model.id}/${e.preset.id}`)).toEqual(builtIn.map((e) => `${e.model.id}/${e.preset.id}`));
    expect([all.at(-1)!.model.id, all.at(-1)!.preset.id, all.at(-1)!.preset.title]).toEqual(['lorenz', 'sigma-rho', 'Lorenz · σ–ρ plane']);
    expect(presentList('lorenz,tian-l2/P1', withUser).map((e) => `${e.model.id}/${e.preset.id}`)).toEqual([
      'lorenz/sigma-rho',
      'tian-l2/weight-decay-threshold',
    ]);
    expect(() => presentList('lorenz')).toThrow(/^present: unknown model "lorenz" in "lorenz" \(known: tian-l2, /);
  });
});

describe('a user model in a comparison', () => {
  it('a side names the model file of the URL by its id; without the file the id is unknown', () => {
    const spec = JSON.stringify({ a: p1('tian-l2-data'), b: p1('tian-l2') });
    const search = `?compare=custom&file=${packModelText(tianText)}&spec=${encodeURIComponent(spec)}`;
    const without = compareFromQuery(search);
    expect(without.error).toMatch(/^a\.model: unknown model "tian-l2-data" \(known: tian-l2, /);
    loadUrlModel(search);
    const parsed = compareFromQuery(search, explorerModels());
    expect(parsed.error).toBeUndefined();
    expect(parsed.cmp!.title).toBe('tian-l2-data vs tian-l2');
    expect(parsed.cmp!.a.model.title).toBe('Tian et al. 2021 — L2 loss eigenmode dynamics, as a model file');
    expect(parsed.cmp!.b.model).toBe(models.find((m) => m.id === 'tian-l2'));
  });

  it('a side may be the model file itself; the file and the built-in model agree cell for cell', () => {
    const cmp = parseCompareSpec({ a: p1(JSON.parse(tianText)), b: p1('tian-l2') });
    expect(cmp.a.model.id).toBe('tian-l2-data');
    const a = runSweepCpu(cmp.a);
    const b = runSweepCpu(cmp.b);
    // Both classes occur, so agreement is not trivial.
    expect(new Set(b.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    const c = compareResults(a, b);
    expect([c.differing, c.comparable, c.diverged]).toEqual([0, 64, 0]);
    expect(Array.from(a.classes)).toEqual(Array.from(b.classes));
    // compare.json carries the model file itself, so the comparison runs again from it alone.
    const written = JSON.parse(JSON.stringify(compareManifest(cmp, c).spec));
    expect(written.a.model).toEqual(JSON.parse(tianText));
    expect(written.b.model).toBe('tian-l2');
    const back = parseCompareSpec(written);
    expect([back.a.model.id, back.a.model.title, back.title]).toEqual([cmp.a.model.id, cmp.a.model.title, 'tian-l2-data vs tian-l2']);
    expect(Array.from(runSweepCpu(back.a).classes)).toEqual(Array.from(a.classes));
  });
});
