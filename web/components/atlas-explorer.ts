import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { getModel } from '../../src/models/registry.js';
import type { SweepResult } from '../../src/engine/result.js';
import type { OverlayCurve } from '../../src/models/types.js';
import { SweepController, kEnableWebGpu, progressText } from '../controllers/sweep-controller.js';
import { viewFromQuery, viewToQuery } from '../state/url.js';
import type { ResolvedSpec } from '../../src/sweep/spec.js';
import { viewFromPreset, viewToSpec, type View, type ZoomBox } from '../state/view.js';
import { metricStyle } from '../../src/export/palette.js';
import { cellEnds, stepStats } from '../../src/export/grid.js';
import { ZoomHistory } from '../state/zoom-history.js';
import type { CellDetail } from './atlas-heatmap.js';
import './atlas-controls.js';
import './atlas-heatmap.js';
import './atlas-legend.js';
import './atlas-presets.js';
import './atlas-readout.js';
import './atlas-inspector.js';
import './atlas-export.js';
import './atlas-present-caption.js';
import { PresentationController } from '../controllers/presentation-controller.js';

/** Fields of a view that only change how the grid is drawn, not what is computed. */
const kDrawOnly = new Set(['layer', 'overlays', 'computedOverlay']);

/**
 * The explorer page: composes the controls, presets, heatmap, legend and readout around one `View`
 * (mirrored in the URL) and one SweepController. `result` is the latest finished full grid.
 * @fires cell-select - (from atlas-heatmap, bubbling) detail: { i, j, values }
 */
@customElement('atlas-explorer')
export class AtlasExplorer extends LitElement {
  static override styles = css`
    :host { display: grid; grid-template-columns: 420px 1fr; gap: 16px; padding: 12px 16px; }
    h1 { font-size: 20px; margin: 0 0 4px; }
    .note { font-size: 13px; color: #7a4b00; }
    .error { color: #b00020; font-size: 14px; white-space: pre-wrap; }
    .status { font-size: 13px; color: #444; font-variant-numeric: tabular-nums; }
    .zoom button { margin-right: 4px; }
    /* Presentation mode: the whole window (the fallback when full screen is refused), large type, no controls. */
    :host([presenting]) { position: fixed; inset: 0; z-index: 4; background: #fff; grid-template-columns: 1fr; padding: 2vh 2vw; font-size: 20px; }
    :host([presenting]) :is(aside, .zoom, .controls, atlas-readout) { display: none; }
    :host([presenting]) main { max-width: 62vw; }
  `;

  @state() view!: View;
  /** A malformed URL, named; the page falls back to defaults. */
  @state() private urlError?: string;
  /** What parseSpec says is wrong with the current controls (no sweep runs then). */
  @state() private specError?: string;
  @state() private hover: CellDetail | null = null;
  /** The latest finished full-resolution result (the inspector and exports read it). */
  result?: SweepResult;
  readonly sweep = new SweepController(this);
  private readonly zooms = new ZoomHistory();
  /** The cell under inspection (a `cell-select` from the heatmap). */
  @state() private inspected?: { i: number; j: number; values: Float64Array };
  private readonly presentation = new PresentationController(this, (e, { n }) => {
    const view = viewFromPreset(e.model, e.preset);
    this.inspected = undefined;
    this.zooms.clear();
    this.apply(n ? { ...view, x: { ...view.x, n }, y: { ...view.y, n } } : view, true);
  });

  override connectedCallback(): void {
    super.connectedCallback();
    const { view, error } = viewFromQuery(location.search);
    this.view = view;
    this.urlError = error;
    (globalThis as { __atlas?: unknown }).__atlas = this;
    this.addEventListener('cell-select', (e) => (this.inspected = (e as CustomEvent).detail));
  }

  override firstUpdated(): void {
    if (!('gpu' in navigator)) {
      this.sweep.error = `WebGPU is not available in this browser (navigator.gpu is missing). ${kEnableWebGpu}`;
      this.requestUpdate();
      return;
    }
    this.apply(this.view, true, true);
  }

