// The model editor's text handling without a browser: problems land on their line, the URL codec
// round-trips and names a damaged link, and a URL carrying a model file gives back its view.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonPlaces } from '../../web/user-model/json-lines.js';
import { checkModelText } from '../../web/user-model/check-text.js';
import { packModelText, unpackModelText } from '../../web/state/model-codec.js';
import { loadUrlModel } from '../../web/user-model/url-model.js';
import { userModel } from '../../web/state/user-model.js';
import { viewFromQuery, viewToQuery } from '../../web/state/url.js';
import { defaultView, viewToSpec } from '../../web/state/view.js';
import { viewForUserModel } from '../../web/state/user-view.js';
import { setUserModel } from '../../web/state/user-model.js';

const lorenz = readFileSync(new URL('../../models/lorenz.json', import.meta.url), 'utf8');
const tian = readFileSync(new URL('../../models/tian-l2.json', import.meta.url), 'utf8');
/** 1-based line of the first line of `text` containing `needle`. */
const lineWith = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('model file text', () => {
  it('maps a path to the line its value starts on, a missing field to its parent', () => {
    const places = parseJsonPlaces(tian);
    expect(places.value).toEqual(JSON.parse(tian));
    expect(places.lineOf('rhs.p')).toBe(lineWith(tian, '"p": "predictorLr * w * e'));
    expect(places.lineOf('classes[0].when')).toBe(159);
    expect(places.lineOf('settle.continue')).toBe(lineWith(tian, '"continue": "target'));
    expect(places.lineOf('state[2].initial')).toBe(lineWith(tian, '"initial": "target == \\"byol\\" ? wa0'));
    expect(places.lineOf('rhs.nothing')).toBe(lineWith(tian, '"rhs": {'));
    expect(places.lineOf('otherwise')).toBe(lineWith(tian, '"otherwise"'));
    expect(places.lineOf('model')).toBe(1);
  });

  it('names the line and column of a JSON syntax error', () => {
    expect(checkModelText(lorenz.replace('"rhs": {', '"rhs": {,')).problems).toEqual([
      { line: 21, message: 'JSON: line 21, column 11: expected a string, found ","' },
    ]);
    expect(checkModelText('{"id": "a",\n  "title": "b"\n  "state": []}').problems).toEqual([
      { line: 3, message: 'JSON: line 3, column 3: expected "," or "}" after a member, found """' },
    ]);
  });

  it('puts each compiler message on the line of its field, all at once', () => {
    const text = lorenz.replace('"x * (rho - z) - y"', '"x * (rho - z) - sigm * y"').replace('"when": "r < 1e-3" }]', '"when": "r" }]');
    expect(lineWith(lorenz, '"y": "x * (rho - z) - y"')).toBe(23);
    expect(checkModelText(text).problems).toEqual([
      { line: 23, message: 'rhs.y: unknown identifier "sigm" at column 17 (did you mean "sigma"?)' },
      { line: 27, message: 'classes[0].when: must be a comparison' },
    ]);
    expect(checkModelText(lorenz.replace('"id": "lorenz"', '"id": "tian-l2"')).problems).toEqual([
      { line: 2, message: `id: "tian-l2" is a built-in model's id; give the model file an id of its own` },
    ]);
    expect(checkModelText(lorenz).model?.id).toBe('lorenz');
    // A preset parseSpec refuses is named on its line, not only once it is chosen.
    expect(checkModelText(lorenz.replace('"min": 0, "max": 200', '"min": 0, "max": 30')).problems).toEqual([
      {
        line: lineWith(lorenz, '"y": { "param": "rho", "min": 0, "max": 40'),
        message: 'presets[0].spec.y.max: 40 is outside the range of lorenz.rho [0, 30]',
      },
    ]);
  });
});

