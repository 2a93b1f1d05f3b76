import { LitElement, css, html, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { uncertainHatch } from '../../src/export/hatch.js';
import type { OverlayCurve } from '../../src/models/types.js';
import { axisValues, cellValues } from '../../src/sweep/spec.js';
import { FrameController } from '../controllers/frame-controller.js';
import { ViewGestureController } from '../controllers/view-gesture-controller.js';
import { extentOf, extentToBox, viewMatrix, type AxisExtentInput, type Extent } from '../render/view-transform.js';
import type { LiveRun } from '../controllers/sweep-controller.js';
import { axisScale, cellIndex } from '../render/axes.js';
import { HeatmapRenderer, type MetricStyle } from '../render/heatmap-renderer.js';
import { ZoomPictures } from '../render/zoom-pictures.js';
import type { ClassPaletteId } from '../../src/export/palette.js';

/** A zoom: `view` for a wheel zoom or a pan (kept inside the axes' full range), `box` for a dragged box. */
export interface ZoomRequest {
  x: [number, number];
  y: [number, number];
  kind: 'box' | 'view';
}

export interface CellDetail {
  i: number;
  j: number;
  /** The cell's full parameter vector (axis entries set), as the engine integrated it. */
  values: Float64Array;
}

/** Dash patterns told apart in print; the colour stays dark over every class colour. */
const kDashes = ['', '6 3', '2 3', '8 3 2 3'];
const kMargin = { left: 64, right: 12, top: 12, bottom: 44 };
const kDragPx = 4;
/**
 * While a sweep runs, frames wait at least this long and a few times the last frame's GPU time: on
 * SwiftShader every frame also costs a software composite of the page, taken from the integration.
 */
const kMinFrameMs = 100;
const kFrameCostFactor = 3;

/**
 * The live heatmap: a WebGPU canvas drawn from the run's GPU grids each frame they change, under an
 * SVG layer with the axes, the closed-form overlays and the zoom box.
 * @fires cell-hover - detail: CellDetail, or null when the pointer leaves the grid
 * @fires cell-select - detail: CellDetail, on a click that is not a zoom drag
 * @fires zoom-box - detail: ZoomRequest, { x: [lo, hi], y: [lo, hi] } in parameter values; on a
 *   dragged box, a wheel turn (once the wheel rests) and a shift- or middle-button drag (a pan)
 *
 * Instant zoom and pan: the picture on screen is redrawn through a view matrix (web/render/view-transform.ts)
 * the moment a gesture moves or a new run of another region of the same slice starts, and the new
 * run's cells replace it as they come; outside the old picture, the pending fill.
 */
@customElement('atlas-heatmap')
export class AtlasHeatmap extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; user-select: none; }
    /* One canvas pixel per cell, scaled by the compositor: the fragment work is nx·ny, not the CSS area. */
    canvas { position: absolute; image-rendering: pixelated; }
    svg { position: absolute; left: 0; top: 0; overflow: visible; font: 12px system-ui, sans-serif; }
    .plot { cursor: crosshair; }
    .tick text, .label { fill: var(--atlas-fg, #333); }
    .tick line, .frame { stroke: var(--atlas-fg, #333); }
    /* Overlays sit on the class colours, not on the page: dark with a light halo in either theme. */
    .curve { fill: none; stroke: #111; stroke-width: 2; }
    .halo { fill: none; stroke: #fff; stroke-opacity: 0.75; stroke-width: 4.5; }
    .box { fill: rgba(255, 255, 255, 0.25); stroke: #000; stroke-dasharray: 4 2; }
  `;

  @property({ attribute: false }) run?: LiveRun;
  @property({ attribute: false }) metric?: MetricStyle;
  @property({ attribute: false }) overlays: OverlayCurve[] = [];
  /** Plot side in CSS pixels, when the plot is square (the compare page, presentation mode). */
  @property({ type: Number }) size = 480;
  /** Plot width and height in CSS pixels, overriding `size`: the explorer fills the space it has. */
  @property({ type: Number }) plotWidth?: number;
  @property({ type: Number }) plotHeight?: number;
  /** Class colours (src/export/palette.ts kClassPalettes). */
  @property() palette: ClassPaletteId = 'default';
  /** The "computed cells" overlay: cells a refined run did not integrate are faded. */
  @property({ type: Boolean }) showComputed = false;
  /** SweepResult.uncertain of the finished run: hatched. */
  @property({ attribute: false }) uncertain?: Uint8Array;
  /** The axes' full range (the explorer's view), which wheel zoom and pan stay inside; none: no wheel zoom or pan. */
  @property({ attribute: false }) bounds?: { x: AxisExtentInput; y: AxisExtentInput };
  @state() private drag?: { x0: number; y0: number; x1: number; y1: number };
  /**
   * What the grid holds besides a run's end state (e.g. `frame 3` of the time-lapse), or empty: part
   * of the look, so a picture of a frame never stands in for another run's end state.
   */
  @property() showing = '';
  private readonly pictures = new ZoomPictures();
  private readonly gesture = new ViewGestureController(
    this,
    () => (this.bounds ? extentOf(this.bounds) : undefined),
    (extent) => {
      const spec = this.run?.spec;
      if (spec) this.emit('zoom-box', { ...extentToBox(extent, spec), kind: 'view' } satisfies ZoomRequest);
    },
  );

  private renderer?: HeatmapRenderer;
  private readonly frames = new FrameController(
    this,
    () => this.frameKey(),
    () => this.paint(),
  );

  private lastPaint = { at: -Infinity, gpuMs: 0 };

  private get w(): number {
    return this.plotWidth ?? this.size;
  }

  private get h(): number {
    return this.plotHeight ?? this.size;
  }

  /**
   * What the canvas shows: `runId/version/phase/layer/widthxheight/showComputed/palette`, layer `class` or `index:lo:hi:log`,
   * then `/view:…` while a wheel zoom or pan is shown; `runId/-/preview/…` for a run not yet on the GPU shown
   * through the picture it replaces (tests wait on it).
   */
  get frame(): string {
    return this.frames.drawn;
  }

  private look(): string {
    const m = this.metric;
    return `${m ? `${m.index}:${m.lo}:${m.hi}:${m.log}` : 'class'}/${this.w}x${this.h}/${this.showComputed}/${this.palette}${this.showing ? `/${this.showing}` : ''}`;
  }

  /** The region on screen: the gesture's while one lasts, else the run's. */
  private target(): Extent | undefined {
    return this.gesture.extent ?? (this.run ? extentOf(this.run.spec) : undefined);
  }

  private frameKey(): string | undefined {
    const r = this.run;
    const g = this.gesture.extent;
    const gestureKey = g ? `/view:${g.x.join(':')}:${g.y.join(':')}` : '';
    // A run not yet on the GPU (or held) shows the picture it replaces, moved to its region.
    if (r && (!r.fine || !r.device))
      return this.pictures.standIn(r.spec, this.look()) ? `${r.id}/-/preview/${this.look()}${gestureKey}` : undefined;
    if (!r?.fine || !r.device) return undefined;
    if (g) return `${r.id}/${r.version}/${r.phase}/${this.look()}${gestureKey}`;
    const wait = Math.max(kMinFrameMs, kFrameCostFactor * this.lastPaint.gpuMs);
    // The first frame with results and the final frame of a run are never held back.
    const held = r.phase !== 'done' && r.timeline.firstFrameAt !== undefined;
    if (held && performance.now() - this.lastPaint.at < wait) return undefined;
    return `${r.id}/${r.version}/${r.phase}/${this.look()}`;
  }

  private paint(): void {
    const r = this.run!;
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    if (!r.fine || !r.device) {
      const from = this.pictures.standIn(r.spec, this.look());
      if (this.renderer && from) this.renderer.present(canvas.width, canvas.height, viewMatrix(this.target()!, from));
      return;
    }
    // A run's grids move to a new device after a loss: the renderer follows them.
    if (this.renderer && this.renderer.device !== r.device) this.renderer.destroy();
    if (this.renderer?.device !== r.device) this.pictures.reset();
    const renderer = this.renderer?.device === r.device ? this.renderer : new HeatmapRenderer(r.device, canvas.getContext('webgpu')!);
    this.renderer = renderer;
    const under = this.pictures.beginDraw(r.id, r.spec, this.look(), () => renderer.keepImage());
    renderer.setPalette(this.palette);
    // The coarse pass shows through wherever the fine grid has not been reached yet.
    if (canvas.width !== r.fine.nx || canvas.height !== r.fine.ny) [canvas.width, canvas.height] = [r.fine.nx, r.fine.ny];
    const started = performance.now();
    renderer.draw(r.fine, r.phase === 'done' ? undefined : r.coarse, this.metric, canvas.width, canvas.height, this.showComputed, under);
    this.pictures.drew(r.id, r.spec, this.look());
    if (this.gesture.extent) renderer.present(canvas.width, canvas.height, viewMatrix(this.gesture.extent, extentOf(r.spec)));
    this.lastPaint = { at: started, gpuMs: this.lastPaint.gpuMs };
    const paint = this.lastPaint;
    void r.device.queue.onSubmittedWorkDone().then(() => (paint.gpuMs = performance.now() - started));
    const now = performance.now();
    if (r.version > 0) r.timeline.firstFrameAt ??= now;
    if (r.phase === 'done') r.timeline.fullFrameAt ??= now;
  }

  override updated(changed: Map<string, unknown>): void {
    if (['size', 'plotWidth', 'plotHeight', 'showComputed', 'palette', 'showing'].some((k) => changed.has(k))) this.frames.invalidate();
  }

  /** Pointer position in plot pixels (offsetX is unreliable on SVG shapes). */
  private local(e: PointerEvent): [number, number] {
    const r = (e.currentTarget as Element).getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private cellAt(e: PointerEvent): CellDetail | null {
    const spec = this.run?.spec;
    const [px, py] = this.local(e);
    if (!spec || px < 0 || py < 0 || px >= this.w || py >= this.h) return null;
    const i = cellIndex(px, this.w, spec.x.n);
    const j = spec.y.n - 1 - cellIndex(py, this.h, spec.y.n);
    return { i, j, values: cellValues(spec, axisValues(spec.x), axisValues(spec.y), i, j) };
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private onDown(e: PointerEvent): void {
    (e.target as Element).setPointerCapture(e.pointerId);
    const [x, y] = this.local(e);
    const current = this.target();
    if ((e.shiftKey || e.button === 1) && current && this.gesture.startPan(current, x, y)) return;
    this.drag = { x0: x, y0: y, x1: x, y1: y };
  }

  private onWheel(e: WheelEvent): void {
    const current = this.target();
    if (!current || !this.bounds || !this.run) return;
    e.preventDefault();
    const r = (e.currentTarget as Element).getBoundingClientRect();
    this.gesture.wheel(current, [(e.clientX - r.left) / this.w, (e.clientY - r.top) / this.h], e.deltaY);
  }

  private onMove(e: PointerEvent): void {
    if (this.gesture.panning) {
      this.gesture.movePan(...this.local(e), this.w, this.h);
      return;
    }
    if (this.drag) {
      const [x, y] = this.local(e);
      this.drag = { ...this.drag, x1: x, y1: y };
    }
    this.emit('cell-hover', this.cellAt(e));
  }

  private onUp(e: PointerEvent): void {
    if (this.gesture.panning) {
      this.gesture.endPan();
      return;
    }
    const d = this.drag;
    this.drag = undefined;
    const spec = this.run?.spec;
    if (!d || !spec) return;
    if (Math.abs(d.x1 - d.x0) < kDragPx || Math.abs(d.y1 - d.y0) < kDragPx) {
      const cell = this.cellAt(e);
      if (cell) this.emit('cell-select', cell);
      return;
    }
    const sx = axisScale(spec.x, [0, this.w]);
    const sy = axisScale(spec.y, [this.h, 0]);
    const xs = [sx.invert(d.x0), sx.invert(d.x1)].sort((a, b) => a - b);
    const ys = [sy.invert(d.y0), sy.invert(d.y1)].sort((a, b) => a - b);
    this.emit('zoom-box', { x: xs, y: ys, kind: 'box' } as ZoomRequest);
  }

  private axes() {
    const spec = this.run!.spec;
    const [w, h] = [this.w, this.h];
    const sx = axisScale(spec.x, [0, w]);
    const sy = axisScale(spec.y, [h, 0]);
    const label = (id: string) => {
      const p = spec.model.params.find((q) => q.id === id)!;
      return `${p.symbol} (${p.label})`;
    };
    // '~g': plain decimals or 1e-5, never SI prefixes ("10µ") on a parameter axis.
    const format = (scale: typeof sx) => scale.tickFormat(6, '~g');
    return svg`
      <g class="axis x" transform="translate(0 ${h})">
        ${sx.ticks(6).map((v) => svg`<g class="tick" transform="translate(${sx(v)} 0)"><line y2="5"></line><text y="18" text-anchor="middle">${format(sx)(v)}</text></g>`)}
         <text x=${w / 2} y="38" text-anchor="middle" class="label">${label(spec.x.param)}${spec.x.scale === 'log' ? ' · log' : ''}</text>
      </g>
      <g class="axis y">
        ${sy.ticks(6).map((v) => svg`<g class="tick" transform="translate(0 ${sy(v)})"><line x2="-5"></line><text x="-8" dy="0.32em" text-anchor="end">${format(sy)(v)}</text></g>`)}
        <text transform="translate(-50 ${h / 2}) rotate(-90)" text-anchor="middle" class="label">${label(spec.y.param)}${spec.y.scale === 'log' ? ' · log' : ''}</text>
      </g>
      <g class="overlays" clip-path="url(#plot-clip)">
        ${this.overlays.map((c, k) => {
          const d = c.points
            .filter(([x, y]) => Number.isFinite(sx(x)) && Number.isFinite(sy(y)))
            .map(([x, y], n) => `${n ? 'L' : 'M'}${sx(x).toFixed(2)},${sy(y).toFixed(2)}`)
            .join('');
          return svg`<path class="halo" d=${d}></path><path class="curve" data-overlay=${c.id} stroke-dasharray=${kDashes[k % kDashes.length]} d=${d}></path>`;
        })}
      </g>`;
  }

  override render() {
    const [w, h] = [this.w, this.h];
    const d = this.drag;
    return html`
      <div style="width:${w + kMargin.left + kMargin.right}px;height:${h + kMargin.top + kMargin.bottom}px"></div>
      <canvas width="1" height="1" style="left:${kMargin.left}px;top:${kMargin.top}px;width:${w}px;height:${h}px"></canvas>
      <svg width=${w + kMargin.left + kMargin.right} height=${h + kMargin.top + kMargin.bottom}>
        <g transform="translate(${kMargin.left} ${kMargin.top})">
          <clipPath id="plot-clip"><rect width=${w} height=${h}></rect></clipPath>
          ${
            this.run && this.uncertain?.length === this.run.spec.x.n * this.run.spec.y.n
              ? unsafeSVG(
                  uncertainHatch(
                    this.uncertain,
                    this.run.spec.x.n,
                    this.run.spec.y.n,
                    { x: 0, y: 0, width: w, height: h },
                    'uncertain-hatch',
                  ),
                )
              : ''
          }
          ${this.run ? this.axes() : ''}
          <rect class="frame" width=${w} height=${h} fill="none"></rect>
          ${d ? svg`<rect class="box" x=${Math.min(d.x0, d.x1)} y=${Math.min(d.y0, d.y1)} width=${Math.abs(d.x1 - d.x0)} height=${Math.abs(d.y1 - d.y0)}></rect>` : ''}
          <rect class="plot" width=${w} height=${h} fill="transparent"
            @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @wheel=${this.onWheel}
            @pointerleave=${() => this.emit('cell-hover', null)}></rect>
        </g>
      </svg>`;
  }
}
