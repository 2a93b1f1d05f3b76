import type { ResolvedSpec, ResolvedUncertainty } from '../sweep/spec.js';
import { UNCERTAIN_PRECISION, UNCERTAIN_TOLERANCE, type SweepResult, type UncertaintyStats } from '../engine/result.js';
import { CLASSES } from '../models/types.js';
import { cellRandom } from './refine.js';
import { isMap } from '../integrators/map.js';

/**
 * The uncertainty layer of a refined run. A cell integrated at the finest level sits next to a class
 * change, where the class may depend on the numerics rather than on the parameters. Each such cell is
 * integrated again (1) with the tolerance tightened (rtol and atol divided by `tighten`; a fixed step
 * halved) and (2), for a seeded sample of up to `f64` of them, with the f64 reference at the run's own
 * tolerance. A cell whose class flips under (1) or (2) is uncertain, with the bit saying which.
 *
 * A re-run that ends `stiff` or `diverged` where the run did not gives no verdict (the tighter
 * tolerance may ask for steps below dtMin): it is counted as `noVerdict`, not flagged.
 * UncertaintyStats, what it reports, is declared with the result it belongs to (src/engine/result.ts).
 */

/** Cells listed in the stats (the mask, uncertain.npy, has them all). */
export const kListedCells = 1000;

/** Integrates these cells of `spec` into `into` (as runSweepGpu / runSweepCpu with cells and into). */
export type RunInto = (spec: ResolvedSpec, cells: Uint32Array, into: SweepResult) => Promise<SweepResult>;

/** The spec of the tolerance re-run: rtol and atol divided by `tighten`, or a fixed step halved. */
export function tighterSpec(spec: ResolvedSpec, tighten: number): ResolvedSpec {
  const i = spec.integrator;
  if (i.adaptive) return { ...spec, integrator: { ...i, rtol: i.rtol / tighten, atol: i.atol / tighten } };
  // A training step is the model itself, not a discretisation of it: nothing to tighten, only f64 to check.
  if (isMap(i.method)) return spec;
  const dt = i.dt / 2;
  return { ...spec, integrator: { ...i, dt, steps: Math.ceil(i.tEnd / dt - 1e-9) } };
}

/** The cells a refined result integrated at its finest level (single-cell leaves). */
export function finestCells(r: SweepResult): Uint32Array {
  if (!r.computed || !r.refine) throw new Error('the uncertainty check needs a refined result (computed and refine)');
  const finest = r.refine.levels;
  const cells: number[] = [];
  r.computed.forEach((v, c) => {
    if (v === finest) cells.push(c);
  });
  return Uint32Array.from(cells);
}

/** Up to `count` of `cells`, those with the smallest seeded draw: the same cells whatever the order given. */
export function f64Sample(cells: Uint32Array, count: number, seed: number): Uint32Array {
  const key = (c: number) => cellRandom(seed ^ 0x5bd1e995, c);
  return Uint32Array.from([...cells].sort((a, b) => key(a) - key(b) || a - b).slice(0, count)).sort();
}

const failed = (code: number) => code === CLASSES.stiff.code || code === CLASSES.diverged.code;

/**
 * Integrates `cells` with `run` inside `r` and gives back their classes, leaving `r` as it was: the
 * cells' state, metrics, classes and the run's timings are put back, so no full-size result is
 * allocated for a probe of a few cells.
 */
async function probe(r: SweepResult, cells: Uint32Array, spec: ResolvedSpec, run: RunInto): Promise<Uint8Array> {
  const S = r.finalState.length / r.classes.length;
  const M = r.metrics.length / r.classes.length;
  const state = new Float64Array(cells.length * S);
  cells.forEach((c, k) => {
    state.set(r.finalState.subarray(c * S, c * S + S), k * S);
  });
  const metrics = Array.from(cells, (c) => Array.from(r.metrics.subarray(c * M, c * M + M)));
  const classes = Uint8Array.from(cells, (c) => r.classes[c]);
  const timings = { ...r.timings };
  await run(spec, cells, r);
  const probed = Uint8Array.from(cells, (c) => r.classes[c]);
  cells.forEach((c, k) => {
    r.finalState.set(state.subarray(k * S, k * S + S), c * S);
    r.metrics.set(metrics[k], c * M);
    r.classes[c] = classes[k];
  });
  r.timings = timings;
  return probed;
}

/**
 * Runs the check on a refined result and stores `uncertain` (the per-cell bits) and `uncertainty`
 * (the stats) on it. `f64` is left out when the result is itself the f64 reference's.
 */
export async function checkUncertainty<R extends SweepResult>(
  r: R,
  u: ResolvedUncertainty,
  seed: number,
  runs: { tighter: RunInto; f64?: RunInto },
): Promise<R & { uncertain: Uint8Array; uncertainty: UncertaintyStats }> {
  const started = performance.now();
  const cells = finestCells(r);
  const uncertain = new Uint8Array(r.classes.length);
  let noVerdict = 0;
  const compare = (list: Uint32Array, probed: Uint8Array, bit: number) => {
    let flipped = 0;
    list.forEach((c, k) => {
      if (probed[k] === r.classes[c]) return;
      if (failed(probed[k]) && !failed(r.classes[c])) {
        noVerdict++;
        return;
      }
      uncertain[c] |= bit;
      flipped++;
    });
    return flipped;
  };
  const tight = tighterSpec(r.spec, u.tighten);
  // A map has nothing to tighten (tighterSpec gives the run's own spec): re-running it would repeat the run.
  const retried = tight === r.spec ? new Uint32Array(0) : cells;
  const flippedTolerance = retried.length ? compare(retried, await probe(r, retried, tight, runs.tighter), UNCERTAIN_TOLERANCE) : 0;
  const sample = runs.f64 ? f64Sample(cells, u.f64, seed) : new Uint32Array(0);
  const flippedPrecision = sample.length ? compare(sample, await probe(r, sample, r.spec, runs.f64!), UNCERTAIN_PRECISION) : 0;
  const listed: [number, number, number][] = [];
  let count = 0;
  uncertain.forEach((bits, c) => {
    if (!bits) return;
    count++;
    if (listed.length < kListedCells) listed.push([c % r.nx, Math.floor(c / r.nx), bits]);
  });
  const i = tight.integrator;
  const uncertainty: UncertaintyStats = {
    tighten: u.tighten,
    tighter: i.adaptive ? { rtol: i.rtol, atol: i.atol } : { dt: i.dt },
    checked: retried.length,
    flippedTolerance,
    noVerdict,
    f64Sample: sample.length,
    flippedPrecision,
    uncertain: count,
    cells: listed,
    ms: performance.now() - started,
  };
  return Object.assign(r, { uncertain, uncertainty });
}

/** The stats of the tiles of a tiled run (each checked its own band), as one run's. */
export function mergeUncertaintyStats(parts: UncertaintyStats[]): UncertaintyStats {
  const sum = (f: (s: UncertaintyStats) => number) => parts.reduce((a, s) => a + f(s), 0);
  return {
    ...parts[0],
    checked: sum((s) => s.checked),
    flippedTolerance: sum((s) => s.flippedTolerance),
    noVerdict: sum((s) => s.noVerdict),
    f64Sample: sum((s) => s.f64Sample),
    flippedPrecision: sum((s) => s.flippedPrecision),
    uncertain: sum((s) => s.uncertain),
    cells: parts.flatMap((s) => s.cells).slice(0, kListedCells),
    ms: sum((s) => s.ms),
  };
}
