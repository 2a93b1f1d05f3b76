// The explorer, built and served, in headless Chromium on WebGPU: every check reads what the page
// painted (screenshots of the canvas) or wrote, against the engine's read-back grid or a closed form.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { useExplorer, chromiumPath } from '../support/browser.js';
import {
  canvasPixels,
  cellCentre,
  classMismatches,
  deep,
  finishedGrid,
  heatmapCanvas,
  near,
  openExplorer,
  textOf,
  waitDone,
  waitDrawn,
} from '../support/explorer-page.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import { models } from '../../src/models/registry.js';
import { axisValues, cellValues, type ResolvedSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { viewFromQuery } from '../../web/state/url.js';
import { viewToSpec } from '../../web/state/view.js';
import { formatValue } from '../../web/state/format.js';
import { cellMetrics } from '../../src/models/types.js';
import { layerColors, metricRange } from '../../src/export/layer.js';
import type { SweepResult } from '../../src/engine/result.js';

const kArtifacts = 'test-artifacts/explorer';
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

const specOf = (search: string): ResolvedSpec => viewToSpec(viewFromQuery(search).view).spec!;

/** Cells whose painted colour is not the colour of `expected(i, j)` (a class code, or undefined to skip). */
const paintedMismatches = (page: Page, nx: number, ny: number, expected: (i: number, j: number) => number | undefined, shot: string) =>
  classMismatches(page, nx, ny, expected, `${kArtifacts}/${shot}`);

/**
 * Cells whose painted colour differs from the colour the export (src/export/layer.ts: raw.png,
 * figure.png) gives the same result and layer: one colouring path, checked cell by cell.
 */
async function exportMismatches(
  page: Page,
  grid: Awaited<ReturnType<typeof finishedGrid>>,
  layer: string,
  shot: string,
): Promise<string[]> {
  const result = {
    spec: specOf(grid.search),
    nx: grid.nx,
    ny: grid.ny,
    classes: Uint8Array.from(grid.classes),
    metrics: Float32Array.from(grid.metrics),
  } as SweepResult;
  const { rgb: want } = layerColors(result, layer);
  const png = await canvasPixels(page, `${kArtifacts}/${shot}`);
  const bad: string[] = [];
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      const k = ((grid.ny - 1 - j) * grid.nx + i) * 3;
      const painted = png.at(...cellCentre(png.width, png.height, grid.nx, grid.ny, i, j));
      if (!near(painted, Array.from(want.subarray(k, k + 3))))
        bad.push(`(${i}, ${j}): painted ${painted}, exported ${Array.from(want.subarray(k, k + 3))}`);
    }
  }
  return bad;
}

/** Picks a layer in the legend's menu, as a user does. */
async function pickLayer(page: Page, id: string): Promise<void> {
  // An sl-select: its value, then the event it fires on a choice.
  const layer = await deep(page, 'atlas-legend', 'sl-select[name="layer"]');
  await layer.evaluate((e, v) => {
    (e as HTMLSelectElement).value = v;
    e.dispatchEvent(new Event('sl-change', { bubbles: true }));
  }, id);
  await page.waitForFunction((v) => new URL(location.href).searchParams.get('layer') === v, {}, id);
}

/** Types `value` into a field of the side panel (an sl-input: its value, then the event it fires on commit). */
async function setField(page: Page, name: string, value: string): Promise<void> {
  const input = await deep(page, 'atlas-controls', `sl-input[name="${name}"]`);
  await input.evaluate((e, v) => {
    (e as HTMLInputElement).value = v;
    e.dispatchEvent(new Event('sl-change', { bubbles: true }));
  }, value);
}

// Overlays off: the element screenshot would include the SVG curves drawn over the cells.
const lastRunId = (page: Page) =>
  page.evaluate(() => (window as unknown as { __atlas: { sweep: { run: { id: number } } } }).__atlas.sweep.run.id);

const kQuery = '?model=tian-l2&preset=weight-decay-threshold&n=48&tEnd=300&overlays=off';

