// Presentation mode on the built bundle in headless Chromium, at a projector's 1920×1080: the time
// scrubber and the parameter-animation form stay on screen, in type big enough to read from the back
// of a room (24 px or more), the scrubber still drives the map, and keys typed into the form's fields
// stay there.
import { describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { deep, waitDone } from '../support/explorer-page.js';

const kArtifacts = 'test-artifacts/look';
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

describe('presentation mode', () => {
  it('shows the time scrubber and the parameter animation in type of 24 px or more at 1920×1080; keys typed into its fields stay there', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1920, height: 1080, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}?present=tian-l2/P1,tian-l2/P2&n=16`);
    await waitDone(page);
    // The animation form appears once the run is done: wait for the timelapse's next render.
    await page.waitForFunction(
      () => !!document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('atlas-timelapse')?.shadowRoot?.querySelector('form'),
    );
    await page.screenshot({ path: `${kArtifacts}/presentation-1920x1080.png` });

    // Each control's type as drawn: the text inside Shoelace's shadow roots, not the host's.
    const look = await page.evaluate(() => {
      const host = document.querySelector('atlas-explorer')!;
      const tl = host.shadowRoot!.querySelector('atlas-timelapse')!.shadowRoot!;
      const px = (e: Element | null | undefined) => (e ? Number.parseFloat(getComputedStyle(e).fontSize) : 0);
      const inner = (name: string, sel: string) => tl.querySelector(`[name=${name}]`)?.shadowRoot?.querySelector(sel);
      const range = tl.querySelector('sl-range[name=frame]')!;
      const track = range.shadowRoot!.querySelector('input')!.getBoundingClientRect();
      return {
        presenting: host.hasAttribute('presenting'),
        panel: getComputedStyle(host.shadowRoot!.querySelector('aside')!).display,
        range: { width: track.width, height: track.height, thumb: getComputedStyle(range).getPropertyValue('--thumb-size').trim() },
        play: px(tl.querySelector('button[name=play]')),
        label: px(tl.querySelector('.t')),
        param: px(inner('param', 'input')),
        from: px(inner('from', 'input')),
        frames: px(inner('frames', 'input')),
        compute: px(tl.querySelector('button[name=animate]')),
      };
    });
    expect(look.presenting).toBe(true);
    expect(look.panel).toBe('none');
    // clamp(24px, 1.5vw, 40px) at 1920 px: 28.8 px.
    for (const key of ['play', 'label', 'param', 'from', 'frames', 'compute'] as const) expect(look[key], key).toBeCloseTo(28.8, 1);
    expect(look.range.width).toBeGreaterThan(600);
    // A track 10 px high and a 30 px thumb (Shoelace's defaults: 6 px and 20 px).
    expect(look.range.height).toBe(10);
    expect(look.range.thumb).toBe('30px');

    // The scrubber still drives the map: frame 1 of 64 goes to the URL and the label.
    const slider = await deep(page, 'atlas-timelapse', 'sl-range[name=frame]');
    await slider.evaluate((el) => {
      (el as HTMLInputElement).value = '0';
      el.dispatchEvent(new Event('sl-input', { bubbles: true, composed: true }));
    });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('frame') === '0');
    const text = await page.evaluate(
      () => document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-timelapse')!.shadowRoot!.textContent,
    );
    expect(text).toContain('frame 1/64');

    // Keys typed into the animation form's fields stay there; outside them, → steps the slides.
    const slide = () =>
      page.evaluate(
        () =>
          document
            .querySelector('atlas-explorer')!
            .shadowRoot!.querySelector('atlas-present-caption')!
            .shadowRoot!.querySelector('[data-slide]')!.textContent,
      );
    const from = await deep(page, 'atlas-timelapse', 'sl-input[name=from]');
    await from.evaluate((e) => (e as HTMLElement).focus());
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    expect(await slide()).toBe('1 / 2');
    await from.evaluate((e) => (e as HTMLElement).blur());
    await page.keyboard.press('ArrowRight');
    expect(await slide()).toBe('2 / 2');
    await waitDone(page, 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
