import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import type { NumberParam } from '../../src/models/types.js';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import type { LiveRun } from './sweep-controller.js';

/** What the user asks for: one parameter off the axes, its range and the number of frames. */
export interface AnimationRequest {
  param: string;
  from: number;
  to: number;
  frames: number;
}

/** The frames of a parameter animation of run `runId`: the class grid at each value, computed in turn. */
export interface ParameterAnimation {
  runId: number;
  param: string;
  symbol: string;
  values: number[];
  classes: Uint8Array[];
}

export const kMaxAnimationFrames = 64;
/** Cells a submit integrates together, as the sweep controller's (short submits keep the page live). */
const kCellsPerTile = 8192;

/** Parameters an animation may move for `run`: numeric, not structural, not on an axis. */
export function animatable(run: LiveRun | undefined): NumberParam[] {
  if (!run) return [];
  const { model, x, y } = run.spec;
  return model.params.filter((p): p is NumberParam => p.kind === 'number' && !p.structural && p.id !== x.param && p.id !== y.param);
}

/** What is wrong with a request for `run`, or undefined. */
export function checkRequest(run: LiveRun | undefined, r: AnimationRequest): string | undefined {
  if (!run || run.phase !== 'done') return 'animate: wait until the sweep on screen has finished';
  const p = animatable(run).find((q) => q.id === r.param);
  if (!p)
    return `animate: "${r.param}" cannot be animated here (choose one of ${animatable(run)
      .map((q) => q.id)
      .join(', ')})`;
  if (!Number.isInteger(r.frames) || r.frames < 2 || r.frames > kMaxAnimationFrames)
    return `animate: frames must be a whole number in [2, ${kMaxAnimationFrames}] (got ${r.frames})`;
  for (const [name, v] of [
    ['from', r.from],
    ['to', r.to],
  ] as const) {
    if (!Number.isFinite(v) || v < p.min || v > p.max)
      return `animate: ${name} = ${v} is outside the range of ${p.id} [${p.min}, ${p.max}]`;
  }
  return undefined;
}

/**
 * Computes a parameter animation of the finished run on screen: the same slice at `frames` values of
 * one parameter, each a sweep with early exit on the run's device, one after another (the page stays
 * live: short submits). A new request, or a new sweep, cancels the one under way.
 */
export class AnimationController implements ReactiveController {
  animation?: ParameterAnimation;
  error?: string;
  private abort?: AbortController;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancel();
  }

  cancel(): void {
    this.abort?.abort(new Error('animation cancelled'));
    this.abort = undefined;
    this.animation = undefined;
  }

  /** Frames computed so far of the animation under way, as "k / n", or undefined. */
  progress(): string | undefined {
    const a = this.animation;
    return a && a.classes.length < a.values.length ? `${a.classes.length} / ${a.values.length}` : undefined;
  }

  async start(run: LiveRun | undefined, r: AnimationRequest): Promise<void> {
    this.cancel();
    this.error = checkRequest(run, r);
    if (this.error || !run?.device) {
      this.host.requestUpdate();
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    const p = animatable(run).find((q) => q.id === r.param)!;
    const values = Array.from({ length: r.frames }, (_, k) => r.from + ((r.to - r.from) * k) / (r.frames - 1));
    const animation: ParameterAnimation = { runId: run.id, param: p.id, symbol: p.symbol, values, classes: [] };
    this.animation = animation;
    // Every cell is computed (no refinement, no time-lapse): a frame is a class map at one value.
    const { refine: _refine, timelapse: _timelapse, ...json } = specToJson(run.spec);
    const section = p.role === 'initial' ? 'initial' : 'params';
    try {
      for (const v of values) {
        const spec = parseSpec({ ...json, [section]: { ...json[section], [p.id]: v } }, [run.spec.model]);
        const result = await runSweepGpu(run.device, spec, {
          signal: abort.signal,
          budgetMs: 25,
          partialEveryMs: 0,
          maxCellsPerTile: kCellsPerTile,
        });
        animation.classes.push(result.classes);
        this.host.requestUpdate();
      }
    } catch (e) {
      if (abort.signal.aborted) return;
      this.error = `animate: ${(e as Error).message}`;
      this.animation = undefined;
    }
    this.host.requestUpdate();
  }
}
