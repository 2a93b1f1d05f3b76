import type { SweepResult } from '../../src/engine/result.js';
import { CLASSES, STEPS, cellMetrics, type Model } from '../../src/models/types.js';
import type { MetricStyle } from '../render/heatmap-renderer.js';

/** Above this max/min ratio of a positive metric the colours follow log(v). */
const kLogSpan = 1e3;
/**
 * Step counts are multiplicative (a cell that settles early takes a few hundred steps, one that runs
 * to t_end tens of thousands): log colours once they span a decade.
 */
const kStepsLogSpan = 10;

/**
 * Colour range of a metric layer from the latest CPU copy of a result: min and max over the cells
 * where it applied (not diverged, not the metric's `missing` value: tSettled's −1, "ran to t_end",
 * paints as never applied). Undefined for the class map.
 */
export function metricStyle(model: Model, layer: string, result: SweepResult | undefined): MetricStyle | undefined {
  const metrics = cellMetrics(model);
  const index = metrics.findIndex((m) => m.id === layer);
  if (index < 0) return undefined;
  const { missing } = metrics[index];
  let lo = Infinity;
  let hi = -Infinity;
  if (result && result.spec.model === model) {
    for (let k = 0; k < result.classes.length; k++) {
      const v = result.metrics[k * metrics.length + index];
      if (result.classes[k] === CLASSES.diverged.code || v === missing || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  // A cell decided before its first step took 0 steps: it shares the lowest colour with 1 step.
  if (metrics[index].id === STEPS.id && lo < 1 && hi > 1) lo = 1;
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const log = lo > 0 && hi / lo > (metrics[index].id === STEPS.id ? kStepsLogSpan : kLogSpan);
  return { index, lo, hi, log, missing };
}
