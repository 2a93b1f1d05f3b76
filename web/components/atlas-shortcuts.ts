import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { kShortcuts } from '../controllers/shortcut-controller.js';

/**
 * The `?` overlay: every keyboard shortcut (kShortcuts) with what it does. The host adds it while
 * open; a click outside the list, the close button, `?` or Esc closes it.
 * @fires shortcuts-close
 */
@customElement('atlas-shortcuts')
export class AtlasShortcuts extends LitElement {
  static override styles = css`
    :host { position: fixed; inset: 0; z-index: 20; display: grid; place-items: center; background: rgb(0 0 0 / 0.45); }
    section { background: var(--atlas-panel); color: var(--atlas-fg); border: 1px solid var(--atlas-border); border-radius: 10px;
      box-shadow: 0 8px 32px var(--atlas-shadow); padding: 16px 20px; max-width: min(560px, 92vw); max-height: 88vh; overflow: auto; }
    header { display: flex; justify-content: space-between; align-items: baseline; gap: 16px; }
    h2 { font-size: 18px; margin: 0 0 8px; }
    table { border-collapse: collapse; }
    td { padding: 3px 12px 3px 0; vertical-align: baseline; }
    kbd { display: inline-block; min-width: 1.4em; text-align: center; font: 600 14px ui-monospace, monospace; padding: 1px 6px;
      border: 1px solid var(--atlas-border); border-bottom-width: 2px; border-radius: 5px; background: var(--atlas-control); }
    button { font: inherit; color: var(--atlas-fg); background: var(--atlas-control); border: 1px solid var(--atlas-border); border-radius: 6px; cursor: pointer; }
    p { color: var(--atlas-muted); font-size: 13px; margin: 8px 0 0; }
  `;

  private close(): void {
    this.dispatchEvent(new CustomEvent('shortcuts-close', { bubbles: true, composed: true }));
  }

  override render() {
    return html`<section role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" @click=${(e: Event) => e.stopPropagation()}>
        <header><h2>Keyboard shortcuts</h2><button name="shortcuts-close" @click=${this.close}>close</button></header>
        <table>${kShortcuts.map((s) => html`<tr data-shortcut=${s.action}><td><kbd>${s.keyName ?? s.key}</kbd></td><td>${s.label}</td></tr>`)}</table>
        <p>On the map: drag a box to zoom into it, turn the wheel to zoom about the pointer, shift-drag to pan, click a cell to inspect it.</p>
        <p>In presentation mode: ← → step the slides, Esc leaves. Keys typed into a field stay there.</p>
      </section>`;
  }

  // Capture phase and preventDefault, as the inspector does: Esc closes the list only, not presentation mode too.
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    this.close();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('click', () => this.close());
    window.addEventListener('keydown', this.onKey, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey, true);
  }
}
