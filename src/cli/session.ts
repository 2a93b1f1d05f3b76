import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumFlags } from './chromium.js';
import { CliError, kExit } from './errors.js';
import { onInterrupt } from './cleanup.js';
import type { BatchPageApi, PageArray, PageProgress, PageRunReply, PageRunRequest } from './protocol.js';

export const kRepoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The browser went away under a run (crash, kill, closed target): worth a retry on a fresh one. */
export class BrowserCrashError extends Error {
  override name = 'BrowserCrashError';
}

/** Arrays moved per DevTools message: large grids come back in several. */
const kChunkBytes = 8 << 20;
/** DevTools calls may last as long as a sweep (puppeteer's default gives up after 3 minutes). */
const kProtocolTimeoutMs = 24 * 3600 * 1000;

export interface SessionTimings {
  serverMs: number;
  browserStartMs: number;
  pageLoadMs: number;
  browserStarts: number;
}

export function checkChromium(path: string): void {
  if (!existsSync(path)) {
    throw new CliError(
      `Chromium not found at ${path}: install it (Debian: sudo apt-get install -y chromium libvulkan1) or pass --chromium PATH (or set CHROMIUM_PATH)`,
      kExit.noWebGpu,
    );
  }
}

/**
 * One headless Chromium with the batch page (web/batch.html) served by a Vite dev server from this
 * checkout, so a clean clone needs no build step. Restartable after a crash; timings are kept for
 * the manifest's overhead figures.
 */
export class BrowserSession {
  private server?: ViteDevServer;
  private cacheDir?: string;
  private url = '';
  private browser?: Browser;
  private page?: Page;
  private onProgress?: (p: PageProgress) => void;
  readonly timings: SessionTimings = { serverMs: 0, browserStartMs: 0, pageLoadMs: 0, browserStarts: 0 };

  private readonly forget: () => void;

  constructor(private readonly chromium: string) {
    this.forget = onInterrupt(() => this.abandon());
  }

  /** A page that can run sweeps (starts the server and the browser as needed). */
  private async batchPage(): Promise<Page> {
    if (!this.server) {
      const t0 = performance.now();
      // A private, throwaway dependency cache: tiles started together must not share one.
      this.cacheDir = mkdtempSync(join(tmpdir(), 'collapse-atlas-vite-'));
      this.server = await createServer({
        configFile: false,
        root: join(kRepoRoot, 'web'),
        publicDir: false,
        cacheDir: this.cacheDir,
        logLevel: 'error',
        clearScreen: false,
        optimizeDeps: { noDiscovery: true, include: ['zod', 'webgpu-utils', '@petamoriken/float16'] },
        server: { host: 'localhost', port: 0, strictPort: false, hmr: false, watch: null, fs: { allow: [kRepoRoot] } },
      });
      await this.server.listen();
      this.url = this.server.resolvedUrls?.local[0] ?? '';
      if (!this.url) throw new Error('the Vite server reported no local URL');
      this.timings.serverMs += performance.now() - t0;
    }
    const browser = await this.launch();
    if (!this.page) {
      const t0 = performance.now();
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.exposeFunction('collapseAtlasProgress', (p: PageProgress) => this.onProgress?.(p));
      await page.goto(new URL('batch.html', this.url).href);
      try {
        await page.waitForFunction(() => 'collapseAtlasBatch' in window, { timeout: 60_000 });
      } catch {
        throw new Error(`the batch page did not load: ${errors.join('; ') || 'no error reported'}`);
      }
      this.page = page;
      this.timings.pageLoadMs += performance.now() - t0;
    }
    return this.page;
  }

  private async launch(): Promise<Browser> {
    if (this.browser?.connected) return this.browser;
    checkChromium(this.chromium);
    const t0 = performance.now();
    try {
      this.browser = await puppeteer.launch({
        executablePath: this.chromium,
        args: chromiumFlags(),
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        protocolTimeout: kProtocolTimeoutMs,
      });
    } catch (e) {
      throw new CliError(`Chromium at ${this.chromium} did not start: ${(e as Error).message.split('\n')[0]}`, kExit.noWebGpu);
    }
    this.page = undefined;
    this.timings.browserStartMs += performance.now() - t0;
    this.timings.browserStarts++;
    return this.browser;
  }

  /**
   * Runs one sweep in the page. Rejects with BrowserCrashError when the browser or page dies;
   * page-side failures come back as the reply's `kind`.
   */
  async run(req: PageRunRequest, onProgress: (p: PageProgress) => void): Promise<PageRunReply> {
    const page = await this.batchPage();
    this.onProgress = onProgress;
    const browser = this.browser!;
    let onGone: () => void = () => {};
    const gone = new Promise<never>((_, reject) => {
      onGone = () => reject(new BrowserCrashError('the browser closed or crashed during the run'));
      browser.once('disconnected', onGone);
      page.once('error', onGone);
    });
    try {
      return await Promise.race([page.evaluate((r) => (window as unknown as { collapseAtlasBatch: BatchPageApi }).collapseAtlasBatch.run(r), req), gone]);
    } catch (e) {
      if (e instanceof BrowserCrashError) throw e;
      if (!browser.connected || page.isClosed()) {
        throw new BrowserCrashError(`the browser closed or crashed during the run (${(e as Error).message.split('\n')[0]})`);
      }
      throw e;
    } finally {
      browser.off('disconnected', onGone);
      page.off('error', onGone);
      this.onProgress = undefined;
    }
  }

  /** The bytes of one array of the last result, in chunks. */
  async fetch(name: PageArray, bytes: number): Promise<ArrayBuffer> {
    const out = new Uint8Array(bytes);
    for (let offset = 0; offset < bytes; offset += kChunkBytes) {
      const length = Math.min(kChunkBytes, bytes - offset);
      const b64 = await this.page!.evaluate((n, o, l) => (window as unknown as { collapseAtlasBatch: BatchPageApi }).collapseAtlasBatch.chunk(n, o, l), name, offset, length);
      out.set(Buffer.from(b64, 'base64'), offset);
    }
    return out.buffer;
  }

  /** PNG of an SVG drawn by the batch page (web/render/rasterise.ts) at `scale` pixels per SVG unit. */
  async rasterise(svg: string, width: number, height: number, scale: number): Promise<Uint8Array> {
    const page = await this.batchPage();
    const b64 = await page.evaluate((s, w, h, k) => (window as unknown as { collapseAtlasBatch: BatchPageApi }).collapseAtlasBatch.rasterise(s, w, h, k), svg, width, height, scale);
    return Buffer.from(b64, 'base64');
  }

  /** For the fault hook and for signals: the browser dies at once, as in a crash. */
  killBrowser(): void {
    this.browser?.process()?.kill('SIGKILL');
  }

  /** Synchronous cleanup for signal handlers: no awaiting a browser that may be mid-step. */
  abandon(): void {
    this.killBrowser();
    if (this.cacheDir) rmSync(this.cacheDir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    try {
      await this.browser?.close();
    } catch {
      this.killBrowser();
    }
    this.browser = undefined;
    this.page = undefined;
    await this.server?.close();
    this.server = undefined;
    if (this.cacheDir) rmSync(this.cacheDir, { recursive: true, force: true });
    this.forget();
  }
}
