// Refinement in the built explorer (issue 11): the toggle in the URL, progressive rounds into the
// grid the heatmap draws, the computed-cells overlay, "not computed" metric cells and the uncertainty
// hatch, each read from the canvas's pixels against the engine's read-back result.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { canvasPixels, cellCentre, deep, heatmapCanvas, openExplorer, textOf, waitDone, waitDrawn } from '../support/explorer-page.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import { UNCERTAIN_PRECISION, UNCERTAIN_TOLERANCE, type SweepResult } from '../../src/engine/result.js';
import { layerColors } from '../../src/export/layer.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { kInheritedFade, kNotComputedColor } from '../../src/export/palette.js';

const kArtifacts = 'test-artifacts/explorer';
const n = 64;
const kQuery = `?model=tian-l2&preset=weight-decay-threshold&n=${n}&tEnd=300&overlays=off&refine=8:0.05:1`;
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
const near = (a: number[], b: number[], tol = 2) => a.every((v, k) => Math.abs(v - b[k]) <= tol);
const classRgb = (code: number) => rgb(CLASSES[CLASS_BY_CODE[code]].color);
const faded = (c: number[]) => c.map((v) => v + (255 - v) * kInheritedFade);

type Refined = {
  classes: number[];
  computed: number[];
  metrics: number[];
  refine: { computed: number; inherited: number; sampleSize: number; disagreements: number; rounds: number };
  rounds: number;
};
const refined = (page: Page): Promise<Refined> =>
  page.evaluate(() => {
    type Run = {
      refined: { rounds: number };
      result: { classes: Uint8Array; computed: Uint8Array; metrics: Float32Array; refine: Refined['refine'] };
    };
    const { result, refined } = (window as unknown as { __atlas: { sweep: { run: Run } } }).__atlas.sweep.run;
    return {
      classes: Array.from(result.classes),
      computed: Array.from(result.computed),
      metrics: Array.from(result.metrics),
      refine: result.refine,
      rounds: refined.rounds,
    };
  });

/** Sets a view field through the page's own patch path (the same event the controls fire). */
const patchView = (page: Page, patch: object) =>
  page.evaluate((p) => {
    document
      .querySelector('atlas-explorer')!
      .shadowRoot!.querySelector('atlas-controls')!
      .dispatchEvent(new CustomEvent('view-patch', { detail: p, bubbles: true, composed: true }));
  }, patch);

/** The refined result as the export sees it (NaN metrics and `computed` included). */
const asResult = (g: Refined): SweepResult =>
  ({
    spec: parseSpec({ model: 'tian-l2', x: { param: 'p0', min: 0, max: 1, n }, y: { param: 'weightDecay', min: 0, max: 1, n } }),
    nx: n,
    ny: n,
    classes: Uint8Array.from(g.classes),
    metrics: Float32Array.from(g.metrics),
    computed: Uint8Array.from(g.computed),
  }) as SweepResult;

/** Cells whose painted colour is not the export's colour of the same result and layer. */
async function exportMismatches(page: Page, layer: string, shot: string): Promise<number[]> {
  const { rgb: want } = layerColors(asResult(grid), layer);
  const png = await canvasPixels(page, `${kArtifacts}/${shot}`);
  const bad: number[] = [];
  for (let c = 0; c < n * n; c++) {
    const [i, j] = [c % n, Math.floor(c / n)];
    const k = ((n - 1 - j) * n + i) * 3;
    if (!near(png.at(...cellCentre(png.width, png.height, n, n, i, j)), Array.from(want.subarray(k, k + 3)))) bad.push(c);
  }
  return bad;
}

let grid: Refined;

