import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { models } from '../../src/models/registry.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import { axisValues, cellValues, parseSpec } from '../../src/sweep/spec.js';
import { SweepController } from '../controllers/sweep-controller.js';
// [extras] inspector, export, presentation mode
import './atlas-inspector.js';
import './atlas-export.js';
import './atlas-present-caption.js';
import { PresentationController } from '../controllers/presentation-controller.js';

const rgba = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)).concat(255);
/** RGBA per class code, parsed once; cells not yet classified are grey. */
const kPalette = CLASS_BY_CODE.map((id) => rgba(CLASSES[id].color));
const kPending = rgba('#dddddd');

/**
 * A first explorer: pick a model and one of its presets, watch the class map fill in. The full
 * explorer (schema-driven controls, overlays, inspector, zoom, export) is issue 4.
 */
@customElement('atlas-explorer')
export class AtlasExplorer extends LitElement {
  static override styles = css`
    :host { display: block; padding: 16px; }
    canvas { image-rendering: pixelated; width: 512px; height: 512px; border: 1px solid #ccc; }
    .legend span { display: inline-block; margin-right: 12px; }
    .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; }
    .error { color: #b00020; }
    .label { font-size: 13px; color: #555; }
    /* [extras] presentation mode: full viewport (the fallback when full screen is refused), large type, controls hidden */
    :host([presenting]) { position: fixed; inset: 0; z-index: 4; background: #fff; padding: 2vh 2vw; font-size: 20px; }
    :host([presenting]) .controls { display: none; }
    :host([presenting]) canvas { width: min(80vh, 58vw); height: min(80vh, 58vw); }
  `;

  @state() private modelId = models[0].id;
  @state() private presetId = models[0].presets[0].id;
  /** Grid points per axis when the URL asks for fewer than the preset's (`?n=32`, for quick looks and tests). */
  private resolution?: number;
  private readonly sweep = new SweepController(this);
  // [extras] the cell under inspection (`cell-select` detail) and presentation mode
  @state() private inspected?: { i: number; j: number; values: Float64Array };
  private readonly presentation = new PresentationController(this, (e) => this.showPreset(e.model.id, e.preset.id));

  override connectedCallback(): void {
    super.connectedCallback();
    const query = new URLSearchParams(location.search);
    const model = models.find((m) => m.id === query.get('model'));
    if (model) {
      this.modelId = model.id;
      this.presetId = model.presets.find((p) => p.id === query.get('preset'))?.id ?? model.presets[0].id;
    }
    const n = Number(query.get('n'));
    if (Number.isInteger(n) && n >= 2) this.resolution = n;
    this.addEventListener('cell-select', (e) => (this.inspected = (e as CustomEvent).detail)); // [extras]
  }

  // [extras] stand-in for the rewritten page's `cell-select` (it emits the event itself on click)
  private onCanvasClick(e: MouseEvent): void {
    const r = this.sweep.result;
    if (!r) return;
    const box = (e.target as HTMLCanvasElement).getBoundingClientRect();
    const i = Math.min(r.nx - 1, Math.floor(((e.clientX - box.left) / box.width) * r.nx));
    const j = Math.min(r.ny - 1, Math.floor(((box.bottom - e.clientY) / box.height) * r.ny));
    const values = cellValues(r.spec, axisValues(r.spec.x), axisValues(r.spec.y), i, j);
    this.dispatchEvent(new CustomEvent('cell-select', { detail: { i, j, values } }));
  }

  // [extras] presentation mode shows a preset by ids
  private showPreset(modelId: string, presetId: string): void {
    this.modelId = modelId;
    this.presetId = presetId;
    this.inspected = undefined;
    if (this.hasUpdated) void this.run();
  }

  private get model() {
    return models.find((m) => m.id === this.modelId)!;
  }

  override firstUpdated(): void {
    if (!('gpu' in navigator)) {
      this.sweep.error = 'WebGPU is not available in this browser. Use a recent Chrome or Edge (on Linux start it with --enable-unsafe-webgpu).';
      this.requestUpdate();
      return;
    }
    void this.run();
  }

