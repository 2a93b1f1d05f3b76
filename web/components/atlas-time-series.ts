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
 * Every state variable of one trajectory against flow time, drawn with uPlot. On a log time axis
 * the t = 0 sample is left out (log 0); collapse and recruitment times span decades, so log is the
 * default.
 */
@customElement('atlas-time-series')
export class AtlasTimeSeries extends LitElement {
  static override styles = [unsafeCSS(uPlotCss), css`:host { display: block; } .plot { min-height: 240px; }`];

  @property({ attribute: false }) t?: Float64Array;
  @property({ attribute: false }) vars: readonly TimeSeriesVar[] = [];
  @property({ type: Boolean }) logTime = true;
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
    const data: uPlot.AlignedData = [this.t.subarray(from), ...this.vars.map((v) => v.values.subarray(from))];
    this.plot = new uPlot(
      {
        width: this.width,
        height: this.height,
        scales: { x: { time: false, distr: this.logTime ? 3 : 1, range: (_u, min, max) => [min, max] } }, // no padding to whole decades
        axes: [{ label: this.logTime ? 'flow time t (log)' : 'flow time t' }, { label: 'state' }],
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
