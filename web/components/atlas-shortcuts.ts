import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { kShortcuts } from '../controllers/shortcut-controller.js';
import './shoelace.js';

/**
 * The `?` overlay: every keyboard shortcut (kShortcuts) with what it does, in a Shoelace dialog (focus
 * trapped inside, the page dimmed). The host adds it while open; the close button, a click outside
 * the dialog, `?` or Esc closes it.
 * @fires shortcuts-close
 */
@customElement('atlas-shortcuts')
export class AtlasShortcuts extends LitElement {
  static override styles = css`
    sl-dialog { --width: min(560px, 92vw); }
    sl-dialog::part(panel) { background: var(--atlas-panel); color: var(--atlas-fg); border: 1px solid var(--atlas-border); }
    sl-dialog::part(title) { font-size: 18px; font-weight: 600; padding-block: 14px 6px; }
    sl-dialog::part(body) { padding-top: 0; }
    table { border-collapse: collapse; }
    td { padding: 3px 12px 3px 0; vertical-align: baseline; }
    kbd { display: inline-block; min-width: 1.4em; text-align: center; font: 600 14px ui-monospace, monospace; padding: 1px 6px;
      border: 1px solid var(--atlas-border); border-bottom-width: 2px; border-radius: 5px; background: var(--atlas-control); }
    button { font: inherit; color: var(--atlas-fg); background: var(--atlas-control); border: 1px solid var(--atlas-border);
      border-radius: 6px; padding: 3px 12px; cursor: pointer; }
    p { color: var(--atlas-muted); font-size: 13px; margin: 8px 0 0; }
  `;

  private close(): void {
    this.dispatchEvent(new CustomEvent('shortcuts-close', { bubbles: true, composed: true }));
  }

  override render() {
    // sl-request-close: the dialog's own close button, its overlay or Esc; the host removes this element.
    return html`<sl-dialog open label="Keyboard shortcuts" @sl-request-close=${(e: Event) => {
      e.preventDefault();
      this.close();
    }}>
        <table>${kShortcuts.map((s) => html`<tr data-shortcut=${s.action}><td><kbd>${s.keyName ?? s.key}</kbd></td><td>${s.label}</td></tr>`)}</table>
        <p>On the map: drag a box to zoom into it, turn the wheel to zoom about the pointer, shift-drag to pan, click a cell to inspect it.</p>
        <p>In presentation mode: ← → step the slides, Esc leaves. Keys typed into a field stay there.</p>
        <button slot="footer" name="shortcuts-close" @click=${this.close}>close</button>
      </sl-dialog>`;
  }

  // Capture phase and preventDefault, as the inspector does: Esc closes the list only, not presentation mode too.
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    this.close();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey, true);
  }
}
