import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { explorerModels, findModel, setUserModel, urlModelProblem, userModel } from '../state/user-model.js';
import { viewForUserModel, type UserModelChange } from '../state/user-view.js';
import { cellMetrics } from '../../src/models/types.js';
import type { SweepResult } from '../../src/engine/result.js';
import type { OverlayCurve } from '../../src/models/types.js';
import { SweepController, kEnableWebGpu } from '../controllers/sweep-controller.js';
import { viewFromQuery, viewToQuery } from '../state/url.js';
import type { ResolvedSpec } from '../../src/sweep/spec.js';
import { viewFromPreset, viewToSpec, type View, type ZoomBox } from '../state/view.js';
import { classPaletteIds, metricStyle } from '../../src/export/palette.js';
import { statusLine } from '../state/status-line.js';
import { appearanceFromQuery, nextChoice, themeChoices, withAppearance, type Appearance } from '../state/appearance.js';
import { PlotSizeController } from '../controllers/plot-size-controller.js';
import { ThemeController } from '../controllers/theme-controller.js';
import { ShortcutController } from '../controllers/shortcut-controller.js';
import { controlStyles } from './control-styles.js';
import { ZoomHistory } from '../state/zoom-history.js';
import type { CellDetail, ZoomRequest } from './atlas-heatmap.js';
import './shoelace.js';
import './atlas-controls.js';
import './atlas-heatmap.js';
import './atlas-legend.js';
import './atlas-presets.js';
import './atlas-readout.js';
import './atlas-inspector.js';
import './atlas-export.js';
import './atlas-present-caption.js';
import './atlas-shortcuts.js';
import './atlas-timelapse.js';
import { TimelapseController, animationSource, timelapseReason, timelapseSource } from '../controllers/timelapse-controller.js';
import { AnimationController, animatable, type AnimationRequest } from '../controllers/animation-controller.js';
import { frameFromQuery, withFrame } from '../state/frame.js';
import { PresentationController } from '../controllers/presentation-controller.js';

/** Fields of a view that only change how the grid is drawn, not what is computed. */
const kDrawOnly = new Set(['layer', 'overlays', 'computedOverlay']);
/** What the palette menu calls each class palette. */
const kPaletteNames: Record<(typeof classPaletteIds)[number], string> = {
  default: 'default colours',
  'okabe-ito': 'colour-blind safe (Okabe–Ito)',
};
/** Every preset of every model, the user model's last, in the presets menu's order (the `n` and `p` keys step through it). */
const allPresets = () => explorerModels().flatMap((m) => m.presets.map((p) => ({ model: m.id, preset: p.id })));

/** Where in allPresets() a URL's `preset` (`id` of `model`, or `model/id`) is; −1 for none. */
function presetIndex(search: string): number {
  const q = new URLSearchParams(search);
  const [model, preset] = (q.get('preset') ?? '').includes('/')
    ? q.get('preset')!.split('/')
    : [q.get('model') ?? explorerModels()[0].id, q.get('preset')];
  return allPresets().findIndex((p) => p.model === model && p.preset === preset);
}

/** The cell a trajectory preset opens the inspector on (Preset.inspect), with its model's id. */
interface PendingInspect {
  model: string;
  axes: [string, string];
  x: number;
  y: number;
  afterRun: number;
}

function presetInspect({ model, preset }: { model: string; preset: string }, afterRun: number): PendingInspect | undefined {
  const p = findModel(model)?.presets.find((q) => q.id === preset);
  return p?.inspect && { model, axes: [p.spec.x.param, p.spec.y.param], ...p.inspect, afterRun };
}

/**
 * The explorer page: composes the controls, presets, heatmap, legend and readout around one `View`
 * (mirrored in the URL) and one SweepController. `result` is the latest finished full grid.
 * @fires cell-select - (from atlas-heatmap, bubbling) detail: { i, j, values }
 */
