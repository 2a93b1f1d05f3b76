import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { compareResults, type Comparison, type ResolvedCompare } from '../../src/sweep/compare.js';
import type { ComparePreset } from '../../src/sweep/compare-presets.js';
import { compareFigureSize, compareFigureSvg, compareSummary, diffCategories, diffResult } from '../../src/export/compare-figure.js';
import { compareFiles } from '../../src/export/compare.js';
import { layerColors } from '../../src/export/layer.js';
import { CLASSES, type ClassId } from '../../src/models/types.js';
import { classColor, classPaletteIds } from '../../src/export/palette.js';
import { appearanceFromQuery, themeChoices, withAppearance, type Appearance } from '../state/appearance.js';
import { ThemeController } from '../controllers/theme-controller.js';
import { controlStyles } from './control-styles.js';
import type { SweepResult } from '../../src/engine/result.js';
import { SweepController, kEnableWebGpu, progressText } from '../controllers/sweep-controller.js';
import { compareFromQuery } from '../state/compare-url.js';
import { explorerModels, urlModelProblem } from '../state/user-model.js';
import { download, svgToPng } from './atlas-export.js';
import './atlas-heatmap.js';

const kPanel = 360;

/**
 * Two sweeps side by side on the same axes (`?compare=<preset>` or `?compare=custom&spec=…`), each
 * drawn live from its GPU grid, and a third panel marking the cells whose class differs once both
 * are done. `comparison` and both results are kept for the exports and the tests. The theme and the
 * class palette are the explorer's (`theme=`, `palette=` in the URL; the PNG export follows them).
 */
