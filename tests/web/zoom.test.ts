// Instant zoom and pan (issue 14), in headless Chromium on the built bundle: while the new region
// computes (held here before it integrates a cell), the map shows the old picture moved there
// (each pixel the old picture's at the same parameter point, the pending fill where it has none),
// then the new run's cells. Expected positions go through the axes' own scales, not the matrix.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
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
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

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

/** The parameter point at canvas fraction (fx, fy) (y downwards) of a map showing `spec`. */
const specPoint =
  (spec: ResolvedSpec) =>
  (fx: number, fy: number): [number, number] => [axisScale(spec.x, [0, 1]).invert(fx), axisScale(spec.y, [1, 0]).invert(fy)];

/**
 * Compares the picture on screen (an nx × ny canvas, each pixel showing `at` its centre) with the
 * old one: the old picture's pixel at the same parameter point, or the pending fill where that point
 * is off the old picture. Points within 0.1 % of an old cell's edge are skipped (f32 rounding may
 * take either cell).
 */
function previewMismatches(
  old: Pixels,
  oldSpec: ResolvedSpec,
  now: Pixels,
  nx: number,
  ny: number,
  at: (fx: number, fy: number) => [number, number],
) {
  const bad: string[] = [];
  let inside = 0;
  let outside = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [px, py] = cellCentre(now.width, now.height, nx, ny, i, j);
      const [x, y] = at((i + 0.5) / nx, (ny - 1 - j + 0.5) / ny);
      const gx = axisScale(oldSpec.x, [0, 1])(x) * oldSpec.x.n;
      const gy = axisScale(oldSpec.y, [1, 0])(y) * oldSpec.y.n;
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

/** The held run's map against the old picture. */
const heldMismatches = (old: Pixels, oldSpec: ResolvedSpec, now: Pixels, spec: ResolvedSpec) =>
  previewMismatches(old, oldSpec, now, spec.x.n, spec.y.n, specPoint(spec));

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
    const { bad, inside, outside } = heldMismatches(old, oldSpec, await canvasPixels(page, `${kArtifacts}/box-held.png`), spec);
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
    const { bad, inside, outside } = heldMismatches(old, oldSpec, await canvasPixels(page, `${kArtifacts}/wheel-held.png`), spec);
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
    // While the button is down nothing computes: the picture follows the pointer (the present pass).
    const moving = await page.waitForFunction(
      () => {
        const explorer = document.querySelector('atlas-explorer') as unknown as { shadowRoot: ShadowRoot };
        const frame = (explorer.shadowRoot.querySelector('atlas-heatmap') as unknown as { frame: string }).frame;
        return /\/view:([^/]+)$/.exec(frame)?.[1] ?? '';
      },
      { polling: 50 },
    );
    // The region the gesture shows, in plot space (both axes of this preset are linear: the values themselves).
    const [x0, x1, y0, y1] = ((await moving.jsonValue()) as string).split(':').map(Number);
    expect([oldSpec.x.scale, oldSpec.y.scale]).toEqual(['linear', 'linear']);
    const dragged = previewMismatches(
      old,
      oldSpec,
      await canvasPixels(page, `${kArtifacts}/pan-moving.png`),
      oldSpec.x.n,
      oldSpec.y.n,
      (fx, fy) => [x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)],
    );
    expect(dragged.bad).toEqual([]);
    expect([dragged.inside > 400, dragged.outside > 100]).toEqual([true, true]);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const held = await waitHeld(page, runId);
    const spec = specOf(await search(page));
    // Dragged left and up: the region moves right and down, its size unchanged.
    expect(spec.x.min).toBeGreaterThan(oldSpec.x.min);
    expect(spec.x.max - spec.x.min).toBeCloseTo(oldSpec.x.max - oldSpec.x.min, 9);
    const { bad, inside, outside } = heldMismatches(old, oldSpec, await canvasPixels(page, `${kArtifacts}/pan-held.png`), spec);
    expect(bad).toEqual([]);
    expect([inside > 400, outside > 100]).toEqual([true, true]);
    runId = await releaseAndCheck(page, held, 'pan-done.png');
    await (await deep(page, 'button[name="zoom-back"]')).evaluate((b) => (b as HTMLButtonElement).click());
    runId = await waitDone(page, runId);
    expect(await search(page)).toBe(before);
  });

  it('a time-lapse frame on screen never stands in for the new region: the pending fill until it computes', async () => {
    await waitDrawn(page, 'class');
    const slider = await deep(page, 'atlas-timelapse', 'sl-range[name=frame]');
    await slider.evaluate((el) => {
      (el as HTMLInputElement).value = '0';
      el.dispatchEvent(new Event('sl-input', { bubbles: true, composed: true }));
    });
    await page.waitForFunction(
      () =>
        (
          document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-heatmap') as unknown as { frame: string }
        ).frame.endsWith('/frame 0'),
      { polling: 50 },
    );
    const oldSpec = specOf(await search(page));
    const old = await canvasPixels(page, `${kArtifacts}/frame-0.png`);
    await hold(page);
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    const held = await waitHeld(page, runId);
    const spec = specOf(await search(page));
    const now = await canvasPixels(page, `${kArtifacts}/frame-held.png`);
    // Frame 0 (t = t_end/1000) is not the end state the new run computes: every cell pending.
    // The frame's own picture would have given every inside cell a class colour: each one differs.
    const { bad, inside } = heldMismatches(old, oldSpec, now, spec);
    expect(inside).toBeGreaterThan(600);
    expect(bad.length).toBe(inside);
    const notPending: string[] = [];
    for (let j = 0; j < spec.y.n; j++)
      for (let i = 0; i < spec.x.n; i++) {
        const painted = now.at(...cellCentre(now.width, now.height, spec.x.n, spec.y.n, i, j));
        if (!near(painted, rgb(kPendingColor))) notPending.push(`(${i}, ${j}): ${painted}`);
      }
    expect(notPending).toEqual([]);
    await releaseAndCheck(page, held, 'frame-done.png');
    expect(errors).toEqual([]);
    await page.close();
  });
});
