import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser, Page } from 'puppeteer-core';
import { checkChromium, killGroup, launchChromium, stopGpuProcesses } from './chromium.js';
import { CliError, kExit } from './errors.js';
import { onInterrupt } from './cleanup.js';
import { killOnDeath, removeOnDeath } from './reaper.js';
import type { BatchPageApi, PageArray, PageProgress, PageRunReply, PageRunRequest } from './protocol.js';

export const kRepoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The browser went away under a run (crash, kill, closed target, a stall): worth a retry on a
 * fresh one. `detail` is puppeteer's own words, for the restart line only (they vary by version).
 */
export class BrowserCrashError extends Error {
  override name = 'BrowserCrashError';
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

/** Puppeteer's words for a browser or page that went away while it was being set up. */
const kGoneWords =
  /TargetCloseError|Target closed|Session closed|Connection closed|main frame too early|frame was detached|Protocol error/i;

/**
 * A run with no progress report for this long is a fault (a hung GPU process, a wedged browser):
 * the browser is killed and the run retried like a crash. COLLAPSE_ATLAS_STALL_S overrides it.
 */
export function stallSeconds(): number {
  const s = Number(process.env.COLLAPSE_ATLAS_STALL_S ?? 120);
  return s > 0 && Number.isFinite(s) ? s : 120;
}

/** Arrays moved per DevTools message: large grids come back in several. */
const kChunkBytes = 8 << 20;

export interface SessionTimings {
  serverMs: number;
  browserStartMs: number;
  pageLoadMs: number;
  browserStarts: number;
}

/**
 * One headless Chromium with the batch page (web/batch.html) served by a Vite dev server from this
 * checkout, so a clean clone needs no build step. Restartable after a crash; timings are kept for
 * the manifest's overhead figures.
 */
export class BrowserSession {
  private server?: ViteDevServer;
  /** This session's temporary folder: the Vite cache, the browser profiles and Chromium's TMPDIR. */
  private scratch?: string;
  private unreapScratch?: () => void;
  private unreapBrowser?: () => void;
  private launches = 0;
  /** Test hook: called right after each browser start (COLLAPSE_ATLAS_FAULT=browser-crash-early). */
  afterLaunch?: (start: number) => void;
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
      this.server = await createServer({
        configFile: false,
        root: join(kRepoRoot, 'web'),
        publicDir: false,
        cacheDir: join(this.scratchDir(), 'vite'),
        logLevel: 'error',
        clearScreen: false,
        optimizeDeps: { noDiscovery: true, include: ['zod', 'webgpu-utils', '@petamoriken/float16', 'mathjs'] },
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
      const errors: string[] = [];
      try {
        const page = await browser.newPage();
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.exposeFunction('collapseAtlasProgress', (p: PageProgress) => this.onProgress?.(p));
        await page.goto(new URL('batch.html', this.url).href);
        await page.waitForFunction(() => 'collapseAtlasBatch' in window, { timeout: 60_000 });
        this.page = page;
      } catch (e) {
        // A browser that dies while the page loads is a crash like one mid-sweep: retried.
        const words = `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`;
        if (!browser.connected || kGoneWords.test(words))
          throw new BrowserCrashError('the browser crashed before the sweep started', words);
        throw new Error(`the batch page did not load: ${errors.join('; ') || words}`);
      }
      this.timings.pageLoadMs += performance.now() - t0;
    }
    return this.page;
  }

  /** Created on first use; deleted by close(), by a signal, or by the reaper if Node is killed. */
  private scratchDir(): string {
    if (!this.scratch) {
      this.scratch = mkdtempSync(join(tmpdir(), 'collapse-atlas-'));
      this.unreapScratch = removeOnDeath(this.scratch);
    }
    return this.scratch;
  }

  private async launch(): Promise<Browser> {
    if (this.browser?.connected) return this.browser;
    checkChromium(this.chromium);
    this.killBrowser(); // what is left of a crashed one
    const t0 = performance.now();
    const start = ++this.launches;
    // A fresh profile per start (a crashed one may hold locks); Chromium's temp files go there too.
    const profile = join(this.scratchDir(), `profile-${start}`);
    // Chromium's TMPDIR is the folder itself: its sockets live there, and a socket path may not
    // exceed 107 bytes (one level deeper, a TMPDIR of 40 characters already made Chromium fail to start).
    const tmp = this.scratchDir();
    const browser = await launchChromium(this.chromium, profile, tmp);
    // puppeteer starts Chromium detached: its pid leads a process group holding every helper.
    this.browser = browser;
    const pid = browser.process()?.pid;
    if (pid) this.unreapBrowser = killOnDeath(pid);
    this.page = undefined;
    this.timings.browserStartMs += performance.now() - t0;
    this.timings.browserStarts++;
    this.afterLaunch?.(start);
    return browser;
  }

