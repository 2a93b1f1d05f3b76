// The explorer's time-lapse (issue 14): the scrubber paints the frames the engine recorded, the URL
// keeps the frame, play runs through them, space plays and pauses; a refined run says why it has none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import type { PreviewServer } from 'vite';
import { buildExplorer, startExplorer } from '../support/browser.js';
import { classMismatches, deep, openExplorer, textOf, waitDone, waitDrawn } from '../support/explorer-page.js';

const kArtifacts = 'test-artifacts/timelapse';
const kQuery = '?model=tian-l2&preset=weight-decay-threshold&n=32&tEnd=300&overlays=off&refine=off';
const n = 32;
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
  const slider = await deep(page, 'atlas-timelapse', 'input[name=frame]');
  await slider.evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
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

  it('a refined run has no time-lapse and says why', async () => {
    const refined = await openExplorer(browser, `${url}?model=tian-l2&preset=weight-decay-threshold&n=64&tEnd=300&refine=on`);
    await waitDone(refined.page);
    expect(await textOf(refined.page, 'atlas-timelapse')).toBe(
      'time-lapse: not for a refined run (its inherited cells know only t_end); set refine off to record one',
    );
    await refined.page.close();
    await page.close();
  });
});
