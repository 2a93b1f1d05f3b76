import { isMap } from '../integrators/map.js';
import type { Model } from './types.js';

/**
 * Which dynamics a run shows, for captions (explorer, figure.png, CLI summary, manifest): a model's
 * training step with its step size ("training step, η = 0.1"), or, for a model that has one, the flow
 * as what it is, the step's small-step limit. Undefined for a model with a flow only (nothing to tell apart).
 */
export function dynamicsLabel(model: Model, method: string, values: ArrayLike<number>, axes: readonly number[] = []): string | undefined {
  if (!model.map) return undefined;
  if (!isMap(method)) return 'flow (small-step limit)';
  const k = model.params.findIndex((p) => p.id === model.map?.stepSize);
  if (k < 0) return 'training step';
  const { symbol } = model.params[k];
  return axes.includes(k) ? `training step, ${symbol} on an axis` : `training step, ${symbol} = ${+values[k].toPrecision(6)}`;
}
