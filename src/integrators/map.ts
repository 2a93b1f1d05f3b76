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
