/**
 * `npm run bench -- --user-model-throughput`: issue 13 asks that a model file's generated WGSL run
 * within 20 % of the hand-written kernel of the same model. tian-l2 both ways: the built-in model
 * (shaders/models/tian-l2.wgsl) and models/tian-l2.json (WGSL from src/user-model/wgsl.ts), on the
 * same slice (its first preset's), RK4 at the model's dt, every cell to tEnd (settle off), so both
 * runs do exactly cells × steps instance-steps. Kernel time, best of `repeats`, the two kernels
 * measured alternately so that a load change on a shared machine hits both.
 */
import { readFileSync } from 'node:fs';
import '../src/user-model/accept.js';
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { tianL2 } from '../src/models/tian-l2.js';
import { parseSpec } from '../src/sweep/spec.js';

const tianL2File = JSON.parse(readFileSync(new URL('../models/tian-l2.json', import.meta.url), 'utf8'));

/** The tolerance issue 13 sets: generated throughput ≥ 80 % of the hand-written kernel's. */
const kWithin = 0.2;

function specFor(model: string | object, log2Cells: number, steps: number) {
  const p = tianL2.presets[0].spec;
  const dt = tianL2.defaults.dt;
  return parseSpec({
    model,
    params: p.params,
    initial: p.initial,
    x: { ...p.x, n: 2 ** Math.ceil(log2Cells / 2) },
    y: { ...p.y, n: 2 ** Math.floor(log2Cells / 2) },
    integrator: { method: 'rk4', dt, tEnd: steps * dt },
    settle: false,
  });
}

export async function benchUserModel(
  device: GPUDevice,
  opts: { minLog2: number; maxLog2: number; budgetSteps: number; minSteps: number; repeats: number },
): Promise<string[][]> {
  const rows = [
    [
      'cells',
      'steps',
      'hand-written tian-l2: kernel inst-steps/s',
      'models/tian-l2.json: kernel inst-steps/s',
      'generated / hand-written',
      `within ${kWithin * 100} %`,
    ],
  ];
  for (let k = opts.minLog2; k <= opts.maxLog2; k += 2) {
    const steps = Math.max(opts.minSteps, Math.round(opts.budgetSteps / 2 ** k));
    const specs = { builtIn: specFor('tian-l2', k, steps), file: specFor(tianL2File, k, steps) };
    const best = { builtIn: Infinity, file: Infinity };
    for (const which of ['builtIn', 'file'] as const) await runSweepGpu(device, specFor(which === 'file' ? tianL2File : 'tian-l2', 8, 8)); // compile outside the timing
    for (let r = 0; r < opts.repeats; r++) {
      for (const which of ['builtIn', 'file'] as const) {
        const result = await runSweepGpu(device, specs[which], { budgetMs: 200, initialStepsPerDispatch: 64 });
        best[which] = Math.min(best[which], result.timings.kernelMs);
      }
    }
    const work = 2 ** k * steps;
    const rate = (ms: number) => work / (ms / 1000);
    const ratio = rate(best.file) / rate(best.builtIn);
    rows.push([
      `2^${k}`,
      String(steps),
      rate(best.builtIn).toExponential(3),
      rate(best.file).toExponential(3),
      ratio.toFixed(3),
      ratio >= 1 - kWithin ? 'yes' : 'no',
    ]);
    console.log(rows.at(-1)!.join('\t'));
  }
  return rows;
}
