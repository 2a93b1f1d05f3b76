import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clampExtent, panBy, zoomAbout, type Extent } from '../render/view-transform.js';

/** Wheel zoom: the extent grows by exp(deltaY · kWheelRate) (a notch of 100 zooms out 1.22×). */
const kWheelRate = 0.002;
/** A wheel zoom recomputes once the wheel has been still this long; until then it only redraws. */
export const kWheelCommitMs = 300;

/**
 * Wheel zoom and drag-pan of the heatmap: while the gesture lasts, `extent` is the region to show
 * (the host redraws the picture it has through a view matrix); when it ends, `commit` is called with
 * that region so the host can compute it. Extents stay inside `bounds()` (the axes' full range).
 */
export class ViewGestureController implements ReactiveController {
  /** The region the gesture shows, or undefined when none is under way. */
  extent?: Extent;
  private pan?: { x0: number; y0: number; from: Extent };
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly bounds: () => Extent | undefined,
    private readonly commit: (extent: Extent) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  get panning(): boolean {
    return this.pan !== undefined;
  }

  /** A wheel turn at canvas fraction `at` over a map showing `current`. */
  wheel(current: Extent, at: [number, number], deltaY: number): void {
    const bounds = this.bounds();
    if (!bounds || deltaY === 0) return;
    this.extent = clampExtent(zoomAbout(this.extent ?? current, at, Math.exp(deltaY * kWheelRate)), bounds);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.finish(), kWheelCommitMs);
    this.host.requestUpdate();
  }

  /** A pan starts at plot pixel (x, y) over a map showing `current`; false when the map has no bounds. */
  startPan(current: Extent, x: number, y: number): boolean {
    if (!this.bounds()) return false;
    clearTimeout(this.timer);
    this.pan = { x0: x, y0: y, from: this.extent ?? current };
    return true;
  }

  /** The pointer at plot pixel (x, y) of a width × height plot. */
  movePan(x: number, y: number, width: number, height: number): void {
    const p = this.pan;
    const bounds = this.bounds();
    if (!p || !bounds) return;
    this.extent = clampExtent(panBy(p.from, (x - p.x0) / width, (y - p.y0) / height), bounds);
    this.host.requestUpdate();
  }

  endPan(): void {
    if (!this.pan) return;
    this.pan = undefined;
    this.finish();
  }

  private finish(): void {
    clearTimeout(this.timer);
    const extent = this.extent;
    // The host computes the region now and shows it through the new run; the gesture is over.
    this.extent = undefined;
    if (extent) this.commit(extent);
    this.host.requestUpdate();
  }
}
