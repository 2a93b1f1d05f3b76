import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PresentEntry } from '../../src/sweep/present-list.js';

/**
 * The caption overlay of presentation mode: the preset's title and caption in large type in a
 * column at the right of the screen, the model (flagged when it is a reconstruction), the slide number and the
 * keys. Purely presentational: the PresentationController owns the slides.
 */
@customElement('atlas-present-caption')
export class AtlasPresentCaption extends LitElement {
  static override styles = css`
    /* A right-hand column: a square heatmap leaves a 16:9 slide's right third free for the words. */
    :host {
      position: fixed; top: 0; right: 0; bottom: 0; width: 36vw; z-index: 5; box-sizing: border-box;
      display: flex; flex-direction: column; padding: 6vh 3vw 4vh 2vw; font-size: clamp(16px, 1.9vw, 34px);
    }
    h2 { margin: 0; font-size: 1.4em; line-height: 1.2; }
    p { margin: 0.8em 0 0; line-height: 1.35; }
    .meta, .keys { font-size: 0.6em; color: var(--atlas-muted); }
    .meta { margin-top: auto; }
    .badge { color: #fff; background: #b35806; border-radius: 4px; padding: 0 0.4em; font-weight: bold; }
    kbd { border: 1px solid var(--atlas-border); border-radius: 3px; padding: 0 0.3em; font-family: inherit; }
  `;

  @property({ attribute: false }) entry?: PresentEntry;
  @property({ type: Number }) index = 0;
  @property({ type: Number }) count = 0;

  override render() {
    const e = this.entry;
    if (!e) return html``;
    return html`
      <h2 data-caption-title>${e.preset.title}</h2>
      <p data-caption>${e.preset.caption}</p>
      <p class="meta">${e.model.status === 'reconstruction' ? html`<span class="badge">reconstruction</span> ` : ''}${e.model.title}</p>
      <p class="keys"><span data-slide>${this.index + 1} / ${this.count}</span> · <kbd>←</kbd> <kbd>→</kbd> presets · <kbd>Esc</kbd> leaves</p>
    `;
  }
}
