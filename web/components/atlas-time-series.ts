import { LitElement, css, html, unsafeCSS } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { schemeTableau10 } from 'd3-scale-chromatic';

/** One plotted variable: its label (paper symbol) and values aligned with the time axis. */
export interface TimeSeriesVar {
  label: string;
  values: Float64Array;
}

/**
 * Curves of one trajectory (state variables, or a model's derived series) against time, drawn with uPlot. On a log time axis
 * the t = 0 sample is left out (log 0); collapse and recruitment times span decades, so log is the
 * default.
 */
@customElement('atlas-time-series')
export class AtlasTimeSeries extends LitElement {
  static override styles = [unsafeCSS(uPlotCss), css`:host { display: block; } .plot { min-height: 240px; }`];

  @property({ attribute: false }) t?: Float64Array;
  @property({ attribute: false }) vars: readonly TimeSeriesVar[] = [];
  @property({ type: Boolean }) logTime = true;
  /** A log y axis (the derived series of a model that asks for it, e.g. eigenvalues); values ≤ 0 leave a gap. */
  @property({ type: Boolean }) logY = false;
  @property() yLabel = 'state';
  /** What t counts: flow time, or training steps for a map run. */
  @property() timeLabel = 'flow time t';
  @property({ type: Number }) width = 520;
  @property({ type: Number }) height = 240;

  private plot?: uPlot;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.plot?.destroy();
    this.plot = undefined;
  }

  protected override updated(): void {
    // Rebuilt on every change: the series count and the axis distribution change together.
    this.plot?.destroy();
    this.plot = undefined;
    const host = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!this.t || !host) return;
    const from = this.logTime ? this.t.findIndex((t) => t > 0) : 0;
    if (from < 0) return;
    const column = (v: Float64Array) => (this.logY ? Array.from(v.subarray(from), (x) => (x > 0 ? x : null)) : v.subarray(from));
    const data = [this.t.subarray(from), ...this.vars.map((v) => column(v.values))] as uPlot.AlignedData;
    this.plot = new uPlot(
      {
        width: this.width,
        height: this.height,
        scales: {
          x: { time: false, distr: this.logTime ? 3 : 1, range: (_u, min, max) => [min, max] }, // no padding to whole decades
          ...(this.logY ? { y: { distr: 3 } } : {}),
        },
        axes: [
          { label: this.logTime ? `${this.timeLabel} (log)` : this.timeLabel },
          { label: this.logY ? `${this.yLabel} (log)` : this.yLabel, size: this.logY ? 60 : 50 },
        ],
        series: [
          { label: 't' },
          ...this.vars.map((v, k) => ({ label: v.label, stroke: schemeTableau10[k % 10], width: 1.5, points: { show: false } })),
        ],
        legend: { live: true },
      },
      data,
      host,
    );
  }

  override render() {
    return html`<div class="plot"></div>`;
  }
}
