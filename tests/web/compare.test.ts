// The explorer's compare view in headless Chromium: two live sweeps, the diff panel, exports, URL errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { PreviewServer } from 'vite';
import { decode } from 'fast-png';
import { parse as parseNpy } from 'npyjs';
import { buildExplorer, startExplorer } from '../support/browser.js';
import { testDevice } from '../support/gpu.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { compareResults, DIFF, DIFF_COLORS } from '../../src/sweep/compare.js';
import { compareFigureSize } from '../../src/export/compare-figure.js';
import { compareFromQuery } from '../../web/state/compare-url.js';
import { comparePresets } from '../../src/sweep/compare-presets.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import { classColor } from '../../src/export/palette.js';

const device = (await testDevice())?.device;
const n = 16;
const query = `?compare=simsiam-vs-byol&n=${n}`;
let url = '';
let server: PreviewServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  buildExplorer();
  ({ url, server, browser } = await startExplorer());
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900, deviceScaleFactor: 1 });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}${query}`);
  await page.waitForFunction(
    () =>
      document
        .querySelector('atlas-compare')
        ?.shadowRoot?.querySelector('[data-status=compare]')
        ?.textContent?.includes('class differs in'),
    { timeout: 180_000 },
  );
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const pageGrids = () =>
  page.evaluate(() => {
    const c = (globalThis as unknown as { __atlasCompare: { results: Array<{ classes: Uint8Array }>; comparison: { diff: Uint8Array } } })
      .__atlasCompare;
    return { a: Array.from(c.results[0].classes), b: Array.from(c.results[1].classes), diff: Array.from(c.comparison.diff) };
  });

describe('compare view', () => {
  it('runs both sides as the engine does and marks exactly the cells whose class differs', async () => {
    expect(errors).toEqual([]);
    const parsed = compareFromQuery(query);
    const a = await runSweepGpu(device!, parsed.cmp!.a);
    const b = await runSweepGpu(device!, parsed.cmp!.b);
    const grids = await pageGrids();
    expect(grids.a).toEqual(Array.from(a.classes));
    expect(grids.b).toEqual(Array.from(b.classes));
    const c = compareResults(a, b);
    expect(grids.diff).toEqual(Array.from(c.diff));
    // SimSiam and BYOL (β = 1, w_a(0) = 0) disagree on some cells of this plane at this horizon.
    expect(c.differing).toBeGreaterThan(0);
    const summary = await page.$eval('atlas-compare >>> [data-status=compare]', (e) => e.textContent);
    expect(summary).toBe(`class differs in ${c.differing} of ${c.comparable} comparable cells (${(100 * c.fraction).toFixed(2)} %)`);
  });

  it('paints panels A and B cell for cell in their class colours', async () => {
    const grids = await pageGrids();
    const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    for (const side of ['a', 'b'] as const) {
      await page.waitForFunction(
        (s) => {
          const heatmap = document
            .querySelector('atlas-compare')!
            .shadowRoot!.querySelector(`section[data-side=${s}] atlas-heatmap`) as unknown as { frame: string };
          return heatmap.frame.split('/')[2] === 'done';
        },
        {},
        side,
      );
      const canvas = (await page.$(`atlas-compare >>> section[data-side=${side}] atlas-heatmap >>> canvas`))!;
      const png = decode(await canvas.screenshot({ type: 'png' }));
      const wrong: string[] = [];
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const [x, y] = [Math.floor(((i + 0.5) / n) * png.width), Math.floor(((n - 1 - j + 0.5) / n) * png.height)];
          const k = png.channels * (y * png.width + x);
          const want = rgb(CLASSES[CLASS_BY_CODE[grids[side][j * n + i]]].color);
          if (!want.every((v, c) => Math.abs(v - png.data[k + c]) <= 2)) wrong.push(`${side} (${i}, ${j})`);
        }
      }
      expect(wrong).toEqual([]);
    }
    // The two sides differ somewhere, so the check above tells A's panel from B's.
    expect(grids.a).not.toEqual(grids.b);
  });

  it('paints the diff panel cell for cell in the diff colours', async () => {
    const { diff } = await pageGrids();
    const pixels = await page.$eval('atlas-compare >>> canvas.diff', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    });
    const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    const colour: Record<number, number[]> = {
      [DIFF.same]: rgb(DIFF_COLORS.same),
      [DIFF.differs]: rgb(DIFF_COLORS.differs),
      [DIFF.diverged]: rgb(DIFF_COLORS.diverged),
    };
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const p = 4 * ((n - 1 - j) * n + i); // row j is drawn upwards
        expect(pixels.slice(p, p + 3)).toEqual(colour[diff[j * n + i]]);
      }
    }
  });

  it('exports the three-panel PNG, diff.npy and compare.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-compare-downloads-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    const names = { png: 'compare.png', diff: 'diff.npy', json: 'compare.json' };
    for (const [kind, name] of Object.entries(names)) {
      await page.click(`atlas-compare >>> button[data-export=${kind}]`);
      for (let wait = 0; wait < 300 && !existsSync(join(dir, name)); wait++) await new Promise((r) => setTimeout(r, 100));
    }
    expect(readdirSync(dir).sort()).toEqual(Object.values(names).sort());
    const { diff } = await pageGrids();
    const bytes = readFileSync(join(dir, 'diff.npy'));
    const npy = parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(npy.shape).toEqual([n, n]);
    expect(Array.from(npy.data as Uint8Array)).toEqual(diff);
    const json = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
    expect(json.differing).toBe(diff.filter((d) => d === DIFF.differs).length);
    expect(json.spec.a.x.n).toBe(n);
    const png = decode(readFileSync(join(dir, 'compare.png')));
    expect([png.width, png.height]).toEqual([2 * compareFigureSize.width, 2 * compareFigureSize.height]);
    mkdirSync('test-artifacts/explorer', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/explorer/compare.png', fullPage: true });
  });
});

describe('compare look', () => {
  it("takes the explorer's dark theme and Okabe–Ito palette from the URL: page, panels cell for cell, legend; the theme menu writes the URL", async () => {
    const p = await browser.newPage();
    await p.setViewport({ width: 1400, height: 900, deviceScaleFactor: 1 });
    const pageErrors: string[] = [];
    p.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await p.goto(`${url}${query}&theme=dark&palette=okabe-ito`);
    await p.waitForFunction(
      () =>
        ['a', 'b'].every(
          (s) =>
            (
              document.querySelector('atlas-compare')?.shadowRoot?.querySelector(`section[data-side=${s}] atlas-heatmap`) as unknown as {
                frame?: string;
              } | null
            )?.frame?.split('/')[2] === 'done',
        ),
      { timeout: 180_000 },
    );
    expect(await p.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor])).toEqual([
      'dark',
      'rgb(21, 24, 30)',
    ]);
    const grids = await p.evaluate(() => {
      const c = (globalThis as unknown as { __atlasCompare: { results: Array<{ classes: Uint8Array }> } }).__atlasCompare;
      return [Array.from(c.results[0].classes), Array.from(c.results[1].classes)];
    });
    const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    const wrong: string[] = [];
    for (const [s, side] of (['a', 'b'] as const).entries()) {
      const canvas = (await p.$(`atlas-compare >>> section[data-side=${side}] atlas-heatmap >>> canvas`))!;
      const png = decode(await canvas.screenshot({ type: 'png', path: `test-artifacts/explorer/compare-dark-${side}.png` }));
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const [x, y] = [Math.floor(((i + 0.5) / n) * png.width), Math.floor(((n - 1 - j + 0.5) / n) * png.height)];
          const k = png.channels * (y * png.width + x);
          const want = rgb(classColor(CLASS_BY_CODE[grids[s][j * n + i]], 'okabe-ito'));
          if (!want.every((v, c) => Math.abs(v - png.data[k + c]) <= 2)) wrong.push(`${side} (${i}, ${j})`);
        }
      }
    }
    expect(wrong).toEqual([]);
    const swatches = await p.$$eval('atlas-compare >>> .swatch[data-class]', (els) =>
      els.map((e) => [e.getAttribute('data-class'), getComputedStyle(e).backgroundColor]),
    );
    expect(swatches.length).toBeGreaterThan(0);
    for (const [id, colour] of swatches) expect(colour).toBe(`rgb(${rgb(classColor(id as keyof typeof CLASSES, 'okabe-ito')).join(', ')})`);
    await p.screenshot({ path: 'test-artifacts/explorer/compare-dark.png', fullPage: true });
    await p.select('atlas-compare >>> select[name=theme]', 'light');
    expect(await p.evaluate(() => [document.documentElement.dataset.theme, new URLSearchParams(location.search).get('theme')])).toEqual([
      'light',
      'light',
    ]);
    expect(pageErrors).toEqual([]);
    await p.close();
  });
});

describe('compare URLs', () => {
  it('names an unknown comparison and a malformed custom spec', async () => {
    const p = await browser.newPage();
    await p.goto(`${url}?compare=nope`);
    const text = await p.waitForSelector('atlas-compare >>> [role=alert]').then((e) => e!.evaluate((x) => x.textContent));
    expect(text).toBe(`compare: unknown comparison "nope" (known: ${comparePresets.map((c) => c.id).join(', ')}, custom)`);
    await p.goto(`${url}?compare=custom&spec=${encodeURIComponent('{"a":1')}`);
    const bad = await p.waitForSelector('atlas-compare >>> [role=alert]').then((e) => e!.evaluate((x) => x.textContent));
    expect(bad).toMatch(/^spec: not valid JSON \(/);
    await p.close();
  });

  it('the presets menu links each comparison in one click', async () => {
    const p = await browser.newPage();
    await p.goto(`${url}?model=tian-l2&preset=weight-decay-threshold&n=8`);
    const href = await p
      .waitForFunction(() =>
        document
          .querySelector('atlas-explorer')
          ?.shadowRoot?.querySelector('atlas-presets')
          ?.shadowRoot?.querySelector('a[data-compare=l2-vs-cosine]')
          ?.getAttribute('href'),
      )
      .then((h) => h.jsonValue());
    expect(href).toBe('?compare=l2-vs-cosine');
    await p.close();
  });
});
