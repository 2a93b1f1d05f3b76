import type { ResolvedSpec } from '../sweep/spec.js';
import { runSweepGpu, type GpuRunOptions } from '../engine/gpu-runner.js';
import { runSweepCpu } from '../engine/cpu-runner.js';
import { refineSweep, type RefinedResult, type RefineOptions } from './refine.js';

/** What a refined GPU run takes of GpuRunOptions: each round is a cell-list run (no row band, grid mirror or resume). */
export type RefinedGpuOptions = Omit<GpuRunOptions, 'cells' | 'rows' | 'grid' | 'resumeFrom'> & RefineOptions;

function refineOf(spec: ResolvedSpec) {
  if (!spec.refine) throw new Error('this spec has no "refine": run it with runSweepGpu / runSweepCpu');
  return spec.refine;
}

/** spec.refine on the GPU: every round integrates its cells with runSweepGpu(device, spec, { cells }). */
export function runRefinedGpu(device: GPUDevice, spec: ResolvedSpec, opts: RefinedGpuOptions = {}): Promise<RefinedResult> {
  const { rows, onRound, ...gpu } = opts;
  return refineSweep(spec, refineOf(spec), (cells, into) => runSweepGpu(device, spec, { ...gpu, cells, into }), { rows, onRound });
}

/** spec.refine with the f64 reference runner. */
export function runRefinedCpu(spec: ResolvedSpec, opts: RefineOptions = {}): Promise<RefinedResult> {
  return refineSweep(spec, refineOf(spec), async (cells, into) => runSweepCpu(spec, { cells, into }), opts);
}
