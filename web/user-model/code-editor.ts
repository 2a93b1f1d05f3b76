/**
 * The model editor's text area: CodeMirror 6 with JSON highlighting, line numbers and undo, and each
 * problem of the model file as a block under the line it belongs to (the line itself marked). Only
 * the model editor's chunk imports it, so CodeMirror loads with the editor, not with the page.
 */
import { EditorState, StateEffect, StateField, type Extension, type Range } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, WidgetType, keymap, lineNumbers, highlightActiveLine } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { json } from '@codemirror/lang-json';
import type { TextProblem } from './check-text.js';

/** The messages of one line, shown as a block under it. */
class ProblemWidget extends WidgetType {
  constructor(
    readonly line: number,
    readonly messages: readonly string[],
  ) {
    super();
  }
  override eq(other: ProblemWidget): boolean {
    return other.line === this.line && other.messages.join('\n') === this.messages.join('\n');
  }
  toDOM(): HTMLElement {
    const box = document.createElement('div');
    box.className = 'cm-problem';
    box.setAttribute('role', 'alert');
    box.dataset.line = String(this.line);
    for (const m of this.messages) {
      const div = document.createElement('div');
      div.className = 'cm-problem-message';
      div.textContent = m;
      box.append(div);
    }
    return box;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

const setProblems = StateEffect.define<readonly TextProblem[]>();
const problemLine = Decoration.line({ class: 'cm-problem-line' });

/** Problems as decorations; an edit moves them with their text until the next check replaces them. */
const problemField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, tr) {
    let out = decorations.map(tr.changes);
    for (const e of tr.effects) if (e.is(setProblems)) out = decorate(tr.state, e.value);
    return out;
  },
  // Block widgets must come straight from state (not a view plugin): they change the editor's height.
  provide: (f) => EditorView.decorations.from(f),
});

function decorate(state: EditorState, problems: readonly TextProblem[]): DecorationSet {
  const byLine = new Map<number, string[]>();
  for (const p of problems) {
    // A problem past the end (text changed since) goes under the last line.
    const n = Math.min(Math.max(1, p.line), state.doc.lines);
    byLine.set(n, [...(byLine.get(n) ?? []), p.message]);
  }
  const ranges: Range<Decoration>[] = [];
  for (const [n, messages] of [...byLine].sort((a, b) => a[0] - b[0])) {
    const line = state.doc.line(n);
    ranges.push(problemLine.range(line.from));
    ranges.push(Decoration.widget({ widget: new ProblemWidget(n, messages), block: true, side: 1 }).range(line.to));
  }
  return Decoration.set(ranges, true);
}

/** JSON's tokens in colours readable on both themes (index.html sets color-scheme, which light-dark() follows). */
const jsonColours = HighlightStyle.define([
  { tag: tags.propertyName, color: 'light-dark(#1f4fa8, #8fb4ff)' },
  { tag: tags.string, color: 'light-dark(#8a3b00, #f0b87a)' },
  { tag: tags.number, color: 'light-dark(#0b6e4f, #7fd8b5)' },
  { tag: [tags.bool, tags.null], color: 'light-dark(#7a1fa2, #d59cf5)' },
  { tag: tags.invalid, color: 'var(--atlas-error)' },
]);

/** Colours from the page's theme (web/controllers/theme-controller.ts sets the custom properties). */
const theme = EditorView.theme({
  '&': { color: 'var(--atlas-fg)', backgroundColor: 'var(--atlas-control)', maxHeight: '60vh', fontSize: '12px' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace", lineHeight: '1.5' },
  '.cm-gutters': { backgroundColor: 'var(--atlas-panel)', color: 'var(--atlas-muted)', borderRight: '1px solid var(--atlas-border)' },
  '.cm-content': { caretColor: 'var(--atlas-fg)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--atlas-fg)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--atlas-accent) 8%, transparent)' },
  '.cm-problem-line': { backgroundColor: 'color-mix(in srgb, var(--atlas-error) 14%, transparent)' },
  '.cm-problem': {
    margin: '0 0 2px',
    padding: '2px 8px',
    borderLeft: '3px solid var(--atlas-error)',
    color: 'var(--atlas-error)',
    backgroundColor: 'color-mix(in srgb, var(--atlas-error) 7%, transparent)',
    fontFamily: 'system-ui, sans-serif',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
});

export interface CodeEditor {
  view: EditorView;
  /** Shows `problems` under their lines (replacing the ones shown). */
  showProblems(problems: readonly TextProblem[]): void;
  /** Replaces the whole text without calling `onEdit` (an example, an opened file). */
  replace(text: string): void;
}

/** A CodeMirror editor in `parent` (inside `root`, the component's shadow root); `onEdit` follows each user edit. */
export function createCodeEditor(parent: HTMLElement, root: ShadowRoot, text: string, onEdit: (text: string) => void): CodeEditor {
  let quiet = false;
  const extensions: Extension[] = [
    lineNumbers(),
    history(),
    highlightActiveLine(),
    bracketMatching(),
    json(),
    syntaxHighlighting(jsonColours),
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    EditorState.tabSize.of(2),
    problemField,
    theme,
    EditorView.contentAttributes.of({ 'aria-label': 'model file (JSON)', spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged && !quiet) onEdit(u.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent, root, state: EditorState.create({ doc: text, extensions }) });
  return {
    view,
    showProblems: (problems) => view.dispatch({ effects: setProblems.of(problems) }),
    replace(next) {
      quiet = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next }, selection: { anchor: 0 } });
      } finally {
        quiet = false;
      }
    },
  };
}
