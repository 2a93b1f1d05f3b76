import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { models } from '../../src/models/registry.js';
import type { Model } from '../../src/models/types.js';
import { comparePresets } from '../../src/sweep/compare-presets.js';

/**
 * Every preset of every model, each with its one-line caption; then the comparisons (links to
 * `?compare=<id>`, which the page opens side by side).
 * @fires preset-select - detail: { model, preset } (ids)
 */
@customElement('atlas-presets')
export class AtlasPresets extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 13px; }
    details { margin: 0 0 8px; }
    summary { font-weight: 600; cursor: pointer; padding: 4px 0; }
    button, a.compare { display: block; width: 100%; box-sizing: border-box; text-align: left; margin: 3px 0; padding: 5px 8px; font: inherit;
      color: var(--atlas-fg); background: var(--atlas-control); border: 1px solid var(--atlas-border); border-radius: 6px; cursor: pointer; text-decoration: none; }
    button:hover, a.compare:hover { background: var(--atlas-hover); }
    :focus-visible { outline: 2px solid var(--atlas-accent); outline-offset: 1px; }
    .caption { color: var(--atlas-muted); font-size: 12px; }
    h4 { margin: 8px 0 2px; }
  `;

  /** The models whose presets are listed (the explorer adds its user model). */
  @property({ attribute: false }) models: readonly Model[] = models;

  override render() {
    const pick = (model: string, preset: string) =>
      this.dispatchEvent(new CustomEvent('preset-select', { detail: { model, preset }, bubbles: true, composed: true }));
    return html`<details><summary>Presets</summary>
      ${this.models.map(
        (m) => html`<h4>${m.title}${m.status === 'reconstruction' ? ' (reconstruction)' : m.status === 'user' ? ' (model file)' : ''}</h4>
        ${m.presets.map(
          (p) => html`<button data-preset="${m.id}/${p.id}" @click=${() => pick(m.id, p.id)}>
          <div>${p.title}</div><div class="caption">${p.caption}</div></button>`,
        )}`,
      )}
    </details>
    <details><summary>Comparisons</summary>
      ${comparePresets.map(
        (c) => html`<a class="compare" data-compare=${c.id} href="?compare=${c.id}">
        <div>${c.title}</div><div class="caption">${c.caption}</div></a>`,
      )}
    </details>`;
  }
}
