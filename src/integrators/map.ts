import type { Model } from '../models/types.js';
import { tableaus, type Tableau } from './tableaus.js';
import { rosenbrock23 } from './rosenbrock.js';

/**
 * A discrete-time model's training step, run where a flow would be integrated: `integrator.method`
 * "map" applies the model's `map` once per unit of time, from t = 0 to t = tEnd (the number of steps).
 * The engine treats it as a one-stage "tableau" with a step of 1 so that everything a flow has
 * (classes, readouts, early exit, tiling, progress, GPU and f64) works unchanged; the WGSL stepper
 * (shaders/integrators/map-step.wgsl) returns mapStep(y) itself rather than y + h·f(y).
 */
export const MAP_METHOD = 'map';

/** Explicit Euler's numbers: what the map is when mapStep(y) = y + f(y), and what the prelude needs. */
export const mapTableau: Tableau = {
  name: MAP_METHOD,
  label: 'training step (map), one application per unit of time',
  order: 1,
  a: [[]],
  b: [1],
  c: [0],
};

export function isMap(method: string): boolean {
  return method === MAP_METHOD;
}

/** The tableau a spec's `integrator.method` names, the map and the Rosenbrock method (its explicit part) included. */
export function tableauOf(method: string): Tableau {
  if (isMap(method)) return mapTableau;
  if (method === rosenbrock23.name) return rosenbrock23;
  if (!Object.hasOwn(tableaus, method)) throw new Error(`unknown integrator "${method}"`);
  return tableaus[method];
}

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
