// Node module customization hooks that give Node scripts Vite's `?raw` imports:
//
//   import sweepWgsl from '../../shaders/sweep.wgsl?raw'; // sweepWgsl: string, the file's text
//
// Vite handles `?raw` in the browser and under vitest; Node does not, so scripts that import the
// engine outside Vite (the benchmark, the batch runner) load this file after tsx:
//
//   node --import tsx --import ./scripts/raw-loader.mjs bench/run.ts
//   tsx --import ./scripts/raw-loader.mjs bench/run.ts
//
// Imported normally, this file registers itself with `module.register`; Node then loads it a second
// time (with `?hooks` in its URL) on the hooks thread, where it only exports `resolve` and `load`.
// Hooks registered later run first, so `?raw` is handled here before tsx sees the specifier.

import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const kQuery = 'raw';

if (!new URL(import.meta.url).searchParams.has('hooks')) {
  register(`${import.meta.url}?hooks`);
}

/** True when `specifierOrUrl` carries a `?raw` query (alone or among others, as Vite accepts). */
function isRaw(specifierOrUrl) {
  const q = specifierOrUrl.indexOf('?');
  return q >= 0 && new URLSearchParams(specifierOrUrl.slice(q + 1)).has(kQuery);
}

/**
 * Resolves `./file.wgsl?raw` by resolving `./file.wgsl` through the rest of the chain (Node, tsx:
 * relative paths, package exports, tsconfig paths alike) and putting the query back on the URL.
 */
export async function resolve(specifier, context, nextResolve) {
  if (!isRaw(specifier)) return nextResolve(specifier, context);
  const q = specifier.indexOf('?');
  const resolved = await nextResolve(specifier.slice(0, q), context);
  const url = new URL(resolved.url);
  url.search = specifier.slice(q);
  return { url: url.href, format: 'module', shortCircuit: true };
}

/** Loads a `?raw` URL as an ES module whose default export is the file's text (UTF-8). */
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !isRaw(url)) return nextLoad(url, context);
  const file = new URL(url);
  file.search = '';
  const text = await readFile(fileURLToPath(file), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};\n`, shortCircuit: true };
}