@customElement('atlas-compare')
export class AtlasCompare extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: block; padding: 12px 16px; color: var(--atlas-fg); }
    h1 { font-size: 20px; margin: 0 0 4px; }
    a { color: var(--atlas-accent); }
    .caption { color: var(--atlas-muted); font-size: 14px; margin: 0 0 8px; }
    .look { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 4px 0 8px; }
    .panels { display: flex; gap: 28px; align-items: flex-start; flex-wrap: wrap; }
    .panel { width: ${kPanel + 70}px; }
    .panel h2 { font-size: 15px; margin: 0 0 4px; min-height: 2.6em; }
    .note { font-size: 12px; color: var(--atlas-note); max-width: ${kPanel + 60}px; }
    canvas.diff { width: ${kPanel}px; height: ${kPanel}px; image-rendering: pixelated; border: 1px solid var(--atlas-border); margin-left: 56px; }
    .swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px; vertical-align: middle; border: 1px solid var(--atlas-border); }
    .error { color: var(--atlas-error); white-space: pre-wrap; }
    .status { font-size: 13px; color: var(--atlas-muted); }
  `,
  ];

  @state() error?: string;
  @state() comparison?: Comparison;
  cmp?: ResolvedCompare;
  preset?: ComparePreset;
  results: [SweepResult?, SweepResult?] = [];
  readonly a = new SweepController(this);
  readonly b = new SweepController(this);
  /** Theme and class palette from the URL (the side panel of the explorer has no meaning here). */
  @state() appearance!: Appearance;
  private readonly theme = new ThemeController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // With `file=`, web/main.ts has compiled the model file first: a side may name it.
    const parsed = compareFromQuery(location.search, explorerModels());
    const { appearance, error } = appearanceFromQuery(location.search);
    this.appearance = appearance;
    this.theme.set(appearance.theme);
    const fileProblem = urlModelProblem()?.message;
    if (parsed.error !== undefined) this.error = fileProblem ? `URL: ${fileProblem}\n${parsed.error}` : parsed.error;
    else [this.cmp, this.preset] = [parsed.cmp, parsed.preset];
    if (error && !this.error) this.error = error;
    (globalThis as { __atlasCompare?: unknown }).__atlasCompare = this;
  }

  override firstUpdated(): void {
    if (!this.cmp) return;
    if (!('gpu' in navigator)) {
      this.error = `WebGPU is not available in this browser (navigator.gpu is missing). ${kEnableWebGpu}`;
      return;
    }
    this.a.start(this.cmp.a);
    this.b.start(this.cmp.b);
  }

  override updated(): void {
    const ra = this.a.run?.phase === 'done' ? this.a.run.result : undefined;
    const rb = this.b.run?.phase === 'done' ? this.b.run.result : undefined;
    if (ra && rb && !this.comparison) {
      this.results = [ra, rb];
      this.comparison = compareResults(ra, rb);
    }
    if (this.comparison && this.results[0]) this.paintDiff(this.results[0], this.comparison);
  }

  private paintDiff(a: SweepResult, c: Comparison): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.diff');
    if (!canvas || canvas.dataset.painted === 'yes') return;
    [canvas.width, canvas.height] = [c.nx, c.ny];
    const { rgb } = layerColors(diffResult(a, c), 'class', diffCategories);
    const image = new ImageData(c.nx, c.ny);
    for (let p = 0; p < c.nx * c.ny; p++) image.data.set([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2], 255], 4 * p);
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    canvas.dataset.painted = 'yes';
  }

  /** The three-panel figure as PNG, diff.npy and compare.json (both sides' files come from the explorer). */
  private async exportFile(kind: 'png' | 'diff' | 'json'): Promise<void> {
    const [a, b] = this.results;
    const c = this.comparison;
    if (!a || !b || !c || !this.cmp) return;
    try {
      if (kind === 'png') {
        const look = { theme: this.theme.theme, palette: this.appearance.palette };
        const svg = new TextEncoder().encode(compareFigureSvg(this.cmp, a, b, c, look));
        download('compare.png', await svgToPng({ name: 'compare.svg', type: 'image/svg+xml', bytes: svg, ...compareFigureSize }));
        return;
      }
      const files = compareFiles(this.cmp, c);
      const name = kind === 'diff' ? 'diff.npy' : 'compare.json';
      download(name, new Blob([files[name] as BlobPart], { type: kind === 'diff' ? 'application/octet-stream' : 'application/json' }));
    } catch (e) {
      this.error = `export failed: ${(e as Error).message}`;
    }
  }

  private side(name: 'a' | 'b', ctrl: SweepController) {
    const spec = name === 'a' ? this.cmp!.a : this.cmp!.b;
    const run = ctrl.run;
    return html`<section class="panel" data-side=${name}>
      <h2>${name} · ${spec.model.title}</h2>
      ${spec.model.status === 'reconstruction' ? html`<p class="note">Reconstruction: ${spec.model.note}</p>` : ''}
      ${ctrl.error ? html`<p class="error" role="alert">${ctrl.error}</p>` : ''}
      <atlas-heatmap .run=${run} .size=${kPanel} .palette=${this.appearance.palette}></atlas-heatmap>
      <p class="status">${run?.phase === 'done' ? 'done' : run ? `${run.phase}: ${progressText(run.progress, spec.integrator.tEnd)}` : 'starting…'}</p>
    </section>`;
  }

  /** A new theme or palette: shown, and written to the URL (nothing recomputes). */
  private setAppearance(change: Partial<Appearance>): void {
    this.appearance = { ...this.appearance, ...change };
    this.theme.set(this.appearance.theme);
    history.replaceState(null, '', withAppearance(location.search, this.appearance));
  }

  private lookControls() {
    const pick = (key: 'theme' | 'palette') => (e: Event) => this.setAppearance({ [key]: (e.target as HTMLSelectElement).value });
    return html`<div class="look">
      <label>theme <select name="theme" @change=${pick('theme')}>
        ${themeChoices.map((t) => html`<option value=${t} ?selected=${t === this.appearance.theme}>${t === 'auto' ? 'auto (system)' : t}</option>`)}</select></label>
      <label>classes <select name="palette" @change=${pick('palette')}>
        ${classPaletteIds.map((p) => html`<option value=${p} ?selected=${p === this.appearance.palette}>${p === 'okabe-ito' ? 'colour-blind safe (Okabe–Ito)' : 'default colours'}</option>`)}</select></label>
    </div>`;
  }

  override render() {
    if (!this.cmp) {
      return html`<h1>Compare</h1><p class="error" role="alert">${this.error}</p><p><a href="?">back to the explorer</a></p>`;
    }
    const c = this.comparison;
    const used = new Set(this.results.flatMap((r) => (r ? Array.from(new Set(r.classes)) : [])));
    return html`
      <h1>${this.cmp.title}</h1>
      ${this.preset ? html`<p class="caption">${this.preset.caption}</p>` : ''}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p><a href=${withAppearance('?', this.appearance)}>← explorer</a></p>
      ${this.lookControls()}
      <div class="panels">
        ${this.side('a', this.a)}
        ${this.side('b', this.b)}
        <section class="panel" data-side="diff">
          <h2>cells whose class differs</h2>
          <canvas class="diff"></canvas>
          <p class="status" data-status="compare">${c ? compareSummary(c) : 'waiting for both sweeps…'}</p>
          <div>${diffCategories.map((k) => html`<span class="swatch" style="background:${k.color}"></span>${k.label}`)}</div>
          <p>export
            <button data-export="png" ?disabled=${!c} @click=${() => this.exportFile('png')}>PNG</button>
            <button data-export="diff" ?disabled=${!c} @click=${() => this.exportFile('diff')}>diff.npy</button>
            <button data-export="json" ?disabled=${!c} @click=${() => this.exportFile('json')}>compare.json</button>
          </p>
        </section>
      </div>
      <div>${(Object.entries(CLASSES) as [ClassId, (typeof CLASSES)[ClassId]][])
        .filter(([, k]) => used.has(k.code))
        .map(
          ([id, k]) =>
            html`<span class="swatch" data-class=${id} style="background:${classColor(id, this.appearance.palette)}"></span>${k.label}`,
        )}</div>`;
  }
}
