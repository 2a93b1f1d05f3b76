import type { ResolvedRefine, ResolvedSpec } from '../sweep/spec.js';
import type { RefineStats, SweepResult } from '../engine/result.js';
import type { RowBand } from '../engine/tiling.js';

/**
 * Resolution where the boundary is: quad-tree refinement of a sweep's class grid. It sits above the
 * runners (any function that integrates a list of grid cells will do) and no model knows about it.
 *
 * Blocks. The grid (or the band of rows of a tile) is cut into square blocks of side B = x.n / coarse,
 * a power of two, starting at the band's first row; level ℓ has blocks of side B / 2^ℓ, down to
 * single cells at level log2(B). A block of side s with top-left cell (x0, y0) is represented by the
 * fine cell (x0 + ⌊s/2⌋, y0 + ⌊s/2⌋), clipped to the grid: coarse cells ARE fine cells, computed
 * exactly as a full run computes them (bit for bit: the same kernel, the same cell parameters).
 *
 * Rounds. Every leaf block's representative is integrated; every cell takes its leaf's class unless
 * it was integrated itself. A leaf of side > 1 is split 2×2 when a cell inside it or in the one-cell
 * ring around it (its 8-neighbourhood, clipped to the band) has another class; the children are
 * integrated at their own representatives next round. This repeats until nothing splits. Then a
 * seeded sample of the inherited cells (each with probability `verify`) is integrated too: a sample that disagrees
 * with its block is a computed cell of another class inside it, so the same rule splits that block,
 * and the child holding the sample, all the way down, and refines around what it found.
 * RefineStats, what it reports, is declared with the result it belongs to (src/engine/result.ts).
 */

/** `computed` code of a cell integrated as a verification sample. */
export const kComputedSample = 255;

/** A sweep result at full resolution with the refinement's masks and stats. */
export interface RefinedResult extends SweepResult {
  /**
   * Per cell: 0 inherited (class from its block, finalState and metrics NaN), level + 1 for a block
   * representative integrated at that level (1 = coarse), kComputedSample (255) for a verification
   * sample. Cells outside a refined band are 0 and, as in a band run, hold zeros.
   */
  computed: Uint8Array;
  refine: RefineStats;
}

/**
 * Integrates exactly these grid cells (j·nx + i) into a full-size result: `into` when given (the
 * refinement's own, from the first round on), else a new one; its timings are this call's
 * (runSweepGpu / runSweepCpu with `cells` and `into`).
 */
export type RunCells = (cells: Uint32Array, into?: SweepResult) => Promise<SweepResult>;

export interface RefineOptions {
  /** Refine only these rows (a tile of the batch runner); blocks start at rows.start. */
  rows?: RowBand;
  /**
   * After each round, with the classes so far (inherited cells painted with their block's class), the
   * accumulated result (its metrics NaN where not integrated yet) and the `computed` codes so far.
   * All three are the refinement's own arrays, changed by later rounds: copy what must be kept.
   */
  onRound?: (r: {
    round: number;
    computed: number;
    newCells: number;
    classes: Uint8Array;
    result: SweepResult;
    computedCells: Uint8Array;
  }) => void | Promise<void>;
}

interface Leaf {
  x0: number;
  y0: number;
  /** Side in fine cells (a power of two). */
  s: number;
  level: number;
}

/**
 * A uniform number in [0, 1) for grid cell `cell` under `seed` (a mulberry32 round of seed and
 * cell): whether a cell is sampled depends on nothing else, so the tiles of a tiled run draw the
 * same cells a single run would (where they are inherited in both).
 */
