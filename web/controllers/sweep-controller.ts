import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { requestSweepDevice, type SweepDevice } from '../../src/engine/device.js';
import { runSweepGpu, type SweepProgress } from '../../src/engine/gpu-runner.js';
import type { SweepResult } from '../../src/engine/result.js';
import type { ResolvedSpec } from '../../src/sweep/spec.js';

/**
 * Owns the GPU device and the running sweep for a host element: `start(spec)` cancels whatever runs
 * and begins the new sweep; the host re-renders on progress and reads `result` / `progress` / `error`.
 */
export class SweepController implements ReactiveController {
  device?: SweepDevice;
  result?: SweepResult;
  progress?: SweepProgress;
  error?: string;
  private abort?: AbortController;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort?.abort(new Error('element removed'));
  }

  /** A device plus its one loss handler: the next start() opens a fresh device. */
  private async openDevice(): Promise<SweepDevice> {
    const opened = await requestSweepDevice(navigator.gpu);
    void opened.device.lost.then((info) => {
      if (this.device === opened) this.device = undefined;
      this.error = `The GPU device was lost (${info.reason}); choose a preset again to restart.`;
      this.host.requestUpdate();
    });
    return opened;
  }

  async start(spec: ResolvedSpec): Promise<void> {
    this.abort?.abort(new Error('superseded by a new sweep'));
    const abort = (this.abort = new AbortController());
    this.error = undefined;
    this.progress = undefined;
    this.result = undefined;
    try {
      this.device ??= await this.openDevice();
      this.result = await runSweepGpu(this.device.device, spec, {
        signal: abort.signal,
        budgetMs: 30,
        partialEveryMs: 200,
        adapterInfo: this.device.adapterInfo,
        onProgress: (p) => {
          this.progress = p;
          this.host.requestUpdate();
        },
      });
    } catch (e) {
      if (abort.signal.aborted) return;
      this.error = (e as Error).message;
    }
    this.host.requestUpdate();
  }
}
