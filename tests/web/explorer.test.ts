// The first explorer page, built and served, in headless Chromium on WebGPU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import type { PreviewServer } from 'vite';
import puppeteer from 'puppeteer-core';
import { chromiumPath, startExplorer } from '../support/browser.js';
import { CLASSES } from '../../src/models/types.js';

let url = '';
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  ({ url, server, browser } = await startExplorer());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));

describe('explorer page', () => {
  it('runs a preset to the end and paints both classes, with no console errors', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}?model=bao-cosine&preset=emergence&n=32`);
    await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.textContent?.includes('done:'), { timeout: 120_000 });
    const { text, pixels } = await page.evaluate(() => {
      const root = document.querySelector('atlas-explorer')!.shadowRoot!;
      const canvas = root.querySelector('canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      return { text: root.textContent ?? '', pixels: Array.from(data) };
    });
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/explorer-first-preset.png' });
    const colours = new Set<string>();
    for (let k = 0; k < pixels.length; k += 4) colours.add(pixels.slice(k, k + 3).join(','));
    expect(colours).toEqual(new Set([rgb(CLASSES.collapsed.color).join(','), rgb(CLASSES['non-collapsed'].color).join(',')]));
    expect(text).toContain("Reconstruction derived from Tian's linear model with frozen norms");
    expect(pixels.length).toBe(32 * 32 * 4);
    expect(errors).toEqual([]);
  });

  it('without WebGPU says what is missing instead of a blank page', async () => {
    const plain = await puppeteer.launch({ executablePath: chromiumPath, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-features=WebGPU,Vulkan', '--no-first-run'] });
    try {
      const page = await plain.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'), { timeout: 60_000 });
      const alert = await page.evaluate(() => document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('[role=alert]')!.textContent);
      expect(alert).toMatch(/^WebGPU (is not available in this browser|is present but no adapter was found)/);
    } finally {
      await plain.close();
    }
  });
});
