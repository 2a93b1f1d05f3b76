/// <reference lib="webworker" />
// Integrates one inspector trajectory off the main thread: the f64 run of a long preset takes up to
// ~0.6 s (600 000 RK4 steps), far over the 50 ms a frame may take while a sweep paints.
import { getModel } from '../../src/models/registry.js';
import { cellTrajectory, type TrajectoryOptions } from '../../src/sweep/trajectory.js';

export interface TrajectoryRequest {
  id: number;
  modelId: string;
  /** A user model's model file (src/user-model/sources.ts), compiled here: the worker has no registry entry for it. */
  file?: Record<string, unknown>;
  values: Float64Array;
  options: TrajectoryOptions;
}

self.onmessage = async (e: MessageEvent<TrajectoryRequest>) => {
  const { id, modelId, file, values, options } = e.data;
  try {
    // Only a user model's trajectory loads the compiler (mathjs's parser) into the worker.
    const found = getModel(modelId) ?? (file && (await import('../../src/user-model/compile.js')).compileUserModel(file));
    // A family (structural parameters, e.g. halvagal-isoloss modes) is registered at its defaults:
    // the cell's own variant has its own state size, as parseSpec resolves it for the sweep.
    const model = found?.instantiate ? found.instantiate(values) : found;
    if (!model) throw new Error(`unknown model "${modelId}"`);
    const trajectory = cellTrajectory(model, values, options);
    const buffers = [trajectory.t.buffer, ...trajectory.states.map((s) => s.buffer)];
    (self as unknown as DedicatedWorkerGlobalScope).postMessage({ id, trajectory }, buffers);
  } catch (err) {
    self.postMessage({ id, error: (err as Error).message });
  }
};
