/**
 * `npm run bench`: instance-steps/s of the WGSL sweep runner per model and grid size (2^12 … 2^20
 * cells), of the f64 TypeScript reference, and the FMA microkernel's flop rate on the same adapter,
 * with each model kernel's fraction of it. Prints a table; nothing here is asserted.
 */
import { requestSweepDevice } from '../src/engine/device.js';
import { nodeGpu } from '../src/engine/node-gpu.js';
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { runSweepCpu } from '../src/engine/cpu-runner.js';
import { parseSpec } from '../src/sweep/spec.js';
import { models } from '../src/models/registry.js';
import { stages, tableaus } from '../src/integrators/tableaus.js';
import type { Model } from '../src/models/types.js';
import { fmaFlops } from './fma.js';
import { benchPresets } from './presets.js';
import { benchRefine } from './refine.js';
import { benchLorenz } from './lorenz.js';
import { benchClosurePresets, benchRhs } from './closures.js';
import { benchUserModel } from './user-model.js';

const args = process.argv.slice(2);
const maxLog2 = Number(args.find((a) => a.startsWith('--max-log2='))?.split('=')[1] ?? 20);
// Instance-steps per measurement: enough for the per-submit overhead to vanish.
const budgetSteps = Number(args.find((a) => a.startsWith('--instance-steps='))?.split('=')[1] ?? 2 ** 27);
// Steps per measurement at least (SwiftShader needs fewer for the 64-mode kernel to finish at all).
const minSteps = Number(args.find((a) => a.startsWith('--min-steps='))?.split('=')[1] ?? 1024);
// `--models=wen-li,ziyin-landscape` benches those only (default: every registered model).
const only = args
  .find((a) => a.startsWith('--models='))
  ?.split('=')[1]
  ?.split(',');
const unknown = only?.filter((id) => !models.some((m) => m.id === id)) ?? [];
if (unknown.length) throw new Error(`--models: unknown model ${unknown.join(', ')} (known: ${models.map((m) => m.id).join(', ')})`);
const benched = only ? models.filter((m) => only.includes(m.id)) : models;
// `--section=throughput|presets|refine` runs one part only (default: throughput and presets; refine only when asked, it takes long).
const section = args.includes('--lorenz')
  ? 'lorenz'
  : args.includes('--user-model-throughput')
    ? 'user-model'
    : (args.find((a) => a.startsWith('--section='))?.split('=')[1] ?? 'all');
if (!['all', 'throughput', 'presets', 'refine', 'lorenz', 'user-model', 'closures'].includes(section))
  throw new Error(`--section: "${section}" is not one of all, throughput, presets, refine, lorenz, user-model, closures`);
// Closures section (halvagal-isoloss, exact vs mean-field cosine expectation): cosine presets at --closures-n² (default 32).
const closuresN = Number(args.find((a) => a.startsWith('--closures-n='))?.split('=')[1] ?? 32);
// Lorenz section: N = 2^--lorenz-min-log2 … 2^--lorenz-max-log2 trajectories (the paper goes to 2^23; SwiftShader takes minutes beyond 2^16).
const lorenzLog2 = [3, 16].map((d, k) => Number(args.find((a) => a.startsWith(`--lorenz-${k ? 'max' : 'min'}-log2=`))?.split('=')[1] ?? d));
// Refinement section: presets at --refine-n² (default 1024); --refined-only skips the full grids.
const refineN = Number(args.find((a) => a.startsWith('--refine-n='))?.split('=')[1] ?? 1024);
const refinedOnly = args.includes('--refined-only');
// Early-exit section: presets at --preset-n² (default 256), the fixed-horizon baseline run at --fixed-n² (default 32).
const presetN = Number(args.find((a) => a.startsWith('--preset-n='))?.split('=')[1] ?? 256);
const fixedN = Number(args.find((a) => a.startsWith('--fixed-n='))?.split('=')[1] ?? 32);
const onlyPresets = args
  .find((a) => a.startsWith('--presets='))
  ?.split('=')[1]
  ?.split(',');

const { device, adapterInfo } = await requestSweepDevice(nodeGpu());
console.log(`adapter: ${adapterInfo}`);
const flops = await fmaFlops(device);
console.log(`FMA microkernel: ${(flops / 1e9).toFixed(2)} GFLOP/s`);

/** Flops of one RK step: the rhs at every stage plus the stage and update combinations. */
function flopsPerStep(model: Model): number | undefined {
  if (!model.flopsPerRhs) return undefined;
  const s = stages(tableaus.rk4);
  const dim = model.state.length;
  return s * model.flopsPerRhs + dim * (s * (s - 1) + 2 * s + 1);
}

/**
 * Structural settings to bench a model at besides its first preset's (one instance = one cell, so a
 * cell of M modes does M mode-steps per instance-step).
 */
const variants: Record<string, Array<Record<string, number>>> = {
  'halvagal-isoloss': [{ modes: 4 }, { modes: 16 }, { modes: 64 }],
};

