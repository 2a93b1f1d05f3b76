// Inspector, export and presentation mode of the built explorer, in headless Chromium on WebGPU.
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { preview } from 'vite';
import { decode } from 'fast-png';
import { parse as parseNpy } from 'npyjs';
import { useExplorer } from '../support/browser.js';
import { finishedGrid, waitDone as waitRun } from '../support/explorer-page.js';
import { CLASS_BY_CODE, CLASSES, cellMetrics } from '../../src/models/types.js';
import { getModel } from '../../src/models/registry.js';
import { axisValues, cellValues, parseSpec } from '../../src/sweep/spec.js';
import { integrateCell } from '../../src/engine/cpu-runner.js';
import { presentList } from '../../src/sweep/present-list.js';
import { figureSvg } from '../../src/export/figure.js';
import type { SweepResult } from '../../src/engine/result.js';

let url = '';
let browser: Browser;
const n = 24;
const artifacts = 'test-artifacts/explorer';
const explorer = 'atlas-explorer';

useExplorer((s) => ({ url, browser } = s), artifacts);

/** A page that records console errors and every request that leaves localhost. */
async function open(page: Page, query: string, errors: string[], external: string[]) {
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => !/^(https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/|data:|blob:)/.test(r.url()) && external.push(r.url()));
  await page.goto(`${url}${query}`);
}

const waitDone = (page: Page) =>
  page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.textContent?.includes('done:'), { timeout: 120_000 });

/** Clicks the centre of cell (i, j) of the n × n heatmap (the first canvas under the page). */
async function clickCell(page: Page, i: number, j: number): Promise<void> {
  const box = (await (await page.$(`${explorer} >>> canvas`))!.boundingBox())!;
  await page.mouse.click(box.x + ((i + 0.5) / n) * box.width, box.y + box.height - ((j + 0.5) / n) * box.height);
}

