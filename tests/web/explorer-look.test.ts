// How the explorer looks, on the built bundle in headless Chromium: the layout at three screen sizes
// (nothing overflows, the map is the main thing), the dark theme's colours and prefers-color-scheme,
// the colour-blind-safe class palette painted cell for cell, and the keyboard shortcuts.
import { describe, expect, it, onTestFinished } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { canvasPixels, cellCentre, deep, finishedGrid, waitDone, waitDrawn } from '../support/explorer-page.js';
import { CLASS_BY_CODE, cellMetrics } from '../../src/models/types.js';
import { getModel } from '../../src/models/registry.js';
import { classColor, hexToRgb, type ClassPaletteId } from '../../src/export/palette.js';
import { kShortcuts } from '../../web/controllers/shortcut-controller.js';
import { viewToQuery } from '../../web/state/url.js';
import { viewFromPreset } from '../../web/state/view.js';

const kArtifacts = 'test-artifacts/look';
const n = 32;
const kQuery = `?preset=tian-l2/fig3-basin-eta0&n=${n}`;
/** The palette test reads the canvas: no overlay curves drawn over the cells. */
const kBareQuery = `${kQuery}&overlays=off`;
const kSizes = [
  [1280, 720],
  [1440, 900],
  [1920, 1080],
] as const;
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

