import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveRun } from './sweep-controller.js';

/** Frames the explorer records of every sweep it computes cell by cell (spec.timelapse). */
export const kExplorerFrames = 64;
/** One frame a tick while playing: 64 frames in about six seconds. */
const kPlayEveryMs = 100;

/**
 * The time-lapse of the finished run on screen: which recorded frame the map shows (undefined: the
 * end state), and playing through them. A frame is shown by writing its classes into the grid the
 * heatmap draws; the last frame is the end state, so going there restores it.
 */
export class TimelapseController implements ReactiveController {
  /** The frame on screen, or undefined for the end state. */
  frame?: number;
  playing = false;
  private timer?: ReturnType<typeof setInterval>;
  private shownOn?: { run: LiveRun; frame: number };

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Called whenever the frame changes, so the host can write the URL. */
    private readonly onFrame: (frame: number | undefined) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.pause();
  }

  /** The frames' flow times of `run`, when it is finished and recorded a time-lapse. */
  times(run: LiveRun | undefined): Float64Array | undefined {
    return run?.phase === 'done' ? run.result?.timelapse?.times : undefined;
  }

  /** Shows frame `k` of `run` (clamped to its frames); undefined shows the end state. */
  show(run: LiveRun | undefined, k: number | undefined): void {
    const times = this.times(run);
    if (!run || !times) return;
    const frame = k === undefined ? times.length - 1 : Math.max(0, Math.min(times.length - 1, Math.round(k)));
    this.frame = frame === times.length - 1 ? undefined : frame;
    this.paint(run, frame);
    this.onFrame(this.frame);
    this.host.requestUpdate();
  }

  /** After a redraw of `run` (a device change rebuilds its grid from the end state): the frame again. */
  repaint(run: LiveRun | undefined): void {
    if (!run || this.frame === undefined || !this.times(run)) return;
    if (this.shownOn?.run !== run || this.shownOn.frame !== this.frame) this.paint(run, this.frame);
  }

  toggle(run: LiveRun | undefined): void {
    if (this.playing) {
      this.pause();
      return;
    }
    const times = this.times(run);
    if (!times) return;
    // From the start when at the end, as a video player does.
    if (this.frame === undefined) this.show(run, 0);
    this.playing = true;
    this.timer = setInterval(() => {
      const next = (this.frame ?? times.length - 1) + 1;
      this.show(run, next);
      if (next >= times.length - 1) this.pause();
    }, kPlayEveryMs);
    this.host.requestUpdate();
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.playing = false;
    this.host.requestUpdate();
  }

  /** A new sweep: back to its end state (no frame, not playing). */
  reset(): void {
    this.pause();
    this.frame = undefined;
    this.shownOn = undefined;
  }

  private paint(run: LiveRun, frame: number): void {
    const tl = run.result?.timelapse;
    if (!tl || !run.device || !run.fine) return;
    const cells = run.result!.nx * run.result!.ny;
    run.device.queue.writeBuffer(run.fine.classes, 0, Uint32Array.from(tl.classes.subarray(frame * cells, (frame + 1) * cells)));
    run.version++;
    this.shownOn = { run, frame };
  }
}

/** Why the scrubber has nothing to show for `run`. */
export function timelapseReason(run: LiveRun | undefined): string {
  if (run?.spec.refine) return 'time-lapse: not for a refined run (its inherited cells know only t_end); set refine off to record one';
  return run?.phase === 'done' ? 'time-lapse: none recorded' : 'time-lapse: recording…';
}
