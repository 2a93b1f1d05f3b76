import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { scaleLinear } from 'd3-scale';

/** A fixed point projected on the portrait's two variables. */
export interface PortraitPoint {
  label: string;
  x: number;
  y: number;
  stable: boolean;
}

const kMargin = { left: 56, right: 12, top: 12, bottom: 40 };

/**
 * A trajectory in the plane of two state variables, with fixed points marked: stable filled,
 * unstable hollow (each with its label as a tooltip and in the legend). The domain covers the
 * trajectory and every fixed point, so a fixed point is never silently off-canvas.
 */
@customElement('atlas-phase-portrait')
export class AtlasPhasePortrait extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 12px; }
    .path { fill: none; stroke: #4e79a7; stroke-width: 1.5; }
    .axis line, .axis path { stroke: #888; }
    .fixed.stable { fill: var(--atlas-fg, #222); }
    .fixed.unstable { fill: none; stroke: var(--atlas-fg, #222); stroke-width: 1.5; }
    ul { list-style: none; padding: 0; margin: 4px 0 0; }
    li svg { vertical-align: middle; margin-right: 4px; }
  `;

  @property({ attribute: false }) xs?: Float64Array;
  @property({ attribute: false }) ys?: Float64Array;
  @property() xLabel = '';
  @property() yLabel = '';
  @property({ attribute: false }) fixedPoints: readonly PortraitPoint[] = [];
  @property({ type: Number }) width = 520;
  @property({ type: Number }) height = 320;

  private domain(values: Float64Array, extra: number[]): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of [...values, ...extra]) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(lo <= hi)) return [0, 1];
    const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    return [lo - pad, hi + pad];
  }

  override render() {
    const { xs, ys } = this;
    if (!xs || !ys) return html``;
    const x = scaleLinear()
      .domain(
        this.domain(
          xs,
          this.fixedPoints.map((f) => f.x),
        ),
      )
      .range([kMargin.left, this.width - kMargin.right])
      .nice();
    const y = scaleLinear()
      .domain(
        this.domain(
          ys,
          this.fixedPoints.map((f) => f.y),
        ),
      )
      .range([this.height - kMargin.bottom, kMargin.top])
      .nice();
    let d = '';
    for (let k = 0; k < xs.length; k++) d += `${k ? 'L' : 'M'}${x(xs[k]).toFixed(1)},${y(ys[k]).toFixed(1)}`;
    const last = xs.length - 1;
    const [x0, x1] = x.range();
    const [y0, y1] = y.range();
    return html`
      <svg width=${this.width} height=${this.height} role="img" aria-label="phase portrait">
        <g class="axis">
          <line x1=${x0} x2=${x1} y1=${y0} y2=${y0}></line>
          <line x1=${x0} x2=${x0} y1=${y0} y2=${y1}></line>
          ${x.ticks(6).map((v) => svg`<line x1=${x(v)} x2=${x(v)} y1=${y0} y2=${y0 + 4}></line><text x=${x(v)} y=${y0 + 16} text-anchor="middle">${x.tickFormat(6)(v)}</text>`)}
          ${y.ticks(6).map((v) => svg`<line x1=${x0 - 4} x2=${x0} y1=${y(v)} y2=${y(v)}></line><text x=${x0 - 6} y=${y(v) + 4} text-anchor="end">${y.tickFormat(6)(v)}</text>`)}
          <text x=${(x0 + x1) / 2} y=${this.height - 6} text-anchor="middle">${this.xLabel}</text>
          <text transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${this.yLabel}</text>
        </g>
        <path class="path" d=${d}></path>
        ${this.fixedPoints.map((f) => svg`<circle class="fixed ${f.stable ? 'stable' : 'unstable'}" cx=${x(f.x)} cy=${y(f.y)} r="5"><title>${f.label}</title></circle>`)}
        <rect x=${x(xs[0]) - 3} y=${y(ys[0]) - 3} width="6" height="6" fill="#4e79a7"><title>start</title></rect>
        <path d="M${x(xs[last])},${y(ys[last]) - 5}l5,9h-10z" fill="#e15759"><title>end</title></path>
      </svg>
      <ul>
        <li><svg width="10" height="10"><rect width="8" height="8" y="1" fill="#4e79a7"></rect></svg>start
          <svg width="12" height="10"><path d="M6,0l5,9h-10z" fill="#e15759"></path></svg>end</li>
        ${this.fixedPoints.map((f) => html`<li><svg width="12" height="12"><circle class="fixed ${f.stable ? 'stable' : 'unstable'}" cx="6" cy="6" r="4.5"></circle></svg>${f.stable ? 'stable' : 'unstable'}: ${f.label}</li>`)}
      </ul>
    `;
  }
}
