// The side panel's Shoelace controls on the built bundle in headless Chromium: every parameter's
// symbol carries a tooltip with its name and description, the controls take the page's theme (light
// or dark, from theme= or the system), and the `?` list is a modal dialog that a click outside closes.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { deep, waitDone } from '../support/explorer-page.js';
import { getModel } from '../../src/models/registry.js';
import { viewFromPreset } from '../../web/state/view.js';

const kPreset = 'fig3-basin-eta0';
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s));

async function openAt(query: string, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  onTestFinished(() => page.close());
  await page.setViewport({ width: 1440, height: 900, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}?preset=tian-l2/${kPreset}&n=16${query}`);
  await waitDone(page);
  return { page, errors };
}

/** The background of a field's box, where Shoelace draws it (the `base` part in its shadow root). */
const fieldLook = (page: Page) =>
  page.evaluate(() => {
    const controls = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-controls')!.shadowRoot!;
    const base = controls.querySelector('sl-input[name=dt]')!.shadowRoot!.querySelector('[part~=base]')!;
    const select = controls.querySelector('sl-select[name=method]')!.shadowRoot!.querySelector('[part~=combobox]')!;
    return {
      dark: document.documentElement.classList.contains('sl-theme-dark'),
      field: getComputedStyle(base).backgroundColor,
      select: getComputedStyle(select).backgroundColor,
      text: getComputedStyle(base.querySelector('input')!).color,
    };
  });

describe('Shoelace controls', () => {
  it('each parameter symbol has a tooltip with its symbol, name and description, shown on hover', async () => {
    const { page, errors } = await openAt('');
    const model = getModel('tian-l2')!;
    const view = viewFromPreset(model, model.presets.find((p) => p.id === kPreset)!);
    const shown = model.params.filter((p) => p.id !== view.x.param && p.id !== view.y.param);
    const tips = await page.evaluate(() =>
      Array.from(
        document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-controls')!.shadowRoot!.querySelectorAll('sl-tooltip'),
        (t) => [t.querySelector('[data-param]')!.getAttribute('data-param'), t.getAttribute('content')],
      ),
    );
    const want = shown.map((p) => [p.id, `${p.symbol} · ${p.label}: ${p.description}`]);
    expect(tips).toEqual(expect.arrayContaining(want));
    expect(tips.length).toBe(want.length);

    await (await deep(page, 'atlas-controls', `[data-param=${shown[0].id}]`)).hover();
    const tooltip = await page.waitForFunction(
      (id) => {
        const sym = document
          .querySelector('atlas-explorer')!
          .shadowRoot!.querySelector('atlas-controls')!
          .shadowRoot!.querySelector(`[data-param=${id}]`)!;
        const tip = sym.closest('sl-tooltip')!;
        const body = tip.shadowRoot!.querySelector('[part~=body]')!;
        const r = body.getBoundingClientRect();
        return tip.hasAttribute('open') && r.width > 0 && getComputedStyle(body).opacity === '1' && body.textContent!.trim();
      },
      { timeout: 5000 },
      shown[0].id,
    );
    expect(await tooltip.jsonValue()).toBe(`${shown[0].symbol} · ${shown[0].label}: ${shown[0].description}`);
    expect(errors).toEqual([]);
  });

  it('the fields and menus take the page theme: theme=dark, theme=light over a dark system, auto following it', async () => {
    // web/index.html: --atlas-control is #262b35 dark, #ffffff light; --atlas-fg #e6e9ef and #1d2330.
    const dark = { dark: true, field: 'rgb(38, 43, 53)', select: 'rgb(38, 43, 53)', text: 'rgb(230, 233, 239)' };
    const light = { dark: false, field: 'rgb(255, 255, 255)', select: 'rgb(255, 255, 255)', text: 'rgb(29, 35, 48)' };
    expect(await fieldLook((await openAt('&theme=dark')).page)).toEqual(dark);
    expect(await fieldLook((await openAt('&theme=light', 'dark')).page)).toEqual(light);
    expect(await fieldLook((await openAt('', 'dark')).page)).toEqual(dark);
    const { page, errors } = await openAt('');
    expect(await fieldLook(page)).toEqual(light);
    // t cycles the theme (auto → light → dark): the controls follow without a reload (polled: Shoelace eases
    // the background over --sl-transition-fast).
    await page.keyboard.press('t');
    await page.keyboard.press('t');
    await expect.poll(() => fieldLook(page), { timeout: 2000 }).toEqual(dark);
    expect(errors).toEqual([]);
  });

  it('the ? list is a modal sl-dialog; a click outside it closes it', async () => {
    const { page, errors } = await openAt('');
    await page.keyboard.type('?');
    const dialog = await page.waitForFunction(() => {
      const d = document
        .querySelector('atlas-explorer')!
        .shadowRoot!.querySelector('atlas-shortcuts')
        ?.shadowRoot?.querySelector('sl-dialog');
      const panel = d?.shadowRoot?.querySelector('[part~=panel]');
      return d?.open && panel && panel.getBoundingClientRect().width > 0 && d.getAttribute('label');
    });
    expect(await dialog.jsonValue()).toBe('Keyboard shortcuts');
    await page.mouse.click(20, 880); // the dimmed page beside the dialog
    await page.waitForFunction(() => !document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-shortcuts'));
    expect(errors).toEqual([]);
  });
});
