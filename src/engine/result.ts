import { STEPS, cellMetrics } from '../models/types.js';
import type { ResolvedSpec } from './resolved-spec.js';

/**
 * Per-cell results of a sweep, laid out row-major: cell (i, j) — the i-th x value and the j-th y
 * value — is at j·nx + i. The GPU runner stores f32, the f64 reference runner f64.
 */
export interface SweepResult {
  spec: ResolvedSpec;
  nx: number;
  ny: number;
  /** Class code per cell (CLASSES[...].code). */
  classes: Uint8Array;
  /** Final state, model.state.length values per cell. */
  finalState: Float32Array | Float64Array;
  /** Per-cell metrics (cellMetrics(model): readouts, then the engine's: t_c, t_s, steps). */
  metrics: Float32Array | Float64Array;
  /** tEnd: every cell reached it or stopped before it (its tSettled). */
  tReached: number;
  /** Where it ran: the adapter's info, or 'cpu-f64'. */
  backend: string;
  /**
   * `ms` is the whole run; `kernelMs` the time spent waiting on integration dispatches alone;
   * `instanceSteps` the step attempts all cells took (the sum of the `steps` metric).
   */
  timings: { startedAt: string; endedAt: string; ms: number; kernelMs: number; instanceSteps: number };
  /**
   * A refined run only (spec.refine, src/refine/): per cell 0 = inherited from its block (finalState
   * and metrics NaN), level + 1 = integrated at that level, 255 = integrated as a verification sample.
   */
  computed?: Uint8Array;
  /** A refined run only: what the refinement integrated and what its verification found. */
  refine?: RefineStats;
  /**
   * Where the uncertainty check ran (src/refine/uncertainty.ts): per cell a bit set, 0 = not flagged,
   * UNCERTAIN_TOLERANCE = the class flips when re-run at a tighter tolerance (rtol / 100, or half the
   * fixed dt), UNCERTAIN_PRECISION = the class flips under the f64 reference.
   */
  uncertain?: Uint8Array;
  /** What the uncertainty check re-ran and found (with `uncertain`). */
  uncertainty?: UncertaintyStats;
  /**
   * A time-lapse run only (spec.timelapse): `classes` holds frame k's class of cell j·nx + i at
   * k·nx·ny + j·nx + i (the [K, ny, nx] of timelapse.npy); `times` the flow time of each frame.
   */
  timelapse?: { times: Float64Array; classes: Uint8Array };
}

/** `uncertain` bit: the class flips when the cell is re-run at a tighter tolerance. */
export const UNCERTAIN_TOLERANCE = 1;
/** `uncertain` bit: the class flips when the cell is re-run with the f64 reference (precision). */
export const UNCERTAIN_PRECISION = 2;

export function emptyResult(spec: ResolvedSpec, float: Float32ArrayConstructor | Float64ArrayConstructor, backend: string): SweepResult {
  const nx = spec.x.n;
  const ny = spec.y.n;
  const cells = nx * ny;
  return {
    spec,
    nx,
    ny,
    classes: new Uint8Array(cells),
    finalState: new float(cells * spec.model.state.length),
    metrics: new float(cells * cellMetrics(spec.model).length),
    tReached: 0,
    backend,
    timings: { startedAt: new Date().toISOString(), endedAt: '', ms: 0, kernelMs: 0, instanceSteps: 0 },
    ...(spec.timelapse
      ? { timelapse: { times: Float64Array.from(spec.timelapse.times), classes: new Uint8Array(spec.timelapse.frames * cells) } }
      : {}),
  };
}

/** Step attempts of every cell together (the `steps` metric summed), or of the listed cells only. */
export function totalSteps(r: SweepResult, cells?: Uint32Array): number {
  const M = cellMetrics(r.spec.model).length;
  const k = cellMetrics(r.spec.model).indexOf(STEPS);
  let sum = 0;
  if (cells) for (const c of cells) sum += r.metrics[c * M + k];
  else for (let c = k; c < r.metrics.length; c += M) sum += r.metrics[c];
  return sum;
}

/** What a refinement (src/refine/refine.ts) integrated and what its verification found. */
export interface RefineStats {
  coarse: number;
  /** Side of a coarsest block, in fine cells. */
  block: number;
  /** Levels from the coarse blocks to single cells: log2(block) + 1. */
  levels: number;
  /** Cells of the grid (or band) refined. */
  cells: number;
  /** Cells integrated: representatives of every level and the verification sample. */
  computed: number;
  /** Cells that took their block's class without being integrated (cells − computed). */
  inherited: number;
  /** Representatives integrated at each level (0 = coarse). */
  computedPerLevel: number[];
  verify: number;
  seed: number;
  /** Inherited cells integrated as a check: each inherited cell with probability `verify` (about verify · inherited). */
  sampleSize: number;
  /** Sampled cells whose integrated class differed from the class their block gave them. */
  disagreements: number;
  /** Their grid positions [i, j] (x index, y index). */
  disagreementCells: [number, number][];
  /** runCells calls. */
  rounds: number;
}

/** What the uncertainty check (src/refine/uncertainty.ts) re-ran and found. */
export interface UncertaintyStats {
  tighten: number;
  /** What the tolerance re-run used. */
  tighter: { rtol: number; atol: number } | { dt: number };
  /** Cells re-run at the tighter tolerance: every cell integrated at the finest level (none for a map, which has no step to tighten). */
  checked: number;
  flippedTolerance: number;
  /** Re-runs (either kind) that ended stiff or diverged where the run had not: no verdict. */
  noVerdict: number;
  /** Cells re-run with the f64 reference (0 when the run is the f64 reference itself). */
  f64Sample: number;
  flippedPrecision: number;
  /** Cells with any bit set. */
  uncertain: number;
  /** The first kListedCells of them: [x index, y index, bits]. */
  cells: [number, number, number][];
  /** Wall time of the check. */
  ms: number;
}
