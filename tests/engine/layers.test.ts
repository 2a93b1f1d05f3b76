// The layers of /work/shared/style.md as a test: models and integrators at the bottom, the engine
// above them, sweep / export / refine above the engine, cli and web on top; nothing lower imports
// anything higher. Reads each source file's import specifiers and resolves the relative ones.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const kRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Folder → the folders (repo-relative) it must not import from. */
const kForbidden: Record<string, string[]> = {
  'src/models': ['src/engine', 'src/sweep', 'src/export', 'src/refine', 'src/cli', 'web'],
  'src/integrators': ['src/models', 'src/engine', 'src/sweep', 'src/export', 'src/refine', 'src/cli', 'web'],
  'src/engine': ['src/sweep', 'src/export', 'src/refine', 'src/cli', 'web'],
  'src/sweep': ['src/cli', 'web'],
  'src/export': ['src/cli', 'web'],
  'src/refine': ['src/cli', 'web'],
};

/** Every specifier of `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`. */
function importSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  return Array.from(source.matchAll(pattern), (m) => m[1]);
}

const sources = (dir: string): string[] =>
  readdirSync(join(kRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );

/** `file`'s relative imports that land in a folder `forbidden` names, as "file → target". */
function violations(file: string, source: string, forbidden: string[]): string[] {
  return importSpecifiers(source)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(kRoot, resolve(kRoot, dirname(file), s)))
    .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
    .map((target) => `${file} → ${target}`);
}

describe('layers', () => {
  it('finds every kind of import, so a violation cannot hide', () => {
    const source =
      "import { a } from '../sweep/spec.js';\nimport type { B } from \"../cli/x.js\";\nexport { c } from '../export/grid.js';\nimport '../../web/main.js';\nconst m = await import('../refine/refine.js');\nimport { ok } from './result.js';";
    expect(violations('src/engine/fake.ts', source, kForbidden['src/engine'])).toEqual([
      'src/engine/fake.ts → src/sweep/spec.js',
      'src/engine/fake.ts → src/cli/x.js',
      'src/engine/fake.ts → src/export/grid.js',
      'src/engine/fake.ts → web/main.js',
      'src/engine/fake.ts → src/refine/refine.js',
    ]);
    // The engine's own imports are read: the runners do take the models' types.
    expect(importSpecifiers(readFileSync(join(kRoot, 'src/engine/cpu-runner.ts'), 'utf8'))).toContain('../models/types.js');
  });

  it.each(Object.entries(kForbidden))('%s imports nothing from a higher layer', (dir, forbidden) => {
    const files = sources(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((f) => violations(f, readFileSync(join(kRoot, f), 'utf8'), forbidden))).toEqual([]);
  });
});
