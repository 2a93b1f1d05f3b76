import { decode } from 'fast-png';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';

/** A page of the built explorer with its console errors collected. */
export async function openExplorer(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1300, height: 900, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  // web/main.ts loads the page's component on demand: wait until it has rendered once.
  await page.waitForFunction(
    () => !!document.querySelector('atlas-explorer')?.shadowRoot || !!document.querySelector('atlas-compare')?.shadowRoot,
  );
  return { page, errors };
}

/** Waits until the run on screen has finished (the explorer exposes itself as window.__atlas). */
export async function waitDone(page: Page, previousRunId = 0): Promise<number> {
  const handle = await page.waitForFunction(
    (prev) => {
      const run = (
        window as unknown as { __atlas?: { sweep: { run?: { id: number; phase: string; timeline: { fullFrameAt?: number } } } } }
      ).__atlas?.sweep.run;
      return run && run.id > prev && run.phase === 'done' && run.timeline.fullFrameAt !== undefined ? run.id : 0;
    },
    { timeout: 120_000, polling: 100 },
    previousRunId,
  );
  return (await handle.jsonValue()) as number;
}

/** The finished grid as the engine read it back: classes, final states and the axes' spec. */
export async function finishedGrid(
  page: Page,
): Promise<{ nx: number; ny: number; classes: number[]; finalState: number[]; metrics: number[]; search: string }> {
  return page.evaluate(() => {
    const r = (
      window as unknown as {
        __atlas: {
          sweep: { run: { result: { nx: number; ny: number; classes: Uint8Array; finalState: Float32Array; metrics: Float32Array } } };
        };
      }
    ).__atlas.sweep.run.result;
    return {
      nx: r.nx,
      ny: r.ny,
      classes: Array.from(r.classes),
      finalState: Array.from(r.finalState),
      metrics: Array.from(r.metrics),
      search: location.search,
    };
  });
}

/** An element inside the explorer's shadow roots, by a path of selectors. */
export async function deep(page: Page, ...selectors: string[]): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle((path) => {
    let node: Element | null = document.querySelector('atlas-explorer');
    for (const s of path) node = node?.shadowRoot?.querySelector(s) ?? null;
    return node;
  }, selectors);
  const el = handle.asElement();
  if (!el) throw new Error(`no element at ${selectors.join(' › ')}`);
  return el as ElementHandle<Element>;
}

export const heatmapCanvas = (page: Page) => deep(page, 'atlas-heatmap', 'canvas');

/** A screenshot of the heatmap canvas (drawImage of a WebGPU canvas reads blank in headless). */
export async function canvasPixels(
  page: Page,
  savePath?: string,
): Promise<{ width: number; height: number; at: (x: number, y: number) => number[] }> {
  const canvas = await heatmapCanvas(page);
  const png = decode(await canvas.screenshot({ type: 'png', ...(savePath ? { path: savePath } : {}) }));
  const c = png.channels;
  return {
    width: png.width,
    height: png.height,
    at: (x, y) => Array.from(png.data.slice(c * (y * png.width + x), c * (y * png.width + x) + 3)),
  };
}

/** Screen pixel of cell (i, j)'s centre within an image or element width × height (row 0 at the bottom). */
export function cellCentre(width: number, height: number, nx: number, ny: number, i: number, j: number): [number, number] {
  return [Math.floor(((i + 0.5) / nx) * width), Math.floor(((ny - 1 - j + 0.5) / ny) * height)];
}

export async function textOf(page: Page, ...selectors: string[]): Promise<string> {
  const el = await deep(page, ...selectors);
  return el.evaluate((e) => ((e.shadowRoot ?? e).textContent ?? '').replace(/\s+/g, ' ').trim());
}

/**
 * Waits until the heatmap has drawn the finished run as it is now (its id and version) with `layer` (`class`, or a metric's index in a
 * cell record) and the computed-cells overlay on or off: a condition, not a sleep.
 */
export async function waitDrawn(page: Page, layer: 'class' | number, showComputed = false): Promise<void> {
  await page.waitForFunction(
    (l, on) => {
      const explorer = document.querySelector('atlas-explorer') as unknown as {
        shadowRoot: ShadowRoot;
        sweep: { run?: { id: number; version: number } };
      } | null;
      const heatmap = explorer?.shadowRoot.querySelector('atlas-heatmap') as unknown as { frame?: string } | null;
      const [id, version, phase, drawn, , overlay] = (heatmap?.frame ?? '').split('/');
      const run = explorer?.sweep.run;
      return (
        phase === 'done' &&
        id === String(run?.id) &&
        version === String(run?.version) &&
        (l === 'class' ? drawn === 'class' : drawn?.startsWith(`${l}:`)) &&
        overlay === String(on)
      );
    },
    { polling: 50 },
    layer,
    showComputed,
  );
}

export const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
export const near = (a: number[], b: number[]) => a.every((v, k) => Math.abs(v - b[k]) <= 2);

/** Cells whose painted colour is not the (default palette) colour of class `expected(i, j)`; undefined skips a cell. */
export async function classMismatches(
  page: Page,
  nx: number,
  ny: number,
  expected: (i: number, j: number) => number | undefined,
  shot?: string,
): Promise<string[]> {
  const png = await canvasPixels(page, shot);
  const bad: string[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const code = expected(i, j);
      if (code === undefined) continue;
      const painted = png.at(...cellCentre(png.width, png.height, nx, ny, i, j));
      if (!near(painted, rgb(CLASSES[CLASS_BY_CODE[code]].color)))
        bad.push(`(${i}, ${j}): painted ${painted}, class ${CLASS_BY_CODE[code]}`);
    }
  }
  return bad;
}

/** Submits the time-lapse panel's parameter animation (param from → to in `frames` frames) and waits for every frame. */
export async function animateParameter(page: Page, param: string, from: string, to: string, frames: number): Promise<void> {
  const form = await deep(page, 'atlas-timelapse', 'form');
  await form.evaluate(
    (f, values) => {
      for (const [name, v] of Object.entries(values)) (f.querySelector(`[name=${name}]`) as HTMLInputElement).value = v;
      (f as HTMLFormElement).requestSubmit();
    },
    { param, from, to, frames: String(frames) },
  );
  await page.waitForFunction(
    (count) =>
      (document.querySelector('atlas-explorer') as unknown as { animation: { animation?: { classes: unknown[] } } }).animation.animation
        ?.classes.length === count,
    { timeout: 60_000, polling: 100 },
    frames,
  );
}