describe('a model file in the URL', () => {
  it('packs and unpacks bit for bit; a cut or altered link is named', () => {
    const packed = packModelText(tian);
    expect(packed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(packed.length).toBe(3644);
    expect(unpackModelText(packed)).toBe(tian);
    expect(() => unpackModelText(packed.slice(0, 2000))).toThrow(
      'cannot be decompressed (unexpected EOF): the link was probably cut short or altered',
    );
    expect(() => unpackModelText(`${packed.slice(0, 10)}%${packed.slice(10)}`)).toThrow(
      'is not base64url: "%" at character 11 (base64url has A–Z a–z 0–9 - _ only)',
    );
    expect(() => unpackModelText(packed.slice(0, 2001))).toThrow('is cut short: 2001 base64url characters are not a whole number of bytes');
  });

  it('a URL carrying a model file gives its view back, and the view written again carries the file', () => {
    const packed = packModelText(lorenz);
    loadUrlModel(`?model=lorenz&preset=sigma-rho&n=8&file=${packed}`);
    expect(userModel()?.text).toBe(lorenz);
    const { view, error } = viewFromQuery(`?model=lorenz&preset=sigma-rho&n=8&file=${packed}`);
    expect(error).toBeUndefined();
    expect(view).toMatchObject({ model: 'lorenz', x: { param: 'sigma', n: 8 }, y: { param: 'rho', n: 8 } });
    expect(viewToSpec(view).spec?.model.id).toBe('lorenz');
    const again = new URLSearchParams(viewToQuery(view));
    expect(again.get('file')).toBe(packed);
    expect(viewFromQuery(viewToQuery(view)).view).toEqual(view);
  });

  it('a damaged model file is named, and the page falls back to a built-in view', () => {
    const search = `?model=bad&file=${packModelText(lorenz.replace('"id": "lorenz"', '"id": "bad"')).slice(0, 300)}`;
    loadUrlModel(search);
    expect(viewFromQuery(search)).toEqual({
      view: defaultView(),
      error: 'URL: file: the model file in the URL cannot be decompressed (unexpected EOF): the link was probably cut short or altered',
    });
    const misspelt = `?model=lorenz2&file=${packModelText(lorenz.replace('"lorenz"', '"lorenz2"').replace('"sigma * (y - x)"', '"sigm * (y - x)"'))}`;
    loadUrlModel(misspelt);
    expect(viewFromQuery(misspelt).error).toBe(
      `URL: file: line 22 of the model file in the URL: rhs.x: unknown identifier "sigm" at column 1 (did you mean "sigma"?)`,
    );
  });

  it('an edit of the model on screen keeps its view where it still makes a valid spec; otherwise its first preset opens', () => {
    const compile = (text: string) => {
      const model = checkModelText(text).model!;
      setUserModel({ model, text, packed: packModelText(text) });
      return model;
    };
    const first = compile(lorenz);
    const shown = { ...defaultView(first), x: { ...defaultView(first).x, n: 10 }, y: { ...defaultView(first).y, max: 100 } };
    // Another right-hand side, same parameters: the view stays, zoom and grid included.
    expect(viewForUserModel(shown, compile(lorenz.replace('"x * y - beta * z"', '"x * y - 2 * beta * z"')))).toBe(shown);
    // rho's range no longer holds the axis (0 to 100): the preset view of the edited model, which runs.
    const narrowed = compile(lorenz.replace('"default": 28, "min": 0, "max": 200', '"default": 28, "min": 0, "max": 50'));
    expect(viewForUserModel(shown, narrowed)).toEqual(defaultView(narrowed));
    expect(viewToSpec(defaultView(narrowed)).spec?.y).toMatchObject({ param: 'rho', min: 0, max: 40 });
    // A fresh file (an example, an opened file) opens its first preset, even of the model on screen.
    expect(viewForUserModel(shown, compile(lorenz), true)).toEqual(defaultView(first));
    // From a built-in model's view: the user model's first preset.
    expect(viewForUserModel(defaultView(), narrowed)).toEqual(defaultView(narrowed));
  });
});
