import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Room the heatmap's own axes take around the plot (atlas-heatmap's kMargin: left + right, top + bottom). */
const kAxesWidth = 76;
const kAxesHeight = 56;
/**
 * Viewport height kept for what sits above the map (title, note, zoom bar) and for the status line and
 * legend below it, so that the map and its legend are on screen together at 1440 × 900.
 */
const kReservedHeight = 240;
/** The plot never gets shorter than this (small windows scroll instead). */
const kMinPlotHeight = 300;
/** Cells stay at most this much wider than tall: a 1920 × 1080 screen gives a wide map, not a strip. */
const kMaxAspect = 1.75;

/** The plot that fills a column `columnWidth` wide in a window `viewportHeight` tall, in CSS pixels. */
export function plotSize(columnWidth: number, viewportHeight: number): { width: number; height: number } {
  const height = Math.max(kMinPlotHeight, Math.floor(viewportHeight - kReservedHeight - kAxesHeight));
  const width = Math.max(kMinPlotHeight, Math.min(Math.floor(columnWidth - kAxesWidth), Math.floor(height * kMaxAspect)));
  // A narrow, tall window gets a square map, not a column.
  return { width, height: Math.min(height, width) };
}

/**
 * The map's size in the explorer: the width of the column the map lives in (a ResizeObserver, which
 * also sees the side panel open and close) and the window's height (a resize listener: a column's
 * width does not change when only the window's height does). The host re-renders on each change.
 */
export class PlotSizeController implements ReactiveController {
  width = 0;
  height = 0;
  private observer?: ResizeObserver;
  private column?: Element;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Starts measuring `column`, whose content box the map fills (call after each render: the element may be new). */
  observe(column: Element | null): void {
    if (!column || column === this.column) return;
    this.observer?.disconnect();
    this.column = column;
    this.observer = new ResizeObserver(() => this.measure());
    this.observer.observe(column);
    this.measure();
  }

  hostConnected(): void {
    window.addEventListener('resize', this.onResize);
  }

  hostDisconnected(): void {
    window.removeEventListener('resize', this.onResize);
    this.observer?.disconnect();
    this.column = undefined;
  }

  private readonly onResize = () => this.measure();

  private measure(): void {
    if (!this.column) return;
    const style = getComputedStyle(this.column);
    const inner = this.column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const { width, height } = plotSize(inner, window.innerHeight);
    if (width === this.width && height === this.height) return;
    [this.width, this.height] = [width, height];
    this.host.requestUpdate();
  }
}