@customElement('atlas-explorer')
export class AtlasExplorer extends LitElement {
  static override styles = [
    controlStyles,
    css`
    /* The map is the page: a side panel of controls (collapsible, scrolling on its own) and a main column the map fills. */
    :host { display: grid; grid-template-columns: clamp(300px, 24vw, 380px) minmax(0, 1fr); min-height: 100vh; }
    :host([panel='closed']) { grid-template-columns: minmax(0, 1fr); }
    :host([panel='closed']) aside { display: none; }
    /* z-index: the panel's tooltips and menus (hoisted, position: fixed) open over the map's positioned labels. */
    aside { z-index: 2; position: sticky; top: 0; height: 100vh; overflow: hidden auto; box-sizing: border-box; padding: 12px 12px 24px;
      background: var(--atlas-panel); border-right: 1px solid var(--atlas-border); }
    main { min-width: 0; padding: 10px 20px 24px; box-sizing: border-box; }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin-bottom: 4px; }
    h1 { font-size: 20px; margin: 0; flex: 1 1 auto; min-width: 0; }
    .note { font-size: 13px; color: var(--atlas-note); margin: 2px 0 6px; }
    .error { color: var(--atlas-error); font-size: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
    .status { font-size: 13px; color: var(--atlas-muted); font-variant-numeric: tabular-nums; margin: 2px 0 6px; overflow-wrap: anywhere; }
    .zoom { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    .zoom small { color: var(--atlas-muted); }
    .below { display: grid; grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr); gap: 8px 24px; align-items: start; }
    details.editor summary { font-weight: 600; cursor: pointer; padding: 4px 0; }
    :host([presenting]) details.editor { display: none; }
    .controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
    .controls label { display: inline-flex; align-items: center; gap: 6px; }
    .controls sl-select[name='theme'] { width: 10em; }
    .controls sl-select[name='palette'] { width: 17em; }
    atlas-heatmap { max-width: 100%; }
    /* Presentation mode: the whole window (the fallback when full screen is refused), large type, no controls. */
    :host([presenting]) { position: fixed; inset: 0; z-index: 4; background: var(--atlas-bg); grid-template-columns: 1fr; padding: 2vh 2vw; font-size: 20px; }
    :host([presenting]) :is(aside, .zoom, .controls, atlas-readout, [name='panel'], [name='help']) { display: none; }
    :host([presenting]) main { max-width: 62vw; }
    /* The time scrubber stays, readable from the back of the room. */
    :host([presenting]) atlas-timelapse { font-size: clamp(24px, 1.5vw, 40px); margin-top: 0.5em; }
  `,
  ];

