// The publication figure and raw.png, in Node from the f64 runner's results.
import { afterAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromiumFlags, chromiumPath } from '../support/browser.js';
import { decode } from 'fast-png';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { figureSvg } from '../../src/export/figure.js';
import { rawPng } from '../../src/export/layer.js';
import { CLASSES, CLASS_BY_CODE, CLASS_PENDING } from '../../src/models/types.js';
import { kNotComputedColor, kPendingColor } from '../../src/export/palette.js';

const nx = 10;
const ny = 8;
const tian = runSweepCpu(
  parseSpec({
    model: 'tian-l2',
    x: { param: 'p0', min: 0, max: 0.9, n: nx },
    y: { param: 'weightDecay', min: 0.02, max: 0.3, n: ny },
    integrator: { dt: 0.1, tEnd: 300 },
  }),
);

const texts = (svg: string, cls: string) =>
  [...svg.matchAll(new RegExp(`<text [^>]*class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
const rgbOf = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)![1];

describe('figureSvg', () => {
  const svg = figureSvg(tian, { layer: 'class', subtitle: 'P1 · test' });

  it('labels the axes with ticks and paper symbols', () => {
    expect(texts(svg, 'tick-x')).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8']);
    expect(texts(svg, 'tick-y')).toEqual(['0.05', '0.10', '0.15', '0.20', '0.25', '0.30']);
    expect(texts(svg, 'axis-x')).toEqual(['p₀ (initial predictor eigenvalue)']);
    expect(texts(svg, 'axis-y')).toEqual(['η (weight decay)']);
    expect(texts(svg, 'title')).toEqual(['Tian et al. 2021 — L2 loss eigenmode dynamics (BYOL/SimSiam)']);
    expect(texts(svg, 'subtitle')).toEqual(['P1 · test']);
    expect(texts(svg, 'summary')[0]).toMatch(/^10×8 cells · σ² = 0, α_p = 1, .* · rk4, dt = 0\.1, t_end = 300, early exit tol = 1e-6$/);
    expect(svg).not.toContain('reconstruction');
  });

  it('has a legend entry for each class present and none for absent ones', () => {
    const present = CLASS_BY_CODE.filter((id) => tian.classes.includes(CLASSES[id].code));
    expect(present).toEqual(['collapsed', 'non-collapsed']);
    expect(texts(svg, 'legend-entry')).toEqual(['collapsed', 'non-collapsed']);
  });

  it('draws the closed-form overlays where they belong: η_c = 1/4 is a horizontal line', () => {
    const lines = [...svg.matchAll(/<polyline class="overlay"[^>]*>/g)].map((m) => m[0]);
    expect(lines.map((l) => attr(l, 'data-id')).sort()).toEqual(['eta-c', 'eta-star']);
    expect(texts(svg, 'legend-overlay')[0]).toMatch(/^η_c = τ²\/\(4\(1\+σ²\)\)/);
    // Plot rows span y0 = 86 … y1 = 620 − 58; the y domain runs half a cell beyond 0.02 and 0.3.
    const h = (0.5 * (0.3 - 0.02)) / (ny - 1);
    const expectedY = 562 - ((0.25 - (0.02 - h)) / (0.3 - 0.02 + 2 * h)) * (562 - 86);
    const ys = attr(lines.find((l) => attr(l, 'data-id') === 'eta-c')!, 'points')
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(ys.length).toBeGreaterThan(1);
    for (const y of ys) expect(y).toBeCloseTo(expectedY, 1);
  });

  it('embeds the class map as a PNG with one pixel per cell, largest y on top', () => {
    const href = /<image class="heatmap"[^>]*href="data:image\/png;base64,([^"]+)"/.exec(svg)![1];
    const png = decode(Uint8Array.from(atob(href), (c) => c.charCodeAt(0)));
    expect([png.width, png.height, png.channels]).toEqual([nx, ny, 3]);
    const topLeft = tian.classes[(ny - 1) * nx];
    expect(Array.from(png.data.subarray(0, 3))).toEqual(rgbOf(CLASSES[CLASS_BY_CODE[topLeft]].color));
  });

  it('a metric layer gets a viridis colorbar with units instead of the class legend', () => {
    const m = figureSvg(tian, { layer: 'collapseTime', overlays: false });
    expect(m).toContain('<rect class="colorbar"');
    expect(texts(m, 'colorbar-units')).toEqual(['units: flow time']);
    expect(texts(m, 'colorbar-tick').length).toBeGreaterThanOrEqual(3);
    expect(texts(m, 'legend-entry')).toEqual(['never applied']);
    expect(m).not.toContain('class="overlay"');
    expect(() => figureSvg(tian, { layer: 'bogus' })).toThrow(
      'layer "bogus" is neither "class" nor a metric of tian-l2 (s, tauEff, collapseTime, tSettled, steps)',
    );
  });

  it('log axes get ticks at 1, 2 × 10^k; a reconstruction model gets the badge', () => {
    const r = runSweepCpu(
      parseSpec({
        model: 'bao-cosine',
        x: { param: 'predictorLr', min: 0.1, max: 10, n: 4, scale: 'log' },
        y: { param: 'weightDecay', min: 0.05, max: 0.3, n: 3 },
        integrator: { dt: 0.1, tEnd: 5 },
      }),
    );
    const s = figureSvg(r, { layer: 'class' });
    expect(texts(s, 'tick-x')).toEqual(['0.1', '0.2', '1', '2', '10', '20']);
    // 1 is the geometric middle of 0.1 … 10: the middle of the plot (x0 = 78, x1 = 900 − 250 − 18).
    expect(Number(/<text x="([\d.]+)"[^>]*class="tick-x"[^>]*>1<\/text>/.exec(s)![1])).toBeCloseTo((78 + 632) / 2, 1);
    expect(texts(s, 'axis-x')[0]).toMatch(/, log scale$/);
    expect(s).toMatch(/<g class="badge">.*reconstruction/s);
  });
});

describe('rawPng', () => {
  it('decodes to nx × ny with each cell in its class colour, y ascending upward', () => {
    const png = decode(rawPng(tian, 'class'));
    expect([png.width, png.height, png.channels, png.depth]).toEqual([nx, ny, 3, 8]);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = ((ny - 1 - j) * nx + i) * 3;
        expect(Array.from(png.data.subarray(k, k + 3))).toEqual(rgbOf(CLASSES[CLASS_BY_CODE[tian.classes[j * nx + i]]].color));
      }
    }
  });

  it('a metric maps its smallest value to viridis(0) and its largest to viridis(1)', () => {
    const png = decode(rawPng(tian, 's'));
    const s = Array.from({ length: nx * ny }, (_, c) => tian.metrics[c * 5]);
    const at = (c: number) => {
      const i = c % nx;
      const j = (c - i) / nx;
      const k = ((ny - 1 - j) * nx + i) * 3;
      return Array.from(png.data.subarray(k, k + 3));
    };
    expect(at(s.indexOf(Math.min(...s)))).toEqual([0x44, 0x01, 0x54]);
    expect(at(s.indexOf(Math.max(...s)))).toEqual([0xfd, 0xe7, 0x25]);
  });
});

describe('the export colours as the explorer does (src/export/palette.ts)', () => {
  it('a metric layer paints a refined run\'s inherited cells "not computed" and names them; pending cells are the pending grey', () => {
    const computed = new Uint8Array(nx * ny).fill(1);
    computed[0] = 0;
    const metrics = Float32Array.from(tian.metrics);
    metrics.fill(NaN, 0, 5); // an inherited cell's metrics are NaN (refine.ts)
    const refined = { ...tian, computed, metrics };
    const png = decode(rawPng(refined, 's'));
    const bottomLeft = (ny - 1) * nx * 3;
    expect(Array.from(png.data.subarray(bottomLeft, bottomLeft + 3))).toEqual(rgbOf(kNotComputedColor));
    expect(texts(figureSvg(refined, { layer: 's' }), 'legend-entry')).toEqual(['not computed (inherited from its block)']);
    // The class map shows the class it inherited, as on screen.
    const cls = decode(rawPng(refined, 'class'));
    expect(Array.from(cls.data.subarray(bottomLeft, bottomLeft + 3))).toEqual(rgbOf(CLASSES[CLASS_BY_CODE[tian.classes[0]]].color));
    const pending = decode(rawPng({ ...tian, classes: Uint8Array.from(tian.classes).fill(CLASS_PENDING, 0, 1) }, 'class'));
    expect(Array.from(pending.data.subarray(bottomLeft, bottomLeft + 3))).toEqual(rgbOf(kPendingColor));
  });
});

describe('figure.png: the uncertainty hatch', () => {
  let browser: Browser | undefined;
  afterAll(() => browser?.close());
  // Cell (2, 3) flips at rtol/100, (7, 5) in f64: both hatched; every other cell plain.
  const uncertain = new Uint8Array(nx * ny);
  uncertain[3 * nx + 2] = 1;
  uncertain[5 * nx + 7] = 2;
  const svg = figureSvg({ ...tian, uncertain }, { layer: 'class', overlays: false });

  it('covers exactly the uncertain cells with the hatch path and names it in the legend', () => {
    // The plot spans x 78…632 and y 86…562: cells are 55.4 × 59.5 px, row 0 at the bottom.
    const d = /<path class="uncertain" d="([^"]+)"/.exec(svg)![1];
    expect(d).toBe('M188.80,324.00h55.40v59.50h-55.40zM465.80,205.00h55.40v59.50h-55.40z');
    expect(texts(svg, 'legend-uncertain')).toEqual(['uncertain: 2 cells']);
    expect(figureSvg(tian, { layer: 'class' })).not.toContain('class="uncertain"');
  });

  it("rasterised as the CLI's figure.png is, stripes fall inside the uncertain cells and nowhere else", async () => {
    browser = await puppeteer.launch({ executablePath: chromiumPath, args: chromiumFlags() });
    const page = await browser.newPage();
    await page.setViewport({ width: 900, height: 620, deviceScaleFactor: 1 });
    await page.setContent(`<body style="margin:0"><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body>`);
    await page.waitForFunction(() => document.querySelector('img')!.complete);
    const png = decode(await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 900, height: 620 } }));
    const dark = (i: number, j: number) => {
      const cx = Math.round(78 + (i + 0.5) * 55.4);
      const cy = Math.round(562 - (j + 0.5) * 59.5);
      let count = 0;
      for (let y = cy - 20; y <= cy + 20; y++) {
        for (let x = cx - 20; x <= cx + 20; x++) {
          const k = (y * png.width + x) * png.channels;
          if (Math.max(png.data[k], png.data[k + 1], png.data[k + 2]) < 100) count++;
        }
      }
      return count;
    };
    const hatched: string[] = [];
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (dark(i, j) > 0) hatched.push(`${i},${j}`);
    expect(hatched).toEqual(['2,3', '7,5']);
    // Stripes 4 px apart, 1.5 px wide: their anti-aliased cores make about a tenth of the cell near black.
    expect(dark(2, 3) / (41 * 41)).toBeGreaterThan(0.05);
  }, 60_000);
});
