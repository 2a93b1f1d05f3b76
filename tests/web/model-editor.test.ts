// The model editor in the built page (CodeMirror): a misspelt identifier typed on the keyboard is named
// in a block directly under its line and nothing runs;
// the tian-l2 model file, edited, runs and paints the built-in tian-l2's classes (f64 reference); its
// URL carries the file and reproduces the grid after a reload; a damaged file in the URL is named
// and the page still runs a built-in model. Small grids: this runs on SwiftShader.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { useExplorer } from '../support/browser.js';
import { classMismatches, deep, finishedGrid, openExplorer, waitDone, waitDrawn } from '../support/explorer-page.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { CLASSES, CLASS_BY_CODE } from '../../src/models/types.js';
import { viewFromQuery } from '../../web/state/url.js';
import { viewToSpec } from '../../web/state/view.js';
import { packModelText, unpackModelText } from '../../web/state/model-codec.js';

const kArtifacts = 'test-artifacts/model-editor';
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s), kArtifacts);

const lorenz = readFileSync(new URL('../../models/lorenz.json', import.meta.url), 'utf8');
const tian = readFileSync(new URL('../../models/tian-l2.json', import.meta.url), 'utf8');
/** `text` with the first `count` occurrences of `from` replaced. */
const replaceFirst = (text: string, from: string, to: string, count: number) => {
  let out = text;
  for (let k = 0; k < count; k++) out = out.replace(from, to);
  return out;
};
const lastRunId = (page: Page) =>
  page.evaluate(() => (window as unknown as { __atlas: { sweep: { run: { id: number } } } }).__atlas.sweep.run.id);

/** Opens the model editor (its chunk loads on first open) and waits for CodeMirror's content. */
async function openEditor(page: Page): Promise<void> {
  const open = await page.evaluate(() =>
    document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('details.editor')!.hasAttribute('open'),
  );
  if (!open) await (await deep(page, 'details.editor summary')).click();
  await page.waitForFunction(
    () =>
      !!document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('atlas-model-editor')?.shadowRoot?.querySelector('.cm-content'),
  );
}

interface EditorElement extends HTMLElement {
  value: string;
  editorView: { state: { doc: { length: number } }; dispatch(tr: unknown): void; focus(): void };
}

/** Replaces the editor's whole text as a paste does: one user transaction through CodeMirror's view. */
async function paste(page: Page, text: string): Promise<void> {
  const editor = await deep(page, 'atlas-model-editor');
  await editor.evaluate((e, t) => {
    const view = (e as EditorElement).editorView;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t }, userEvent: 'input.paste' });
  }, text);
}

/** The editor's text as typed. */
const editorText = async (page: Page) => (await deep(page, 'atlas-model-editor')).evaluate((e) => (e as EditorElement).value);

/**
 * The editor's problems, each with the line it sits under: the number in the gutter and the text of
 * the `.cm-line` element just before the problem's block in the DOM, and whether that line is marked.
 */
const problems = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-model-editor')!.shadowRoot!;
    const lines = Array.from(root.querySelectorAll('.cm-content > .cm-line'));
    const numbers = Array.from(root.querySelectorAll('.cm-lineNumbers .cm-gutterElement'));
    return Array.from(root.querySelectorAll('.cm-content > .cm-problem'), (box) => {
      const above = box.previousElementSibling!;
      // The gutter element level with the line (the gutter holds a spacer first, and one element per line).
      const top = above.getBoundingClientRect().top;
      const number = numbers.find((n) => Math.abs(n.getBoundingClientRect().top - top) < 1);
      return {
        line: box.getAttribute('data-line'),
        number: number?.textContent,
        above: above.classList.contains('cm-line') ? above.textContent : `not a line: ${above.className}`,
        marked: above.classList.contains('cm-problem-line'),
        marks: lines.filter((l) => l.classList.contains('cm-problem-line')).length,
        messages: Array.from(box.querySelectorAll('.cm-problem-message'), (m) => m.textContent),
        below: Math.round(box.getBoundingClientRect().top - above.getBoundingClientRect().bottom),
      };
    });
  });

const selectedModel = (page: Page) =>
  deep(page, 'atlas-controls', 'sl-select[name="model"]').then((s) =>
    s.evaluate((e) => (e as unknown as { selectedOptions: HTMLElement[] }).selectedOptions[0].textContent!.trim()),
  );