  override updated(): void {
    const run = this.sweep.run;
    if (run?.phase === 'done' && run.result) this.result = run.result;
  }

  /**
   * Shows `view`, writes it to the URL and, unless only the drawing changed, starts its sweep. Any
   * view after the first replaces the one a malformed URL fell back to: its error goes.
   */
  private apply(view: View, sweep: boolean, first = false): void {
    if (!first) this.urlError = undefined;
    this.view = view;
    history.replaceState(null, '', viewToQuery(view));
    const checked = viewToSpec(view);
    this.specError = checked.error;
    if (checked.spec && sweep) this.sweep.start(checked.spec);
  }

  private onPatch(e: CustomEvent<Partial<View>>): void {
    const patch = e.detail;
    if (patch.model && patch.model !== this.view.model) {
      this.zooms.clear();
      this.apply(patch as View, true);
      return;
    }
    this.apply({ ...this.view, ...patch }, Object.keys(patch).some((k) => !kDrawOnly.has(k)));
  }

  private onPreset(e: CustomEvent<{ model: string; preset: string }>): void {
    const model = getModel(e.detail.model)!;
    this.zooms.clear();
    this.apply(viewFromPreset(model, model.presets.find((p) => p.id === e.detail.preset)!), true);
  }

  /** A box dragged on the map, kept inside the slice on screen; a box with no extent is ignored. */
  private onZoomBox(e: CustomEvent<ZoomBox>): void {
    const spec = this.sweep.run?.spec;
    if (!spec) return;
    const clamp = (a: ResolvedSpec['x'], [lo, hi]: [number, number]): [number, number] => [Math.max(lo, a.min), Math.min(hi, a.max)];
    const zoom = { x: clamp(spec.x, e.detail.x), y: clamp(spec.y, e.detail.y) };
    if (!(zoom.x[0] < zoom.x[1] && zoom.y[0] < zoom.y[1])) return;
    this.zooms.push(this.view.zoom);
    this.apply({ ...this.view, zoom }, true);
  }

  private zoomTo(zoom: ZoomBox | undefined): void {
    const view = { ...this.view };
    if (zoom) view.zoom = zoom;
    else delete view.zoom;
    this.apply(view, true);
  }

  private curveCache?: { spec: ResolvedSpec; curves: OverlayCurve[] };

  /** Closed forms can be costly (bisection): once per sweep, not per progress tick. */
  private curvesFor(spec: ResolvedSpec): OverlayCurve[] {
    if (this.curveCache?.spec !== spec) {
      const axis = (a: ResolvedSpec['x']) => ({ param: a.param, min: a.min, max: a.max });
      this.curveCache = { spec, curves: spec.model.overlays({ x: axis(spec.x), y: axis(spec.y), values: spec.values }) };
    }
    return this.curveCache.curves;
  }

  private statusLine() {
    const run = this.sweep.run;
    if (!run) return '';
    const { tEnd } = run.spec.integrator;
    if (run.phase === 'done' && run.result) {
      const r = run.result;
      const ends = cellEnds(r);
      const steps = stepStats(r);
      const refined = ends.inherited !== undefined ? ` (refined: ${r.nx * r.ny - ends.inherited} integrated, ${ends.inherited} inherited)` : '';
      return `done: ${r.nx}×${r.ny} cells${refined}, ${ends.settled} settled early, ${ends.ranToTEnd} ran to t = ${tEnd}${ends.divergedOrStiff ? `, ${ends.divergedOrStiff} diverged or stiff` : ''}; ${steps.total.toExponential(2)} step attempts (${steps.meanPerCell.toFixed(0)} per cell) in ${(r.timings.ms / 1000).toFixed(2)} s on ${r.backend}`;
    }
    if (run.refined && run.phase === 'fine') return `refining ${run.spec.x.n}×${run.spec.y.n}: round ${run.refined.rounds}, ${run.refined.computed} cells integrated · ${progressText(run.progress, tEnd)}`;
    const pass = run.phase === 'coarse' ? `coarse pass ${run.coarseSpec!.x.n}×${run.coarseSpec!.y.n}` : `full grid ${run.spec.x.n}×${run.spec.y.n}`;
    return `${pass}: ${progressText(run.progress, tEnd)}`;
  }

