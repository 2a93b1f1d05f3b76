// A user model (the URL's `file=`) in the built page outside the explorer's own view: presentation
// mode steps through its preset beside built-in ones, and the compare page runs it against the
// built-in model it rewrites (tian-l2), cell for cell the same classes; the explorer's manifest export
// carries the model file in its spec, which parses back to the same model. Small grids: SwiftShader.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { deep, finishedGrid, openExplorer, waitDone } from '../support/explorer-page.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { parseCompareSpec } from '../../src/sweep/compare.js';
import { CLASSES } from '../../src/models/types.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { modelFileOf } from '../../src/user-model/compile.js';
import { checkModelText } from '../../web/user-model/check-text.js';
import { packModelText } from '../../web/state/model-codec.js';

let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s));

const lorenz = packModelText(readFileSync(new URL('../../models/lorenz.json', import.meta.url), 'utf8'));
const tianText = readFileSync(new URL('../../models/tian-l2.json', import.meta.url), 'utf8');

const caption = (page: Page) =>
  page.evaluate(() => {
    const cap = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-present-caption')?.shadowRoot;
    const alerts = Array.from(document.querySelector('atlas-explorer')!.shadowRoot!.querySelectorAll('[role=alert]'), (e) => e.textContent);
    const q = new URL(location.href).searchParams;
    return {
      title: cap?.querySelector('[data-caption-title]')?.textContent ?? null,
      slide: cap?.querySelector('[data-slide]')?.textContent ?? null,
      model: q.get('model'),
      preset: q.get('preset'),
      file: q.get('file'),
      alerts,
    };
  });

describe('a user model outside the editor', () => {
  it('presentation mode shows its preset among built-in ones, and stepping back to it runs it again', async () => {
    const { page, errors } = await openExplorer(
      browser,
      `${url}?file=${lorenz}&model=lorenz&preset=sigma-rho&present=lorenz,tian-l2/P1&n=8`,
    );
    const run = await waitDone(page);
    expect(await caption(page)).toEqual({
      title: 'Lorenz · σ–ρ plane',
      slide: '1 / 2',
      model: 'lorenz',
      preset: 'sigma-rho',
      file: lorenz,
      alerts: [],
    });
    await page.keyboard.press('ArrowRight');
    const tian = await waitDone(page, run);
    expect(await caption(page)).toMatchObject({
      title: 'P1 · weight-decay threshold (Fig. 4 in 2-D)',
      slide: '2 / 2',
      model: 'tian-l2',
      file: null,
    });
    // Wrapping round: the user model is still the page's, though the URL no longer carries it while a built-in model shows.
    await page.keyboard.press('ArrowRight');
    await waitDone(page, tian);
    expect(await caption(page)).toMatchObject({ title: 'Lorenz · σ–ρ plane', slide: '1 / 2', model: 'lorenz', file: lorenz, alerts: [] });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the compare page runs a side that names the URL model file: the tian-l2 file against the built-in tian-l2, no cell differs', async () => {
    const side = (model: string) => ({
      model,
      params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
      x: { param: 'p0', min: 0, max: 1, n: 8, scale: 'linear' },
      y: { param: 'weightDecay', min: 0, max: 0.3, n: 8, scale: 'linear' },
      integrator: { method: 'dp5', dt: 0.05, tEnd: 300 },
    });
    const spec = { a: side('tian-l2-data'), b: side('tian-l2') };
    const { page, errors } = await openExplorer(
      browser,
      `${url}?compare=custom&file=${packModelText(tianText)}&spec=${encodeURIComponent(JSON.stringify(spec))}`,
    );
    const status = await page.waitForFunction(
      () => {
        const root = document.querySelector('atlas-compare')?.shadowRoot;
        return (
          root?.querySelector('[role=alert]')?.textContent ||
          root?.querySelector('[data-status=compare]')?.textContent?.match(/class differs in.*/)?.[0]
        );
      },
      { timeout: 180_000 },
    );
    expect(await status.jsonValue()).toBe('class differs in 0 of 64 comparable cells (0.00 %)');
    const page_ = await page.evaluate(() => {
      const c = (globalThis as unknown as { __atlasCompare: { results: Array<{ classes: Uint8Array }> } }).__atlasCompare;
      const root = document.querySelector('atlas-compare')!.shadowRoot!;
      return {
        title: root.querySelector('h1')!.textContent,
        heads: Array.from(root.querySelectorAll('[data-side] h2'), (h) => h.textContent),
        a: Array.from(c.results[0].classes),
        b: Array.from(c.results[1].classes),
      };
    });
    expect(page_.title).toBe('tian-l2-data vs tian-l2');
    expect(page_.heads).toEqual([
      'a · Tian et al. 2021 — L2 loss eigenmode dynamics, as a model file',
      'b · Tian et al. 2021 — L2 loss eigenmode dynamics (BYOL/SimSiam)',
      'cells whose class differs',
    ]);
    // The f64 reference of the built-in model: both sides paint its classes, a collapse boundary across the plane.
    const reference = Array.from(runSweepCpu(parseCompareSpec({ a: side('tian-l2'), b: side('tian-l2') }).a).classes);
    expect(new Set(reference)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    expect(page_.a).toEqual(reference);
    expect(page_.b).toEqual(reference);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the explorer's manifest export carries the model file in its spec: it parses back to the same model and grid", async () => {
    const packed = packModelText(tianText);
    const { page, errors } = await openExplorer(
      browser,
      `${url}?file=${packed}&model=tian-l2-data&preset=weight-decay-threshold&n=8&tEnd=300`,
    );
    await waitDone(page);
    const grid = await finishedGrid(page);
    const dir = mkdtempSync(join(tmpdir(), 'atlas-user-manifest-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    await page.mouse.move(1, 1);
    await (await deep(page, 'atlas-export', 'button[data-export=manifest]')).click();
    for (let wait = 0; wait < 100 && !readdirSync(dir).some((f) => f.endsWith('.manifest.json')); wait++)
      await new Promise((r) => setTimeout(r, 100));
    const name = readdirSync(dir).find((f) => f.endsWith('.manifest.json'))!;
    expect(existsSync(join(dir, name))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    // The spec's model is the file as written (every field), not only its id.
    expect(manifest.spec.model).toEqual(JSON.parse(tianText));
    expect(manifest.model.id).toBe('tian-l2-data');
    const spec = parseSpec(manifest.spec);
    const typed = checkModelText(tianText).model!;
    expect(spec.model.id).toBe('tian-l2-data');
    expect(spec.model.title).toBe(typed.title);
    expect(spec.model.params.map((p) => [p.id, p.kind, p.default])).toEqual(typed.params.map((p) => [p.id, p.kind, p.default]));
    expect(spec.model.state.map((v) => v.id)).toEqual(typed.state.map((v) => v.id));
    expect(spec.model.wgsl).toBe(typed.wgsl);
    expect(modelFileOf(spec.model)).toEqual(JSON.parse(tianText));
    expect([spec.x.param, spec.x.n, spec.y.param, spec.y.n, spec.integrator.tEnd]).toEqual(['p0', 8, 'weightDecay', 8, 300]);
    // Run again from the manifest alone (f64 reference): the classes the page painted.
    const again = runSweepCpu(spec);
    expect(new Set(again.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    expect(Array.from(again.classes)).toEqual(grid.classes);
    expect(errors).toEqual([]);
    await page.close();
  });
});