/** A page at `width` × `height` on `query`, its sweep finished and drawn; console errors collected. */
async function openAt(
  query: string,
  width: number,
  height: number,
  before?: (page: Page) => Promise<void>,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  onTestFinished(() => page.close());
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  await before?.(page);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}${query}`);
  await waitDone(page);
  await waitDrawn(page, 'class');
  return { page, errors };
}

/**
 * Elements that stick out of their region (the side panel or the main column) and elements of the
 * panel whose content is wider than their box (scrollWidth > clientWidth; fields are left out: their
 * text scrolls inside them by design). Walks every shadow root.
 */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const host = document.querySelector('atlas-explorer')!;
    const bad: string[] = [];
    const name = (e: Element) =>
      `${e.tagName.toLowerCase()}${e.getAttribute('name') ? `[name=${e.getAttribute('name')}]` : ''}${e.className && typeof e.className === 'string' ? `.${e.className}` : ''}`;
    const walk = (root: ParentNode, region: Element, inPanel: boolean) => {
      const box = region.getBoundingClientRect();
      for (const e of Array.from(root.querySelectorAll('*'))) {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
          bad.push(
            `${name(e)} [${r.left.toFixed(0)}, ${r.right.toFixed(0)}] outside ${name(region)} [${box.left.toFixed(0)}, ${box.right.toFixed(0)}]`,
          );
        if (
          inPanel &&
          !e.matches('input, select, textarea') &&
          e.scrollWidth > e.clientWidth + 1 &&
          getComputedStyle(e).display !== 'inline'
        )
          bad.push(`${name(e)} scrollWidth ${e.scrollWidth} > clientWidth ${e.clientWidth}`);
        if (e.shadowRoot) walk(e.shadowRoot, region, inPanel);
      }
    };
    const aside = host.shadowRoot!.querySelector('aside')!;
    const main = host.shadowRoot!.querySelector('main')!;
    if (getComputedStyle(aside).display !== 'none') walk(aside, aside, true);
    walk(main, main, false);
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) bad.push(`page scrollWidth ${doc.scrollWidth} > ${doc.clientWidth}`);
    return bad;
  });
}

const canvasWidth = (page: Page) =>
  page.evaluate(
    () =>
      document
        .querySelector('atlas-explorer')!
        .shadowRoot!.querySelector('atlas-heatmap')!
        .shadowRoot!.querySelector('canvas')!
        .getBoundingClientRect().width,
  );
const query = (page: Page) => page.evaluate(() => Object.fromEntries(new URL(location.href).searchParams));

describe('layout', () => {
  for (const [width, height] of kSizes) {
    it(`nothing overflows at ${width}×${height}; the map is the widest thing on screen`, async () => {
      const { page, errors } = await openAt(kQuery, width, height);
      await page.screenshot({ path: `${kArtifacts}/layout-${width}x${height}.png` });
      expect(await overflowing(page)).toEqual([]);
      const share = (await canvasWidth(page)) / width;
      // The issue's bar at 1440 × 900; every size gives the map at least half the screen.
      expect(share).toBeGreaterThanOrEqual(width === 1440 ? 0.6 : 0.5);
      expect(errors).toEqual([]);
    });
  }

  it('the side panel collapses (b or its button), the map widens, and the URL keeps it', async () => {
    // At 1440 × 900 the column, not the window's height, bounds the map: without the panel it is wider.
    const { page } = await openAt(kQuery, 1440, 900);
    const open = await canvasWidth(page);
    await page.keyboard.press('b');
    await page.waitForFunction(
      () => getComputedStyle(document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('aside')!).display === 'none',
    );
    await page.waitForFunction(
      (w) =>
        document
          .querySelector('atlas-explorer')!
          .shadowRoot!.querySelector('atlas-heatmap')!
          .shadowRoot!.querySelector('canvas')!
          .getBoundingClientRect().width > w,
      {},
      open,
    );
    expect((await query(page)).panel).toBe('closed');
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: `${kArtifacts}/layout-1440x900-collapsed.png` });
    await (await deep(page, 'button[name=panel]')).click();
    await page.waitForFunction(
      () => getComputedStyle(document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('aside')!).display !== 'none',
    );
    expect((await query(page)).panel).toBeUndefined();
  });
});

/** A point in the main column's right padding, near the bottom of the window: the page's background. */
const pagePoint = (page: Page) =>
  page.evaluate(
    () =>
      [document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('main')!.getBoundingClientRect().right - 8, innerHeight - 5] as [
        number,
        number,
      ],
  );

/** A screen pixel, as RGB. */
async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  const png = decode(await page.screenshot({ type: 'png', clip: { x, y, width: 1, height: 1 } }));
  return Array.from(png.data.slice(0, 3));
}

describe('dark theme', () => {
  const kDarkBg = hexToRgb('#15181e');
  const kDarkPanel = hexToRgb('#1d2129');
  const kLightBg = hexToRgb('#f4f5f7');

  it('theme=dark paints the page and the panel dark, and the figure export follows', async () => {
    const { page, errors } = await openAt(`${kQuery}&theme=dark`, 1440, 900);
    await page.screenshot({ path: `${kArtifacts}/theme-dark-1440x900.png` });
    // Screen pixels: the panel's left padding and the main column's right padding.
    expect(await pixel(page, 5, 895)).toEqual([...kDarkPanel]);
    expect(await pixel(page, ...(await pagePoint(page)))).toEqual([...kDarkBg]);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await (await deep(page, 'atlas-export')).evaluate((e) => (e as unknown as { theme: string }).theme)).toBe('dark');
    expect(errors).toEqual([]);
  });

  it('auto follows prefers-color-scheme; an explicit light wins over a dark system', async () => {
    const dark = async (page: Page) => page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const auto = await openAt(kQuery, 1280, 720, dark);
    expect(await pixel(auto.page, ...(await pagePoint(auto.page)))).toEqual([...kDarkBg]);
    const light = await openAt(`${kQuery}&theme=light`, 1280, 720, dark);
    expect(await pixel(light.page, ...(await pagePoint(light.page)))).toEqual([...kLightBg]);
    // The system turning light while the page is open (auto): the page follows. Media-query changes
    // are delivered with a rendering update, which a background tab does not get.
    await auto.page.bringToFront();
    await auto.page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await auto.page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(await pixel(auto.page, ...(await pagePoint(auto.page)))).toEqual([...kLightBg]);
  });
});

/** Cells whose painted colour is not their class's colour in `palette`. */
async function paletteMismatches(page: Page, palette: ClassPaletteId, shot: string): Promise<string[]> {
  const grid = await finishedGrid(page);
  const png = await canvasPixels(page, `${kArtifacts}/${shot}`);
  const bad: string[] = [];
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      const want = hexToRgb(classColor(CLASS_BY_CODE[grid.classes[j * grid.nx + i]], palette));
      const got = png.at(...cellCentre(png.width, png.height, grid.nx, grid.ny, i, j));
      if (!got.every((v, k) => Math.abs(v - want[k]) <= 2)) bad.push(`(${i}, ${j}): painted ${got}, want ${want}`);
    }
  }
  return bad;
}

describe('colour-blind-safe class palette', () => {
  it('palette=okabe-ito paints every cell in its Okabe–Ito colour; k switches back', async () => {
    const { page, errors } = await openAt(`${kBareQuery}&palette=okabe-ito`, 1440, 900);
    const classes = new Set((await finishedGrid(page)).classes.map((c) => CLASS_BY_CODE[c]));
    expect(classes).toEqual(new Set(['collapsed', 'non-collapsed']));
    expect(await paletteMismatches(page, 'okabe-ito', 'palette-okabe-ito.png')).toEqual([]);
    const swatch = await (await deep(page, 'atlas-legend', '[data-class=collapsed] .swatch')).evaluate(
      (e) => getComputedStyle(e).backgroundColor,
    );
    expect(swatch).toBe(`rgb(${hexToRgb('#0072b2').join(', ')})`);
    expect(await (await deep(page, 'atlas-export')).evaluate((e) => (e as unknown as { palette: string }).palette)).toBe('okabe-ito');

    await page.keyboard.press('k');
    await page.waitForFunction(() =>
      (document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-heatmap') as unknown as { frame: string }).frame.endsWith(
        '/default',
      ),
    );
    expect((await query(page)).palette).toBeUndefined();
    expect(await paletteMismatches(page, 'default', 'palette-default.png')).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('exports follow the page', () => {
  it('the PNG figure of a dark, Okabe–Ito page has the dark page and the Okabe–Ito cells', async () => {
    const { page, errors } = await openAt(`${kBareQuery}&theme=dark&palette=okabe-ito`, 1440, 900);
    const grid = await finishedGrid(page);
    const dir = mkdtempSync(join(tmpdir(), 'atlas-look-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    const name = 'tian-l2-p0-s0-class.png';
    await (await deep(page, 'atlas-export', 'button[data-export=png]')).click();
    for (let wait = 0; wait < 300 && !existsSync(join(dir, name)); wait++) await new Promise((r) => setTimeout(r, 100));
    copyFileSync(join(dir, name), `${kArtifacts}/export-dark-okabe-ito.png`);
    const png = decode(readFileSync(join(dir, name)));
    const at = (x: number, y: number) =>
      Array.from(png.data.slice(png.channels * (y * png.width + x), png.channels * (y * png.width + x) + 3));
    expect(at(2, 2)).toEqual(hexToRgb('#15181e'));
    // The figure is 900 × 620 at 2×; its heatmap spans x 78…632, y 86…562 (src/export/figure.ts).
    const bad: string[] = [];
    for (let j = 0; j < grid.ny; j++) {
      for (let i = 0; i < grid.nx; i++) {
        const x = Math.floor(2 * (78 + ((i + 0.5) / grid.nx) * (632 - 78)));
        const y = Math.floor(2 * (86 + ((grid.ny - 1 - j + 0.5) / grid.ny) * (562 - 86)));
        const want = hexToRgb(classColor(CLASS_BY_CODE[grid.classes[j * grid.nx + i]], 'okabe-ito'));
        if (!at(x, y).every((v, k) => Math.abs(v - want[k]) <= 2)) bad.push(`(${i}, ${j}): ${at(x, y)}, want ${want}`);
      }
    }
    expect(bad).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('keyboard shortcuts', () => {
  it('? lists every shortcut; l steps the layer, o the overlays; keys typed into a field stay there', async () => {
    const { page, errors } = await openAt(kQuery, 1440, 900);
    await page.keyboard.type('?');
    const rows = await page.waitForFunction(() => {
      const list = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-shortcuts')?.shadowRoot;
      return (
        list &&
        Array.from(list.querySelectorAll('tr[data-shortcut]'), (r) => [
          r.getAttribute('data-shortcut'),
          r.querySelector('kbd')!.textContent,
        ])
      );
    });
    expect(await rows.jsonValue()).toEqual(kShortcuts.map((s) => [s.action, s.keyName ?? s.key]));
    await page.screenshot({ path: `${kArtifacts}/shortcuts.png` });
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => !!document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-shortcuts'))).toBe(false);

    const metrics = cellMetrics(getModel('tian-l2')!);
    await page.keyboard.press('l');
    expect((await query(page)).layer).toBe(metrics[0].id);
    await waitDrawn(page, 0);
    await page.keyboard.down('Shift');
    await page.keyboard.press('L');
    await page.keyboard.up('Shift');
    expect((await query(page)).layer).toBe('class');
    await page.keyboard.press('o');
    expect((await query(page)).overlays).toBe('off');

    // n: the preset after the one the URL named (tian-l2's, in the presets menu's order).
    const model = getModel('tian-l2')!;
    const next = model.presets[model.presets.findIndex((p) => p.id === 'fig3-basin-eta0') + 1];
    await page.keyboard.press('n');
    const after = await query(page);
    const want = new URLSearchParams(viewToQuery(viewFromPreset(model, next)));
    expect([after.model, after.x, after.y]).toEqual([model.id, want.get('x'), want.get('y')]);

    // Typed into the resolution field: a number, not a shortcut.
    // sl-input's focus() puts the caret in its inner <input> (the host itself takes no focus, which is all puppeteer's focus() tries).
    const field = await deep(page, 'atlas-controls', 'sl-input[name="x.n"]');
    await field.evaluate((e) => (e as HTMLElement).focus());
    expect(await field.evaluate((e) => e.shadowRoot!.activeElement?.tagName)).toBe('INPUT');
    await page.keyboard.press('l');
    expect((await query(page)).layer).toBe('class');
    expect(errors).toEqual([]);
  });
});
