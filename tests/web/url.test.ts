// The view ↔ URL codec, without a browser: every preset round-trips bit for bit; each kind of
// malformed URL is named and falls back to the default view.
import { describe, expect, it } from 'vitest';
import { models } from '../../src/models/registry.js';
import { viewFromQuery, viewToQuery } from '../../web/state/url.js';
import { defaultView, viewFromPreset, viewToSpec, type View } from '../../web/state/view.js';

describe('explorer URL state', () => {
  for (const model of models) {
    for (const preset of model.presets) {
      it(`${model.id}/${preset.id}: the view survives a URL round trip, zoom and layer included`, () => {
        const view: View = { ...viewFromPreset(model, preset), layer: 'collapseTime', overlays: false, zoom: { x: [preset.spec.x.min, (preset.spec.x.min + preset.spec.x.max) / 3], y: [preset.spec.y.min * 1.1 + 1e-3, preset.spec.y.max / 1.7] } };
        const back = viewFromQuery(viewToQuery(view));
        expect(back.error).toBeUndefined();
        const axisIds = [view.x.param, view.y.param];
        const strip = (v: View) => ({ ...v, values: Object.fromEntries(Object.entries(v.values).filter(([id]) => !axisIds.includes(id))) });
        expect(strip(back.view)).toEqual(strip(view));
        expect(viewToSpec(back.view).spec!.values).toEqual(viewToSpec(view).spec!.values);
      });
    }
  }

  it('the older ?model=&preset=&n= still works', () => {
    const model = models[0];
    const { view, error } = viewFromQuery(`?model=${model.id}&preset=${model.presets[0].id}&n=40`);
    expect(error).toBeUndefined();
    expect([view.x.n, view.y.n, view.x.param]).toEqual([40, 40, model.presets[0].spec.x.param]);
  });

  const m = models[0];
  const axis = `x=${m.presets[0].spec.x.param}:0:1:32:linear&y=${m.presets[0].spec.y.param}:0:0.3:32:linear`;
  it.each([
    ['?model=nope', `URL: model: unknown model "nope" (known: ${models.map((q) => q.id).join(', ')})`],
    [`?model=${m.id}&preset=nope`, `URL: preset: ${m.id} has no preset "nope" (known: ${m.presets.map((p) => p.id).join(', ')})`],
    [`?model=${m.id}&x=p0:0:1&y=weightDecay:0:0.3:32:linear`, 'URL: x: expected param:min:max:n:scale, got "p0:0:1"'],
    [`?model=${m.id}&x=p0:0:1:32:linear`, 'URL: y: required when x is given'],
    [`?model=${m.id}&${axis}&dt=fast`, 'URL: dt: "fast" is not a number'],
    [`?model=${m.id}&${axis}&overlays=maybe`, 'URL: overlays: must be on or off, got "maybe"'],
    [`?model=${m.id}&${axis}&zoom=0:1:2`, 'URL: zoom: expected xmin:xmax:ymin:ymax, got "0:1:2"'],
    [`?model=${m.id}&${axis}&layer=colour`, `URL: layer: unknown layer "colour" of ${m.id} (known: class, ${[...m.readouts.map((r) => r.id), 'collapseTime'].join(', ')})`],
  ])('%s is named and falls back to the defaults', (query, message) => {
    const { view, error } = viewFromQuery(query);
    expect(error).toBe(message);
    expect(view).toEqual(defaultView(models[0]));
  });
});
