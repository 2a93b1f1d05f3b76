// `npm ci --omit=dev` (a cluster image, a Kubernetes Job) installs only `dependencies`: every package
// the CLI loads at run time, and every package its batch page pulls in through Vite, must be one.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Bare packages imported (not type-only) by `entries` and every local module they reach. */
function runtimePackages(entries: string[]): { packages: Set<string>; files: number } {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = entries.map((e) => join(root, e));
  const specifier =
    /(?:^|[^.\w])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(specifier)) {
      if (m[1]) continue; // import type: erased
      const spec = (m[2] ?? m[3]).split('?')[0];
      if (spec.startsWith('.')) {
        const base = resolve(dirname(file), spec);
        const local = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`].find((f) => /\.(m?js|ts)$/.test(f) && existsSync(f));
        if (local) queue.push(local);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
  }
  return { packages, files: seen.size };
}

describe('CLI runtime dependencies', () => {
  it('every package the CLI and its batch page import is a dependency, not a devDependency', () => {
    const { packages, files } = runtimePackages([
      'bin/collapse-atlas.mjs',
      'src/cli/main.ts',
      'src/cli/run.ts',
      'src/cli/merge.ts',
      'src/cli/compare.ts',
      'web/batch.ts',
    ]);
    expect(files).toBeGreaterThan(40);
    // The launcher's loader, the dev server that serves the batch page, and the browser driver.
    for (const p of ['tsx', 'vite', 'puppeteer-core', 'commander', 'zod']) expect(packages, p).toContain(p);
    const missing = [...packages].filter((p) => !Object.hasOwn(pkg.dependencies, p));
    expect(missing).toEqual([]);
  });

  it('package-lock.json agrees: the root lists them as dependencies and none is marked dev', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; dev?: boolean }>;
    };
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(pkg.devDependencies);
    for (const p of ['tsx', 'vite', 'puppeteer-core', 'esbuild', 'rolldown', 'ws', 'devtools-protocol'])
      expect(lock.packages[`node_modules/${p}`]?.dev, p).toBeUndefined();
    // Test-only packages stay out of an --omit=dev install (@types/node does not: @types/yauzl, under puppeteer, needs it).
    for (const p of ['vitest', 'typescript', 'webgpu', '@webgpu/types']) expect(lock.packages[`node_modules/${p}`]?.dev, p).toBe(true);
  });
});
