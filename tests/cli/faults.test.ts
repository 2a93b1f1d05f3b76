// Fault catalogue, part 1: bad specs and arguments against the real CLI (main(), in this process,
// stderr captured). Each exits 2 with one line naming the file and field, before any browser or
// output folder exists: afterwards the folder holds only the inputs and $TMPDIR is empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { entries, leftovers } from './support.js';
import { inProcess } from './in-process.js';

const small = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0, max: 0.9, n: 16 },
  y: { param: 'weightDecay', min: 0.02, max: 0.3, n: 12 },
  integrator: { dt: 0.1, tEnd: 200 },
};
const withSmall = (patch: Record<string, unknown>) => JSON.stringify({ ...small, ...patch });
const known = 'known: tian-l2, bao-cosine, halvagal-isoloss, wen-li, ziyin-landscape';
const huge = 'm'.repeat(10_000_000);
const clipped = `${'m'.repeat(60)}… (10000000 characters)`;

/** File name → contents; every case below reads one of them ($DIR in a message: the folder they are in). */
const files: Record<string, string> = {
  'null.json': 'null',
  'nulls.json': '[null]',
  'empty-array.json': '[]',
  'number.json': '42',
  'infinite.json': JSON.stringify(small).replace('"n":12', '"n":1e400'),
  'to-string.json': withSmall({ integrator: { method: 'toString' } }),
  'proto-method.json': withSmall({ integrator: { method: '__proto__' } }),
  'proto-param.json': JSON.stringify(small).replace('{', '{"params":{"__proto__":5},'),
  'constructor.json': withSmall({ params: { constructor: 1 } }),
  'model-to-string.json': withSmall({ model: 'toString' }),
  'huge-model.json': withSmall({ model: huge }),
  'proto-axis.json': withSmall({ x: { ...small.x, param: '__proto__' } }),
  'top-field.json': withSmall({ colour: 'red' }),
  'n1.json': withSmall({ x: { ...small.x, n: 1 } }),
  'n-string.json': withSmall({ x: { ...small.x, n: '16' } }),
  'min-max.json': withSmall({ x: { ...small.x, min: 0.9 } }),
  'log-zero.json': withSmall({ x: { ...small.x, scale: 'log' } }),
  'range.json': withSmall({ y: { ...small.y, max: 3 } }),
  'choice-axis.json': withSmall({ x: { param: 'target', min: 0, max: 1, n: 4 } }),
  'structural-axis.json': JSON.stringify({
    model: 'halvagal-isoloss',
    x: { param: 'modes', min: 1, max: 8, n: 4 },
    y: { param: 'weightDecay', min: 0, max: 0.1, n: 4 },
  }),
  'same-axis.json': withSmall({ y: { ...small.x } }),
  'value-range.json': withSmall({ params: { augmentation: -1 } }),
  'value-string.json': withSmall({ params: { emaRate: 'fast' } }),
  'bad-choice.json': withSmall({ params: { target: 'moco' } }),
  'wrong-section.json': withSmall({ params: { s0: 0.1 } }),
  'rtol-fixed.json': withSmall({ integrator: { method: 'rk4', rtol: 1e-6 } }),
  'settle-true.json': withSmall({ settle: true }),
  'refine-coarse.json': withSmall({ refine: { coarse: 5 } }),
  'too-large.json': withSmall({ x: { ...small.x, n: 50000 }, y: { ...small.y, n: 50000 } }),
  'axes-differ.json': JSON.stringify({ a: small, b: { ...small, x: { ...small.x, max: 0.5 } } }),
  'small.json': JSON.stringify(small),
};

