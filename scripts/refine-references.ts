/**
 * Writes the full-grid references the refinement tests compare with: every preset at 256² (or --n)
 * with its own integrator and early exit, every cell integrated, on the WebGPU adapter at hand. One
 * JSON file per preset in tests/fixtures/full-grid/ with the spec, the adapter, the seconds it took and
 * the class grid, one run-length-coded row per y value ("0*12 1*244": 12 cells of code 0, then 244 of
 * code 1). Also prints the refined run's time beside it.
 * Run: npx tsx --import ./scripts/raw-loader.mjs scripts/refine-references.ts [--n=256] [--only=tian-l2/ema-rate,...] [--skip=...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestSweepDevice } from '../src/engine/device.js';
import { nodeGpu } from '../src/engine/node-gpu.js';
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { runRefinedGpu } from '../src/refine/runners.js';
import { parseSpec, specToJson } from '../src/sweep/spec.js';
import { models } from '../src/models/registry.js';
import { encodeRows, fullGridPath, presetAt } from '../tests/support/full-grid.js';

const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const n = Number(arg('n') ?? 256);
const only = arg('only')?.split(',');
const skip = arg('skip')?.split(',') ?? [];
const { device, adapterInfo } = await requestSweepDevice(nodeGpu());
mkdirSync('tests/fixtures/full-grid', { recursive: true });
for (const model of models) {
  for (const preset of model.presets) {
    const key = `${model.id}/${preset.id}`;
    if ((only && !only.includes(key)) || skip.includes(key)) continue;
    const spec = parseSpec(presetAt(model.id, preset, n, false));
    const t0 = performance.now();
    const r = await runSweepGpu(device, spec, { budgetMs: 200 });
    const seconds = (performance.now() - t0) / 1000;
    writeFileSync(
      fullGridPath(model.id, preset.id),
      `${JSON.stringify({ spec: specToJson(spec), adapter: adapterInfo, seconds: Number(seconds.toFixed(1)), classes: encodeRows(r.classes, r.nx) }, null, 1)}\n`,
    );
    const t1 = performance.now();
    const refined = await runRefinedGpu(device, parseSpec(presetAt(model.id, preset, n, { coarse: 64, uncertainty: false })), {
      budgetMs: 200,
    });
    const refinedSeconds = (performance.now() - t1) / 1000;
    const differ = refined.classes.filter((k, c) => k !== r.classes[c]).length;
    console.log(
      `${key}: full ${seconds.toFixed(1)} s, refined ${refinedSeconds.toFixed(1)} s (${refined.refine.computed} cells, ${((100 * refined.refine.computed) / (n * n)).toFixed(1)} %), ${differ} cells differ`,
    );
  }
}
process.exit(0);
