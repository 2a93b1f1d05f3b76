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
        const view: View = {
          ...viewFromPreset(model, preset),
          layer: 'collapseTime',
          overlays: false,
          zoom: {
            x: [preset.spec.x.min, (preset.spec.x.min + preset.spec.x.max) / 3],
            y: [preset.spec.y.min * 1.1 + 1e-3, preset.spec.y.max / 1.7],
          },
        };
        // The preset's own view is a valid sweep (a map preset steps by dt = 1, not the flow's default).
        expect(viewToSpec(viewFromPreset(model, preset)).error).toBeUndefined();
        const back = viewFromQuery(viewToQuery(view));
        expect(back.error).toBeUndefined();
        const axisIds = [view.x.param, view.y.param];
        const strip = (v: View) => ({ ...v, values: Object.fromEntries(Object.entries(v.values).filter(([id]) => !axisIds.includes(id))) });
        expect(strip(back.view)).toEqual(strip(view));
        expect(viewToSpec(back.view).spec!.values).toEqual(viewToSpec(view).spec!.values);
      });
    }
  }

  it('adaptive methods carry rtol and atol, settle is off, a tolerance or tol:hold, and all of it round-trips', () => {
    const model = models[0];
    const base = viewFromPreset(model, model.presets[0]);
    const views: View[] = [
      { ...base, integrator: { method: 'dp5', dt: 0.05, tEnd: 3000, rtol: 1e-5, atol: 1e-8 }, settle: false },
      {
        ...base,
        integrator: { method: 'tsit5', dt: 0.05, tEnd: 3000, rtol: 1e-6, atol: 1e-9, dtMin: 1e-6, dtMax: 10, maxSteps: 50_000 },
        settle: { tol: 1e-5, hold: 1 },
      },
      { ...base, integrator: { method: 'dp5', dt: 0.05, tEnd: 3000, adaptive: false }, settle: { tol: 1e-7 } },
      { ...base, integrator: { method: 'rk38', dt: 0.05, tEnd: 3000 }, settle: { tol: 1e-6 } },
    ];
    for (const view of views) {
      const query = viewToQuery(view);
      const back = viewFromQuery(query);
      expect(back.error, query).toBeUndefined();
      expect(back.view.integrator).toEqual(view.integrator);
      expect(back.view.settle).toEqual(view.settle);
      const spec = viewToSpec(back.view).spec!;
      expect(spec.integrator.method).toBe(view.integrator.method);
      expect(spec.settle).toEqual(view.settle === false ? false : { hold: 0.5, ...view.settle });
    }
    expect(viewToQuery(views[0])).toMatch(/[?&]method=dp5&dt=0\.05&tEnd=3000&rtol=0\.00001&atol=1e-8&settle=off&/);
    expect(viewToQuery(views[1])).toMatch(/&settle=0\.00001%3A1&/);
    expect(viewToQuery(views[2])).toMatch(/&adaptive=off&settle=1e-7&/);
    expect(viewToQuery(views[3])).not.toMatch(/rtol|atol/);
    // A URL naming an adaptive method without tolerances gets the defaults; dt is then the first step.
    const { view, error } = viewFromQuery(`?model=${model.id}&preset=${model.presets[0].id}&method=tsit5`);
    expect(error).toBeUndefined();
    expect(view.integrator).toMatchObject({ method: 'tsit5', rtol: 1e-6, atol: 1e-9 });
    expect(viewToSpec(view).spec!.integrator.adaptive).toBe(true);
  });

  it('?preset=MODEL/PRESET, the id `collapse-atlas models` and `preset` print, gives the same view as ?model=&preset=', () => {
    for (const model of models) {
      for (const preset of model.presets) {
        const byId = viewFromQuery(`?preset=${model.id}/${preset.id}&n=32`);
        expect(byId.error).toBeUndefined();
        expect(byId.view).toEqual(viewFromQuery(`?model=${model.id}&preset=${preset.id}&n=32`).view);
      }
    }
    expect(viewFromQuery('?preset=tian-l2/fig3-basin-eta0').view).toEqual(
      viewFromPreset(
        models.find((q) => q.id === 'tian-l2')!,
        models.find((q) => q.id === 'tian-l2')!.presets.find((p) => p.id === 'fig3-basin-eta0')!,
      ),
    );
  });

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
    [
      `?model=${m.id}&${axis}&layer=colour`,
      `URL: layer: unknown layer "colour" of ${m.id} (known: class, ${[...m.readouts.map((r) => r.id), 'collapseTime', 'tSettled', 'steps'].join(', ')})`,
    ],
    [`?model=${m.id}&${axis}&method=dp5&rtol=tight`, 'URL: rtol: "tight" is not a number'],
    [`?model=${m.id}&${axis}&method=dp5&atol=`, 'URL: atol: "" is not a number'],
    [`?model=${m.id}&${axis}&method=dp5&rtol=2`, 'URL: integrator.rtol: must be < 1 (got 2)'],
    [
      `?model=${m.id}&${axis}&method=rk4&rtol=0.001`,
      'URL: integrator.rtol: only adaptive steps take it (rk4 runs a fixed step here; adaptive methods: dp5, tsit5)',
    ],
    [`?model=${m.id}&${axis}&method=rk5`, 'URL: integrator.method: unknown integrator "rk5" (known: rk4, rk38, dp5, tsit5)'],
    [`?model=${m.id}&${axis}&method=dp5&adaptive=maybe`, 'URL: adaptive: must be on or off, got "maybe"'],
    [`?model=${m.id}&${axis}&settle=soon`, 'URL: settle: "soon" is not a number'],
    [`?model=${m.id}&${axis}&settle=1e-6:0.5:2`, 'URL: settle: expected off, tol or tol:hold, got "1e-6:0.5:2"'],
    [`?model=${m.id}&${axis}&settle=1e-6:long`, 'URL: settle.hold: "long" is not a number'],
    [`?model=${m.id}&${axis}&settle=2`, 'URL: settle.tol: must lie in (0, 1) (got 2)'],
    [
      `?model=${m.id}&preset=${m.presets[0].id}&v.augmentaton=5`,
      `URL: v.augmentaton: unknown parameter "augmentaton" of ${m.id} (known: ${m.params.map((p) => p.id).join(', ')})`,
    ],
    [
      `?model=bao-cosine&preset=${m.id}/${m.presets[0].id}`,
      `URL: preset: "${m.id}/${m.presets[0].id}" is a preset of ${m.id}, but model=bao-cosine`,
    ],
    [`?preset=${m.id}/nope`, `URL: preset: ${m.id} has no preset "nope" (known: ${m.presets.map((p) => p.id).join(', ')})`],
    [`?preset=${m.id}/a/b`, 'URL: preset: expected PRESET or MODEL/PRESET, got "tian-l2/a/b"'],
  ])('%s is named and falls back to the defaults', (query, message) => {
    const { view, error } = viewFromQuery(query);
    expect(error).toBe(message);
    expect(view).toEqual(defaultView(models[0]));
  });
});