const memory = `${(totalmem() / 1e9).toPrecision(3)} GB`;
const cases: Array<[string, string[], string]> = [
  ['null spec', ['run', 'null.json'], 'null.json: spec: expected an object, got null'],
  ['null in an array', ['run', 'nulls.json'], 'nulls.json[0]: spec: expected an object, got null'],
  ['empty array', ['run', 'empty-array.json'], 'empty-array.json: the array holds no spec'],
  ['a number', ['run', 'number.json'], 'number.json: spec: expected an object, got number'],
  ['1e400', ['run', 'infinite.json'], 'infinite.json: y.n: expected a finite number, got Infinity (beyond the largest double, 1.8e308)'],
  [
    'method toString',
    ['run', 'to-string.json'],
    'to-string.json: integrator.method: unknown integrator "toString" (known: rk4, rk38, dp5, tsit5)',
  ],
  [
    'method __proto__',
    ['run', 'proto-method.json'],
    'proto-method.json: integrator.method: unknown integrator "__proto__" (known: rk4, rk38, dp5, tsit5)',
  ],
  ['params __proto__', ['run', 'proto-param.json'], 'proto-param.json: params.__proto__: unknown parameter of tian-l2'],
  ['params constructor', ['run', 'constructor.json'], 'constructor.json: params.constructor: unknown parameter of tian-l2'],
  ['model toString', ['run', 'model-to-string.json'], `model-to-string.json: model: unknown model "toString" (${known})`],
  ['a 10 MB model name, clipped', ['run', 'huge-model.json'], `huge-model.json: model: unknown model "${clipped}" (${known})`],
  [
    'axis __proto__',
    ['run', 'proto-axis.json'],
    'proto-axis.json: x.param: unknown parameter "__proto__" of tian-l2 (known: weightDecay, augmentation, predictorLr, emaRate, tau, target, p0, s0, wa0)',
  ],
  ['unknown top-level field', ['run', 'top-field.json'], 'top-field.json: spec: unknown field "colour"'],
  ['n = 1', ['run', 'n1.json'], 'n1.json: x.n: must be an integer ≥ 2 (got 1)'],
  ['n as a string', ['run', 'n-string.json'], 'n-string.json: x.n: expected a finite number, got "16"'],
  ['min = max', ['run', 'min-max.json'], 'min-max.json: x.min: must be less than x.max (0.9 ≥ 0.9)'],
  ['log axis through 0', ['run', 'log-zero.json'], 'log-zero.json: x.min: a log axis needs min > 0 (got 0)'],
  ['axis outside the range', ['run', 'range.json'], 'range.json: y.max: 3 is outside the range of tian-l2.weightDecay [0, 1]'],
  [
    'choice as an axis',
    ['run', 'choice-axis.json'],
    'choice-axis.json: x.param: "target" is a choice (simsiam, byol, fixed) and cannot be an axis',
  ],
  [
    'structural axis',
    ['run', 'structural-axis.json'],
    'structural-axis.json: x.param: "modes" is structural (it sets the kernel\'s state size) and cannot be an axis; give it under "params"',
  ],
  ['same parameter twice', ['run', 'same-axis.json'], 'same-axis.json: y.param: "p0" is already the x axis'],
  [
    'value outside the range',
    ['run', 'value-range.json'],
    'value-range.json: params.augmentation: -1 is outside the range of tian-l2.augmentation [0, 10]',
  ],
  ['string for a number', ['run', 'value-string.json'], 'value-string.json: params.emaRate: expected a number, got "fast"'],
  ['unknown choice', ['run', 'bad-choice.json'], 'bad-choice.json: params.target: "moco" is not one of simsiam, byol, fixed'],
  ['initial condition under params', ['run', 'wrong-section.json'], 'wrong-section.json: params.s0: "s0" belongs under "initial"'],
  [
    'rtol on rk4',
    ['run', 'rtol-fixed.json'],
    'rtol-fixed.json: integrator.rtol: only adaptive steps take it (rk4 runs a fixed step here; adaptive methods: dp5, tsit5)',
  ],
  ['settle: true', ['run', 'settle-true.json'], 'settle-true.json: settle: expected false or an object (got true)'],
  [
    'refine coarse 5 of 16',
    ['run', 'refine-coarse.json'],
    'refine-coarse.json: refine.coarse: x.n must be coarse times a power of two (x.n = 16, coarse = 5, x.n / coarse = 3.2)',
  ],
  ['--refine 0', ['run', 'small.json', '--refine=0'], '--refine: expected a positive integer (got "0")'],
  ['--refine abc', ['run', 'small.json', '--refine=abc'], '--refine: expected a positive integer (got "abc")'],
  [
    '50000 × 50000',
    ['run', 'too-large.json'],
    `too-large.json: x.n × y.n: the grid 50000 × 50000 = 2500000000 cells is too large for this machine: its result needs 165 GB of memory (33 bytes per cell, held twice), and the machine has ${memory}`,
  ],
  ['missing file', ['run', 'nope.json'], 'nope.json: cannot read (ENOENT)'],
  ['a folder as a spec', ['run', 'dir'], 'dir: cannot read (EISDIR)'],
  [
    'two files, one subfolder',
    ['run', 'small.json', 'dir/small.json'],
    'small.json and dir/small.json would both write to subfolder "small"; rename one file',
  ],
  ['--tile 3/3', ['run', 'small.json', '--tile', '3/3'], '--tile: expected I/N with 0 ≤ I < N, e.g. 0/4 (got "3/3")'],
  ['--tile 1/0', ['run', 'small.json', '--tile', '1/0'], '--tile: expected I/N with 0 ≤ I < N, e.g. 0/4 (got "1/0")'],
  ['--tile abc', ['run', 'small.json', '--tile', 'abc'], '--tile: expected I/N with 0 ≤ I < N, e.g. 0/4 (got "abc")'],
  ['--tile more than rows', ['run', 'small.json', '--tile', '0/40'], '--tile: 40 tiles exceed the 12 grid rows of small.json (y.n)'],
  ['--out exists', ['run', 'small.json', '--out', 'dir'], '--out dir: already exists; pass --force to replace it'],
  [
    '--out under a file',
    ['run', 'small.json', '--out', 'small.json/out'],
    "--out small.json/out: cannot create the folder there (EEXIST: file already exists, mkdir '$DIR/small.json')",
  ],
  [
    'preset without a slash',
    ['preset', 'tian-l2'],
    'preset: expected MODEL/PRESET, e.g. tian-l2/weight-decay-threshold (got "tian-l2"); `collapse-atlas models` lists them',
  ],
  [
    'preset of an unknown model',
    ['preset', 'toString/x'],
    'preset: expected MODEL/PRESET, e.g. tian-l2/weight-decay-threshold (got "toString/x"); `collapse-atlas models` lists them',
  ],
  [
    'unknown preset',
    ['preset', 'tian-l2/__proto__'],
    'preset: tian-l2 has no preset "__proto__" (known: weight-decay-threshold, augmentation-vs-weight-decay, fig3-basin-eta0, predictor-learning-rate, ema-rate)',
  ],
  [
    'a 10 MB preset name, clipped',
    ['preset', `tian-l2/${huge}`],
    `preset: tian-l2 has no preset "${clipped}" (known: weight-decay-threshold, augmentation-vs-weight-decay, fig3-basin-eta0, predictor-learning-rate, ema-rate)`,
  ],
  ['--n 0', ['preset', 'tian-l2/ema-rate', '--n', '0'], '--n: expected a positive integer (got "0")'],
  ['--n 1.5', ['preset', 'tian-l2/ema-rate', '--n', '1.5'], '--n: expected a positive integer (got "1.5")'],
  ['--t-end -1', ['preset', 'tian-l2/ema-rate', '--t-end', '-1'], '--t-end: expected a positive number (got "-1")'],
  [
    '--n 50000',
    ['preset', 'tian-l2/ema-rate', '--n', '50000'],
    `preset tian-l2/ema-rate: x.n × y.n: the grid 50000 × 50000 = 2500000000 cells is too large for this machine: its result needs 165 GB of memory (33 bytes per cell, held twice), and the machine has ${memory}`,
  ],
  [
    'compare: unknown preset',
    ['compare', '--preset', 'constructor'],
    'compare --preset: unknown comparison "constructor" (known: l2-vs-cosine, simsiam-vs-byol, euclidean-vs-isoloss, flow-vs-training-step, predictor-on-vs-off)',
  ],
  ['compare: files and a preset', ['compare', 'small.json', '--preset', 'l2-vs-cosine'], 'compare: give spec files or --preset, not both'],
  [
    'compare: three files',
    ['compare', 'small.json', 'small.json', 'small.json'],
    'compare: expected A.json B.json, one file holding { a, b }, or --preset ID (got 3 files)',
  ],
  [
    'compare: --n without --preset',
    ['compare', 'small.json', 'small.json', '--n', '8'],
    'compare --n: only with --preset (a spec file sets its own x.n and y.n)',
  ],
  [
    'compare: --n 1',
    ['compare', '--preset', 'l2-vs-cosine', '--n', '1'],
    'compare preset l2-vs-cosine: a.x.n: must be an integer ≥ 2 (got 1)',
  ],
  ['compare: missing file', ['compare', 'small.json', 'nope.json'], 'nope.json: cannot read (ENOENT)'],
  ['compare: null side', ['compare', 'small.json', 'null.json'], 'small.json vs null.json: b.spec: expected an object, got null'],
  [
    'compare: axes differ',
    ['compare', 'axes-differ.json'],
    'axes-differ.json: b.x: must equal a.x to compare cell for cell (a: p0 [0, 0.9] × 16 linear; b: p0 [0, 0.5] × 16 linear)',
  ],
];