describe('explorer page', () => {
  let page: Page;
  let errors: string[];
  let runId = 0;

  it('paints exactly the class grid the engine read back, with no console errors', async () => {
    ({ page, errors } = await openExplorer(browser, `${url}${kQuery}`));
    runId = await waitDone(page);
    await page.screenshot({ path: `${kArtifacts}/preset-class-map.png` });
    const grid = await finishedGrid(page);
    expect([grid.nx, grid.ny]).toEqual([48, 48]);
    expect(new Set(grid.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    expect(await paintedMismatches(page, 48, 48, (i, j) => grid.classes[j * 48 + i], 'preset-canvas.png')).toEqual([]);
    expect(await textOf(page, 'atlas-legend')).toContain('η*(p0): basin boundary on the parabola');
    expect(errors).toEqual([]);
  });

  it("paints every class code in its own colour, wen-li's `full` (code 4) included", async () => {
    const wen = await openExplorer(browser, `${url}?model=wen-li&preset=pw1-predictor&n=24&tEnd=250&overlays=off`);
    await waitDone(wen.page);
    const grid = await finishedGrid(wen.page);
    expect(grid.classes).toContain(CLASSES.full.code);
    expect(await paintedMismatches(wen.page, 24, 24, (i, j) => grid.classes[j * 24 + i], 'wen-li-canvas.png')).toEqual([]);
    expect(wen.errors).toEqual([]);
    await wen.page.close();
  });

  it('a control change redraws with the boundary where the closed form puts it; a bad value is named', async () => {
    await setField(page, 'augmentation', '-1');
    expect(await textOf(page, '[role=alert]')).toBe('params.augmentation: -1 is outside the range of tian-l2.augmentation [0, 10]');
    await setField(page, 'augmentation', '1');
    runId = await waitDone(page, runId);
    await page.screenshot({ path: `${kArtifacts}/augmentation-1.png` });
    const grid = await finishedGrid(page);
    const spec = specOf(grid.search);
    expect(spec.values[spec.model.params.findIndex((p) => p.id === 'augmentation')]).toBe(1);
    const xs = axisValues(spec.x);
    const ys = axisValues(spec.y);
    const predicted = (i: number, j: number) => {
      const c = spec.model.predictClass(cellValues(spec, xs, ys, i, j));
      return c === undefined ? undefined : CLASSES[c].code;
    };
    // Away from the predicted boundary (all four neighbours agree), every cell has its predicted colour.
    let checked = 0;
    const clear = (i: number, j: number) => {
      const c = predicted(i, j);
      const around = [
        [i - 1, j],
        [i + 1, j],
        [i, j - 1],
        [i, j + 1],
      ].filter(([a, b]) => a >= 0 && b >= 0 && a < 48 && b < 48);
      if (c === undefined || around.some(([a, b]) => predicted(a, b) !== c)) return undefined;
      checked++;
      return c;
    };
    expect(await paintedMismatches(page, 48, 48, clear, 'augmentation-1-canvas.png')).toEqual([]);
    expect(checked).toBeGreaterThan(48 * 40);
    // η_c = 1/(4(1+σ²)) moved from 0.25 to 0.125: the cell at p0 = 0.7, η ≈ 0.2 now collapses.
    const j = ys.findIndex((y) => y > 0.2);
    expect(grid.classes[j * 48 + xs.findIndex((x) => x > 0.7)]).toBe(CLASSES.collapsed.code);
  });

  it('the hover readout shows the axis values, class and final state of the cell under the cursor', async () => {
    const grid = await finishedGrid(page);
    const spec = specOf(grid.search);
    const [i, j] = [40, 5];
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    const [px, py] = cellCentre(box.width, box.height, 48, 48, i, j);
    await page.mouse.move(box.x + px, box.y + py);
    await page.waitForFunction(() =>
      document
        .querySelector('atlas-explorer')
        ?.shadowRoot?.querySelector('atlas-readout')
        ?.shadowRoot?.querySelector('[data-readout=state]'),
    );
    const axes = await textOf(page, 'atlas-readout', '[data-readout=axes]');
    expect(axes).toBe(`p₀ = ${formatValue(axisValues(spec.x)[i])}, η = ${formatValue(axisValues(spec.y)[j])}`);
    expect(await textOf(page, 'atlas-readout', '[data-readout=class]')).toBe(CLASSES[CLASS_BY_CODE[grid.classes[j * 48 + i]]].label);
    const state = await textOf(page, 'atlas-readout', '[data-readout=state]');
    const k = j * 48 + i;
    const metrics = cellMetrics(spec.model);
    const ts = grid.metrics[k * metrics.length + metrics.findIndex((m) => m.id === 'tSettled')];
    expect(state).toBe(
      `final state at ${ts >= 0 ? `t_s = ${formatValue(ts)} (settled)` : 't = 300'}: w = ${formatValue(grid.finalState[3 * k])}, p = ${formatValue(grid.finalState[3 * k + 1])}, w_a = ${formatValue(grid.finalState[3 * k + 2])}`,
    );
    // A click (no drag) tells the page which cell was chosen, with its full parameter vector.
    await page.evaluate(() =>
      document.querySelector('atlas-explorer')!.addEventListener('cell-select', (e) => {
        const d = (e as CustomEvent<{ i: number; j: number; values: Float64Array }>).detail;
        (window as unknown as { __selected: unknown }).__selected = { i: d.i, j: d.j, values: Array.from(d.values) };
      }),
    );
    await page.mouse.click(box.x + px, box.y + py);
    const selected = await page.evaluate(() => (window as unknown as { __selected: unknown }).__selected);
    expect(selected).toEqual({ i, j, values: Array.from(cellValues(spec, axisValues(spec.x), axisValues(spec.y), i, j)) });
    // The click also opened the inspector (tests/web/explorer-extras.test.ts); Esc closes it off the map.
    await page.waitForFunction(() => !!document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector'));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-inspector'));
    // And those numbers are the f64 reference's for that cell, to f32 accuracy.
    const one = runSweepCpu({
      ...spec,
      x: { ...spec.x, min: axisValues(spec.x)[i], max: axisValues(spec.x)[i] + 1e-12, n: 2 },
      y: { ...spec.y, min: axisValues(spec.y)[j], max: axisValues(spec.y)[j] + 1e-12, n: 2 },
    });
    expect(grid.finalState[3 * k]).toBeCloseTo(one.finalState[0], 4);
    expect(grid.finalState[3 * k + 1]).toBeCloseTo(one.finalState[1], 4);
  });

  it('a metric layer repaints the same sweep in the colours the export gives it, with a colorbar', async () => {
    const before = await lastRunId(page);
    const grid = await finishedGrid(page);
    const model = specOf(grid.search).model;
    await pickLayer(page, 's');
    await waitDrawn(
      page,
      cellMetrics(model).findIndex((m) => m.id === 's'),
    );
    expect(await lastRunId(page)).toBe(before); // drawing only: no new sweep
    await page.screenshot({ path: `${kArtifacts}/metric-s.png` });
    expect(await exportMismatches(page, grid, 's', 'metric-s-canvas.png')).toEqual([]);
    expect(await textOf(page, 'atlas-legend', '[data-colorbar]')).toContain('s: final representation strength s = w²');
  });

  it("the engine's tSettled and steps layers render as exported: steps in log colours, a tSettled of −1 (ran to t_end) as never applied", async () => {
    const grid = await finishedGrid(page);
    const model = specOf(grid.search).model;
    const result = {
      spec: specOf(grid.search),
      nx: grid.nx,
      ny: grid.ny,
      classes: Uint8Array.from(grid.classes),
      metrics: Float32Array.from(grid.metrics),
    } as SweepResult;
    for (const id of ['steps', 'tSettled']) {
      await pickLayer(page, id);
      await waitDrawn(
        page,
        cellMetrics(model).findIndex((m) => m.id === id),
      );
      expect(await exportMismatches(page, grid, id, `metric-${id}-canvas.png`)).toEqual([]);
    }
    const steps = metricRange(result, 'steps');
    expect(steps.style.hi / steps.style.lo).toBeGreaterThan(10); // settled cells stop early, the rest run to t_end
    expect([steps.style.log, steps.missing]).toEqual([true, 0]);
    const tSettled = metricRange(result, 'tSettled');
    expect(tSettled.missing).toBeGreaterThan(0);
    expect(tSettled.missing).toBeLessThan(48 * 48);
    expect(await textOf(page, 'atlas-legend')).toContain('never applied (ran to t_end)');
    await pickLayer(page, 'steps');
    await waitDrawn(
      page,
      cellMetrics(model).findIndex((m) => m.id === 'steps'),
    );
    expect(await textOf(page, 'atlas-legend', '[data-colorbar]')).toContain('log colour scale');
    // Back to the class map for the tests that follow.
    await pickLayer(page, 'class');
    await waitDrawn(page, 'class');
  });

  it('a dragged box recomputes that region at full resolution, its URL restores the same grid, and zoom back / forward return to each', async () => {
    const unzoomed = await finishedGrid(page);
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    // p0 ∈ [0.03, 0.3], η ∈ [0.045, 0.165]: across the boundary.
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height * 0.45);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.85, { steps: 5 });
    await page.mouse.up();
    runId = await waitDone(page, runId);
    await page.screenshot({ path: `${kArtifacts}/zoomed.png` });
    const zoomed = await finishedGrid(page);
    const spec = specOf(zoomed.search);
    expect([spec.x.n, spec.y.n]).toEqual([48, 48]);
    expect(spec.x.min).toBeGreaterThan(0.02);
    expect(spec.x.max).toBeLessThan(0.32);
    expect(spec.y.min).toBeGreaterThan(0.035);
    expect(spec.y.max).toBeLessThan(0.175);
    expect(new Set(zoomed.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    expect(zoomed.search).toMatch(/[?&]zoom=/);
    const { page: copy, errors: copyErrors } = await openExplorer(browser, `${url}${zoomed.search}`);
    await waitDone(copy);
    const restored = await finishedGrid(copy);
    expect(restored.search).toBe(zoomed.search);
    expect(restored.classes).toEqual(zoomed.classes);
    expect(restored.finalState).toEqual(zoomed.finalState);
    expect(copyErrors).toEqual([]);
    await copy.close();
    // Zoom history: back recomputes the slice before the box, forward the box again, bit for bit.
    const click = async (name: string) => (await deep(page, `button[name="${name}"]`)).evaluate((b) => (b as HTMLButtonElement).click());
    const enabled = async (name: string) =>
      (await deep(page, `button[name="${name}"]`)).evaluate((b) => !(b as HTMLButtonElement).disabled);
    expect([await enabled('zoom-back'), await enabled('zoom-forward')]).toEqual([true, false]);
    await click('zoom-back');
    runId = await waitDone(page, runId);
    const back = await finishedGrid(page);
    expect(back.search).toBe(unzoomed.search);
    expect(back.classes).toEqual(unzoomed.classes);
    expect([await enabled('zoom-back'), await enabled('zoom-forward')]).toEqual([false, true]);
    await click('zoom-forward');
    runId = await waitDone(page, runId);
    const forward = await finishedGrid(page);
    expect(forward.search).toBe(zoomed.search);
    expect(forward.classes).toEqual(zoomed.classes);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('after a device loss, mid-sweep or between sweeps, says so, recovers on a new device and redraws the same grid', async () => {
    const { page: lost, errors: lostErrors } = await openExplorer(browser, `${url}${kQuery}`);
    let id = await waitDone(lost);
    const reference = await finishedGrid(lost);
    type Sweep = { sweep: { run: { device: GPUDevice; phase: string }; losses: string[]; deviceGeneration: number } };
    // Mid-sweep, whatever the machine's speed: the device goes with the first submit of the new
    // sweep's fine phase, before any of its results can have been read back.
    await lost.evaluate(() => {
      const submit = GPUQueue.prototype.submit;
      GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) {
        submit.call(this, buffers);
        const run = (window as unknown as { __atlas: Sweep }).__atlas.sweep.run;
        if (run.phase !== 'fine') return;
        GPUQueue.prototype.submit = submit;
        run.device.destroy();
      };
    });
    await setField(lost, 'tEnd', '300'); // the same view again: a new sweep
    id = await waitDone(lost, id);
    const resumed = await finishedGrid(lost);
    expect(resumed.classes).toEqual(reference.classes);
    expect(resumed.finalState).toEqual(reference.finalState);
    expect(await paintedMismatches(lost, 48, 48, (i, j) => resumed.classes[j * 48 + i], 'after-loss-canvas.png')).toEqual([]);
    // Between sweeps: the finished grid moves to a new device and is drawn again.
    await lost.evaluate(() => (window as unknown as { __atlas: Sweep }).__atlas.sweep.run.device.destroy());
    await lost.waitForFunction(() => (window as unknown as { __atlas: Sweep }).__atlas.sweep.deviceGeneration === 2);
    await waitDrawn(lost, 'class');
    expect(await paintedMismatches(lost, 48, 48, (i, j) => resumed.classes[j * 48 + i], 'after-idle-loss-canvas.png')).toEqual([]);
    const losses = await lost.evaluate(() => (window as unknown as { __atlas: Sweep }).__atlas.sweep.losses);
    expect(losses).toHaveLength(2);
    for (const m of losses) expect(m).toMatch(/^The GPU device was lost \(destroyed(: .*)?\); recovering on a new device…$/);
    expect(await lost.evaluate(() => document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('[role=status]'))).toBeNull();
    expect(lostErrors).toEqual([]);
    await lost.close();
  });

  it('the presets menu lists every preset of every model and choosing one sets the view', async () => {
    const { page: menu, errors: menuErrors } = await openExplorer(browser, `${url}${kQuery}`);
    const buttons = await menu.evaluate(() =>
      Array.from(
        document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-presets')!.shadowRoot!.querySelectorAll('button'),
      ).map((b) => b.dataset.preset),
    );
    expect(buttons).toEqual(models.flatMap((m) => m.presets.map((p) => `${m.id}/${p.id}`)));
    const last = models.at(-1)!;
    const preset = last.presets.at(-1)!;
    const button = await deep(menu, 'atlas-presets', `[data-preset="${last.id}/${preset.id}"]`);
    expect(await button.evaluate((b) => b.textContent)).toContain(preset.caption);
    await button.evaluate((b) => (b as HTMLButtonElement).click());
    await menu.waitForFunction((id) => new URL(location.href).searchParams.get('model') === id, {}, last.id);
    const spec = specOf(await menu.evaluate(() => location.search));
    expect([spec.x.param, spec.x.min, spec.x.max, spec.x.n]).toEqual([
      preset.spec.x.param,
      preset.spec.x.min,
      preset.spec.x.max,
      preset.spec.x.n,
    ]);
    expect([spec.y.param, spec.y.min, spec.y.max, spec.y.n]).toEqual([
      preset.spec.y.param,
      preset.spec.y.min,
      preset.spec.y.max,
      preset.spec.y.n,
    ]);
    expect(spec.integrator.tEnd).toBe(preset.spec.integrator?.tEnd ?? last.defaults.tEnd);
    if (last.status === 'reconstruction') expect(await textOf(menu, '[data-status=reconstruction]')).toContain(last.note);
    expect(menuErrors).toEqual([]);
    await menu.close();
  });

  it('a malformed URL is named and the page falls back to the defaults', async () => {
    const { page: bad } = await openExplorer(browser, `${url}?model=tian-l2&x=p0:0:1:1.5:linear&y=weightDecay:0:0.3:48:linear`);
    await bad.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'));
    expect(await textOf(bad, '[role=alert]')).toBe('URL: x.n: must be an integer ≥ 2 (got 1.5)');
    const fallback = specOf(await bad.evaluate(() => location.search));
    expect([fallback.x.param, fallback.x.n]).toEqual([models[0].presets[0].spec.x.param, models[0].presets[0].spec.x.n]);
    await bad.goto(`${url}?model=nope`);
    await bad.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'));
    expect(await textOf(bad, '[role=alert]')).toBe(`URL: model: unknown model "nope" (known: ${models.map((m) => m.id).join(', ')})`);
    await bad.close();
  });

  it('without WebGPU says what is missing and how to enable it', async () => {
    const plain = await puppeteer.launch({
      executablePath: chromiumPath,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-features=WebGPU,Vulkan', '--no-first-run'],
    });
    try {
      const page = await plain.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'), {
        timeout: 60_000,
      });
      const alert = await textOf(page, '[role=alert]');
      expect(alert).toMatch(/^WebGPU (is not available in this browser|is present but no adapter was found)/);
      expect(alert).toContain('--enable-unsafe-webgpu');
      expect(alert).toContain('chrome://flags/#enable-unsafe-webgpu');
      await page.screenshot({ path: `${kArtifacts}/no-webgpu.png` });
    } finally {
      await plain.close();
    }
  });
});
