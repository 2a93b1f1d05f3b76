import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NumberParam } from '../../src/models/types.js';
import type { AnimationRequest } from '../controllers/animation-controller.js';
import type { FrameSource } from '../controllers/timelapse-controller.js';
import { controlStyles } from './control-styles.js';
import './shoelace.js';

/**
 * The scrubber under the map: a slider over the frames (the run's time-lapse, or a parameter
 * animation of it), the label of the one on screen, play/pause; below, the form that asks for a
 * parameter animation. Says why when there are no frames.
 * @fires frame-change - detail: the frame index chosen
 * @fires play-toggle - play or pause
 * @fires animate - detail: AnimationRequest
 * @fires animate-off - back to the time-lapse
 */
@customElement('atlas-timelapse')
export class AtlasTimelapse extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: block; font-size: 13px; color: var(--atlas-muted); font-variant-numeric: tabular-nums; }
    .row { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
    /* The range's label names it for screen readers; on screen the row says what it is. */
    sl-range::part(form-control-label) { display: none; }
    sl-range { flex: 1 1 auto; min-width: 80px; --track-color-active: var(--atlas-accent); }
    /* Presentation mode sets the host's font size: the slider, its buttons and fields grow with it. */
    /* In px: the range's inner <input> keeps the browser's small control font, so em would not grow. */
    :host([large]) sl-range { --thumb-size: 30px; --track-height: 10px; --tooltip-offset: 20px; }
    label { display: inline-flex; align-items: center; gap: 0.35em; }
    sl-input { width: 7em; }
    sl-select { width: 17em; }
    /* Shoelace sizes its fields in rem: in presentation mode they follow the host's larger type instead. */
    :host([large]) :is(sl-input, sl-select) { --sl-input-font-size-small: 1em; --sl-input-height-small: 1.8em; }
    .t { min-width: 14ch; white-space: nowrap; }
    .error { color: var(--atlas-error); }
  `,
  ];

  @property({ attribute: false }) source?: FrameSource;
  /** The frame on screen (undefined: the run's end state). */
  @property({ attribute: false }) frame?: number;
  @property({ type: Boolean }) playing = false;
  /** Why there is no time-lapse, when there is none. */
  @property() reason = '';
  /** Parameters an animation may move (none: no form). */
  @property({ attribute: false }) params: NumberParam[] = [];
  /** Frames computed of the animation under way ("3 / 16"), or undefined. */
  @property() computing?: string;
  @property() error?: string;

  private fire(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private requestAnimation(e: Event): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const request: AnimationRequest = {
      param: String(form.get('param')),
      from: Number(form.get('from')),
      to: Number(form.get('to')),
      frames: Number(form.get('frames')),
    };
    this.fire('animate', request);
  }

  override render() {
    const s = this.source;
    const k = this.frame ?? (s?.endsAtRun ? s.count - 1 : undefined);
    const first = this.params[0];
    return html`
      <div class="row">
        ${
          s
            ? html`
          <button name="play" title="play / pause (space)" @click=${() => this.fire('play-toggle')}>${this.playing ? '❚❚ pause' : '▶ play'}</button>
          <sl-range name="frame" min="0" max=${s.count - 1} step="1" .value=${k ?? s.count - 1} label=${s.kind === 'time' ? 'flow time' : 'parameter value'}
            .tooltipFormatter=${(f: number) => s.label(f)} @sl-input=${(e: Event) => this.fire('frame-change', Number((e.target as HTMLInputElement).value))}></sl-range>
          <span class="t" data-frame=${k ?? 'end'}>${k === undefined ? 'as computed' : s.label(k)} · frame ${k === undefined ? '–' : k + 1}/${s.count}</span>
          ${s.kind === 'parameter' ? html`<button name="animate-off" @click=${() => this.fire('animate-off')}>back to the time-lapse</button>` : ''}`
            : html`<span data-timelapse="off">${this.reason}</span>`
        }
      </div>
      ${
        first
          ? html`<form class="row" @submit=${this.requestAnimation}>
        <label>animate <sl-select size="small" hoist name="param" .value=${first.id}>${this.params.map((p) => html`<sl-option value=${p.id}>${p.symbol} · ${p.label}</sl-option>`)}</sl-select></label>
        <label>from <sl-input type="number" size="small" name="from" step="any" .value=${String(first.min)}></sl-input></label>
        <label>to <sl-input type="number" size="small" name="to" step="any" .value=${String(first.max)}></sl-input></label>
        <label>frames <sl-input type="number" size="small" name="frames" step="1" min="2" max="64" .value=${'16'}></sl-input></label>
        <button name="animate" type="submit">compute</button>
        ${this.computing ? html`<span data-animation="computing">computing frame ${this.computing}…</span>` : ''}
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : ''}
      </form>`
          : ''
      }`;
  }
}
