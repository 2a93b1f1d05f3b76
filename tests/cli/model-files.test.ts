// Model files through the real CLI: `models --json --model FILE` lists them, a spec's `model` may be a
// path to one or its contents, and the run's classes are the engine's for the same model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpec } from '../../src/sweep/spec.js';
import '../../src/user-model/accept.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { testDevice } from '../support/gpu.js';
import { presetJob } from '../../src/cli/specs.js';
import { readModelFile } from '../../src/cli/model-files.js';
import { cli, errorLines, readNpy, type CliRun } from './support.js';

const device = (await testDevice())?.device;
const lorenzPath = fileURLToPath(new URL('../../models/lorenz.json', import.meta.url));
const lorenz = JSON.parse(readFileSync(lorenzPath, 'utf8'));
const nx = 8;
const ny = 6;
/** Lorenz on a small σ–ρ grid to t = 20: ρ < 1 reaches the origin (collapsed), ρ > 1 does not. */
const grid = {
  x: { param: 'sigma', min: 5, max: 15, n: nx },
  y: { param: 'rho', min: 0.1, max: 10, n: ny },
  integrator: { method: 'rk4', dt: 0.01, tEnd: 20 },
  settle: false,
};

let dir = '';
let run: CliRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-models-'));
  writeFileSync(join(dir, 'lorenz.json'), JSON.stringify(lorenz));
  // By path (relative to the spec file) and inline, in one call.
  writeFileSync(join(dir, 'by-path.json'), JSON.stringify({ model: './lorenz.json', ...grid }));
  writeFileSync(join(dir, 'inline.json'), JSON.stringify({ model: lorenz, ...grid }));
  if (device) run = await cli(['run', 'by-path.json', 'inline.json', '--out', 'out', '--quiet'], { cwd: dir });
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collapse-atlas models --model FILE', () => {
  it('lists the model file after the built-in models, with its parameters, state, legend and presets', async () => {
    const r = await cli(['models', '--json', '--model', lorenzPath], { cwd: dir });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as Array<Record<string, unknown> & { id: string }>;
    expect(listed.map((m) => m.id)).toEqual(['tian-l2', 'bao-cosine', 'halvagal-isoloss', 'wen-li', 'ziyin-landscape', 'lorenz']);
    const m = listed[5] as unknown as {
      file: string;
      status: string;
      params: Array<{ id: string; default: number }>;
      initial: Array<{ id: string; default: number }>;
      state: Array<{ id: string }>;
      legend: Array<{ id: string; code: number }>;
      presets: Array<{ id: string; spec: { model: string } }>;
    };
    expect(m.file).toBe(lorenzPath);
    expect(m.status).toBe('user');
    expect(m.params.map((p) => [p.id, p.default])).toEqual([
      ['sigma', 10],
      ['rho', 28],
      ['beta', 8 / 3],
    ]);
    expect(m.initial.map((p) => [p.id, p.default])).toEqual([
      ['x0', 1],
      ['y0', 0],
      ['z0', 0],
    ]);
    expect(m.state.map((s) => s.id)).toEqual(['x', 'y', 'z']);
    expect(m.legend.map((c) => [c.id, c.code])).toEqual([
      ['collapsed', 0],
      ['non-collapsed', 1],
      ['diverged', 3],
    ]);
    expect(m.presets.map((p) => [p.id, p.spec.model])).toEqual([['lorenz/sigma-rho', lorenzPath]]);
  });

  it('refuses a broken model file with the file, the field and the place (exit 2)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...lorenz, rhs: { ...lorenz.rhs, y: 'x * (rho - z) - sigm * y' } }));
    const r = await cli(['models', '--model', bad], { cwd: dir });
    expect(r.code).toBe(2);
    expect(errorLines(r)).toEqual([`collapse-atlas: ${bad}: rhs.y: unknown identifier "sigm" at column 17 (did you mean "sigma"?)`]);
    writeFileSync(join(dir, 'bad-spec.json'), JSON.stringify({ model: 'bad.json', ...grid }));
    const s = await cli(['run', 'bad-spec.json', '--out', 'never'], { cwd: dir });
    expect(s.code).toBe(2);
    expect(errorLines(s)).toEqual([`collapse-atlas: ${bad}: rhs.y: unknown identifier "sigm" at column 17 (did you mean "sigma"?)`]);
    const missing = await cli(['models', '--model', 'nope.json'], { cwd: dir });
    expect(errorLines(missing)).toEqual(['collapse-atlas: nope.json: cannot read the model file (ENOENT)']);
  });
});

describe('collapse-atlas preset --model FILE', () => {
  it('finds the preset in the model file and runs it with the file as the model', () => {
    const job = presetJob('lorenz/sigma-rho', { n: '8', tEnd: '5' }, [readModelFile(lorenzPath)]);
    expect(job.spec.model.id).toBe('lorenz');
    expect(job.spec.model.status).toBe('user');
    expect([job.spec.x.param, job.spec.x.n, job.spec.y.param, job.spec.y.n, job.spec.integrator.tEnd]).toEqual(['sigma', 8, 'rho', 8, 5]);
    expect(job.preset).toEqual({ model: 'lorenz', id: 'sigma-rho', title: lorenz.presets[0].title, caption: lorenz.presets[0].caption });
    expect(() => presetJob('lorenz/sigma-rho')).toThrow('preset: expected MODEL/PRESET');
  });
});

describe.runIf(device)('collapse-atlas run with a model file', () => {
  it("runs a spec naming the file and a spec holding it, with the f64 reference's classes", () => {
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const reference = runSweepCpu(parseSpec({ model: lorenz, ...grid }));
    const expected = [...reference.classes];
    // Both classes on the grid: the origin attracts below ρ = 1 only.
    expect(new Set(expected)).toEqual(new Set([0, 1]));
    for (const name of ['by-path', 'inline']) {
      const classes = readNpy(join(dir, 'out', name, 'class.npy'));
      expect(classes.shape).toEqual([ny, nx]);
      expect([...(classes.data as Uint8Array)], name).toEqual(expected);
      // The manifest carries the model file itself, so the run can be repeated from it alone.
      const manifest = JSON.parse(readFileSync(join(dir, 'out', name, 'manifest.json'), 'utf8'));
      expect(manifest.spec.model).toEqual(JSON.parse(JSON.stringify(lorenz)));
      expect(manifest.model.id).toBe('lorenz');
    }
  });
});