export function cellRandom(seed: number, cell: number): number {
  let t = (Math.imul(cell + 1, 0x9e3779b1) ^ (seed >>> 0)) >>> 0;
  t = (t + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export async function refineSweep(
  spec: ResolvedSpec,
  refine: ResolvedRefine,
  runCells: RunCells,
  opts: RefineOptions = {},
): Promise<RefinedResult> {
  const started = performance.now();
  const nx = spec.x.n;
  const ny = spec.y.n;
  const r0 = opts.rows?.start ?? 0;
  const r1 = opts.rows?.end ?? ny;
  const B = refine.block;
  const levels = Math.round(Math.log2(B)) + 1;
  const bandCells = (r1 - r0) * nx;
  const computed = new Uint8Array(nx * ny);
  const computedList: number[] = [];
  const paint = new Uint8Array(nx * ny);
  const perLevel = new Array<number>(levels).fill(0);
  const disagreementCells: [number, number][] = [];
  let acc: SweepResult | undefined;
  let kernelMs = 0;
  let instanceSteps = 0;
  let rounds = 0;
  let sampleSize = 0;

  const rep = (l: Leaf) => Math.min(l.y0 + (l.s >> 1), r1 - 1) * nx + Math.min(l.x0 + (l.s >> 1), nx - 1);
  let leaves: Leaf[] = [];
  for (let y0 = r0; y0 < r1; y0 += B) for (let x0 = 0; x0 < nx; x0 += B) leaves.push({ x0, y0, s: B, level: 0 });

  const integrate = async (cells: number[], code: (c: number) => number) => {
    const list = Uint32Array.from(cells);
    const first = !acc;
    const res = await runCells(list, acc);
    acc = res;
    rounds++;
    kernelMs += res.timings.kernelMs;
    instanceSteps += res.timings.instanceSteps;
    for (const c of cells) {
      computed[c] = code(c);
      computedList.push(c);
    }
    if (first) markNotIntegrated(acc, list, r0 * nx, r1 * nx);
    paintAll();
    await opts.onRound?.({
      round: rounds,
      computed: computedList.length,
      newCells: cells.length,
      classes: paint,
      result: acc,
      computedCells: computed,
    });
  };

  // Every band cell: its own class if integrated, else its leaf's.
  const paintAll = (): Uint8Array => {
    const classes = acc!.classes;
    for (const l of leaves) {
      const k = classes[rep(l)];
      const xe = Math.min(l.x0 + l.s, nx);
      const ye = Math.min(l.y0 + l.s, r1);
      for (let j = l.y0; j < ye; j++) paint.fill(k, j * nx + l.x0, j * nx + xe);
    }
    for (const c of computedList) paint[c] = classes[c];
    return paint;
  };

  // Whether a cell inside the leaf or in the ring around it has another class than the leaf's.
  const mixed = (l: Leaf): boolean => {
    const k = paint[rep(l)];
    const xa = Math.max(l.x0 - 1, 0);
    const xb = Math.min(l.x0 + l.s + 1, nx);
    const ya = Math.max(l.y0 - 1, r0);
    const yb = Math.min(l.y0 + l.s + 1, r1);
    for (let j = ya; j < yb; j++) {
      for (let c = j * nx + xa, e = j * nx + xb; c < e; c++) if (paint[c] !== k) return true;
    }
    return false;
  };

  const split = (): boolean => {
    const next: Leaf[] = [];
    let any = false;
    for (const l of leaves) {
      if (l.s === 1 || !mixed(l)) {
        next.push(l);
        continue;
      }
      any = true;
      const h = l.s >> 1;
      for (const [dx, dy] of [
        [0, 0],
        [h, 0],
        [0, h],
        [h, h],
      ]) {
        if (l.x0 + dx < nx && l.y0 + dy < r1) next.push({ x0: l.x0 + dx, y0: l.y0 + dy, s: h, level: l.level + 1 });
      }
    }
    leaves = next;
    return any;
  };

  const pendingReps = (): number[] => {
    const cells: number[] = [];
    for (const l of leaves) {
      const c = rep(l);
      // Leaves are disjoint and each holds its representative, so no cell is listed twice.
      if (computed[c] === 0) cells.push(c);
    }
    return cells;
  };

  let verified = false;
  for (;;) {
    const reps = pendingReps();
    if (reps.length) {
      const levelOf = new Map<number, number>();
      for (const l of leaves) levelOf.set(rep(l), l.level);
      for (const c of reps) perLevel[levelOf.get(c)!]++;
      await integrate(reps, (c) => levelOf.get(c)! + 1);
    } else {
      paintAll();
    }
    if (split()) continue;
    if (verified) break;
    verified = true;
    const sample = drawSample(computed, r0 * nx, r1 * nx, refine);
    sampleSize = sample.length;
    if (!sample.length) break;
    const inheritedClass = sample.map((c) => paint[c]);
    await integrate(sample, () => kComputedSample);
    sample.forEach((c, k) => {
      if (acc!.classes[c] !== inheritedClass[k]) disagreementCells.push([c % nx, Math.floor(c / nx)]);
    });
    if (!split()) break;
  }

  const result = acc!;
  paintAll();
  result.classes.set(paint.subarray(r0 * nx, r1 * nx), r0 * nx);
  result.timings.kernelMs = kernelMs;
  result.timings.instanceSteps = instanceSteps;
  result.timings.ms = performance.now() - started;
  result.timings.endedAt = new Date().toISOString();
  return Object.assign(result, {
    computed,
    refine: {
      coarse: refine.coarse,
      block: B,
      levels,
      cells: bandCells,
      computed: computedList.length,
      inherited: bandCells - computedList.length,
      computedPerLevel: perLevel,
      verify: refine.verify,
      seed: refine.seed,
      sampleSize,
      disagreements: disagreementCells.length,
      disagreementCells,
      rounds,
    },
  });
}

/** The inherited cells of [from, to) that the seed samples: each with probability `verify`, independently. */
function drawSample(computed: Uint8Array, from: number, to: number, refine: ResolvedRefine): number[] {
  const sample: number[] = [];
  for (let c = from; c < to; c++) if (computed[c] === 0 && cellRandom(refine.seed, c) < refine.verify) sample.push(c);
  return sample;
}

/** NaN state and metrics on [from, to) except the cells already integrated (`list`), which every later round joins. */
function markNotIntegrated(r: SweepResult, list: Uint32Array, from: number, to: number): void {
  const S = r.finalState.length / r.classes.length;
  const M = r.metrics.length / r.classes.length;
  const keepState = Array.from(list, (c) => r.finalState.slice(c * S, c * S + S));
  const keepMetrics = Array.from(list, (c) => r.metrics.slice(c * M, c * M + M));
  r.finalState.fill(NaN, from * S, to * S);
  r.metrics.fill(NaN, from * M, to * M);
  list.forEach((c, k) => {
    r.finalState.set(keepState[k], c * S);
    r.metrics.set(keepMetrics[k], c * M);
  });
}