describe('model editor', () => {
  it('examples and open load a file; a misspelt identifier typed is named under its line, nothing runs until fixed; save downloads the text', async () => {
    const { page, errors } = await openExplorer(browser, `${url}?preset=tian-l2/weight-decay-threshold&n=8&tEnd=100&overlays=off`);
    await waitDone(page);
    await openEditor(page);
    // The example is the repository's file, byte for byte; it runs at once (its 128² preset, cut short below).
    await (await deep(page, 'atlas-model-editor', 'select[name="example"]')).select('lorenz');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('model') === 'lorenz');
    expect(await editorText(page)).toBe(lorenz);
    // Open: a file input, here with the example at 8 × 8.
    const dir = mkdtempSync(join(tmpdir(), 'atlas-model-'));
    const small = replaceFirst(lorenz, '"n": 128', '"n": 8', 2);
    writeFileSync(join(dir, 'small.json'), small);
    await ((await deep(page, 'atlas-model-editor', 'input[type="file"]')) as ElementHandle<HTMLInputElement>).uploadFile(
      join(dir, 'small.json'),
    );
    await page.waitForFunction(() => new URL(location.href).searchParams.get('x')?.endsWith(':8:linear'));
    expect(await editorText(page)).toBe(small);
    const lorenzRun = await waitDone(page, (await lastRunId(page)) - 1);
    expect(await selectedModel(page)).toBe('Lorenz system (example model file) (model file)');

    const lines = lorenz.split('\n');
    const line = lines.findIndex((l) => l.includes('"x": "sigma * (y - x)"')) + 1;
    expect(line).toBe(22);
    // Select "sigma" in that line (a selection transaction, as a double click makes), then type over it on the keyboard.
    await (await deep(page, 'atlas-model-editor')).evaluate((e) => {
      const view = (e as EditorElement).editorView;
      view.focus();
      const start = (e as EditorElement).value.indexOf('sigma * (y - x)');
      view.dispatch({ selection: { anchor: start, head: start + 'sigma'.length } });
    });
    await page.keyboard.type('sigm');
    await page.waitForFunction(
      () =>
        !!document
          .querySelector('atlas-explorer')
          ?.shadowRoot?.querySelector('atlas-model-editor')
          ?.shadowRoot?.querySelector('.cm-problem'),
    );
    expect(await editorText(page)).toBe(small.replace('sigma * (y', 'sigm * (y'));
    // The message is a block right under line 22 (the next element after that line's .cm-line, no gap), the line marked.
    expect(await problems(page)).toEqual([
      {
        line: '22',
        number: '22',
        above: lines[21].replace('sigma * (y', 'sigm * (y'),
        marked: true,
        marks: 1,
        messages: ['rhs.x: unknown identifier "sigm" at column 1 (did you mean "sigma"?)'],
        below: 0,
      },
    ]);
    expect(await (await deep(page, 'atlas-model-editor', '[data-verdict]')).evaluate((e) => e.textContent)).toBe(
      '1 problem, under its line: nothing runs until fixed',
    );
    await (await deep(page, 'details.editor')).screenshot({ path: `${kArtifacts}/misspelt.png` });
    expect(await lastRunId(page)).toBe(lorenzRun);

    // One more keystroke fixes it: the problem goes and the model runs again.
    await page.keyboard.type('a');
    await waitDone(page, lorenzRun);
    expect(await problems(page)).toEqual([]);
    expect(await editorText(page)).toBe(small);

    // Undo (CodeMirror's history) brings the misspelling and its message back.
    const fixedRun = await lastRunId(page);
    await page.keyboard.down('Control');
    await page.keyboard.press('z');
    await page.keyboard.up('Control');
    await page.waitForFunction(
      () =>
        !!document
          .querySelector('atlas-explorer')
          ?.shadowRoot?.querySelector('atlas-model-editor')
          ?.shadowRoot?.querySelector('.cm-problem'),
    );
    expect((await problems(page)).map((p) => [p.line, p.messages])).toEqual([
      ['22', ['rhs.x: unknown identifier "sigm" at column 1 (did you mean "sigma"?)']],
    ]);
    expect(await lastRunId(page)).toBe(fixedRun);
    await page.keyboard.down('Control');
    await page.keyboard.press('z');
    await page.keyboard.up('Control');
    await waitDone(page, fixedRun);
    expect(await editorText(page)).toBe(small);
    // JSON highlighting: on line 2 (`"id": "lorenz",`) the property name and the string are tokens of their own colours.
    const line2 = await (await deep(page, 'atlas-model-editor', '.cm-content')).evaluate((c) =>
      Array.from(c.querySelectorAll('.cm-line')[1].querySelectorAll('span'), (s) => [s.textContent, getComputedStyle(s).color]),
    );
    expect(line2.map(([text]) => text)).toEqual(['"id"', '"lorenz"']);
    expect(line2[0][1]).not.toBe(line2[1][1]);

    // Save: the text as typed, named after the model's id.
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    await (await deep(page, 'atlas-model-editor', 'button[name="save"]')).click();
    for (let wait = 0; wait < 100 && !existsSync(join(dir, 'lorenz.json')); wait++) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(join(dir, 'lorenz.json'), 'utf8')).toBe(small);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an edited tian-l2 model file paints the built-in tian-l2 classes, and its URL reproduces the grid after a reload', async () => {
    const { page, errors } = await openExplorer(browser, `${url}?preset=tian-l2/weight-decay-threshold&n=8&tEnd=100&overlays=off`);
    await waitDone(page);
    await openEditor(page);
    const edited = replaceFirst(replaceFirst(tian, '"n": 128', '"n": 16', 2), '"tEnd": 21200', '"tEnd": 300', 1);
    await paste(page, edited);
    await page.waitForFunction(() => new URL(location.href).searchParams.get('model') === 'tian-l2-data');
    await waitDone(page);
    // The user model opens on its first preset with overlays on: off, so that only cells are painted.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('o');
    await waitDrawn(page, 'class');
    const grid = await finishedGrid(page);
    expect([grid.nx, grid.ny]).toEqual([16, 16]);
    expect(await selectedModel(page)).toBe('Tian et al. 2021 — L2 loss eigenmode dynamics, as a model file (model file)');
    expect(await classMismatches(page, 16, 16, (i, j) => grid.classes[j * 16 + i], `${kArtifacts}/tian-l2-file-canvas.png`)).toEqual([]);
    await page.screenshot({ path: `${kArtifacts}/tian-l2-file.png`, fullPage: true });

    // The built-in model's f64 reference on the same slice, a collapse boundary across it: every cell's class agrees.
    const reference = runSweepCpu(viewToSpec(viewFromQuery('?preset=tian-l2/weight-decay-threshold&n=16&tEnd=300').view).spec!);
    expect(new Set(reference.classes)).toEqual(new Set([CLASSES.collapsed.code, CLASSES['non-collapsed'].code]));
    expect(grid.classes).toEqual(Array.from(reference.classes));

    // A click on a cell inside a uniform block: the inspector's worker compiles the model file for the f64 trajectory.
    const uniform = (i: number, j: number) =>
      [-1, 0, 1].every((a) => [-1, 0, 1].every((b) => grid.classes[(j + b) * 16 + i + a] === grid.classes[j * 16 + i]));
    const [ci, cj] = [8, 9, 10, 11, 12].flatMap((j) => [6, 8, 10, 12].map((i) => [i, j])).find(([i, j]) => uniform(i, j))!;
    const box = (await (await deep(page, 'atlas-heatmap', 'canvas')).boundingBox())!;
    await page.mouse.click(box.x + ((ci + 0.5) / 16) * box.width, box.y + box.height - ((cj + 0.5) / 16) * box.height);
    const inspected = await page.waitForFunction(
      () =>
        document
          .querySelector('atlas-explorer')!
          .shadowRoot!.querySelector('atlas-inspector')
          ?.shadowRoot?.querySelector('[data-class], [role=alert]')?.outerHTML,
    );
    expect(await inspected.jsonValue()).toContain(`data-class="${CLASS_BY_CODE[grid.classes[cj * 16 + ci]]}"`);
    await page.keyboard.press('Escape');

    // The URL carries the file as typed; a reload compiles it again and gives the same grid.
    const file = new URLSearchParams(grid.search).get('file');
    expect(unpackModelText(file!)).toBe(edited);
    await page.reload();
    await page.waitForFunction(() => !!document.querySelector('atlas-explorer')?.shadowRoot);
    await waitDone(page);
    const again = await finishedGrid(page);
    expect(again.search).toBe(grid.search);
    expect(again.classes).toEqual(grid.classes);
    expect(again.finalState).toEqual(grid.finalState);
    await openEditor(page);
    expect(await editorText(page)).toBe(edited);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a damaged model file in the URL is named, and the page still runs a built-in model', async () => {
    const packed = packModelText(replaceFirst(tian, '"n": 128', '"n": 8', 2));
    const { page, errors } = await openExplorer(
      browser,
      `${url}?model=tian-l2-data&preset=weight-decay-threshold&tEnd=100&file=${packed.slice(0, 1800)}`,
    );
    await page.waitForFunction(() => document.querySelector('atlas-explorer')?.shadowRoot?.querySelector('[role=alert]'));
    const alerts = () =>
      page.evaluate(() =>
        Array.from(document.querySelector('atlas-explorer')!.shadowRoot!.querySelectorAll('[role=alert]'), (e) => e.textContent!.trim()),
      );
    expect(await alerts()).toEqual([
      'URL: file: the model file in the URL cannot be decompressed (unexpected EOF): the link was probably cut short or altered',
    ]);
    expect(await selectedModel(page)).toBe('Tian et al. 2021 — L2 loss eigenmode dynamics (BYOL/SimSiam)');
    // The fallback is the built-in default view; a smaller grid of it runs, and the message goes.
    const input = await deep(page, 'atlas-controls', '[name="x.n"]');
    for (const name of ['x.n', 'y.n']) {
      const field = name === 'x.n' ? input : await deep(page, 'atlas-controls', `[name="${name}"]`);
      await field.evaluate((e) => {
        (e as HTMLInputElement).value = '8';
        e.dispatchEvent(new Event('sl-change', { bubbles: true }));
      });
    }
    await waitDone(page, (await lastRunId(page)) - 1);
    const grid = await finishedGrid(page);
    expect([grid.nx, grid.ny]).toEqual([8, 8]);
    expect(new URLSearchParams(grid.search).has('file')).toBe(false);
    expect(await alerts()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