describe('explorer inspector and export', () => {
  const presetQuery = `?model=bao-cosine&preset=emergence&n=${n}`;
  const model = getModel('bao-cosine')!;
  const spec0 = () => ({
    model: model.id,
    ...model.presets.find((p) => p.id === 'emergence')!.spec,
    x: { ...model.presets[1].spec.x, n },
    y: { ...model.presets[1].spec.y, n },
  });
  const spec = parseSpec(spec0());
  let page: Page;
  let grid: number[];
  const errors: string[] = [];
  const external: string[] = [];

  beforeAll(async () => {
    page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 1250 });
    await open(page, presetQuery, errors, external);
    await waitDone(page);
    grid = (await finishedGrid(page)).classes;
  }, 180_000);

  it('a click on a cell opens the inspector with the f64 end state of that cell', async () => {
    // A cell inside a uniform 3×3 block, so the f32 map and the f64 inspector agree on its class.
    const uniform = (i: number, j: number) =>
      [-1, 0, 1].every((a) => [-1, 0, 1].every((b) => grid[(j + b) * n + i + a] === grid[j * n + i]));
    const cells: Array<[number, number]> = [];
    for (let j = 1; j < n - 1; j++) for (let i = 1; i < n - 1; i++) if (uniform(i, j)) cells.push([i, j]);
    const wanted = new Set(grid);
    expect(wanted).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    for (const code of wanted) {
      const [i, j] = cells.find(([a, b]) => grid[b * n + a] === code)!;
      await clickCell(page, i, j);
      await page.waitForFunction(() =>
        document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector')?.shadowRoot?.querySelector('[data-class]'),
      );
      const shown = await page.evaluate(() => {
        const root = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector')!.shadowRoot!;
        return {
          cls: root.querySelector('[data-class]')!.getAttribute('data-class'),
          tc: Number(root.querySelector('[data-collapse-time]')!.getAttribute('data-collapse-time')),
          ts: Number(root.querySelector('[data-t-settled]')!.getAttribute('data-t-settled')),
          steps: Number(root.querySelector('[data-steps]')!.getAttribute('data-steps')),
          stopped: root.querySelector('[data-t-settled]')!.textContent,
          state: Array.from(root.querySelectorAll('[data-end-state]'), (e) => Number(e.getAttribute('data-value'))),
          fixed: root.querySelector('atlas-phase-portrait')!.shadowRoot!.querySelectorAll('svg[role=img] circle.fixed').length,
          plotted: root.querySelector('atlas-time-series')!.shadowRoot!.querySelectorAll('canvas').length,
        };
      });
      const P = cellValues(spec, axisValues(spec.x), axisValues(spec.y), i, j);
      const ref = integrateCell(model, P, spec);
      expect(shown.cls).toBe(CLASS_BY_CODE[code]);
      expect(ref.classCode).toBe(code);
      expect(shown.state).toHaveLength(model.state.length);
      shown.state.forEach((v, d) => {
        expect(v).toBeCloseTo(ref.state[d], 12);
      });
      expect(shown.tc).toBe(ref.collapseTime);
      expect(shown.ts).toBe(ref.tSettled);
      expect(shown.steps).toBe(ref.steps);
      if (ref.tSettled >= 0) expect(shown.stopped).toMatch(/^stopped at t_s = [\d.e+-]+ \(settled\)$/);
      expect(shown.fixed).toBe(model.fixedPoints(P).length);
      expect(shown.plotted).toBeGreaterThan(0);
      await page.screenshot({ path: `${artifacts}/inspector-${CLASS_BY_CODE[code]}.png` });
      // Another state variable on the portrait's y axis: its label and its range follow.
      const portraitY = () =>
        page.evaluate(() => {
          const svg = document
            .querySelector('atlas-explorer')!
            .shadowRoot!.querySelector('atlas-inspector')!
            .shadowRoot!.querySelector('atlas-phase-portrait')!.shadowRoot!;
          return Array.from(svg.querySelectorAll('g.axis > text'), (t) => t.textContent).at(-1);
        });
      expect(await portraitY()).toBe(model.state[1].symbol);
      await page.select(`${explorer} >>> atlas-inspector >>> select[data-axis=phaseY]`, '2');
      await page.waitForFunction(
        (s) =>
          document
            .querySelector('atlas-explorer')!
            .shadowRoot!.querySelector('atlas-inspector')!
            .shadowRoot!.querySelector('atlas-phase-portrait')!
            .shadowRoot!.textContent!.includes(s),
        {},
        model.state[2].symbol,
      );
      expect(await portraitY()).toBe(model.state[2].symbol);
      await page.keyboard.press('Escape'); // closed before the next click, so no stale panel is read
      expect(await page.evaluate(() => !!document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector'))).toBe(
        false,
      );
    }
  });

  it('exports a PNG figure, CSV, NPY and a manifest that match the grid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-downloads-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    const stem = 'bao-cosine-weightDecay-p0';
    const names = [`${stem}-class.png`, `${stem}.csv`, `${stem}-class.npy`, `${stem}.manifest.json`];
    // One at a time: the PNG is saved after an await, and a download without a recent click that is
    // not the page's first may be held back by Chromium's multiple-downloads guard.
    // Off the map first: leaving it clears a hover readout, and the layout shift would move the buttons under the click.
    await page.mouse.move(1, 1);
    await page.waitForFunction(() =>
      document
        .querySelector('atlas-explorer')!
        .shadowRoot!.querySelector('atlas-readout')!
        .shadowRoot!.textContent!.includes('hover over the map'),
    );
    for (const [k, kind] of ['png', 'csv', 'npy', 'manifest'].entries()) {
      await page.click(`${explorer} >>> atlas-export >>> button[data-export=${kind}]`);
      for (let wait = 0; wait < 300 && !existsSync(join(dir, names[k])); wait++) await new Promise((r) => setTimeout(r, 100));
    }
    expect(readdirSync(dir).sort()).toEqual([...names].sort());

    const rows = readFileSync(join(dir, `${stem}.csv`), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.map((r) => CLASSES[r[2] as keyof typeof CLASSES].code)).toEqual(grid);
    expect(Number(rows[n * n - 1][0])).toBeCloseTo(spec.x.max, 12);
    const npyBytes = readFileSync(join(dir, `${stem}-class.npy`));
    const npy = parseNpy(npyBytes.buffer.slice(npyBytes.byteOffset, npyBytes.byteOffset + npyBytes.byteLength) as ArrayBuffer);
    expect(npy.shape).toEqual([n, n]);
    expect(Array.from(npy.data as Uint8Array)).toEqual(grid);
    const manifest = JSON.parse(readFileSync(join(dir, `${stem}.manifest.json`), 'utf8'));
    expect(parseSpec(manifest.spec).x).toEqual(spec.x);
    expect(manifest.adapter).not.toBe('cpu-f64');

    // The figure is 900 × 620 at 2×; its heatmap spans x 78…632, y 86…562 (src/export/figure.ts).
    copyFileSync(join(dir, `${stem}-class.png`), `${artifacts}/export-figure.png`);
    const png = decode(readFileSync(join(dir, `${stem}-class.png`)));
    expect([png.width, png.height]).toEqual([1800, 1240]);
    const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)).join();
    // The overlay strokes (4 px white halo under 1.8 px lines, figure units) are the only thing over
    // the cells: every cell centre farther than 3 figure px from them has exactly its class colour.
    const svg = figureSvg({ spec, nx: n, ny: n, classes: Uint8Array.from(grid) } as SweepResult, { layer: 'class' });
    const segments = [...svg.matchAll(/<polyline class="overlay"[^>]*points="([^"]+)"/g)].flatMap((m) => {
      const pts = m[1].split(' ').map((p) => p.split(',').map(Number));
      return pts.slice(1).map((q, k) => [pts[k], q]);
    });
    expect(segments.length).toBeGreaterThan(0);
    const nearCurve = (x: number, y: number) =>
      segments.some(([[ax, ay], [bx, by]]) => {
        const t = Math.max(
          0,
          Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / Math.max((bx - ax) ** 2 + (by - ay) ** 2, 1e-12)),
        );
        return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) <= 3;
      });
    const wrong: string[] = [];
    let checked = 0;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const [fx, fy] = [78 + ((i + 0.5) / n) * 554, 562 - ((j + 0.5) / n) * 476];
        if (nearCurve(fx, fy)) continue;
        checked++;
        const k = (Math.round(2 * fy) * png.width + Math.round(2 * fx)) * png.channels;
        if (Array.from(png.data.slice(k, k + 3)).join() !== rgb(CLASSES[CLASS_BY_CODE[grid[j * n + i]]].color)) wrong.push(`${i},${j}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(n * n * 0.9);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });

  it('the integrator controls offer every tableau, rtol and atol for adaptive ones and a settle switch, all in the URL', async () => {
    const ctl = (sel: string) => `${explorer} >>> atlas-controls >>> ${sel}`;
    const query = () => page.evaluate(() => Object.fromEntries(new URL(location.href).searchParams));
    const runId = () => page.evaluate(() => (window as unknown as { __atlas: { sweep: { run: { id: number } } } }).__atlas.sweep.run.id);
    // The method menu is an sl-select: a choice sets its value and fires sl-change, as Shoelace does.
    const pickMethod = (method: string) =>
      page.$eval(
        ctl('sl-select[name=method]'),
        (e, v) => {
          (e as HTMLSelectElement).value = v;
          e.dispatchEvent(new Event('sl-change', { bubbles: true }));
        },
        method,
      );
    expect(await page.$$eval(ctl('sl-select[name=method] sl-option'), (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'rk4',
      'rk38',
      'dp5',
      'tsit5',
    ]);
    expect(await page.$(ctl('sl-input[name=rtol]'))).toBeNull();
    let id = await runId();
    await pickMethod('dp5');
    id = await waitRun(page, id);
    expect(await query()).toMatchObject({ method: 'dp5', rtol: '0.000001', atol: '1e-9', settle: '0.000001' });
    expect(await page.$eval(ctl('sl-input[name=rtol]'), (e) => (e as HTMLInputElement).value)).toBe('0.000001');
    expect(await page.$eval(ctl('sl-input[name=atol]'), (e) => (e as HTMLInputElement).value)).toBe('1e-9');
    const controlsText = await page.$eval(`${explorer} >>> atlas-controls`, (e) => e.shadowRoot!.textContent);
    expect(controlsText).toContain('first step');
    // A tolerance typed in the field goes to the URL and the sweep.
    await page.$eval(ctl('sl-input[name=rtol]'), (e) => {
      (e as HTMLInputElement).value = '1e-5';
      e.dispatchEvent(new Event('sl-change', { bubbles: true }));
    });
    id = await waitRun(page, id);
    expect((await query()).rtol).toBe('0.00001');
    const adaptive = await finishedGrid(page);
    const metrics = cellMetrics(model);
    const steps = metrics.findIndex((m) => m.id === 'steps');
    const tSettled = metrics.findIndex((m) => m.id === 'tSettled');
    // The inspector runs the same adaptive integrator and settle test: its outcome is the cell's.
    const [i, j] = [n / 2, n / 2];
    await clickCell(page, i, j);
    await page.waitForFunction(() =>
      document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector')?.shadowRoot?.querySelector('[data-steps]'),
    );
    const shown = await page.evaluate(() => {
      const root = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector')!.shadowRoot!;
      return {
        steps: Number(root.querySelector('[data-steps]')!.getAttribute('data-steps')),
        ts: Number(root.querySelector('[data-t-settled]')!.getAttribute('data-t-settled')),
        title: root.querySelector('h2')!.textContent,
      };
    });
    const adaptiveSpec = parseSpec({ ...spec0(), integrator: { ...spec0().integrator, method: 'dp5', rtol: 1e-5 } });
    const ref = integrateCell(
      adaptiveSpec.model,
      cellValues(adaptiveSpec, axisValues(adaptiveSpec.x), axisValues(adaptiveSpec.y), i, j),
      adaptiveSpec,
    );
    expect([shown.steps, shown.ts]).toEqual([ref.steps, ref.tSettled]);
    expect(shown.title).toContain('dp5, rtol = 0.00001');
    expect(adaptive.metrics[(j * n + i) * metrics.length + steps]).toBeGreaterThan(0);
    await page.keyboard.press('Escape');

    // Settle off: the fixed horizon, every cell runs to t_end.
    await page.$eval(ctl('input[name=settle]'), (e) => (e as HTMLInputElement).click());
    id = await waitRun(page, id);
    expect((await query()).settle).toBe('off');
    const fixed = await finishedGrid(page);
    expect(Array.from({ length: n * n }, (_, c) => fixed.metrics[c * metrics.length + tSettled]).every((t) => t === -1)).toBe(true);
    expect(await page.$(ctl('sl-input[name=settleTol]'))).toBeNull();
    await pickMethod('rk38');
    await waitRun(page, id);
    expect(await query()).toMatchObject({ method: 'rk38', settle: 'off' });
    expect((await query()).rtol).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe('presentation mode', () => {
  const caption = (page: Page) =>
    page.evaluate(() => {
      const host = document.querySelector('atlas-explorer')!;
      const cap = host.shadowRoot!.querySelector('atlas-present-caption')?.shadowRoot;
      const controls = Array.from(host.shadowRoot!.querySelectorAll('aside, .controls'), (e) => getComputedStyle(e).display);
      return {
        presenting: host.hasAttribute('presenting'),
        title: cap?.querySelector('[data-caption-title]')?.textContent ?? null,
        slide: cap?.querySelector('[data-slide]')?.textContent ?? null,
        controls,
        query: Object.fromEntries(new URL(location.href).searchParams),
        fill: getComputedStyle(host).position,
      };
    });

  it('hides the controls, fills the viewport and steps presets with the arrow keys; Esc leaves', async () => {
    const page = await browser.newPage();
    onTestFinished(() => page.close()); // a failed run must not leave its sweep on the GPU
    await page.setViewport({ width: 1280, height: 720 });
    const errors: string[] = [];
    const external: string[] = [];
    await open(page, `?present=bao-cosine/emergence,tian-l2/P1,tian-l2/P2&n=${n}`, errors, external);
    await waitDone(page);
    let c = await caption(page);
    expect(c.presenting).toBe(true);
    expect(c.controls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(c.controls)).toEqual(new Set(['none']));
    expect(c.fill).toBe('fixed');
    expect(c.title).toBe('An equilibrium emerges as the norms shrink');
    expect(c.slide).toBe('1 / 3');
    expect(c.query).toMatchObject({ model: 'bao-cosine', preset: 'emergence' });
    await page.screenshot({ path: `${artifacts}/presentation.png` });

    await page.keyboard.press('ArrowRight');
    c = await caption(page);
    expect(c.title).toBe('P1 · weight-decay threshold (Fig. 4 in 2-D)');
    expect(c.slide).toBe('2 / 3');
    expect(c.query).toMatchObject({
      model: 'tian-l2',
      preset: 'weight-decay-threshold',
      present: 'bao-cosine/emergence,tian-l2/P1,tian-l2/P2',
    });
    await page.keyboard.press('ArrowRight');
    expect((await caption(page)).query.preset).toBe('augmentation-vs-weight-decay');
    await page.keyboard.press('ArrowRight'); // wraps to the first slide
    expect((await caption(page)).title).toBe('An equilibrium emerges as the norms shrink');
    await page.keyboard.press('ArrowLeft');
    expect((await caption(page)).title).toBe('P2 · augmentation vs weight decay');

    // Esc with the inspector open closes the inspector and stays in presentation mode.
    await page.keyboard.press('ArrowRight'); // back to the finished bao-cosine slide
    await waitDone(page);
    await clickCell(page, n / 2, n / 2);
    await page.waitForFunction(() => document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector'));
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => !!document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector'))).toBe(false);
    expect((await caption(page)).presenting).toBe(true);
    await page.keyboard.press('ArrowLeft');

    await page.keyboard.press('Escape');
    c = await caption(page);
    expect(c.presenting).toBe(false);
    expect(c.title).toBe(null);
    expect(c.controls.every((d) => d !== 'none')).toBe(true);
    expect(c.query).toMatchObject({ model: 'tian-l2', preset: 'augmentation-vs-weight-decay' });
    expect(c.query.present).toBeUndefined();
    // The present button steps through every preset, from the one the page shows (a click may get real full screen).
    await page.click(`${explorer} >>> button[data-present]`);
    c = await caption(page);
    const all = presentList(null);
    const at = all.findIndex((e) => e.preset.id === 'augmentation-vs-weight-decay');
    expect([c.presenting, c.slide, c.title]).toEqual([true, `${at + 1} / ${all.length}`, 'P2 · augmentation vs weight decay']);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('atlas-explorer')!.hasAttribute('presenting'));
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });

  it('a bad ?present= list is named and every preset is shown instead', async () => {
    const page = await browser.newPage();
    onTestFinished(() => page.close());
    await page.goto(`${url}?present=tian-l2/P9&n=8`);
    await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'));
    const alert = await page.evaluate(
      () => document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('[role=alert]')!.textContent,
    );
    expect(alert).toBe(
      'present: tian-l2 has no preset "P9" (known: weight-decay-threshold, augmentation-vs-weight-decay, fig3-basin-eta0, predictor-learning-rate, ema-rate)',
    );
    expect((await caption(page)).slide).toBe(`1 / ${presentList(null).length}`);
  });

  it('reloads offline once loaded (service worker), with no request leaving localhost', async () => {
    // A server of its own, so stopping it leaves the other tests' server alone.
    const own = await preview({ preview: { port: 0, strictPort: false }, logLevel: 'silent' });
    const ownUrl = own.resolvedUrls!.local[0];
    const page = await browser.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    let closed = false;
    try {
      await page.goto(`${ownUrl}?present=bao-cosine/emergence&n=16`);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 30_000 });
      await own.close();
      closed = true;
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('request', (r) => !r.url().startsWith(ownUrl) && !/^(data|blob):/.test(r.url()) && external.push(r.url()));
      await page.reload();
      await waitDone(page);
      expect((await caption(page)).title).toBe('An equilibrium emerges as the norms shrink');
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
    } finally {
      await page.close();
      if (!closed) await own.close();
    }
  });
});
