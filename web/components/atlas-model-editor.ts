import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { controlStyles } from './control-styles.js';
import { download } from './atlas-export.js';
import { checkModelText, type TextProblem } from '../user-model/check-text.js';
import { packModelText } from '../state/model-codec.js';
import type { UserModelChange } from '../state/user-view.js';
import lorenzFile from '../../models/lorenz.json?raw';
import tianFile from '../../models/tian-l2.json?raw';

/** The examples are the repository's model files, as they are (Vite's `?raw`), not copies. */
const kExamples: Record<string, { label: string; text: string }> = {
  lorenz: { label: 'Lorenz system (models/lorenz.json)', text: lorenzFile },
  'tian-l2': { label: 'tian-l2 as a model file (models/tian-l2.json)', text: tianFile },
};
/** Quiet time after the last keystroke before the text is checked and compiled. */
export const kCheckDelayMs = 300;

/**
 * The model editor: a model file's JSON in a plain monospace textarea (the browser's own control:
 * nothing to load, its undo and find work, and tests type into it like a user), checked and
 * compiled kCheckDelayMs after typing stops. Each problem is listed under a quote of its line (the
 * line's number and text), the gutter marks those lines, and clicking a problem selects its line.
 * Examples, open (a file input) and save (a download of the text as typed).
 * @fires user-model - detail: UserModelChange, each time the text compiles to a model (the page runs it)
 */
