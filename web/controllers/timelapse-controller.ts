import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveRun } from './sweep-controller.js';
import type { ParameterAnimation } from './animation-controller.js';
import { formatValue } from '../state/format.js';

/** Frames the explorer records of every sweep it computes cell by cell (spec.timelapse). */
export const kExplorerFrames = 64;
/** One frame a tick while playing: 64 frames in about six seconds. */
const kPlayEveryMs = 100;

/** What the scrubber steps through: the run's time-lapse, or a parameter animation of it. */
export interface FrameSource {
  kind: 'time' | 'parameter';
  /** The parameter a parameter animation moves (its id). */
  param?: string;
  count: number;
  /** e.g. `t = 8.05` or `σ² = 0.5`. */
  label(k: number): string;
  classes(k: number): Uint8Array;
  /** The last frame is the run's own end state (a time-lapse), so showing it is showing no frame. */
  endsAtRun: boolean;
}

/** The time-lapse `run` recorded, once it has finished. */
export function timelapseSource(run: LiveRun | undefined): FrameSource | undefined {
  const r = run?.phase === 'done' ? run.result : undefined;
  const tl = r?.timelapse;
  if (!r || !tl) return undefined;
  const cells = r.nx * r.ny;
  return {
    kind: 'time',
    count: tl.times.length,
    label: (k) => `t = ${formatValue(tl.times[k])}`,
    classes: (k) => tl.classes.subarray(k * cells, (k + 1) * cells),
    endsAtRun: true,
  };
}

/** A finished parameter animation of `run`. */
export function animationSource(run: LiveRun | undefined, a: ParameterAnimation | undefined): FrameSource | undefined {
  if (!run || !a || a.runId !== run.id || a.classes.length < a.values.length) return undefined;
  return {
    kind: 'parameter',
    param: a.param,
    count: a.values.length,
    label: (k) => `${a.symbol} = ${formatValue(a.values[k])}`,
    classes: (k) => a.classes[k],
    endsAtRun: false,
  };
}

/**
 * The frame the map shows of the run on screen (undefined: the run's own end state), and playing
 * through the frames. A frame is shown by writing its classes into the grid the heatmap draws.
 */
export class TimelapseController implements ReactiveController {
  /** The frame on screen, or undefined for the run's end state. */
  frame?: number;
  playing = false;
  private timer?: ReturnType<typeof setInterval>;
  private shownOn?: { run: LiveRun; frame: number | undefined; source: FrameSource };

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The frames of a run: the host's animation when there is one, else the time-lapse. */
    readonly source: (run: LiveRun | undefined) => FrameSource | undefined,
    /** Called whenever the frame changes, so the host can write the URL. */
    private readonly onFrame: (frame: number | undefined, source: FrameSource) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.pause();
  }

  /** Shows frame `k` of `run` (clamped to its frames); undefined shows the run's end state. */
  show(run: LiveRun | undefined, k: number | undefined): void {
    const source = this.source(run);
    if (!run || !source) return;
    const frame = k === undefined ? undefined : Math.max(0, Math.min(source.count - 1, Math.round(k)));
    this.frame = source.endsAtRun && frame === source.count - 1 ? undefined : frame;
    this.paint(run, source);
    this.onFrame(this.frame, source);
    this.host.requestUpdate();
  }

  /** After a redraw of `run` (a device change rebuilds its grid from the end state): the frame again. */
  repaint(run: LiveRun | undefined): void {
    const source = this.source(run);
    if (!run || !source || this.frame === undefined) return;
    if (this.shownOn?.run !== run || this.shownOn.frame !== this.frame || this.shownOn.source !== source) this.paint(run, source);
  }

  toggle(run: LiveRun | undefined): void {
    if (this.playing) {
      this.pause();
      return;
    }
    const source = this.source(run);
    if (!source) return;
    const last = source.count - 1;
    // From the start when at the end, as a video player does.
    if (this.frame === undefined || this.frame === last) this.show(run, 0);
    this.playing = true;
    this.timer = setInterval(() => {
      const next = (this.frame ?? last) + 1;
      this.show(run, next);
      if (next >= last) this.pause();
    }, kPlayEveryMs);
    this.host.requestUpdate();
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.playing = false;
    this.host.requestUpdate();
  }

  /** A new sweep or a new set of frames: back to the end state (no frame, not playing). */
  reset(): void {
    this.pause();
    this.frame = undefined;
    this.shownOn = undefined;
  }

  private paint(run: LiveRun, source: FrameSource): void {
    if (!run.device || !run.fine || !run.result) return;
    const classes = this.frame === undefined ? run.result.classes : source.classes(this.frame);
    run.device.queue.writeBuffer(run.fine.classes, 0, Uint32Array.from(classes));
    run.version++;
    this.shownOn = { run, frame: this.frame, source };
  }
}

/** Why the scrubber has nothing to show for `run`. */
export function timelapseReason(run: LiveRun | undefined): string {
  if (run?.spec.refine) return 'time-lapse: not for a refined run (its inherited cells know only t_end); set refine off to record one';
  return run?.phase === 'done' ? 'time-lapse: none recorded' : 'time-lapse: recording…';
}
