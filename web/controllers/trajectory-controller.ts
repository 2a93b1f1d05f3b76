import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Model } from '../../src/models/types.js';
import type { Trajectory, TrajectoryOptions } from '../../src/sweep/trajectory.js';
import type { TrajectoryRequest } from '../workers/trajectory-worker.js';
import { modelFileOf } from '../../src/user-model/sources.js';

/**
 * Computes inspector trajectories in a worker (web/workers/trajectory-worker.ts) for a host:
 * `compute()` supersedes any pending request; the host re-renders when `trajectory` or `error`
 * changes. The worker lives while the host is connected.
 */
export class TrajectoryController implements ReactiveController {
  trajectory?: Trajectory;
  error?: string;
  pending = false;
  private worker?: Worker;
  private latest = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  compute(model: Model, values: Float64Array, options: TrajectoryOptions): void {
    this.worker ??= this.startWorker();
    const request: TrajectoryRequest = {
      id: ++this.latest,
      modelId: model.id,
      file: modelFileOf(model),
      values: Float64Array.from(values),
      options: { ...options },
    };
    this.pending = true;
    this.trajectory = undefined;
    this.error = undefined;
    this.worker.postMessage(request);
    this.host.requestUpdate();
  }

  private startWorker(): Worker {
    const worker = new Worker(new URL('../workers/trajectory-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<{ id: number; trajectory?: Trajectory; error?: string }>) => {
      if (e.data.id !== this.latest) return; // a newer cell was clicked meanwhile
      this.pending = false;
      this.trajectory = e.data.trajectory;
      this.error = e.data.error;
      this.host.requestUpdate();
    };
    worker.onerror = (e) => {
      this.pending = false;
      this.error = `the trajectory worker failed: ${e.message}`;
      this.host.requestUpdate();
    };
    return worker;
  }
}