describe('refinement in the view', () => {
  const model = models[0];
  const preset = model.presets[0];
  const at = (n: number, extra = '') => viewFromQuery(`?model=${model.id}&preset=${preset.id}&n=${n}${extra}`);

  it('is on by default above 256² cells, with the coarsest grid the size allows', () => {
    expect(viewToSpec(at(256).view).spec!.refine).toBe(false);
    expect(viewToSpec(at(512).view).spec!.refine).toEqual({
      coarse: 64,
      verify: 0.02,
      seed: 1,
      block: 8,
      uncertainty: { tighten: 100, f64: 32 },
    });
    expect(viewToSpec(at(300, '&refine=on').view).spec!.refine).toEqual({
      coarse: 75,
      verify: 0.02,
      seed: 1,
      block: 4,
      uncertainty: { tighten: 100, f64: 32 },
    });
    expect(viewToSpec(at(257, '&refine=on').view).spec!.refine).toEqual({
      coarse: 257,
      verify: 0.02,
      seed: 1,
      block: 1,
      uncertainty: { tighten: 100, f64: 32 },
    });
    expect(viewToSpec(at(1024, '&refine=off').view).spec!.refine).toBe(false);
    expect(viewToSpec(at(64, '&refine=8:0.1:7').view).spec!.refine).toEqual({
      coarse: 8,
      verify: 0.1,
      seed: 7,
      block: 8,
      uncertainty: { tighten: 100, f64: 32 },
    });
  });

  it("round-trips auto, off, on and coarse:verify:seed, and a preset's own refine is kept", () => {
    for (const refine of ['auto', false, {}, { coarse: 8, verify: 0.1, seed: 7 }] as const) {
      const view: View = { ...viewFromPreset(model, preset), refine };
      expect(viewFromQuery(viewToQuery(view)).view.refine).toEqual(refine);
    }
    expect(viewToQuery({ ...viewFromPreset(model, preset), refine: false })).toMatch(/&refine=off$/);
    const own = { ...preset, spec: { ...preset.spec, refine: { coarse: 16 } } };
    expect(viewFromPreset(model, own).refine).toEqual({ coarse: 16 });
    expect(viewFromPreset(model, { ...preset, spec: { ...preset.spec, refine: false } } as never).refine).toBe(false);
  });

  it.each([
    ['&refine=maybe', 'URL: refine: expected auto, on, off or coarse:verify:seed, got "maybe"'],
    ['&refine=8:x:1', 'URL: refine.verify: "x" is not a number'],
    ['&refine=7::', 'URL: refine.coarse: x.n must be coarse times a power of two (x.n = 64, coarse = 7, x.n / coarse = 9.142857142857142)'],
    ['&computed=yes', 'URL: computed: must be on or off, got "yes"'],
  ])('%s is named', (extra, message) => {
    expect(at(64, extra).error).toBe(message);
  });
});