@customElement('atlas-model-editor')
export class AtlasModelEditor extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: block; font-size: 13px; }
    .bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0 6px; }
    .bar select { max-width: 100%; }
    .verdict { color: var(--atlas-muted); }
    .verdict.bad { color: var(--atlas-error); }
    /* The textarea grows with its text (no vertical scrollbar of its own; a row spare for the horizontal one), so the gutter beside it stays aligned. */
    .code { display: grid; grid-template-columns: auto minmax(0, 1fr); max-height: 60vh; overflow: auto;
      border: 1px solid var(--atlas-border); border-radius: 6px; background: var(--atlas-control); }
    pre, textarea, code { font: 12px/1.5 ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; }
    pre.gutter { margin: 0; padding: 6px 6px 6px 8px; text-align: right; color: var(--atlas-muted); user-select: none;
      border-right: 1px solid var(--atlas-border); }
    pre.gutter .bad { color: var(--atlas-error); font-weight: 700; }
    textarea { display: block; box-sizing: border-box; width: 100%; margin: 0; padding: 6px 8px; border: 0; resize: none;
      overflow: auto hidden; white-space: pre; background: transparent; color: var(--atlas-fg); tab-size: 2; }
    textarea:focus { outline: none; }
    .code:focus-within { outline: 2px solid var(--atlas-accent); outline-offset: 1px; }
    ol { list-style: none; margin: 6px 0 0; padding: 0; }
    li { margin: 0 0 6px; }
    .quote { display: flex; gap: 8px; width: 100%; padding: 2px 6px; text-align: left; border-radius: 4px; cursor: pointer;
      background: var(--atlas-panel); border: 1px solid var(--atlas-border); color: var(--atlas-fg); overflow: hidden; }
    .quote code { white-space: pre; overflow: hidden; text-overflow: ellipsis; }
    .ln { color: var(--atlas-muted); font: 12px/1.5 ui-monospace, monospace; min-width: 3ch; text-align: right; }
    .message { margin: 2px 0 0 calc(3ch + 14px); color: var(--atlas-error); white-space: pre-wrap; overflow-wrap: anywhere; }
    input[type='file'] { display: none; }
  `,
  ];

  /** The text to start from (the page's user model, or a broken one from the URL). */
  @property({ attribute: false }) initialText = '';
  @state() private text = '';
  @state() private problems: TextProblem[] = [];
  /** The title of the model the text last compiled to. */
  @state() private compiled?: string;
  @query('textarea') private area!: HTMLTextAreaElement;
  private timer?: ReturnType<typeof setTimeout>;

  private started = false;

  override willUpdate(): void {
    if (this.started) return;
    this.started = true;
    this.text = this.initialText;
    // A text handed in (the URL's) is checked at once but not re-announced: the page already runs it or said what is wrong.
    if (this.text) this.check(false);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  /** Replaces the whole text (an example, an opened file) and checks it now. */
  setText(text: string): void {
    this.text = text;
    clearTimeout(this.timer);
    this.check(true, true);
  }

  private onInput(): void {
    this.text = this.area.value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(true), kCheckDelayMs);
  }

  /** `fresh`: a whole new text (an example, a file), which opens on its first preset rather than keeping the view. */
  private check(announce: boolean, fresh = false): void {
    const checked = checkModelText(this.text);
    this.problems = checked.problems ?? [];
    this.compiled = checked.model?.title;
    if (checked.model && announce) {
      const detail: UserModelChange = { user: { model: checked.model, text: this.text, packed: packModelText(this.text) }, fresh };
      this.dispatchEvent(new CustomEvent('user-model', { detail, bubbles: true, composed: true }));
    }
  }

  private async open(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) this.setText(await file.text());
  }

  private save(): void {
    const id = /"id"\s*:\s*"([a-z0-9-]+)"/.exec(this.text)?.[1] ?? 'model';
    download(`${id}.json`, new Blob([this.text], { type: 'application/json' }));
  }

  /** Selects line `line` of the text (a click on its problem). */
  private goTo(line: number): void {
    const lines = this.text.split('\n');
    const start = lines.slice(0, line - 1).reduce((s, l) => s + l.length + 1, 0);
    this.area.focus();
    this.area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  }

  override render() {
    const lines = this.text.split('\n');
    // A marked line number's tooltip holds its messages too.
    const bad = new Map<number, string>();
    for (const p of this.problems) bad.set(p.line, bad.has(p.line) ? `${bad.get(p.line)}\n${p.message}` : p.message);
    const verdict = this.problems.length
      ? `${this.problems.length} problem${this.problems.length > 1 ? 's' : ''}: nothing runs until fixed`
      : this.compiled
        ? `compiled: ${this.compiled} runs in the explorer`
        : 'type or open a model file, or start from an example';
    return html`
      <div class="bar">
        <select name="example" @change=${(e: Event) => {
          const s = e.target as HTMLSelectElement;
          if (s.value) this.setText(kExamples[s.value].text);
          s.value = '';
        }}>
          <option value="">examples…</option>
          ${Object.entries(kExamples).map(([id, x]) => html`<option value=${id}>${x.label}</option>`)}
        </select>
        <button name="open" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>open file…</button>
        <input type="file" name="file" accept=".json,application/json" @change=${this.open}>
        <button name="save" ?disabled=${!this.text} @click=${this.save}>save</button>
        <span class="verdict ${this.problems.length ? 'bad' : ''}" data-verdict>${verdict}</span>
      </div>
      <div class="code">
        <pre class="gutter" aria-hidden="true">${lines.map((_, k) => html`<span class=${bad.has(k + 1) ? 'bad' : ''} title=${bad.get(k + 1) ?? ''}>${k + 1}</span>\n`)}</pre>
        <textarea name="model-file" spellcheck="false" autocomplete="off" wrap="off" rows=${lines.length + 1} aria-label="model file (JSON)"
          .value=${this.text} @input=${this.onInput}></textarea>
      </div>
      <ol class="problems">
        ${this.problems.map(
          (p) => html`<li data-line=${p.line}>
            <button class="quote" title="select line ${p.line}" @click=${() => this.goTo(p.line)}><span class="ln">${p.line}</span><code>${lines[p.line - 1] ?? ''}</code></button>
            <div class="message">${p.message}</div></li>`,
        )}
      </ol>`;
  }
}
