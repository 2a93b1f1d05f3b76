/**
 * JSON with the place of every value: `lineOf('rhs.y')` is the line of the text where the value
 * at that path starts, so that an editor can show a model file's problems (whose paths read
 * `rhs.y`, `classes[1].when`, `params[0].default`, as src/user-model/compile.ts writes them) under
 * their line. The values themselves come from JSON.parse, so they are exactly what the model
 * compiler gets; a syntax error is named with its line and column.
 */
export interface JsonPlaces {
  value: unknown;
  /** Line (1-based) of the value at `path`, or of its nearest enclosing value that has one. */
  lineOf(path: string): number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

/** Parses `text`; throws JsonSyntaxError at the first character that is not JSON. */
export function parseJsonPlaces(text: string): JsonPlaces {
  const starts = new Map<string, number>();
  let at = 0;
  const lineAt = (offset: number) => {
    let line = 1;
    for (let k = 0; k < offset; k++) if (text.charCodeAt(k) === 10) line++;
    return line;
  };
  const fail = (message: string): never => {
    const line = lineAt(at);
    throw new JsonSyntaxError(message, line, at - text.lastIndexOf('\n', at - 1));
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const found = () => (at < text.length ? `"${text[at]}"` : 'the end of the text');
  const expect = (c: string) => {
    space();
    if (text[at] !== c) fail(`expected "${c}", found ${found()}`);
    at++;
  };
  const string = (): string => {
    if (text[at] !== '"') fail(`expected a string, found ${found()}`);
    const from = at++;
    // To the closing quote; JSON.parse then decodes the escapes (and refuses bad ones) as the compiler's input would be.
    while (at < text.length && text[at] !== '"') {
      if (text.charCodeAt(at) < 0x20) fail('a string may not hold a line break or control character (write \\n)');
      at += text[at] === '\\' ? 2 : 1;
    }
    if (at >= text.length) fail('unterminated string');
    at++;
    try {
      return JSON.parse(text.slice(from, at)) as string;
    } catch {
      at = from;
      return fail('malformed escape in a string');
    }
  };
  /** Steps over a closing bracket: returns what the container holds. */
  const close = <T>(out: T): T => {
    at++;
    return out;
  };
  const value = (path: string): unknown => {
    space();
    starts.set(path, at);
    const c = text[at];
    if (c === '{') {
      at++;
      const out: Record<string, unknown> = {};
      space();
      if (text[at] === '}') return close(out);
      for (;;) {
        space();
        const key = string();
        expect(':');
        out[key] = value(path ? `${path}.${key}` : key);
        space();
        if (text[at] === '}') return close(out);
        if (text[at] !== ',') fail(`expected "," or "}" after a member, found ${found()}`);
        at++;
      }
    }
    if (c === '[') {
      at++;
      const out: unknown[] = [];
      space();
      if (text[at] === ']') return close(out);
      for (;;) {
        out.push(value(`${path}[${out.length}]`));
        space();
        if (text[at] === ']') return close(out);
        if (text[at] !== ',') fail(`expected "," or "]" after an element, found ${found()}`);
        at++;
      }
    }
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at));
    if (!m) fail(`expected a value, found ${found()}`);
    at += m![0].length;
    return JSON.parse(m![0]);
  };
  const parsed = value('');
  space();
  if (at < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
  return {
    value: parsed,
    lineOf(path) {
      // A path the text does not have (a missing field) falls back to its parent object.
      for (let p = path === 'model' ? '' : path; ; p = p.replace(/(\.[^.[\]]*|\[\d+\]|^[^.[\]]+)$/, '')) {
        const start = starts.get(p);
        if (start !== undefined) return lineAt(start);
        if (p === '') return 1;
      }
    },
  };
}
