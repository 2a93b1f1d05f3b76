import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PresentEntry } from '../../src/sweep/present-list.js';

/**
 * The caption overlay of presentation mode: the preset's title and caption in large type over the
 * bottom of the screen, the model (flagged when it is a reconstruction), the slide number and the
 * keys. Purely presentational: the PresentationController owns the slides.
 */
@customElement('atlas-present-caption')
export class AtlasPresentCaption extends LitElement {
  static override styles = css`
    :host {
      position: fixed; left: 0; right: 0; bottom: 0; z-index: 5; padding: 1.2vh 3vw 1.6vh;
      background: rgb(255 255 255 / 0.92); border-top: 1px solid #ddd; font-size: clamp(16px, 2.2vw, 30px);
    }
    h2 { margin: 0; font-size: 1.35em; }
    p { margin: 0.25em 0 0; }
    .meta { font-size: 0.6em; color: #555; display: flex; justify-content: space-between; gap: 2em; }
    .badge { color: #fff; background: #b35806; border-radius: 4px; padding: 0 0.4em; font-weight: bold; }
    kbd { border: 1px solid #aaa; border-radius: 3px; padding: 0 0.3em; font-family: inherit; }
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
      <p class="meta">
        <span>${e.model.status === 'reconstruction' ? html`<span class="badge">reconstruction</span> ` : ''}${e.model.title}</span>
        <span><span data-slide>${this.index + 1} / ${this.count}</span> · <kbd>←</kbd> <kbd>→</kbd> presets · <kbd>Esc</kbd> leaves</span>
      </p>
    `;
  }
}