  override render() {
    const view = this.view;
    const model = getModel(view.model)!;
    const run = this.sweep.run;
    const spec = run?.spec;
    const cpu = run?.result ?? run?.coarseResult;
    const metric = spec ? metricStyle(spec.model, view.layer, cpu) : undefined;
    // A family's sweep runs its concrete model (e.g. halvagal-isoloss at M = 16): compare by id.
    const current = spec?.model.id === model.id ? spec : undefined;
    const curves = current ? this.curvesFor(current) : [];
    const errors = [this.urlError, this.specError, this.sweep.error].filter(Boolean);
    return html`
      <aside>
        <atlas-presets @preset-select=${this.onPreset}></atlas-presets>
        <atlas-controls .view=${view} @view-patch=${this.onPatch}></atlas-controls>
      </aside>
      <main>
        <h1>${model.title}</h1>
        ${model.status === 'reconstruction' ? html`<p class="note" data-status="reconstruction">${/^reconstruction/i.test(model.note) ? '' : 'Reconstruction: '}${model.note}</p>` : html`<p class="note">${model.note}</p>`}
        ${errors.map((m) => html`<p class="error" role="alert">${m}</p>`)}
        ${this.sweep.notice ? html`<p class="error" role="status">${this.sweep.notice}</p>` : ''}
        <div class="zoom">
          <button name="zoom-back" ?disabled=${!this.zooms.canBack} @click=${() => this.zoomTo(this.zooms.goBack(view.zoom))}>◀ zoom back</button>
          <button name="zoom-forward" ?disabled=${!this.zooms.canForward} @click=${() => this.zoomTo(this.zooms.goForward(view.zoom))}>zoom forward ▶</button>
          <button name="zoom-reset" ?disabled=${!view.zoom} @click=${() => { this.zooms.push(view.zoom); this.zoomTo(undefined); }}>reset</button>
          <small>drag a box on the map to zoom</small>
        </div>
        <atlas-heatmap .run=${run} .metric=${metric} ?showComputed=${view.computedOverlay} .uncertain=${run?.phase === 'done' ? run.result?.uncertain : undefined} .size=${this.presentation.active ? Math.round(Math.min(innerHeight * 0.7, innerWidth * 0.5)) : 480} .overlays=${view.overlays ? curves : []}
          @cell-hover=${(e: CustomEvent<CellDetail | null>) => (this.hover = e.detail)} @zoom-box=${this.onZoomBox}></atlas-heatmap>
        <p class="status" data-status="progress">${this.statusLine()}</p>
        <atlas-readout .run=${run} .phase=${run?.phase} .cell=${this.hover}></atlas-readout>
        <atlas-legend .model=${current?.model ?? model} .layer=${view.layer} .metric=${metric} .curves=${curves} ?overlays=${view.overlays}
          .refine=${run?.phase === 'done' ? run.result?.refine : undefined} ?computedOverlay=${view.computedOverlay} .uncertain=${run?.phase === 'done' ? run.result?.uncertain : undefined} @view-patch=${this.onPatch}></atlas-legend>
        <p class="controls">
          <atlas-export .result=${run?.phase === 'done' ? run.result : undefined} .layer=${view.layer} ?overlays=${view.overlays}></atlas-export>
          <button data-present @click=${() => this.presentation.enter({ model: view.model, preset: new URLSearchParams(location.search).get('preset') })}>present</button>
        </p>
        ${this.inspected && this.result ? html`<atlas-inspector .model=${this.result.spec.model} .values=${this.inspected.values}
          .run=${this.result.spec} @inspector-close=${() => (this.inspected = undefined)}></atlas-inspector>` : ''}
        ${this.presentation.entry ? html`<atlas-present-caption .entry=${this.presentation.entry} .index=${this.presentation.index} .count=${this.presentation.entries.length}></atlas-present-caption>` : ''}
        ${this.presentation.error ? html`<p class="error" role="alert">${this.presentation.error}</p>` : ''}
      </main>`;
  }
}
