import type { ResolvedSpec } from '../sweep/spec.js';
import { runSweepGpu, type GpuRunOptions } from '../engine/gpu-runner.js';
import { runSweepCpu } from '../engine/cpu-runner.js';
import { refineSweep, type RefinedResult, type RefineOptions } from './refine.js';
import { checkUncertainty } from './uncertainty.js';

/** What a refined GPU run takes of GpuRunOptions: each round is a cell-list run (no row band, grid mirror or resume). */
export type RefinedGpuOptions = Omit<GpuRunOptions, 'cells' | 'rows' | 'grid' | 'resumeFrom'> & RefineOptions;

function refineOf(spec: ResolvedSpec) {
  if (!spec.refine) throw new Error('this spec has no "refine": run it with runSweepGpu / runSweepCpu');
  return spec.refine;
}

/** spec.refine on the GPU: every round integrates its cells with runSweepGpu(device, spec, { cells }). */
export async function runRefinedGpu(device: GPUDevice, spec: ResolvedSpec, opts: RefinedGpuOptions = {}): Promise<RefinedResult> {
  const { rows, onRound, ...gpu } = opts;
  const refine = refineOf(spec);
  const r = await refineSweep(spec, refine, (cells, into) => runSweepGpu(device, spec, { ...gpu, cells, into }), { rows, onRound });
  if (!refine.uncertainty) return r;
  return checkUncertainty(r, refine.uncertainty, refine.seed, {
    tighter: (s, cells, into) => runSweepGpu(device, s, { ...gpu, cells, into }),
    f64: async (s, cells, into) => runSweepCpu(s, { cells, into }),
  });
}

/** spec.refine with the f64 reference runner (its uncertainty check has no f64 re-run: it is f64). */
export async function runRefinedCpu(spec: ResolvedSpec, opts: RefineOptions = {}): Promise<RefinedResult> {
  const refine = refineOf(spec);
  const r = await refineSweep(spec, refine, async (cells, into) => runSweepCpu(spec, { cells, into }), opts);
  if (!refine.uncertainty) return r;
  return checkUncertainty(r, refine.uncertainty, refine.seed, { tighter: async (s, cells, into) => runSweepCpu(s, { cells, into }) });
}
