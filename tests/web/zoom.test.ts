// Instant zoom and pan (issue 14), in headless Chromium on the built bundle: while the new region
// computes (held here before it integrates a cell), the map shows the old picture moved there
// (each pixel the old picture's at the same parameter point, the pending fill where it has none),
// then the new run's cells. Expected positions go through the axes' own scales, not the matrix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import type { PreviewServer } from 'vite';
import { buildExplorer, startExplorer } from '../support/browser.js';
import {
  canvasPixels,
  cellCentre,
  classMismatches,
  deep,
  finishedGrid,
  heatmapCanvas,
  near,
  openExplorer,
  rgb,
  waitDone,
  waitDrawn,
} from '../support/explorer-page.js';
import { kPendingColor } from '../../src/export/palette.js';
import type { ResolvedSpec } from '../../src/sweep/spec.js';
import { viewFromQuery } from '../../web/state/url.js';
import { viewToSpec } from '../../web/state/view.js';
import { axisScale } from '../../web/render/axes.js';

const kArtifacts = 'test-artifacts/zoom';
const kQuery = '?model=tian-l2&preset=weight-decay-threshold&n=32&tEnd=300&overlays=off&refine=off';
let url = '';
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  buildExplorer();
  ({ url, server, browser } = await startExplorer());
  mkdirSync(kArtifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const specOf = (search: string): ResolvedSpec => viewToSpec(viewFromQuery(search).view).spec!;
const search = (page: Page) => page.evaluate(() => location.search);

/** Holds every run the page starts from now on before it integrates (SweepController.hold). */
const hold = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __atlas: { sweep: { hold?: Promise<unknown> } }; __release?: () => void };
    w.__atlas.sweep.hold = new Promise<void>((r) => (w.__release = r));
  });

const release = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __atlas: { sweep: { hold?: Promise<unknown> } }; __release: () => void };
    w.__atlas.sweep.hold = undefined;
    w.__release();
  });

/** Waits until a run after `previous` is held with its grids made and the map has drawn it (nothing integrated). */
async function waitHeld(page: Page, previous: number): Promise<number> {
  const handle = await page.waitForFunction(
    (prev) => {
      const explorer = document.querySelector('atlas-explorer') as unknown as { shadowRoot: ShadowRoot } | null;
      const frame = (explorer?.shadowRoot.querySelector('atlas-heatmap') as unknown as { frame?: string } | null)?.frame ?? '';
      const [id, version, phase] = frame.split('/');
      return Number(id) > prev && version === '0' && phase === 'starting' ? Number(id) : 0;
    },
    { polling: 50, timeout: 30_000 },
    previous,
  );
  return (await handle.jsonValue()) as number;
}

type Pixels = Awaited<ReturnType<typeof canvasPixels>>;

/**
 * Compares the held picture with the old one: for every cell of the new grid, the old picture's
 * pixel at the same parameter point, or the pending fill where that point is off the old picture.
 * Points within 0.1 % of an old cell's edge are skipped (f32 rounding may take either cell).
 */
function previewMismatches(old: Pixels, oldSpec: ResolvedSpec, now: Pixels, spec: ResolvedSpec) {
  const bad: string[] = [];
  let inside = 0;
  let outside = 0;
  const fraction = (a: ResolvedSpec['x'], flip: boolean) => axisScale(a, flip ? [1, 0] : [0, 1]);
  for (let j = 0; j < spec.y.n; j++) {
    for (let i = 0; i < spec.x.n; i++) {
      const [px, py] = cellCentre(now.width, now.height, spec.x.n, spec.y.n, i, j);
      const x = fraction(spec.x, false).invert((i + 0.5) / spec.x.n);
      const y = fraction(spec.y, true).invert((spec.y.n - 1 - j + 0.5) / spec.y.n);
      const gx = fraction(oldSpec.x, false)(x) * oldSpec.x.n;
      const gy = fraction(oldSpec.y, true)(y) * oldSpec.y.n;
      const painted = now.at(px, py);
      if (gx < 0 || gy < 0 || gx >= oldSpec.x.n || gy >= oldSpec.y.n) {
        outside++;
        if (!near(painted, rgb(kPendingColor))) bad.push(`(${i}, ${j}) off the old picture: painted ${painted}`);
        continue;
      }
      const edge = (g: number) => Math.min(g - Math.floor(g), Math.ceil(g) - g) < 1e-3;
      if (edge(gx) || edge(gy)) continue;
      inside++;
      const [oi, orow] = [Math.floor(gx), Math.floor(gy)];
      const want = old.at(...cellCentre(old.width, old.height, oldSpec.x.n, oldSpec.y.n, oi, oldSpec.y.n - 1 - orow));
      if (!near(painted, want)) bad.push(`(${i}, ${j}): painted ${painted}, old picture at (${oi}, row ${orow}) ${want}`);
    }
  }
  return { bad, inside, outside };
}

