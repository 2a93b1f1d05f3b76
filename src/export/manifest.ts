import { z } from 'zod';

/**
 * manifest.json, declared once: `manifest()` (src/export/grid.ts) writes the part every export
 * shares, the CLI's writer (src/cli/outputs.ts) adds the run's own fields, and `merge` reads tiles
 * back through this schema. Numbers a run can make non-finite (a rate over 0 ms) are `null` in the
 * file, as JSON.stringify writes them.
 */
const count = z.number().int().nonnegative();
const rate = z.number().nullable();

const refineStats = z.object({
  coarse: count,
  block: count,
  levels: count,
  cells: count,
  computed: count,
  inherited: count,
  computedPerLevel: z.array(count),
  verify: z.number(),
  seed: z.number(),
  sampleSize: count,
  disagreements: count,
  disagreementCells: z.array(z.tuple([count, count])),
  rounds: count,
});

const uncertaintyStats = z.object({
  tighten: z.number(),
  tighter: z.union([z.object({ rtol: z.number(), atol: z.number() }), z.object({ dt: z.number() })]),
  checked: count,
  flippedTolerance: count,
  noVerdict: count,
  f64Sample: count,
  flippedPrecision: count,
  uncertain: count,
  cells: z.array(z.tuple([count, count, count])),
  ms: z.number(),
});

const packageInfo = z.object({ version: z.string(), commit: z.string() });

/** A batch tile's place in the full grid (`run --tile I/N`): rows [start, end) of the y axis. */
export const tileSchema = z.object({ index: count, count: count.positive(), rows: z.object({ start: count, end: count }) });

/** The run's wall-time figures (README "Performance"), in ms, and its rates. */
const runFigures = z.record(z.string(), rate);

export const manifestSchema = z.object({
  /** The spec as parseSpec accepts it back; parseSpec checks it field by field. */
  // `model`: a built-in model's id, or a user model's whole model file (README "Your own model").
  spec: z.looseObject({ model: z.union([z.string(), z.looseObject({})]) }),
  model: z.object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['paper', 'reconstruction', 'user']),
    version: z.number(),
    citation: z.object({ authors: z.string(), title: z.string(), venue: z.string(), arxiv: z.string() }),
  }),
  /** A model with a training step: "training step, η = …" or "flow (small-step limit)" (dynamicsLabel). */
  dynamics: z.string().optional(),
  legend: z.array(z.object({ code: count, id: z.string(), label: z.string(), color: z.string() })),
  axes: z.object({ x: z.array(z.number()), y: z.array(z.number()) }),
  state: z.array(z.object({ id: z.string(), symbol: z.string(), label: z.string() })),
  metrics: z.array(z.object({ id: z.string(), symbol: z.string(), label: z.string(), units: z.string() })),
  adapter: z.string(),
  package: packageInfo,
  timings: z.object({
    startedAt: z.string(),
    endedAt: z.string(),
    ms: z.number(),
    kernelMs: z.number(),
    instanceSteps: count,
    instanceStepsPerSecond: rate,
  }),
  tReached: z.number(),
  counts: z.record(z.string(), count),
  steps: z.object({ total: count, meanPerCell: z.number(), maxPerCell: count }),
  ends: z.object({ settled: count, ranToTEnd: count, divergedOrStiff: count, inherited: count.optional() }),
  refine: refineStats.optional(),
  uncertainty: uncertaintyStats.optional(),
  timelapse: z.object({ frames: count, times: z.array(z.number()) }).optional(),
  // Written by the CLI only (the explorer's download has none of these).
  source: z.string().optional(),
  preset: z.object({ model: z.string(), id: z.string(), title: z.string(), caption: z.string() }).optional(),
  tile: tileSchema.optional(),
  files: z.array(z.string()).optional(),
  mergedFrom: z
    .array(
      z.object({ dir: z.string(), tile: tileSchema.optional(), adapter: z.string(), package: packageInfo, run: runFigures.optional() }),
    )
    .optional(),
  run: runFigures.optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
