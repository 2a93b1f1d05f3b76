import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NumberParam } from '../../src/models/types.js';
import type { AnimationRequest } from '../controllers/animation-controller.js';
import type { FrameSource } from '../controllers/timelapse-controller.js';
import { controlStyles } from './control-styles.js';

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
    input[type='range'] { flex: 1 1 auto; min-width: 80px; }
    input[type='number'] { width: 7ch; }
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
          <input type="range" name="frame" min="0" max=${s.count - 1} step="1" .value=${String(k ?? s.count - 1)} aria-label=${s.kind === 'time' ? 'flow time' : 'parameter value'}
            @input=${(e: Event) => this.fire('frame-change', Number((e.target as HTMLInputElement).value))}>
          <span class="t" data-frame=${k ?? 'end'}>${k === undefined ? 'as computed' : s.label(k)} · frame ${k === undefined ? '–' : k + 1}/${s.count}</span>
          ${s.kind === 'parameter' ? html`<button name="animate-off" @click=${() => this.fire('animate-off')}>back to the time-lapse</button>` : ''}`
            : html`<span data-timelapse="off">${this.reason}</span>`
        }
      </div>
      ${
        first
          ? html`<form class="row" @submit=${this.requestAnimation}>
        <label>animate <select name="param">${this.params.map((p) => html`<option value=${p.id}>${p.symbol} · ${p.label}</option>`)}</select></label>
        <label>from <input type="number" name="from" step="any" .value=${String(first.min)}></label>
        <label>to <input type="number" name="to" step="any" .value=${String(first.max)}></label>
        <label>frames <input type="number" name="frames" step="1" min="2" max="64" .value=${'16'}></label>
        <button name="animate" type="submit">compute</button>
        ${this.computing ? html`<span data-animation="computing">computing frame ${this.computing}…</span>` : ''}
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : ''}
      </form>`
          : ''
      }`;
  }
}
