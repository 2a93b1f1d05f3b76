import { compareAtResolution, compareResults, parseCompareSpec, type ResolvedCompare } from '../sweep/compare.js';
import { comparePresets } from '../sweep/compare-presets.js';
import { echo, SpecError } from '../sweep/spec.js';
import { compareFiles } from '../export/compare.js';
import { compareFigureSize, compareFigureSvg, compareSummary } from '../export/compare-figure.js';
import { usageError } from './errors.js';
import { kFigureScale } from './outputs.js';
import { runInBrowser, type RunOptions } from './run.js';
import { checkGridFits, positive, readJson, type Job } from './specs.js';
import { withModelFile } from './model-files.js';

/**
 * What `compare` was given: two spec files (A.json B.json), one compare file ({ a, b, title? }),
 * or `--preset ID` (with `--n`: on an n×n grid). Errors name the file and the field, as `run` does.
 */
export function loadCompare(files: string[], presetId?: string, nText?: string): { cmp: ResolvedCompare; source: string } {
  let input: unknown;
  let source: string;
  if (nText !== undefined && presetId === undefined)
    throw usageError('compare --n: only with --preset (a spec file sets its own x.n and y.n)');
  if (presetId !== undefined) {
    if (files.length) throw usageError('compare: give spec files or --preset, not both');
    const preset = comparePresets.find((p) => p.id === presetId);
    if (!preset)
      throw usageError(`compare --preset: unknown comparison "${echo(presetId)}" (known: ${comparePresets.map((p) => p.id).join(', ')})`);
    const n = positive('--n', nText, true);
    input = n === undefined ? preset.spec : compareAtResolution(preset.spec, n);
    source = `compare preset ${presetId}`;
  } else if (files.length === 2) {
    input = { a: withModelFile(readJson(files[0]), files[0]), b: withModelFile(readJson(files[1]), files[1]) };
    source = `${files[0]} vs ${files[1]}`;
  } else if (files.length === 1) {
    input = readJson(files[0]);
    source = files[0];
    // Either side may name a model file, relative to the compare file.
    const both = input as { a?: unknown; b?: unknown } | null;
    if (typeof both === 'object' && both !== null)
      input = { ...both, a: withModelFile(both.a, files[0]), b: withModelFile(both.b, files[0]) };
  } else {
    throw usageError(`compare: expected A.json B.json, one file holding { a, b }, or --preset ID (got ${files.length} files)`);
  }
  try {
    const cmp = parseCompareSpec(input);
    checkGridFits(cmp.a, `${source} (a)`);
    checkGridFits(cmp.b, `${source} (b)`);
    return { cmp, source };
  } catch (e) {
    if (e instanceof SpecError) throw usageError(`${source}: ${e.message}`);
    throw e;
  }
}

/** `compare`: both sides in one browser, each side's files under a/ and b/, then the diff. */
export async function runCompare(files: string[], opts: RunOptions & { preset?: string; n?: string }): Promise<void> {
  const { cmp, source } = loadCompare(files, opts.preset, opts.n);
  const jobs: Job[] = [
    { name: 'a', source: `${source} (a)`, spec: cmp.a },
    { name: 'b', source: `${source} (b)`, spec: cmp.b },
  ];
  await runInBrowser(jobs, { ...opts, tile: undefined }, async (out, [a, b], session) => {
    const c = compareResults(a, b);
    for (const [name, bytes] of Object.entries(compareFiles(cmp, c))) out.write(name, bytes);
    const svg = compareFigureSvg(cmp, a, b, c);
    out.write('figure.svg', svg);
    out.write('figure.png', await session.rasterise(svg, compareFigureSize.width, compareFigureSize.height, kFigureScale));
    if (!opts.quiet) process.stdout.write(`${cmp.title}: ${compareSummary(c)}\n`);
  });
}
