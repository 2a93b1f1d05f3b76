/**
 * A model file's text, as the editor and the URL give it, checked and compiled: the Model, or every
 * problem with the line of the text it belongs to. Loads the model compiler (mathjs's parser), so
 * only the editor and a URL with `file=` import it.
 */
import '../../src/user-model/accept.js';
import { compileUserModel, UserModelError } from '../../src/user-model/compile.js';
import { models } from '../../src/models/registry.js';
import type { Model } from '../../src/models/types.js';
import { parseSpec, SpecError } from '../../src/sweep/spec.js';
import { JsonSyntaxError, parseJsonPlaces } from './json-lines.js';

export interface TextProblem {
  /** 1-based line of the text the problem belongs to. */
  line: number;
  /** `rhs.y: unknown identifier "sigm" at column 7 (did you mean "sigma"?)`, as the compiler words it. */
  message: string;
}

export type TextCheck = { model: Model; problems?: undefined } | { model?: undefined; problems: TextProblem[] };

export function checkModelText(text: string): TextCheck {
  let places: ReturnType<typeof parseJsonPlaces>;
  try {
    places = parseJsonPlaces(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { problems: [{ line: e.line, message: `JSON: ${e.message}` }] };
  }
  const file = places.value as { id?: unknown };
  if (typeof file?.id === 'string' && models.some((m) => m.id === file.id))
    return {
      problems: [{ line: places.lineOf('id'), message: `id: "${file.id}" is a built-in model's id; give the model file an id of its own` }],
    };
  let model: Model;
  try {
    model = compileUserModel(places.value);
  } catch (e) {
    if (!(e instanceof UserModelError)) throw e;
    return { problems: e.issues.map((i) => ({ line: places.lineOf(i.path), message: `${i.path}: ${i.message}` })) };
  }
  // The explorer's axes are two number parameters or initial conditions (web/state/view.ts).
  if (model.params.filter((p) => p.kind === 'number' && !p.structural).length < 2)
    return {
      problems: [
        { line: places.lineOf('params'), message: 'params: the explorer needs two number parameters or initial conditions for its axes' },
      ],
    };
  // A preset is a sweep spec of this model: one that parseSpec refuses would fail only once chosen.
  const problems: TextProblem[] = [];
  model.presets.forEach((preset, k) => {
    try {
      parseSpec({ ...preset.spec, model: model.id }, [model]);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      // The message starts with the spec's field (`y.max: …`): its line within the preset.
      const [field] = e.message.split(':');
      problems.push({ line: places.lineOf(`presets[${k}].spec.${field}`), message: `presets[${k}].spec.${e.message}` });
    }
  });
  return problems.length ? { problems } : { model };
}