  /**
   * Runs one sweep in the page. Rejects with BrowserCrashError when the browser or page dies;
   * page-side failures come back as the reply's `kind`.
   */
  async run(req: PageRunRequest, onProgress: (p: PageProgress) => void): Promise<PageRunReply> {
    const page = await this.batchPage();
    const browser = this.browser!;
    // The stall clock: the first report may wait on device and kernel setup, so it gets at least a minute.
    const stallMs = stallSeconds() * 1000;
    let lastReport = performance.now();
    let reported = false;
    this.onProgress = (p) => {
      lastReport = performance.now();
      reported = true;
      onProgress(p);
    };
    let onGone: (...a: unknown[]) => void = () => {};
    let watchdog: ReturnType<typeof setInterval> | undefined;
    const gone = new Promise<never>((_, reject) => {
      onGone = (...a: unknown[]) =>
        reject(
          new BrowserCrashError('the browser closed or crashed during the run', a[0] instanceof Error ? a[0].message : 'disconnected'),
        );
      browser.once('disconnected', onGone);
      page.once('error', onGone);
      watchdog = setInterval(
        () => {
          const limit = reported ? stallMs : Math.max(stallMs, 60_000);
          if (performance.now() - lastReport < limit) return;
          reject(
            new BrowserCrashError(
              reported
                ? `no progress for ${limit / 1000} s (a hung GPU process or browser)`
                : `no progress report within ${limit / 1000} s of the start (a hung GPU process or browser)`,
            ),
          );
          this.killBrowser();
        },
        Math.min(1000, stallMs / 4),
      );
    });
    try {
      return await Promise.race([
        page.evaluate((r) => (window as unknown as { collapseAtlasBatch: BatchPageApi }).collapseAtlasBatch.run(r), req),
        gone,
      ]);
    } catch (e) {
      if (e instanceof BrowserCrashError) throw e;
      if (!browser.connected || page.isClosed()) {
        throw new BrowserCrashError('the browser closed or crashed during the run', (e as Error).message.split('\n')[0]);
      }
      throw e;
    } finally {
      clearInterval(watchdog);
      browser.off('disconnected', onGone);
      page.off('error', onGone);
      this.onProgress = undefined;
    }
  }

  /**
   * `call` answered within the stall time, or the browser is killed and the CLI exits 4: a browser
   * that stops answering after the sweep (readback, figure.png) must not hang the CLI either.
   */
  private async answered<T>(what: string, call: () => Promise<T>): Promise<T> {
    const s = stallSeconds();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new CliError(`no answer from the browser for ${s} s while ${what} (a hung GPU process or browser)`, kExit.lost));
        this.killBrowser();
      }, s * 1000);
    });
    try {
      return await Promise.race([call(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The bytes of one array of the last result, in chunks. */
  async fetch(name: PageArray, bytes: number): Promise<ArrayBuffer> {
    const out = new Uint8Array(bytes);
    for (let offset = 0; offset < bytes; offset += kChunkBytes) {
      const length = Math.min(kChunkBytes, bytes - offset);
      const b64 = await this.answered(`reading back ${name}`, () =>
        this.page!.evaluate(
          (n, o, l) => (window as unknown as { collapseAtlasBatch: BatchPageApi }).collapseAtlasBatch.chunk(n, o, l),
          name,
          offset,
          length,
        ),
      );
      out.set(Buffer.from(b64, 'base64'), offset);
    }
    return out.buffer;
  }

  /** PNG of an SVG drawn by the batch page (web/render/rasterise.ts) at `scale` pixels per SVG unit. */
  async rasterise(svg: string, width: number, height: number, scale: number): Promise<Uint8Array> {
    const page = await this.batchPage();
    const b64 = await this.answered('drawing figure.png', () =>
      page.evaluate(
        (s, w, h, k) => (window as unknown as { collapseAtlasBatch: BatchPageApi }).collapseAtlasBatch.rasterise(s, w, h, k),
        svg,
        width,
        height,
        scale,
      ),
    );
    return Buffer.from(b64, 'base64');
  }

  /** For faults, stalls and signals: the browser and every helper process die at once. */
  killBrowser(): void {
    const pid = this.browser?.process()?.pid;
    if (pid) killGroup(pid);
    this.unreapBrowser?.();
    this.unreapBrowser = undefined;
    // Still "connected" until its pipe is seen closing: the next run must not pick it up.
    this.browser = undefined;
    this.page = undefined;
  }

  /** Test hook (COLLAPSE_ATLAS_FAULT=gpu-hang): freezes the GPU process, as a hung driver would. */
  stopGpuProcess(): void {
    const group = this.browser?.process()?.pid;
    if (group) stopGpuProcesses(group);
  }

  private removeScratch(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true, maxRetries: 5 });
    this.scratch = undefined;
    this.unreapScratch?.();
    this.unreapScratch = undefined;
  }

  /** Synchronous cleanup for signal handlers: no awaiting a browser that may be mid-step. */
  abandon(): void {
    this.killBrowser();
    this.removeScratch();
  }

  async close(): Promise<void> {
    try {
      await this.browser?.close();
    } catch {
      this.killBrowser();
    }
    this.killBrowser(); // helpers a crashed browser left behind
    this.browser = undefined;
    this.page = undefined;
    await this.server?.close();
    this.server = undefined;
    this.removeScratch();
    this.forget();
  }
}