  @state() view!: View;
  /** A malformed URL, named; the page falls back to defaults. */
  @state() private urlError?: string;
  /** What parseSpec says is wrong with the current controls (no sweep runs then). */
  @state() private specError?: string;
  @state() private hover: CellDetail | null = null;
  /** Theme, class palette and side panel (web/state/appearance.ts), kept in the URL beside the view. */
  @state() private appearance!: Appearance;
  @state() private helpOpen = false;
  /** The model editor's chunk (it brings mathjs's parser) is loaded when the editor is first opened. */
  @state() private editorReady = false;
  /** The preset last chosen (menu or keys), where `n` and `p` step from. */
  private presetAt = -1;
  private readonly plot = new PlotSizeController(this);
  private readonly theme = new ThemeController(this);
  private readonly shortcuts = new ShortcutController(this, {
    help: () => (this.helpOpen = !this.helpOpen),
    nextLayer: () => this.stepLayer(1),
    previousLayer: () => this.stepLayer(-1),
    classMap: () => this.apply({ ...this.view, layer: 'class' }, false),
    overlays: () => this.apply({ ...this.view, overlays: !this.view.overlays }, false),
    computedOverlay: () => this.apply({ ...this.view, computedOverlay: !this.view.computedOverlay }, false),
    nextPreset: () => this.stepPreset(1),
    previousPreset: () => this.stepPreset(-1),
    zoomBack: () => {
      if (this.zooms.canBack) this.zoomTo(this.zooms.goBack(this.view.zoom));
    },
    zoomForward: () => {
      if (this.zooms.canForward) this.zoomTo(this.zooms.goForward(this.view.zoom));
    },
    zoomReset: () => this.resetZoom(),
    panel: () => this.setAppearance({ panel: this.appearance.panel === 'open' ? 'closed' : 'open' }),
    theme: () => this.setAppearance({ theme: nextChoice(themeChoices, this.appearance.theme) }),
    palette: () => this.setAppearance({ palette: nextChoice(classPaletteIds, this.appearance.palette) }),
    play: () => this.timelapse.toggle(this.sweep.run),
    nextFrame: () => this.timelapse.show(this.sweep.run, (this.timelapse.frame ?? Infinity) + 1),
    previousFrame: () =>
      this.timelapse.show(this.sweep.run, (this.timelapse.frame ?? this.timelapse.source(this.sweep.run)?.count ?? 1) - 1),
  });
  /** The time-lapse frame on screen, kept in the URL as `frame=` (absent: the end state). */
  /** A parameter animation of the run on screen (its frames replace the time-lapse's until dropped). */
  private readonly animation = new AnimationController(this);
  private readonly timelapse = new TimelapseController(
    this,
    (run) => animationSource(run, this.animation.animation) ?? timelapseSource(run),
    (frame, source) => history.replaceState(null, '', withFrame(location.search, source.kind === 'time' ? frame : undefined)),
  );
  /** A `frame=` of the URL, shown once the first sweep has finished. */
  private pendingFrame?: number;
  /** The latest finished full-resolution result (the inspector and exports read it). */
  result?: SweepResult;
  readonly sweep = new SweepController(this);
  private readonly zooms = new ZoomHistory();
  /** The cell under inspection (a `cell-select` from the heatmap). */
  @state() private inspected?: { i: number; j: number; values: Float64Array };
  /** A trajectory preset's cell (x, y parameter values): inspected once its sweep has finished. */
  private pendingInspect?: PendingInspect;
  private readonly presentation = new PresentationController(this, (e, { n }) => {
    const view = viewFromPreset(e.model, e.preset);
    this.inspected = undefined;
    this.zooms.clear();
    this.apply(n ? { ...view, x: { ...view.x, n }, y: { ...view.y, n } } : view, true);
  });

