/**
 * Writes the fixed-horizon references the early-exit tests compare with: every preset of every
 * model at 64² (or --n), integrated with the preset's own fixed-step integrator to tEnd with
 * `settle: false`, on the WebGPU adapter at hand. One JSON file per preset in
 * tests/fixtures/fixed-horizon/ with the spec, the adapter and the class grid (one digit per cell,
 * rows of ascending y). Run: npx tsx --import ./scripts/raw-loader.mjs scripts/fixed-horizon.ts [--n=64] [--only=tian-l2/weight-decay-threshold]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestSweepDevice } from '../src/engine/device.js';
import { nodeGpu } from '../src/engine/node-gpu.js';
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { parseSpec, specToJson } from '../src/sweep/spec.js';
import { models } from '../src/models/registry.js';
import { fixedHorizonSpec, fixedHorizonPath } from '../tests/support/fixed-horizon.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => a.startsWith('--n='))?.split('=')[1] ?? 64);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.split('=')[1]
  ?.split(',');
const { device, adapterInfo } = await requestSweepDevice(nodeGpu());
mkdirSync('tests/fixtures/fixed-horizon', { recursive: true });
for (const model of models) {
  for (const preset of model.presets) {
    const key = `${model.id}/${preset.id}`;
    if (only && !only.includes(key)) continue;
    // A preset without early exit is its own fixed-horizon run: nothing to compare (presets-early-exit.test.ts).
    if (preset.spec.settle === false) continue;
    const spec = parseSpec(fixedHorizonSpec(model.id, preset, n));
    const t0 = performance.now();
    const r = await runSweepGpu(device, spec, { budgetMs: 200 });
    const seconds = (performance.now() - t0) / 1000;
    const rows: string[] = [];
    for (let j = 0; j < r.ny; j++) rows.push(Array.from(r.classes.subarray(j * r.nx, (j + 1) * r.nx)).join(''));
    writeFileSync(
      fixedHorizonPath(model.id, preset.id),
      `${JSON.stringify({ spec: specToJson(spec), adapter: adapterInfo, seconds: Number(seconds.toFixed(1)), classes: rows }, null, 1)}\n`,
    );
    console.log(`${key}: ${seconds.toFixed(1)} s`);
  }
}
process.exit(0);
