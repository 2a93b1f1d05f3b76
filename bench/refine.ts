/**
 * The refinement section of `npm run bench`: for every preset at `n`² (default 1024), the full grid
 * (every cell integrated, the preset's own integrator and early exit) against the refined run
 * (coarse 64, verification at 2 %, the uncertainty check on): cells integrated, wall time of each,
 * and how many classes differ (next to a class change in the full grid / away from it). Engine
 * level (no browser, no files): the CLI's overhead is in the README's "Performance".
 */
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { runRefinedGpu } from '../src/refine/runners.js';
import { parseSpec } from '../src/sweep/spec.js';
import type { Model } from '../src/models/types.js';
import { presetAt } from '../tests/support/full-grid.js';
import { nearClassChange } from '../tests/support/cells.js';

export interface RefineBenchOptions {
  n: number;
  only?: string[];
  /** Skip the full grid (its time at 1024² runs to minutes for some presets on SwiftShader). */
  refinedOnly?: boolean;
}

export async function benchRefine(device: GPUDevice, models: readonly Model[], opts: RefineBenchOptions): Promise<string[][]> {
  const { n } = opts;
  const rows = [
    [
      'preset',
      'cells',
      'refined: integrated',
      '%',
      'rounds',
      'uncertain',
      'refined wall s',
      'full wall s',
      'speed-up',
      'differ (near/away)',
    ],
  ];
  for (const model of models) {
    for (const preset of model.presets) {
      const key = `${model.id}/${preset.id}`;
      if (opts.only && !opts.only.includes(key) && !opts.only.includes(model.id)) continue;
      await runSweepGpu(device, parseSpec(presetAt(model.id, preset, 2, false))); // compile outside the timing
      const r = await runRefinedGpu(device, parseSpec(presetAt(model.id, preset, n, { coarse: 64 })), { budgetMs: 200 });
      const full = opts.refinedOnly
        ? undefined
        : await runSweepGpu(device, parseSpec(presetAt(model.id, preset, n, false)), { budgetMs: 200 });
      let near = 0;
      let away = 0;
      if (full) {
        const edge = nearClassChange(full.classes, n, n, 8);
        r.classes.forEach((k, c) => {
          if (k === full.classes[c]) return;
          if (edge[c]) near++;
          else away++;
        });
      }
      const s = (ms: number) => (ms / 1000).toFixed(2);
      rows.push([
        key,
        `${n}²`,
        String(r.refine.computed),
        ((100 * r.refine.computed) / (n * n)).toFixed(2),
        String(r.refine.rounds),
        String(r.uncertainty?.uncertain ?? 0),
        s(r.timings.ms + (r.uncertainty?.ms ?? 0)),
        full ? s(full.timings.ms) : '—',
        full ? `${(full.timings.ms / (r.timings.ms + (r.uncertainty?.ms ?? 0))).toFixed(1)}×` : '—',
        full ? `${near}/${away}` : '—',
      ]);
      console.log(rows.at(-1)!.join('\t'));
    }
  }
  return rows;
}
