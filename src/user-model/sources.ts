/**
 * Which model file each compiled model came from, and the compiler sweep specs use for model files.
 * This module loads no parser: src/sweep/spec.ts imports it, and a page that never sees a model
 * file (the explorer, today) then ships without mathjs. Where model files are accepted (the CLI, the
 * batch page, tests), importing src/user-model/accept.ts installs the compiler.
 */
import type { Model } from '../models/types.js';

/** The model file's contents as given (a JSON object). */
export type ModelFileJson = Record<string, unknown>;

const sources = new WeakMap<Model, Record<string, unknown>>();

/** The model file a model was compiled from (specToJson writes it back into manifests). */
export function modelFileOf(model: Model): Record<string, unknown> | undefined {
  return sources.get(model);
}

export function rememberModelFile(model: Model, file: Record<string, unknown>): void {
  sources.set(model, file);
}

let compiler: ((file: ModelFileJson) => Model) | undefined;

/** Installs the model-file compiler (src/user-model/accept.ts does). */
export function acceptModelFiles(compile: (file: ModelFileJson) => Model): void {
  compiler = compile;
}

/** The installed compiler, or undefined where model files are not accepted. */
export function modelFileCompiler(): ((file: ModelFileJson) => Model) | undefined {
  return compiler;
}