describe('refinement in the explorer', () => {
  let page: Page;
  let errors: string[];

  it('refine=coarse:verify:seed in the URL refines; every round went into the grid on screen', async () => {
    ({ page, errors } = await openExplorer(browser, `${url}${kQuery}`));
    await waitDone(page);
    grid = await refined(page);
    expect(grid.refine.computed + grid.refine.inherited).toBe(n * n);
    expect(grid.refine.inherited).toBeGreaterThan((n * n) / 2);
    expect(grid.rounds).toBe(grid.refine.rounds);
    expect(grid.computed.filter((c) => c === 0)).toHaveLength(grid.refine.inherited);
    expect(await (await deep(page, 'atlas-controls', '[name="refine"]')).evaluate((e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(new URL(page.url()).searchParams.get('refine')).toBe('8:0.05:1');
    await waitDrawn(page, 'class');
    expect(await exportMismatches(page, 'class', 'refine-class.png')).toEqual([]);
    expect(await textOf(page, 'atlas-legend', '[data-refine-counts]')).toBe(
      `${grid.refine.computed} computed / ${grid.refine.inherited} inherited / ${grid.refine.sampleSize} verification sample / ${grid.refine.disagreements} disagreements`,
    );
  });

  it('the computed-cells overlay fades exactly the inherited cells', async () => {
    await patchView(page, { computedOverlay: true });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('computed') === 'on');
    await waitDrawn(page, 'class', true);
    const png = await canvasPixels(page, `${kArtifacts}/refine-computed-overlay.png`);
    const counts = { computed: 0, inherited: 0, bad: 0 };
    for (let c = 0; c < n * n; c++) {
      const inherited = grid.computed[c] === 0;
      counts[inherited ? 'inherited' : 'computed']++;
      const want = inherited ? faded(classRgb(grid.classes[c])) : classRgb(grid.classes[c]);
      if (!near(png.at(...cellCentre(png.width, png.height, n, n, c % n, Math.floor(c / n))), want, 3)) counts.bad++;
    }
    expect(counts).toEqual({ computed: grid.refine.computed, inherited: grid.refine.inherited, bad: 0 });
    await patchView(page, { computedOverlay: false });
  });

  it('a metric layer paints inherited cells in the "not computed" colour, named in the legend and the readout', async () => {
    await patchView(page, { layer: 's' });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('layer') === 's');
    await waitDrawn(page, 0);
    // The export paints the same result the same way, not-computed cells included.
    expect(await exportMismatches(page, 's', 'refine-metric-s.png')).toEqual([]);
    const png = await canvasPixels(page, `${kArtifacts}/refine-metric-s.png`);
    let inheritedBad = 0;
    let computedGrey = 0;
    for (let c = 0; c < n * n; c++) {
      const painted = png.at(...cellCentre(png.width, png.height, n, n, c % n, Math.floor(c / n)));
      if (grid.computed[c] === 0) inheritedBad += near(painted, rgb(kNotComputedColor)) ? 0 : 1;
      else computedGrey += near(painted, rgb(kNotComputedColor)) ? 1 : 0;
    }
    expect([inheritedBad, computedGrey]).toEqual([0, 0]);
    expect(await textOf(page, 'atlas-legend', '[data-legend=not-computed]')).toBe('not computed (inherited from its block)');
    const c = grid.computed.indexOf(0);
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    const [px, py] = cellCentre(box.width, box.height, n, n, c % n, Math.floor(c / n));
    await page.mouse.move(box.x + px, box.y + py);
    await page.waitForFunction(() =>
      document
        .querySelector('atlas-explorer')
        ?.shadowRoot?.querySelector('atlas-readout')
        ?.shadowRoot?.querySelector('[data-readout=state]'),
    );
    expect(await textOf(page, 'atlas-readout', '[data-readout=state]')).toBe(
      `not computed (inherited from its block: ${CLASSES[CLASS_BY_CODE[grid.classes[c]]].label})`,
    );
    await patchView(page, { layer: 'class' });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('layer') === 'class');
  });

  it('uncertain cells are hatched on screen, and the readout says why', async () => {
    // Cells (10..13, 20..23) flip at rtol/100; cell (40, 40) flips in f64 and at rtol/100.
    const hatched = (i: number, j: number) => (i >= 10 && i < 14 && j >= 20 && j < 24) || (i === 40 && j === 40);
    await page.evaluate((nn) => {
      const atlas = (window as unknown as { __atlas: { sweep: { run: { result: { uncertain?: Uint8Array } } }; requestUpdate(): void } })
        .__atlas;
      const mask = new Uint8Array(nn * nn);
      for (let j = 20; j < 24; j++) for (let i = 10; i < 14; i++) mask[j * nn + i] = 1;
      mask[40 * nn + 40] = 3;
      atlas.sweep.run.result.uncertain = mask;
      atlas.requestUpdate();
    }, n);
    await page.waitForFunction(
      () =>
        !!document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-heatmap')!.shadowRoot!.querySelector('path.uncertain'),
    );
    const png = await canvasPixels(page, `${kArtifacts}/refine-uncertain.png`);
    // Each cell is 7.5 px square: a hatched one has a stripe pixel (dark) among its 5 × 5 inner pixels, the others none.
    const darkIn = (i: number, j: number) => {
      const [cx, cy] = cellCentre(png.width, png.height, n, n, i, j);
      let dark = 0;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (Math.max(...png.at(cx + dx, cy + dy)) < 128) dark++;
      return dark;
    };
    const wrong: string[] = [];
    for (let j = 16; j < 28; j++) for (let i = 6; i < 18; i++) if (darkIn(i, j) > 0 !== hatched(i, j)) wrong.push(`${i},${j}`);
    for (const [i, j] of [
      [40, 40],
      [39, 40],
      [41, 40],
    ])
      if (darkIn(i, j) > 0 !== hatched(i, j)) wrong.push(`${i},${j}`);
    expect(wrong).toEqual([]);
    expect(await textOf(page, 'atlas-legend', '[data-legend=uncertain]')).toBe(
      'uncertain: 17 cells whose class flips at rtol/100 or in f64 (hover for which)',
    );
    const box = (await (await heatmapCanvas(page)).boundingBox())!;
    for (const [i, j, why] of [
      [40, 40, 'uncertain: class flips at rtol/100; class flips in f64'],
      [11, 21, 'uncertain: class flips at rtol/100'],
    ] as const) {
      const [px, py] = cellCentre(box.width, box.height, n, n, i, j);
      await page.mouse.move(box.x + px, box.y + py);
      await page.waitForFunction(
        (w) =>
          document
            .querySelector('atlas-explorer')
            ?.shadowRoot?.querySelector('atlas-readout')
            ?.shadowRoot?.querySelector('[data-readout=uncertain]')?.textContent === w,
        {},
        why,
      );
    }
    expect(UNCERTAIN_TOLERANCE | UNCERTAIN_PRECISION).toBe(3);
  });

  it('the refine toggle off in the controls integrates every cell and says refine=off in the URL', async () => {
    const before = await page.evaluate(() => (window as unknown as { __atlas: { sweep: { run: { id: number } } } }).__atlas.sweep.run.id);
    const box = await deep(page, 'atlas-controls', '[name="refine"]');
    await box.evaluate((e) => (e as HTMLInputElement).click());
    await waitDone(page, before);
    expect(new URL(page.url()).searchParams.get('refine')).toBe('off');
    const full = await page.evaluate(() => {
      const r = (window as unknown as { __atlas: { sweep: { run: { result: { computed?: Uint8Array; refine?: unknown } } } } }).__atlas
        .sweep.run.result;
      return { computed: r.computed === undefined, refine: r.refine === undefined };
    });
    expect(full).toEqual({ computed: true, refine: true });
    expect(
      await page.evaluate(
        () =>
          !!document
            .querySelector('atlas-explorer')!
            .shadowRoot!.querySelector('atlas-legend')!
            .shadowRoot!.querySelector('[data-legend=computed]'),
      ),
    ).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