  private run(): Promise<void> {
    const { spec } = this.model.presets.find((p) => p.id === this.presetId)!;
    const n = this.resolution;
    const axes = n ? { x: { ...spec.x, n }, y: { ...spec.y, n } } : {};
    return this.sweep.start(parseSpec({ model: this.modelId, ...spec, ...axes }));
  }

  override updated(): void {
    const r = this.sweep.result ?? this.sweep.progress?.partial;
    const canvas = this.renderRoot.querySelector('canvas');
    if (!r || !canvas) return;
    canvas.width = r.nx;
    canvas.height = r.ny;
    const image = new ImageData(r.nx, r.ny);
    for (let j = 0; j < r.ny; j++) {
      for (let i = 0; i < r.nx; i++) {
        const rgba = kPalette[r.classes[j * r.nx + i]] ?? kPending;
        image.data.set(rgba, 4 * ((r.ny - 1 - j) * r.nx + i)); // y grows upwards
      }
    }
    canvas.getContext('2d')!.putImageData(image, 0, 0);
  }

  private onModel(e: Event): void {
    this.modelId = (e.target as HTMLSelectElement).value;
    this.presetId = this.model.presets[0].id;
    void this.run();
  }

  private onPreset(e: Event): void {
    this.presetId = (e.target as HTMLSelectElement).value;
    void this.run();
  }

  override render() {
    const model = this.model;
    const preset = model.presets.find((p) => p.id === this.presetId)!;
    const p = this.sweep.progress;
    const status = this.sweep.result
      ? `done: t = ${this.sweep.result.tReached.toFixed(0)} in ${(this.sweep.result.timings.ms / 1000).toFixed(1)} s on ${this.sweep.result.backend}`
      : p ? `t = ${p.t.toFixed(0)} / ${p.partial.spec.integrator.tEnd} (${(100 * p.fraction).toFixed(0)} %)` : 'starting…';
    return html`
      <h1 class="controls">Collapse Atlas</h1>
      <p class="controls">
        <label>model <select @change=${this.onModel}>${models.map((m) => html`<option value=${m.id} ?selected=${m.id === model.id}>${m.title}</option>`)}</select></label>
        <label>preset <select @change=${this.onPreset}>${model.presets.map((q) => html`<option value=${q.id} ?selected=${q.id === preset.id}>${q.title}</option>`)}</select></label>
        <button data-present @click=${() => this.presentation.enter({ model: this.modelId, preset: this.presetId })} title="full screen; ← → step through presets; Esc leaves">present</button>
      </p>
      ${model.status === 'reconstruction' ? html`<p class="label" data-status="reconstruction">${model.note}</p>` : ''}
      <p class="label controls">${preset.caption}</p>
      <canvas width="1" height="1" @click=${this.onCanvasClick}></canvas>
      <p class="legend">${model.classes.map((c) => html`<span><i class="swatch" style="background:${CLASSES[c].color}"></i>${CLASSES[c].label}</span>`)}</p>
      <p class="label">x: ${preset.spec.x.param}, y: ${preset.spec.y.param} (upwards) · ${status}</p>
      ${this.sweep.error ? html`<p class="error" role="alert">${this.sweep.error}</p>` : ''}
      <!-- [extras] export, inspector, presentation caption -->
      <p class="controls"><atlas-export .result=${this.sweep.result} layer="class" .subtitle=${preset.title}></atlas-export></p>
      ${this.inspected && this.sweep.result ? html`<atlas-inspector .model=${this.sweep.result.spec.model} .values=${this.inspected.values}
        .integrator=${this.sweep.result.spec.integrator} @inspector-close=${() => (this.inspected = undefined)}></atlas-inspector>` : ''}
      ${this.presentation.entry ? html`<atlas-present-caption .entry=${this.presentation.entry} .index=${this.presentation.index} .count=${this.presentation.entries.length}></atlas-present-caption>` : ''}
      ${this.presentation.error ? html`<p class="error" role="alert">${this.presentation.error}</p>` : ''}
    `;
  }
}
