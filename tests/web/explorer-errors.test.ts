// Explorer defects of issue 12, in the built page: each answer is a named message, asserted exactly.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { deep, openExplorer, waitDone } from '../support/explorer-page.js';
import { getModel } from '../../src/models/registry.js';
import { cellMetrics } from '../../src/models/types.js';

let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s));

const tian = getModel('tian-l2')!;
const alerts = (page: Page, host: string) =>
  page.evaluate(
    (h) => Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('[role=alert]'), (e) => e.textContent!.trim()),
    host,
  );

/** The message gridLimitError gives an n × n grid of `model` on this page's device. */
async function tooLarge(page: Page, n: number, host: string, device: string, model = tian): Promise<string> {
  const limit = await page
    .waitForFunction(
      (h, d) => {
        const dev = (document.querySelector(h) as unknown as Record<string, { device?: { device: GPUDevice } }> | null)?.[d]?.device
          ?.device;
        return dev && Math.min(dev.limits.maxStorageBufferBindingSize, dev.limits.maxBufferSize);
      },
      {},
      host,
      device,
    )
    .then((h) => h.jsonValue() as Promise<number>);
  const perCell = 4 * cellMetrics(model).length;
  const side = Math.floor(Math.sqrt(limit / perCell));
  return `x.n: ${n} × ${n} cells need a ${n * n * perCell}-byte grid buffer (${perCell} bytes per cell); this GPU holds at most ${limit} bytes per buffer (about ${side} × ${side} cells)`;
}

describe('explorer errors', () => {
  it('a misspelt parameter is named; once the view is fixed and its sweep done, the message goes', async () => {
    const { page, errors } = await openExplorer(browser, `${url}?preset=tian-l2/weight-decay-threshold&n=24&tEnd=100&v.augmentaton=5`);
    await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'));
    expect(await alerts(page, 'atlas-explorer')).toEqual([
      `URL: v.augmentaton: unknown parameter "augmentaton" of tian-l2 (known: ${tian.params.map((p) => p.id).join(', ')})`,
    ]);
    // The page fell back to the default view: the misspelt name is gone from the URL.
    const id = await waitDone(page);
    expect(new URL(page.url()).searchParams.has('v.augmentaton')).toBe(false);
    const input = await deep(page, 'atlas-controls', 'sl-input[name="augmentation"]');
    await input.evaluate((e) => {
      (e as HTMLInputElement).value = '5';
      e.dispatchEvent(new Event('sl-change', { bubbles: true }));
    });
    await waitDone(page, id);
    expect(new URL(page.url()).searchParams.get('v.augmentation')).toBe('5');
    expect(await alerts(page, 'atlas-explorer')).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a grid too large for the GPU names x.n and the limit before allocating, in the explorer and in compare', async () => {
    const { page } = await openExplorer(browser, `${url}?preset=tian-l2/weight-decay-threshold&n=100000`);
    await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'));
    expect(await alerts(page, 'atlas-explorer')).toEqual([await tooLarge(page, 100000, 'atlas-explorer', 'sweep')]);
    await page.goto(`${url}?compare=l2-vs-cosine&n=100000`);
    await page.waitForFunction(() => document.querySelector('atlas-compare')?.shadowRoot?.querySelectorAll('[role=alert]').length === 2);
    // l2-vs-cosine: A is tian-l2 (5 metrics per cell), B bao-cosine (4).
    expect(await alerts(page, 'atlas-compare')).toEqual([
      await tooLarge(page, 100000, 'atlas-compare', 'a'),
      await tooLarge(page, 100000, 'atlas-compare', 'b', getModel('bao-cosine')!),
    ]);
    await page.close();
  });
});