/** Lets the held run compute, then checks the map shows its own classes, cell for cell. */
async function releaseAndCheck(page: Page, id: number, shot: string): Promise<number> {
  await release(page);
  const done = await waitDone(page, id - 1);
  await waitDrawn(page, 'class');
  const grid = await finishedGrid(page);
  expect(await classMismatches(page, grid.nx, grid.ny, (i, j) => grid.classes[j * grid.nx + i], `${kArtifacts}/${shot}`)).toEqual([]);
  return done;
}

describe('instant zoom and pan', () => {
  let page: Page;
  let errors: string[];
  let runId = 0;

  it('a dragged box shows the old picture zoomed before the new region computes, then the new one', async () => {
    ({ page, errors } = await openExplorer(browser, `${url}${kQuery}`));
    runId = await waitDone(page);
    await waitDrawn(page, 'class');
    const oldSpec = specOf(await search(page));
    const old = await canvasPixels(page, `${kArtifacts}/before.png`);
    await hold(page);
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.75, { steps: 5 });
    await page.mouse.up();
    const held = await waitHeld(page, runId);
    const spec = specOf(await search(page));
    expect(spec.x.max - spec.x.min).toBeLessThan((oldSpec.x.max - oldSpec.x.min) / 2);
    const { bad, inside, outside } = previewMismatches(old, oldSpec, await canvasPixels(page, `${kArtifacts}/box-held.png`), spec);
    expect(bad).toEqual([]);
    expect([inside > 600, outside]).toEqual([true, 0]);
    // Held, it is the old picture: at least two classes, taken from the boundary the box crosses.
    runId = await releaseAndCheck(page, held, 'box-done.png');
  });

  it('a wheel turn zooms out at once: the old picture in the middle, the pending fill around it', async () => {
    const oldSpec = specOf(await search(page));
    const old = await canvasPixels(page);
    await hold(page);
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.wheel({ deltaY: 300 });
    const held = await waitHeld(page, runId);
    const spec = specOf(await search(page));
    expect(spec.x.max - spec.x.min).toBeGreaterThan(1.5 * (oldSpec.x.max - oldSpec.x.min));
    const { bad, inside, outside } = previewMismatches(old, oldSpec, await canvasPixels(page, `${kArtifacts}/wheel-held.png`), spec);
    expect(bad).toEqual([]);
    expect([inside > 150, outside > 300]).toEqual([true, true]);
    runId = await releaseAndCheck(page, held, 'wheel-done.png');
  });

  it('a shift-drag pans at once, and zoom back returns to the region before the pan', async () => {
    const before = await search(page);
    const oldSpec = specOf(before);
    const old = await canvasPixels(page);
    await hold(page);
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const held = await waitHeld(page, runId);
    const spec = specOf(await search(page));
    // Dragged left and up: the region moves right and down, its size unchanged.
    expect(spec.x.min).toBeGreaterThan(oldSpec.x.min);
    expect(spec.x.max - spec.x.min).toBeCloseTo(oldSpec.x.max - oldSpec.x.min, 9);
    const { bad, inside, outside } = previewMismatches(old, oldSpec, await canvasPixels(page, `${kArtifacts}/pan-held.png`), spec);
    expect(bad).toEqual([]);
    expect([inside > 400, outside > 100]).toEqual([true, true]);
    runId = await releaseAndCheck(page, held, 'pan-done.png');
    await (await deep(page, 'button[name="zoom-back"]')).evaluate((b) => (b as HTMLButtonElement).click());
    await waitDone(page, runId);
    expect(await search(page)).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });
});
