import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Model } from '../models/types.js';
import { compileUserModel, UserModelError } from '../user-model/compile.js';
import { echo } from '../sweep/spec.js';
import { usageError } from './errors.js';

/**
 * Model files on the command line (README "Your own model"): `--model FILE`, or a spec whose
 * `model` is a path. Their problems are usage errors naming the file and the field,
 * `models/lorenz.json: rhs.y: unknown identifier "sigm" at column 17 (did you mean "sigma"?)`.
 */

/** A spec's `model` names a file (rather than a built-in id) when it has a path separator or ends in .json. */
export function isModelPath(model: unknown): model is string {
  return typeof model === 'string' && (/\.json$/i.test(model) || /[/\\]/.test(model));
}

/** The parsed JSON of a model file, checked by compiling it once. */
export function readModelFile(path: string): { file: Record<string, unknown>; model: Model } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (e) {
    throw usageError(`${path}: the model file is not valid JSON (${(e as Error).message})`);
  }
  try {
    return { file: file as Record<string, unknown>, model: compileUserModel(file) };
  } catch (e) {
    if (e instanceof UserModelError) throw usageError(e.issues.map((i) => `${path}: ${i.path}: ${i.message}`).join('\n'));
    throw e;
  }
}

/** The spec with a model path (relative to the spec file's folder) replaced by the file's contents. */
export function withModelFile(input: unknown, specFile: string): unknown {
  const spec = input as { model?: unknown } | null;
  if (typeof spec !== 'object' || spec === null || !isModelPath(spec.model)) return input;
  const path = resolve(dirname(specFile), spec.model);
  if (!/\.json$/i.test(path))
    throw usageError(`${specFile}: model: "${echo(spec.model)}" is neither a built-in model id nor a .json model file`);
  return { ...spec, model: readModelFile(path).file };
}