let dir = '';
let tmp = '';
const saved = { cwd: process.cwd(), tmpdir: process.env.TMPDIR };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-faults-'));
  tmp = mkdtempSync(join(tmpdir(), 'collapse-atlas-faults-tmp-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, 'dir'));
  writeFileSync(join(dir, 'dir', 'small.json'), JSON.stringify(small));
  process.chdir(dir);
  process.env.TMPDIR = tmp;
});
afterAll(() => {
  process.chdir(saved.cwd);
  if (saved.tmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved.tmpdir;
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('fault catalogue: bad specs and arguments exit 2, naming the field, leaving nothing', () => {
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await inProcess(args);
    expect([r.code, r.stderr]).toEqual([2, `collapse-atlas: ${message.replace('$DIR', dir)}\n`]);
    expect(entries(dir)).toEqual([...Object.keys(files), 'dir'].sort());
    expect(leftovers(tmp)).toEqual({ processes: [], files: [] });
  });

  it('an unknown fault hook, command or option exits 2 too', async () => {
    process.env.COLLAPSE_ATLAS_FAULT = 'toString';
    const hook = await inProcess(['run', 'small.json', '--out', 'o']).finally(() => delete process.env.COLLAPSE_ATLAS_FAULT);
    expect([hook.code, hook.stderr]).toEqual([
      2,
      'collapse-atlas: COLLAPSE_ATLAS_FAULT: unknown fault "toString" (device-lost-once, device-lost, browser-crash, browser-crash-early, gpu-hang)\n',
    ]);
    expect(await inProcess(['frobnicate'])).toEqual({ code: 2, stderr: "error: unknown command 'frobnicate'\n" });
    expect(await inProcess(['run', 'small.json', '--colour'])).toEqual({ code: 2, stderr: "error: unknown option '--colour'\n" });
    expect(entries(dir)).toEqual([...Object.keys(files), 'dir'].sort());
  });
});
