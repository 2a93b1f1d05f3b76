import { describe, expect, it } from 'vitest';
import { presentList } from '../../src/sweep/present-list.js';
import { models } from '../../src/models/registry.js';

const ids = (list: ReturnType<typeof presentList>) => list.map((e) => `${e.model.id}/${e.preset.id}`);

describe('presentation list', () => {
  it('defaults to every preset of every model in registry order', () => {
    const all = presentList(null);
    expect(all.length).toBe(models.reduce((n, m) => n + m.presets.length, 0));
    expect(ids(all)[0]).toBe(`${models[0].id}/${models[0].presets[0].id}`);
    expect(ids(presentList(' '))).toEqual(ids(all));
  });

  it('takes short labels, ids and bare models', () => {
    expect(ids(presentList('tian-l2/P2,tian-l2/p1'))).toEqual(['tian-l2/augmentation-vs-weight-decay', 'tian-l2/weight-decay-threshold']);
    expect(ids(presentList('bao-cosine/basin,tian-l2/P5'))).toEqual(['bao-cosine/basin', 'tian-l2/ema-rate']);
    expect(ids(presentList('bao-cosine'))).toEqual(['bao-cosine/norm-vs-weight-decay', 'bao-cosine/emergence', 'bao-cosine/basin']);
  });

  it('names what it cannot find', () => {
    expect(() => presentList('tian-l2/P9')).toThrow(
      'present: tian-l2 has no preset "P9" (known: weight-decay-threshold, augmentation-vs-weight-decay, fig3-basin-eta0, predictor-learning-rate, ema-rate)',
    );
    expect(() => presentList('tian/P1')).toThrow(
      `present: unknown model "tian" in "tian/P1" (known: ${models.map((m) => m.id).join(', ')})`,
    );
  });
});