  override connectedCallback(): void {
    super.connectedCallback();
    const { view, error } = viewFromQuery(location.search);
    const { appearance, error: appearanceError } = appearanceFromQuery(location.search);
    this.view = view;
    this.urlError = [error, appearanceError].filter(Boolean).join('\n') || undefined;
    this.appearance = appearance;
    this.presetAt = presetIndex(location.search);
    if (this.presetAt >= 0) this.pendingInspect = presetInspect(allPresets()[this.presetAt], 0);
    this.pendingFrame = frameFromQuery(location.search);
    this.theme.set(appearance.theme);
    this.setAttribute('panel', appearance.panel);
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

  /**
   * Shows `view`, writes it to the URL and, unless only the drawing changed, starts its sweep. Any
   * view after the first replaces the one a malformed URL fell back to: its error goes.
   */
  private apply(view: View, sweep: boolean, first = false): void {
    if (!first) this.urlError = undefined;
    this.view = view;
    const checked = viewToSpec(view);
    this.specError = checked.error;
    // A new sweep starts at its end state; a redraw keeps the frame on screen.
    if (checked.spec && sweep) {
      this.timelapse.reset();
      this.animation.cancel();
    }
    history.replaceState(
      null,
      '',
      withFrame(withAppearance(viewToQuery(view), this.appearance), first ? this.pendingFrame : this.timelapse.frame),
    );
    if (checked.spec && sweep) this.sweep.start(checked.spec);
  }

  private onPatch(e: CustomEvent<Partial<View>>): void {
    const patch = e.detail;
    if (patch.model && patch.model !== this.view.model) {
      this.zooms.clear();
      this.apply(patch as View, true);
      return;
    }
    this.apply(
      { ...this.view, ...patch },
      Object.keys(patch).some((k) => !kDrawOnly.has(k)),
    );
  }

  private onPreset(e: CustomEvent<{ model: string; preset: string }>): void {
    this.showPreset(allPresets().findIndex((p) => p.model === e.detail.model && p.preset === e.detail.preset));
  }

  private showPreset(k: number): void {
    const { model: id, preset } = allPresets()[k];
    const model = findModel(id)!;
    this.presetAt = k;
    this.inspected = undefined;
    // The run on screen may be of the same model: only a run started from here on will do.
    this.pendingInspect = presetInspect(allPresets()[k], this.sweep.run?.id ?? 0);
    this.zooms.clear();
    this.apply(viewFromPreset(model, model.presets.find((p) => p.id === preset)!), true);
  }

  /** The preset `delta` after the last one chosen (from the current model's first when none was). */
  private stepPreset(delta: number): void {
    const all = allPresets();
    const from = this.presetAt >= 0 ? this.presetAt : all.findIndex((p) => p.model === this.view.model) - (delta > 0 ? 1 : 0);
    this.showPreset((from + delta + all.length) % all.length);
  }

  /** A model file the editor compiled: it becomes the user model and runs (web/state/user-view.ts says in which view). */
  private onUserModel(e: CustomEvent<UserModelChange>): void {
    setUserModel(e.detail.user);
    const view = viewForUserModel(this.view, e.detail.user.model, e.detail.fresh);
    if (view !== this.view) this.zooms.clear();
    this.apply(view, true);
  }

  private async openEditor(e: Event): Promise<void> {
    if (!(e.target as HTMLDetailsElement).open || this.editorReady) return;
    await import('./atlas-model-editor.js');
    this.editorReady = true;
  }

  /** Computes a parameter animation of the run on screen (undefined: drops it, back to the time-lapse). */
  private async animateParameter(request: AnimationRequest | undefined): Promise<void> {
    const run = this.sweep.run;
    this.timelapse.reset();
    this.animation.cancel();
    this.timelapse.show(run, undefined);
    if (!request) return;
    await this.animation.start(run, request);
    if (this.animation.animation && this.sweep.run === run) this.timelapse.show(run, 0);
  }

  private stepLayer(delta: number): void {
    const layers = ['class', ...cellMetrics(findModel(this.view.model)!).map((m) => m.id)];
    this.apply({ ...this.view, layer: nextChoice(layers, this.view.layer, delta) }, false);
  }

  /** A new theme, palette or panel state: applied, and written to the URL (nothing recomputes). */
  private setAppearance(change: Partial<Appearance>): void {
    this.appearance = { ...this.appearance, ...change };
    this.theme.set(this.appearance.theme);
    this.setAttribute('panel', this.appearance.panel);
    history.replaceState(null, '', withAppearance(location.search, this.appearance));
  }

  /**
   * A box dragged on the map, kept inside the slice on screen, or a wheel zoom or pan, kept inside the
   * axes' full range (where it reaches all of it, the zoom goes); a box with no extent is ignored.
   */
  private onZoomBox(e: CustomEvent<ZoomRequest>): void {
    const spec = this.sweep.run?.spec;
    if (!spec) return;
    const within = e.detail.kind === 'view' ? this.view : spec;
    const clamp = (a: { min: number; max: number }, [lo, hi]: [number, number]): [number, number] => [
      Math.max(lo, a.min),
      Math.min(hi, a.max),
    ];
    const zoom = { x: clamp(within.x, e.detail.x), y: clamp(within.y, e.detail.y) };
    if (!(zoom.x[0] < zoom.x[1] && zoom.y[0] < zoom.y[1])) return;
    const whole = (a: { min: number; max: number }, [lo, hi]: [number, number]) =>
      Math.abs(lo - a.min) + Math.abs(hi - a.max) <= 1e-9 * (a.max - a.min);
    this.zooms.push(this.view.zoom);
    this.zoomTo(whole(this.view.x, zoom.x) && whole(this.view.y, zoom.y) ? undefined : zoom);
  }

  private resetZoom(): void {
    if (!this.view.zoom) return;
    this.zooms.push(this.view.zoom);
    this.zoomTo(undefined);
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

  override updated(): void {
    const run = this.sweep.run;
    if (run?.phase === 'done' && run.result) this.result = run.result;
    const want = this.pendingInspect;
    // Only on the preset's own slice: a URL that fell back to another view (its error shown) gets none.
    const spec = run?.phase === 'done' && run.id > (want?.afterRun ?? 0) ? run.result?.spec : undefined;
    if (want && spec) this.pendingInspect = undefined;
    if (want && spec && spec.model.id === want.model && spec.x.param === want.axes[0] && spec.y.param === want.axes[1]) {
      const values = Float64Array.from(spec.values);
      values[spec.y.index] = want.y;
      values[spec.x.index] = want.x;
      this.inspected = { i: -1, j: -1, values };
    }
    if (run?.phase === 'done' && this.pendingFrame !== undefined && this.timelapse.source(run)) {
      const k = this.pendingFrame;
      this.pendingFrame = undefined;
      this.timelapse.show(run, k);
    }
    this.timelapse.repaint(run);
    this.plot.observe(this.renderRoot.querySelector('main'));
  }

  override render() {
    const view = this.view;
    const model = findModel(view.model)!;
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
        <atlas-presets .models=${explorerModels()} @preset-select=${this.onPreset}></atlas-presets>
        <atlas-controls .view=${view} @view-patch=${this.onPatch}></atlas-controls>
      </aside>
      <main>
        <header>
          <button name="panel" aria-expanded=${this.appearance.panel === 'open'} title="hide or show the controls (b)"
            @click=${() => this.shortcuts.run('panel')}>${this.appearance.panel === 'open' ? '◀ controls' : 'controls ▶'}</button>
          <h1>${model.title}</h1>
          <button name="help" title="keyboard shortcuts (?)" @click=${() => (this.helpOpen = true)}>? keys</button>
        </header>
        ${model.status === 'reconstruction' ? html`<p class="note" data-status="reconstruction">${/^reconstruction/i.test(model.note) ? '' : 'Reconstruction: '}${model.note}</p>` : html`<p class="note">${model.note}</p>`}
        ${errors.map((m) => html`<p class="error" role="alert">${m}</p>`)}
        ${this.sweep.notice ? html`<p class="error" role="status">${this.sweep.notice}</p>` : ''}
        <div class="zoom">
          <button name="zoom-back" ?disabled=${!this.zooms.canBack} @click=${() => this.zoomTo(this.zooms.goBack(view.zoom))}>◀ zoom back</button>
          <button name="zoom-forward" ?disabled=${!this.zooms.canForward} @click=${() => this.zoomTo(this.zooms.goForward(view.zoom))}>zoom forward ▶</button>
          <button name="zoom-reset" ?disabled=${!view.zoom} @click=${() => this.resetZoom()}>reset</button>
          <small>drag a box on the map to zoom · wheel to zoom · shift-drag to pan · click a cell to inspect it</small>
        </div>
        <atlas-heatmap .run=${run} .metric=${metric} ?showComputed=${view.computedOverlay} .uncertain=${run?.phase === 'done' ? run.result?.uncertain : undefined} .palette=${this.appearance.palette}
          .size=${this.presentation.active ? Math.round(Math.min(innerHeight * 0.7, innerWidth * 0.5)) : 480}
          .plotWidth=${this.presentation.active || !this.plot.width ? undefined : this.plot.width} .plotHeight=${this.presentation.active || !this.plot.height ? undefined : this.plot.height} .overlays=${view.overlays ? curves : []}
          .bounds=${view} .showing=${this.timelapse.frame === undefined ? '' : `frame ${this.timelapse.frame}`} @cell-hover=${(e: CustomEvent<CellDetail | null>) => (this.hover = e.detail)} @zoom-box=${this.onZoomBox}></atlas-heatmap>
        <atlas-timelapse ?large=${this.presentation.active} .source=${this.timelapse.source(run)} .frame=${this.timelapse.frame} ?playing=${this.timelapse.playing} .reason=${timelapseReason(run)}
          .params=${run?.phase === 'done' ? animatable(run) : []} .computing=${this.animation.progress()} .error=${this.animation.error}
          @frame-change=${(e: CustomEvent<number>) => this.timelapse.show(run, e.detail)} @play-toggle=${() => this.timelapse.toggle(run)}
          @animate=${(e: CustomEvent<AnimationRequest>) => this.animateParameter(e.detail)} @animate-off=${() => this.animateParameter(undefined)}></atlas-timelapse>
        <p class="status" data-status="progress">${statusLine(run)}</p>
        <div class="below">
          <atlas-legend .model=${current?.model ?? model} .layer=${view.layer} .metric=${metric} .curves=${curves} .overlays=${view.overlays} .palette=${this.appearance.palette}
            .refine=${run?.phase === 'done' ? run.result?.refine : undefined} ?computedOverlay=${view.computedOverlay} .uncertain=${run?.phase === 'done' ? run.result?.uncertain : undefined} @view-patch=${this.onPatch}></atlas-legend>
          <atlas-readout .run=${run} .phase=${run?.phase} .cell=${this.hover}></atlas-readout>
        </div>
        <p class="controls">
          <atlas-export .result=${run?.phase === 'done' ? run.result : undefined} .frames=${this.timelapse.source(run)} .layer=${view.layer} .overlays=${view.overlays}
            .theme=${this.theme.theme} .palette=${this.appearance.palette}></atlas-export>
          <label>theme <sl-select size="small" hoist name="theme" .value=${this.appearance.theme} @sl-change=${(e: Event) => this.setAppearance({ theme: (e.target as HTMLSelectElement).value as Appearance['theme'] })}>
            ${themeChoices.map((t) => html`<sl-option value=${t}>${t === 'auto' ? 'auto (system)' : t}</sl-option>`)}</sl-select></label>
          <label>classes <sl-select size="small" hoist name="palette" .value=${this.appearance.palette} @sl-change=${(e: Event) => this.setAppearance({ palette: (e.target as HTMLSelectElement).value as Appearance['palette'] })}>
            ${classPaletteIds.map((p) => html`<sl-option value=${p}>${kPaletteNames[p]}</sl-option>`)}</sl-select></label>
          <button data-present @click=${() => this.presentation.enter({ model: view.model, preset: new URLSearchParams(location.search).get('preset') })}>present</button>
        </p>
        ${
          this.inspected && this.result
            ? html`<atlas-inspector .model=${this.result.spec.model} .values=${this.inspected.values} .palette=${this.appearance.palette}
          .run=${this.result.spec} @inspector-close=${() => (this.inspected = undefined)}></atlas-inspector>`
            : ''
        }
        <details class="editor" ?open=${!!(userModel() || urlModelProblem())} @toggle=${this.openEditor}><summary>Model editor: your own model as a model file</summary>
          ${this.editorReady ? html`<atlas-model-editor .initialText=${userModel()?.text ?? urlModelProblem()?.text ?? ''} @user-model=${this.onUserModel}></atlas-model-editor>` : ''}</details>
        ${this.presentation.entry ? html`<atlas-present-caption .entry=${this.presentation.entry} .index=${this.presentation.index} .count=${this.presentation.entries.length}></atlas-present-caption>` : ''}
        ${this.presentation.error ? html`<p class="error" role="alert">${this.presentation.error}</p>` : ''}
      </main>
      ${this.helpOpen ? html`<atlas-shortcuts @shortcuts-close=${() => (this.helpOpen = false)}></atlas-shortcuts>` : ''}`;
  }
}
