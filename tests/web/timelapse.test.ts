// The explorer's time-lapse (issue 14): the scrubber paints the frames the engine recorded, the URL
// keeps the frame, play runs through them, space plays and pauses; a refined run says why it has none.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { animateParameter, classMismatches, deep, openExplorer, textOf, waitDone, waitDrawn } from '../support/explorer-page.js';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { viewFromQuery } from '../../web/state/url.js';
import { viewToSpec } from '../../web/state/view.js';
import { interior } from '../support/cells.js';

const kArtifacts = 'test-artifacts/timelapse';
const kQuery = '?model=tian-l2&preset=weight-decay-threshold&n=32&tEnd=300&overlays=off&refine=off';
const n = 32;
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

interface Recorded {
  times: number[];
  frames: number[][];
  final: number[];
}

/** The time-lapse the page's engine recorded for the finished run. */
const recorded = (page: Page): Promise<Recorded> =>
  page.evaluate(() => {
    const r = (
      window as unknown as {
        __atlas: {
          sweep: {
            run: { result: { classes: Uint8Array; nx: number; ny: number; timelapse: { times: Float64Array; classes: Uint8Array } } };
          };
        };
      }
    ).__atlas.sweep.run.result;
    const cells = r.nx * r.ny;
    const K = r.timelapse.times.length;
    return {
      times: Array.from(r.timelapse.times),
      frames: Array.from({ length: K }, (_, k) => Array.from(r.timelapse.classes.subarray(k * cells, (k + 1) * cells))),
      final: Array.from(r.classes),
    };
  });

async function chooseFrame(page: Page, k: number): Promise<void> {
  // The scrubber is an sl-range: its value, then the event it fires while dragged.
  const slider = await deep(page, 'atlas-timelapse', 'sl-range[name=frame]');
  await slider.evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('sl-input', { bubbles: true, composed: true }));
  }, k);
}

const frameParam = (page: Page) => page.evaluate(() => new URLSearchParams(location.search).get('frame'));

describe('explorer time-lapse', () => {
  let page: Page;
  let errors: string[];
  let tl: Recorded;
  /** The frame whose classes differ most from the end state. */
  let k = 0;

  it('records 64 log-spaced frames and paints the one chosen with the scrubber, cell for cell', async () => {
    ({ page, errors } = await openExplorer(browser, `${url}${kQuery}`));
    await waitDone(page);
    tl = await recorded(page);
    expect(tl.times.length).toBe(64);
    expect(tl.times.at(-1)).toBe(300);
    expect(tl.frames.at(-1)).toEqual(tl.final);
    const changed = tl.frames.map((f) => f.filter((c, cell) => c !== tl.final[cell]).length);
    k = changed.indexOf(Math.max(...changed));
    expect(changed[k]).toBeGreaterThan(20);
    await chooseFrame(page, k);
    await waitDrawn(page, 'class');
    expect(await classMismatches(page, n, n, (i, j) => tl.frames[k][j * n + i], `${kArtifacts}/frame.png`)).toEqual([]);
    expect(await textOf(page, 'atlas-timelapse')).toContain(`frame ${k + 1}/64`);
    expect(await frameParam(page)).toBe(String(k));
    expect(errors).toEqual([]);
  });

  it('a URL with frame= opens on that frame once the sweep is done', async () => {
    const search = await page.evaluate(() => location.search);
    const again = await openExplorer(browser, `${url}${search}`);
    await waitDone(again.page);
    await waitDrawn(again.page, 'class');
    expect(await classMismatches(again.page, n, n, (i, j) => tl.frames[k][j * n + i])).toEqual([]);
    expect(again.errors).toEqual([]);
    await again.page.close();
  });

  it('play runs to the end state and stops there; space starts it; the end drops frame= from the URL', async () => {
    await page.keyboard.press(' ');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('frame') === null, { timeout: 30_000, polling: 50 });
    await page.waitForFunction(
      () => !(document.querySelector('atlas-explorer') as unknown as { timelapse: { playing: boolean } }).timelapse.playing,
      { timeout: 10_000 },
    );
    await waitDrawn(page, 'class');
    expect(await classMismatches(page, n, n, (i, j) => tl.final[j * n + i])).toEqual([]);
    expect(await textOf(page, 'atlas-timelapse')).toContain('frame 64/64');
    expect(errors).toEqual([]);
  });

  it('animates a parameter off the axes: each frame is the sweep at that value, painted cell for cell', async () => {
    await animateParameter(page, 'augmentation', '0', '1.5', 4);
    const frames = await page.evaluate(() =>
      (
        document.querySelector('atlas-explorer') as unknown as { animation: { animation: { classes: Uint8Array[]; values: number[] } } }
      ).animation.animation.classes.map((c) => Array.from(c)),
    );
    await chooseFrame(page, 3);
    await waitDrawn(page, 'class');
    expect(await classMismatches(page, n, n, (i, j) => frames[3][j * n + i], `${kArtifacts}/animation.png`)).toEqual([]);
    expect(await textOf(page, 'atlas-timelapse')).toContain('σ² = 1.5000 · frame 4/4');
    // The frame is the engine's sweep at σ² = 1.5: the f64 runner agrees wherever the grid resolves the class.
    const spec = viewToSpec(viewFromQuery(kQuery).view).spec!;
    const json = specToJson(spec);
    const f64 = runSweepCpu(parseSpec({ ...json, params: { ...json.params, augmentation: 1.5 } })).classes;
    const inside = interior(f64, n, n);
    expect(inside.length).toBeGreaterThan(n * n * 0.7);
    for (const cell of inside) expect(frames[3][cell]).toBe(f64[cell]);
    expect(frames[3].filter((c, k) => c !== frames[0][k]).length).toBeGreaterThan(10); // the basin moved
    expect(await frameParam(page)).toBe(null); // animation frames are not time-lapse frames in the URL
    expect(errors).toEqual([]);
  });

  it('a refined run has no time-lapse and says why', async () => {
    const refined = await openExplorer(browser, `${url}?model=tian-l2&preset=weight-decay-threshold&n=64&tEnd=300&refine=on`);
    await waitDone(refined.page);
    expect(await textOf(refined.page, 'atlas-timelapse', '[data-timelapse=off]')).toBe(
      'time-lapse: not for a refined run (its inherited cells know only t_end); set refine off to record one',
    );
    await refined.page.close();
    await page.close();
  });
});