function sweepFor(model: Model, log2Cells: number, steps: number, structural: Record<string, number> = {}) {
  const numeric = model.params.filter((p) => p.kind === 'number' && p.default !== 'derived');
  const [px, py] = numeric;
  const axis = (p: (typeof numeric)[number], n: number) =>
    p.kind === 'number' ? { param: p.id, min: p.min, max: p.min + (p.max - p.min) * 0.5, n, scale: 'linear' as const } : undefined;
  const preset = model.presets[0]?.spec;
  const nx = 2 ** Math.ceil(log2Cells / 2);
  const ny = 2 ** Math.floor(log2Cells / 2);
  const base = preset
    ? { params: { ...preset.params, ...structural }, initial: preset.initial, x: { ...preset.x, n: nx }, y: { ...preset.y, n: ny } }
    : { params: structural, x: axis(px, nx), y: axis(py, ny) };
  // Throughput: every cell runs to tEnd (no early exit), so each instance-step is one of the count.
  return parseSpec({ model: model.id, ...base, integrator: { dt: model.defaults.dt, tEnd: steps * model.defaults.dt }, settle: false });
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(`\n${rows.map((r) => r.map((v, c) => v.padEnd(widths[c])).join('  ')).join('\n')}\n`);
}

if (section === 'closures') {
  console.log('\nhalvagal-isoloss cosine losses: f64 right-hand side per closure (λ log-spaced over [0.01, 0.5], median of 5)');
  printTable(benchRhs([2, 4, 8, 10, 16, 32]));
  console.log(`Time to a figure of each cosine preset at ${closuresN}², its own integrator and early exit, compile excluded`);
  printTable(await benchClosurePresets(device, closuresN));
  device.destroy();
  process.exit(0);
}
if (section === 'lorenz') {
  console.log("\nLorenz ρ-sweep (the DiffEqGPU paper's problem), f32, models/lorenz.json as a user model; kernel time, best of 3");
  printTable(await benchLorenz(device, { minLog2: lorenzLog2[0], maxLog2: lorenzLog2[1], repeats: 3 }));
  device.destroy();
  process.exit(0);
}
if (section === 'user-model') {
  console.log('\ntian-l2, hand-written WGSL against models/tian-l2.json (generated), RK4, every cell to tEnd; kernel time, best of 3');
  printTable(await benchUserModel(device, { minLog2: 12, maxLog2: Math.min(maxLog2, 16), budgetSteps, minSteps, repeats: 3 }));
  device.destroy();
  process.exit(0);
}
if (section === 'refine') {
  console.log(
    `\nRefinement per preset: ${refineN}² cells, coarse 64, verify 0.02, uncertainty check on; the full grid with every cell integrated beside it`,
  );
  printTable(await benchRefine(device, benched, { n: refineN, only: onlyPresets, refinedOnly }));
  device.destroy();
  process.exit(0);
}
if (section !== 'throughput') {
  console.log(`\nEarly exit per preset: ${presetN}² cells; fixed-horizon baseline measured at ${fixedN}² and scaled by the cell count`);
  printTable(await benchPresets(device, benched, { n: presetN, fixedN, only: onlyPresets }));
}
if (section === 'presets') {
  device.destroy();
  process.exit(0);
}

const rows: string[][] = [
  [
    'model',
    'cells',
    'steps',
    'run inst-steps/s',
    'kernel inst-steps/s',
    'kernel mode-steps/s',
    'kernel GFLOP/s',
    '% of FMA',
    'f64 TS inst-steps/s',
  ],
];
const runs = models.flatMap((family) => (variants[family.id] ?? [{}]).map((structural) => ({ family, structural })));
for (const { family, structural } of runs.filter((r) => benched.includes(r.family))) {
  const model = sweepFor(family, 4, 1, structural).model;
  const fps = flopsPerStep(model);
  const cpuSpec = sweepFor(family, 8, Math.min(2000, minSteps), structural);
  const cpu = runSweepCpu(cpuSpec);
  const cpuRate = cpu.timings.instanceSteps / (cpu.timings.ms / 1000);
  const label = model.variant ? `${model.id}[${model.variant}]` : model.id;
  for (let k = 12; k <= maxLog2; k += 2) {
    const steps = Math.max(minSteps, Math.round(budgetSteps / 2 ** k));
    const spec = sweepFor(family, k, steps, structural);
    await runSweepGpu(device, sweepFor(family, 12, 8, structural)); // compile outside the timing
    const r = await runSweepGpu(device, spec, { budgetMs: 200, initialStepsPerDispatch: 64 });
    const rate = r.timings.instanceSteps / (r.timings.ms / 1000);
    const kernelRate = r.timings.instanceSteps / (r.timings.kernelMs / 1000);
    const gf = fps ? (kernelRate * fps) / 1e9 : undefined;
    rows.push([
      label,
      `2^${k}`,
      String(steps),
      rate.toExponential(3),
      kernelRate.toExponential(3),
      (kernelRate * (structural.modes ?? 1)).toExponential(3),
      gf ? gf.toFixed(2) : 'n/a',
      gf ? `${((100 * gf * 1e9) / flops).toFixed(1)} %` : 'n/a',
      k === 12 ? cpuRate.toExponential(3) : '',
    ]);
    console.log(rows.at(-1)!.join('\t'));
  }
}
printTable(rows);
device.destroy();
