import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { EditorView } from '@codemirror/view';
import { controlStyles } from './control-styles.js';
import { download } from './atlas-export.js';
import { checkModelText, type TextProblem } from '../user-model/check-text.js';
import { createCodeEditor, type CodeEditor } from '../user-model/code-editor.js';
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
 * The model editor: a model file's JSON in CodeMirror (web/user-model/code-editor.ts: highlighting,
 * line numbers, undo, find), checked and compiled kCheckDelayMs after typing stops; each problem is
 * shown directly under the line it belongs to, and that line is marked. Examples, open (a file
 * input) and save (a download of the text as typed).
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
    .code { border: 1px solid var(--atlas-border); border-radius: 6px; overflow: hidden; }
    .code:focus-within { outline: 2px solid var(--atlas-accent); outline-offset: 1px; }
    .code .cm-editor.cm-focused { outline: none; }
    input[type='file'] { display: none; }
  `,
  ];

  /** The text to start from (the page's user model, or a broken one from the URL). */
  @property({ attribute: false }) initialText = '';
  @state() private text = '';
  @state() private problems: TextProblem[] = [];
  /** The title of the model the text last compiled to. */
  @state() private compiled?: string;
  @query('.code') private host!: HTMLElement;
  private editor?: CodeEditor;
  private timer?: ReturnType<typeof setTimeout>;

  private started = false;

  override willUpdate(): void {
    if (this.started) return;
    this.started = true;
    this.text = this.initialText;
    // A text handed in (the URL's) is checked at once but not re-announced: the page already runs it or said what is wrong.
    if (this.text) this.check(false);
  }

  override firstUpdated(): void {
    this.editor = createCodeEditor(this.host, this.renderRoot as ShadowRoot, this.text, (text) => this.onEdit(text));
    this.editor.showProblems(this.problems);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  /** The text as typed. */
  get value(): string {
    return this.text;
  }

  /** CodeMirror's view (tests dispatch transactions through it, as typing does). */
  get editorView(): EditorView | undefined {
    return this.editor?.view;
  }

  /** Replaces the whole text (an example, an opened file) and checks it now. */
  setText(text: string): void {
    this.text = text;
    this.editor?.replace(text);
    clearTimeout(this.timer);
    this.check(true, true);
  }

  private onEdit(text: string): void {
    this.text = text;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(true), kCheckDelayMs);
  }

  /** `fresh`: a whole new text (an example, a file), which opens on its first preset rather than keeping the view. */
  private check(announce: boolean, fresh = false): void {
    const checked = checkModelText(this.text);
    this.problems = checked.problems ?? [];
    this.compiled = checked.model?.title;
    this.editor?.showProblems(this.problems);
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

  override render() {
    const verdict = this.problems.length
      ? `${this.problems.length > 1 ? `${this.problems.length} problems, each under its line` : '1 problem, under its line'}: nothing runs until fixed`
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
      <div class="code"></div>`;
  }
}
