import { execFileSync } from 'node:child_process';
import { preview, type PreviewServer } from 'vite';
import puppeteer, { type Browser } from 'puppeteer-core';
import { hasGpuDevice } from '../../src/engine/node-gpu.js';

/**
 * Headless Chromium on the built explorer, served from localhost (WebGPU needs a secure origin).
 * The three Vulkan flags let a WebGPU canvas present; on a machine with a GPU, SwiftShader is not forced.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumFlags(): string[] {
  return [
    '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--use-angle=vulkan', '--enable-features=Vulkan',
    ...(hasGpuDevice() ? [] : ['--use-vulkan=swiftshader']),
    '--disable-background-networking', '--disable-component-update', '--no-first-run',
  ];
}

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
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
