import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatValue } from '../state/format.js';
import { controlStyles } from './control-styles.js';

/**
 * The time scrubber under the map: a slider over the recorded frames, the flow time of the one on
 * screen, play/pause. Disabled, with the reason, when the run recorded none.
 * @fires frame-change - detail: the frame index chosen
 * @fires play-toggle - play or pause
 */
@customElement('atlas-timelapse')
export class AtlasTimelapse extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: flex; align-items: center; gap: 8px; font-size: 13px; color: var(--atlas-muted); font-variant-numeric: tabular-nums; }
    input[type='range'] { flex: 1 1 auto; min-width: 80px; }
    .t { min-width: 14ch; white-space: nowrap; }
  `,
  ];

  /** Flow time of each frame; undefined: nothing recorded. */
  @property({ attribute: false }) times?: Float64Array;
  /** The frame on screen (undefined: the last, the end state). */
  @property({ attribute: false }) frame?: number;
  @property({ type: Boolean }) playing = false;
  /** Why there is no time-lapse, when there is none. */
  @property() reason = '';

  override render() {
    const times = this.times;
    if (!times) return html`<span data-timelapse="off">${this.reason}</span>`;
    const k = this.frame ?? times.length - 1;
    return html`
      <button name="play" title="play / pause the time-lapse (space)" @click=${() => this.dispatchEvent(new CustomEvent('play-toggle', { bubbles: true, composed: true }))}>${this.playing ? '❚❚ pause' : '▶ play'}</button>
      <input type="range" name="frame" min="0" max=${times.length - 1} step="1" .value=${String(k)} aria-label="flow time"
        @input=${(e: Event) => this.dispatchEvent(new CustomEvent('frame-change', { detail: Number((e.target as HTMLInputElement).value), bubbles: true, composed: true }))}>
      <span class="t" data-frame=${k}>t = ${formatValue(times[k])} · frame ${k + 1}/${times.length}</span>`;
  }
}
