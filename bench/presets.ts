/**
 * The early-exit section of `npm run bench`: for every preset, what a figure costs with early exit
 * (the preset's own integrator and settle test) against the fixed-horizon run (every cell to tEnd
 * with the preset's fixed step, `settle: false`), at equal classes.
 *
 * The fixed-horizon step count is exact (cells × steps). Its wall time is measured on a whole
 * fixed-horizon run of the same preset at `fixedN`² and scaled by the cell count (marked
 * "scaled"): a full fixed-horizon 256² run takes up to hours on SwiftShader. Pass
 * `--fixed-n=256` to measure it at full size instead. Classes are compared at `fixedN`² (cells
 * not next to a class change, and the fraction overall).
 */
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { parseSpec, type SweepSpecInput } from '../src/sweep/spec.js';
import type { Model, Preset } from '../src/models/types.js';
import type { SweepResult } from '../src/engine/result.js';

export interface PresetBenchOptions {
  n: number;
  fixedN: number;
  only?: string[];
}

function specAt(model: Model, preset: Preset, n: number, fixedHorizon: boolean): SweepSpecInput {
  const s = preset.spec;
  const fixed = preset.fixedHorizon;
  const integrator =
    fixedHorizon && fixed ? { ...s.integrator, method: fixed.method, dt: fixed.dt, rtol: undefined, atol: undefined } : s.integrator;
  return {
    model: model.id,
    params: s.params,
    initial: s.initial,
    x: { ...s.x, n },
    y: { ...s.y, n },
    integrator,
    settle: fixedHorizon ? false : s.settle,
  };
}

/** Cells whose class differs, split into those next to a class change (8-neighbourhood) and the rest. */
function differing(a: SweepResult, b: SweepResult): { near: number; away: number } {
  const { nx, ny } = a;
  let near = 0;
  let away = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (a.classes[c] === b.classes[c]) continue;
      let edge = false;
      for (let dj = -1; dj <= 1; dj++) {
        for (let di = -1; di <= 1; di++) {
          const jj = j + dj;
          const ii = i + di;
          if (jj >= 0 && jj < ny && ii >= 0 && ii < nx && b.classes[jj * nx + ii] !== b.classes[c]) edge = true;
        }
      }
      if (edge) near++;
      else away++;
    }
  }
  return { near, away };
}

export async function benchPresets(device: GPUDevice, models: readonly Model[], opts: PresetBenchOptions): Promise<string[][]> {
  const rows = [
    [
      'preset',
      'method',
      'cells',
      'fixed steps',
      'early steps',
      'ratio',
      'fixed wall s',
      'early wall s',
      'speed-up',
      `differ @${opts.fixedN}² (near/away)`,
    ],
  ];
  for (const model of models) {
    for (const preset of model.presets) {
      const key = `${model.id}/${preset.id}`;
      if (opts.only && !opts.only.includes(key) && !opts.only.includes(model.id)) continue;
      const early = parseSpec(specAt(model, preset, opts.n, false));
      await runSweepGpu(device, parseSpec(specAt(model, preset, 2, false))); // compile outside the timing
      const e = await runSweepGpu(device, early, { budgetMs: 200 });
      const fixedSmall = parseSpec(specAt(model, preset, opts.fixedN, true));
      await runSweepGpu(device, parseSpec(specAt(model, preset, 2, true)));
      const f = await runSweepGpu(device, fixedSmall, { budgetMs: 200 });
      const eSmall =
        opts.fixedN === opts.n ? e : await runSweepGpu(device, parseSpec(specAt(model, preset, opts.fixedN, false)), { budgetMs: 200 });
      const scale = (opts.n / opts.fixedN) ** 2;
      const fixedSteps = f.timings.instanceSteps * scale;
      const fixedWall = (f.timings.ms / 1000) * scale;
      const d = differing(eSmall, f);
      rows.push([
        key,
        early.integrator.adaptive
          ? `${early.integrator.method} rtol ${early.integrator.rtol}`
          : `${early.integrator.method} dt ${early.integrator.dt}`,
        `${opts.n}²`,
        fixedSteps.toExponential(2),
        e.timings.instanceSteps.toExponential(2),
        (fixedSteps / e.timings.instanceSteps).toFixed(0),
        `${fixedWall.toFixed(1)}${scale === 1 ? '' : ' (scaled)'}`,
        (e.timings.ms / 1000).toFixed(2),
        `${(fixedWall / (e.timings.ms / 1000)).toFixed(0)}×`,
        `${d.near}/${d.away}`,
      ]);
      console.log(rows.at(-1)!.join('\t'));
    }
  }
  return rows;
}
