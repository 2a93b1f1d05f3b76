import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import type { SweepResult } from '../../src/engine/result.js';
import { cellMetrics } from '../../src/models/types.js';
import type { ResolvedSpec } from '../../src/sweep/spec.js';
import { withErrorScopes } from './gpu.js';

/** tSettled of every cell (−1 where it ran to tEnd). */
export function settledTimes(r: SweepResult): number[] {
  const M = cellMetrics(r.spec.model).length;
  return Array.from({ length: r.nx * r.ny }, (_, k) => r.metrics[k * M + M - 2]);
}

/**
 * The same early-exit sweep on the GPU (f32 WGSL settleVerdict) and in f64 (the TS verdict), cell by
 * cell: the cells whose classes differ, and the largest |ΔtSettled| relative to max(1, tSettled) where
 * both stopped early (a cell that stopped on one side only counts as Infinity).
 */
export async function gpuAgainstCpu(device: GPUDevice, spec: ResolvedSpec) {
  const gpu = await withErrorScopes(device, () => runSweepGpu(device, spec));
  const cpu = runSweepCpu(spec);
  const tg = settledTimes(gpu);
  const tc = settledTimes(cpu);
  const classDiffs: number[] = [];
  const oneSided: number[] = [];
  let worstSettle = 0;
  for (let k = 0; k < tg.length; k++) {
    if (gpu.classes[k] !== cpu.classes[k]) classDiffs.push(k);
    if (tg[k] < 0 !== tc[k] < 0) oneSided.push(k);
    else if (tc[k] >= 0) worstSettle = Math.max(worstSettle, Math.abs(tg[k] - tc[k]) / Math.max(1, tc[k]));
  }
  return { gpu, cpu, classDiffs, oneSided, worstSettle, settled: tc.filter((t) => t >= 0), tEnd: spec.integrator.tEnd };
}
