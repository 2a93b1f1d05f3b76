import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromiumFlags, kDefaultChromium } from '../../src/cli/chromium.js';

/**
 * Headless Chromium on the built explorer, served from localhost (WebGPU needs a secure origin).
 * Flags: src/cli/chromium.ts (shared with the batch CLI).
 */
export const chromiumPath = kDefaultChromium;
export { chromiumFlags };

export async function startExplorer(): Promise<{ url: string; server: PreviewServer; browser: Browser }> {
  const server = await preview({ preview: { port: 0, strictPort: false }, logLevel: 'silent' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a local URL');
  const browser = await puppeteer.launch({ executablePath: chromiumPath, args: chromiumFlags() });
  return { url, server, browser };
}

/**
 * Builds the bundle the browser tests load. NODE_ENV is forced to production: vitest sets it to
 * `test`, which a child `vite build` would inherit, shipping Lit's dev mode and a false
 * `import.meta.env.PROD` (no service worker), i.e. not what users get.
 */
export function buildExplorer(): void {
  // The page test files run one after another (fileParallelism: false): the first builds, the rest
  // reuse dist/ while no source is newer than its stamp.
  if (existsSync(kBuildStamp) && statSync(kBuildStamp).mtimeMs >= newestSource()) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  writeFileSync(kBuildStamp, new Date().toISOString());
}

const kBuildStamp = 'dist/.tests-build-stamp';
const kSources = ['web', 'src', 'shaders', 'models', 'vite.config.ts', 'package-lock.json'];

/** The latest modification time of anything the bundle is built from. */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const path of kSources) if (existsSync(path)) visit(path);
  return newest;
}

/**
 * The file's explorer: before its tests, builds the bundle, serves it and starts one headless
 * Chromium (and makes the artifacts folder, if one is named); after them, closes both. `ready` gets
 * the URL and the browser once they exist.
 */
export function useExplorer(ready: (served: { url: string; browser: Browser }) => void, artifacts?: string): void {
  let served: { server: PreviewServer; browser: Browser } | undefined;
  beforeAll(async () => {
    buildExplorer();
    const started = await startExplorer();
    served = started;
    if (artifacts) mkdirSync(artifacts, { recursive: true });
    ready(started);
  }, 180_000);
  afterAll(async () => {
    await served?.browser.close();
    await served?.server.close();
  });
}
