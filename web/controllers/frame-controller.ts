import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * A requestAnimationFrame loop for as long as the host is connected: each frame asks `key()` what
 * the picture depends on and calls `draw()` only when that changed, so an idle page draws nothing.
 */
export class FrameController implements ReactiveController {
  private handle = 0;
  private drawnKey = '';

  constructor(
    host: ReactiveControllerHost,
    private readonly key: () => string | undefined,
    private readonly draw: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const tick = () => {
      const k = this.key();
      if (k !== undefined && k !== this.drawnKey) {
        this.drawnKey = k;
        this.draw();
      }
      this.handle = requestAnimationFrame(tick);
    };
    this.handle = requestAnimationFrame(tick);
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.handle);
  }

  /** The key of the picture drawn last ('' before the first, or after invalidate). */
  get drawn(): string {
    return this.drawnKey;
  }

  /** Forces a redraw on the next frame (e.g. after the canvas was reconfigured). */
  invalidate(): void {
    this.drawnKey = '';
  }
}
