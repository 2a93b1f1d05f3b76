import { PackError, unpackModelText } from '../state/model-codec.js';
import { setUrlModelProblem, setUserModel } from '../state/user-model.js';
import { checkModelText } from './check-text.js';

/**
 * The model file a URL carries in `file=` (web/state/url.ts writes it), installed as the page's user
 * model before the explorer reads the rest of the URL. A file that cannot be read or compiled is
 * kept as a message, e.g. `file: the model file in the URL cannot be decompressed (unexpected EOF): the link
 * was probably cut short or altered`, which the explorer shows while it falls back to a built-in model.
 */
export function loadUrlModel(search: string): void {
  const packed = new URLSearchParams(search).get('file');
  setUrlModelProblem(undefined);
  if (packed === null) return;
  let text: string;
  try {
    text = unpackModelText(packed);
  } catch (e) {
    if (!(e instanceof PackError)) throw e;
    setUrlModelProblem({ message: `file: the model file in the URL ${e.message}` });
    return;
  }
  const checked = checkModelText(text);
  if (checked.model) setUserModel({ model: checked.model, text, packed });
  else
    setUrlModelProblem({
      message: checked.problems.map((p) => `file: line ${p.line} of the model file in the URL: ${p.message}`).join('\n'),
      text,
    });
}
