// Trajectory presets in the built explorer: the preset opens the inspector on its cell, which plots
// the model's derived series (halvagal-isoloss: one eigenvalue per mode) on a log axis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import type { PreviewServer } from 'vite';
import { decode } from 'fast-png';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { buildExplorer, startExplorer } from '../support/browser.js';
import { deep, openExplorer } from '../support/explorer-page.js';

let url = '';
let server: PreviewServer;
let browser: Browser;
const artifacts = 'test-artifacts/trajectory';

beforeAll(async () => {
  buildExplorer();
  ({ url, server, browser } = await startExplorer());
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** What the inspector's time plot shows: header, plot choice, legend labels and axis labels. */
async function timePlot(page: Page) {
  await page.waitForFunction(
    () =>
      !!document
        .querySelector('atlas-explorer')
        ?.shadowRoot?.querySelector('atlas-inspector')
        ?.shadowRoot?.querySelector('atlas-time-series')
        ?.shadowRoot?.querySelector('.u-legend'),
    { timeout: 120_000, polling: 100 },
  );
  return page.evaluate(() => {
    const inspector = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector')!.shadowRoot!;
    const plot = inspector.querySelector('atlas-time-series')!.shadowRoot!;
    return {
      header: inspector.querySelector('h2')!.textContent!,
      plotted: inspector.querySelector<HTMLSelectElement>('select[data-plot]')!.value,
      legend: Array.from(plot.querySelectorAll('.u-legend .u-series .u-label')).map((e) => e.textContent),
      // uPlot draws axis labels on its canvas: the labels and scale it was given.
      axes: (() => {
        const ts = inspector.querySelector('atlas-time-series') as unknown as {
          logY: boolean;
          yLabel: string;
          timeLabel: string;
          logTime: boolean;
        };
        return { logY: ts.logY, yLabel: ts.yLabel, timeLabel: ts.timeLabel, logTime: ts.logTime };
      })(),
      params: inspector.querySelector('.params')!.textContent!,
    };
  });
}

describe('trajectory presets in the explorer', () => {
  it('halvagal-isoloss/fig2-trajectory opens the inspector on s₀ = 0.25, wd = 0 with λ0 … λ9 on a log axis', async () => {
    const { page, errors } = await openExplorer(browser, `${url}?preset=halvagal-isoloss/fig2-trajectory&n=8`);
    const shown = await timePlot(page);
    expect(shown.header).toBe('Cell trajectory (f64 reference, training step × 1500, fixed horizon)');
    expect(shown.plotted).toBe('eigenvalues');
    expect(shown.legend).toEqual(['t', ...Array.from({ length: 10 }, (_, k) => `λ${k}`)]);
    expect(shown.params).toContain('s₀ = 0.25');
    expect(shown.params).toContain('wd = 0');
    expect(shown.axes).toEqual({ logY: true, yLabel: 'λ', timeLabel: 'training steps', logTime: false });
    // Ten curves, each in its own colour: pixels of every Tableau 10 colour on the plot (the modes
    // starting above 1 fall to it within ~50 steps, so some curves are short).
    const canvas = await deep(page, 'atlas-inspector', 'atlas-time-series', 'canvas');
    const png = decode(await canvas.screenshot({ type: 'png', path: `${artifacts}/fig2-eigenvalues.png` }));
    const painted = schemeTableau10.map((hex) => {
      const rgb = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      let count = 0;
      for (let p = 0; p < png.width * png.height; p++) {
        if (rgb.every((c, i) => Math.abs(png.data[p * png.channels + i] - c) < 24)) count++;
      }
      return count;
    });
    expect(
      painted.filter((c) => c > 5),
      `pixels per colour: ${painted}`,
    ).toHaveLength(10);
    // The raw state stays one choice away: 10 log-stds, 10 clocks and ℓ*.
    await page.select('atlas-explorer >>> atlas-inspector >>> select[data-plot]', 'state');
    await page.waitForFunction(
      () =>
        document
          .querySelector('atlas-explorer')!
          .shadowRoot!.querySelector('atlas-inspector')!
          .shadowRoot!.querySelector('atlas-time-series')!
          .shadowRoot!.querySelectorAll('.u-legend .u-series').length === 22,
    );
    const state = await timePlot(page);
    expect(state.legend.slice(0, 3)).toEqual(['t', 'ℓ0', 'ℓ1']);
    expect(state.axes).toEqual({ logY: false, yLabel: 'state', timeLabel: 'training steps', logTime: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('choosing fig5-cosine in the presets menu opens the inspector on its cell: two curves', async () => {
    const { page, errors } = await openExplorer(browser, `${url}?model=tian-l2&preset=weight-decay-threshold&n=8`);
    const button = await deep(page, 'atlas-presets', '[data-preset="halvagal-isoloss/fig5-cosine"]');
    await button.evaluate((b) => (b as HTMLButtonElement).click());
    const shown = await timePlot(page);
    expect(shown.legend).toEqual(['t', 'λ0', 'λ1']);
    expect(shown.params).toContain('s₀ = 0.25');
    expect(shown.axes.logY).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
