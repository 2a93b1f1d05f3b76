import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { scaleLinear, scaleLog } from 'd3-scale';
import { CLASSES, T_SETTLED, cellMetrics, type Model, type OverlayCurve } from '../../src/models/types.js';
import type { MetricStyle } from '../render/heatmap-renderer.js';
import {
  classColor,
  kInheritedFade,
  kMissingColor,
  kNotComputedColor,
  kPendingColor,
  rampColor,
  type ClassPaletteId,
} from '../../src/export/palette.js';
import { controlStyles } from './control-styles.js';
import './shoelace.js';
import type { RefineStats } from '../../src/engine/result.js';
import { hatchPattern, uncertainCount } from '../../src/export/hatch.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';

const kDashes = ['', '6 3', '2 3', '8 3 2 3'];
const kBarWidth = 240;

/**
 * Layer picker and what the colours mean: the class legend (with `diverged`'s reserved colour and
 * the pending grey) or a metric's colorbar with its units; then one entry per closed-form overlay.
 * @fires view-patch - detail: { layer } or { overlays }
 */
@customElement('atlas-legend')
export class AtlasLegend extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: block; font-size: 13px; }
    .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; border: 1px solid #0003; }
    .entry { display: inline-block; margin-right: 12px; }
    .bar { height: 12px; width: ${kBarWidth}px; border: 1px solid #0003; }
    .ticks { position: relative; height: 16px; width: ${kBarWidth}px; }
    .ticks span { position: absolute; transform: translateX(-50%); font-size: 11px; }
    svg { vertical-align: middle; }
    .legend { margin: 4px 0; }
    small { color: var(--atlas-muted); }
    label.layer { display: inline-flex; align-items: center; gap: 6px; }
    sl-select { width: 24em; max-width: 100%; }
  `,
  ];

  @property({ attribute: false }) model!: Model;
  @property() layer = 'class';
  @property({ attribute: false }) metric?: MetricStyle;
  @property({ attribute: false }) curves: OverlayCurve[] = [];
  @property({ type: Boolean }) overlays = true;
  /** Class colours (src/export/palette.ts kClassPalettes), as the map paints them. */
  @property() palette: ClassPaletteId = 'default';
  /** What the finished refined run integrated (absent: every cell was). */
  @property({ attribute: false }) refine?: RefineStats;
  @property({ type: Boolean }) computedOverlay = false;
  /** SweepResult.uncertain of the finished run. */
  @property({ attribute: false }) uncertain?: Uint8Array;

  private patch(detail: object): void {
    this.dispatchEvent(new CustomEvent('view-patch', { detail, bubbles: true, composed: true }));
  }

  private colorbar() {
    const m = this.metric;
    const meta = cellMetrics(this.model).find((x) => x.id === this.layer);
    if (!m || !meta) return '';
    const scale = (m.log ? scaleLog() : scaleLinear()).domain([m.lo, m.hi]).range([0, kBarWidth]);
    const stops = Array.from({ length: 16 }, (_, k) => rampColor(k / 15)).join(',');
    return html`<div data-colorbar=${meta.id}>
      <div class="bar" style="background:linear-gradient(to right,${stops})"></div>
      <div class="ticks">${scale.ticks(5).map((v) => html`<span style="left:${scale(v)}px">${scale.tickFormat(5, '~g')(v)}</span>`)}</div>
      <div>${meta.symbol}: ${meta.label}${meta.units ? ` [${meta.units}]` : ''}${m.log ? ' · log colour scale' : ''}</div>
      ${meta.missing !== undefined ? html`<span class="entry"><i class="swatch" style="background:${kMissingColor}"></i>never applied${meta.id === T_SETTLED.id ? ' (ran to t_end)' : ''}</span>` : ''}
      <span class="entry"><i class="swatch" style="background:${classColor('diverged', this.palette)}"></i>${CLASSES.diverged.label}</span>
      ${this.refine?.inherited ? html`<span class="entry" data-legend="not-computed"><i class="swatch" style="background:${kNotComputedColor}"></i>not computed (inherited from its block)</span>` : ''}
    </div>`;
  }

  /** The refinement's counts and the overlay that shows them on the map. */
  private refinement() {
    const r = this.refine;
    if (!r) return '';
    return html`<div class="refine" data-legend="computed">
      <label><input type="checkbox" name="computedOverlay" .checked=${this.computedOverlay} @change=${(e: Event) => this.patch({ computedOverlay: (e.target as HTMLInputElement).checked })}> computed cells</label>
      <span data-refine-counts>${r.computed} computed / ${r.inherited} inherited / ${r.sampleSize} verification sample / ${r.disagreements} disagreements</span>
      ${this.computedOverlay ? html`<div><small>inherited cells faded ${Math.round(kInheritedFade * 100)} % towards white; computed cells in full colour</small></div>` : ''}
    </div>`;
  }

  private uncertainty() {
    const n = uncertainCount(this.uncertain);
    if (!n) return '';
    return html`<div class="entry" data-legend="uncertain"><svg width="14" height="14">${unsafeSVG(`<defs>${hatchPattern('legend-hatch')}</defs><rect width="14" height="14" fill="url(#legend-hatch)" stroke="#0003"/>`)}</svg>
      uncertain: ${n} cells whose class flips at rtol/100 or in f64 (hover for which)</div>`;
  }

  override render() {
    const metrics = cellMetrics(this.model);
    return html`
      <label class="layer">layer <sl-select size="small" hoist name="layer" .value=${this.layer} @sl-change=${(e: Event) => this.patch({ layer: (e.target as HTMLSelectElement).value })}>
        <sl-option value="class">class map</sl-option>
        ${metrics.map((m) => html`<sl-option value=${m.id}>${m.symbol} · ${m.label}</sl-option>`)}
      </sl-select></label>
      <div class="legend">
        ${
          this.layer === 'class'
            ? html`${this.model.classes.map((c) => html`<span class="entry" data-class=${c}><i class="swatch" style="background:${classColor(c, this.palette)}"></i>${CLASSES[c].label}</span>`)}
            <span class="entry"><i class="swatch" style="background:${kPendingColor}"></i>pending</span>`
            : this.colorbar()
        }
      </div>
      ${this.refinement()}
      ${this.uncertainty()}
      ${
        this.curves.length
          ? html`<div class="overlays">
            <label><input type="checkbox" name="overlays" .checked=${this.overlays} @change=${(e: Event) => this.patch({ overlays: (e.target as HTMLInputElement).checked })}> closed-form overlays</label>
            ${this.curves.map(
              (c, k) => html`<div class="entry" title=${c.source}>
              <svg width="28" height="10"><line x1="0" y1="5" x2="28" y2="5" stroke="var(--atlas-fg, #111)" stroke-width="2" stroke-dasharray=${kDashes[k % kDashes.length]}></line></svg>
              ${c.label} <small>(${c.source})</small></div>`,
            )}
          </div>`
          : html`<div class="overlays"><small>no closed-form overlay for these axes</small></div>`
      }`;
  }
}
