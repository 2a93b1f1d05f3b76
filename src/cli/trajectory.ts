import { isMap } from '../integrators/map.js';
import { dynamicsLabel } from '../models/dynamics.js';
import type { Model, Preset } from '../models/types.js';
import { echo, specToJson, type ResolvedSpec } from '../sweep/spec.js';
import { cellTrajectory, seriesValues, type Trajectory } from '../sweep/trajectory.js';
import { kTrajectoryFigureSize, trajectoryCsv, trajectorySvg } from '../export/trajectory-figure.js';
import { fmtNum } from '../export/figure.js';
import { AtomicDir } from './atomic.js';
import { checkChromium } from './chromium.js';
import { kFigureScale, packageInfo } from './outputs.js';
import { BrowserSession } from './session.js';
import { usageError } from './errors.js';
import { presetJob } from './specs.js';
import { readModelFile } from './model-files.js';

export interface TrajectoryOptions {
  at?: string;
  out?: string;
  model?: string;
  chromium: string;
  quiet?: boolean;
  force?: boolean;
}

/** The cell `--at x,y` names (values of the preset's x and y parameters), else the preset's own (Preset.inspect). */
export function trajectoryCell(spec: ResolvedSpec, preset: Preset, ref: string, at?: string): { x: number; y: number } {
  const [px, py] = [spec.x.param, spec.y.param];
  if (at === undefined) {
    if (preset.inspect) return preset.inspect;
    throw usageError(`trajectory: preset ${ref} names no cell to inspect; give --at ${px},${py}`);
  }
  const parts = at.split(',');
  const [x, y] = parts.map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (parts.length !== 2 || !Number.isFinite(x) || !Number.isFinite(y))
    throw usageError(`trajectory --at: expected two numbers X,Y, the values of ${px} and ${py} (got "${echo(at)}")`);
  for (const [axis, v] of [
    [spec.x, x],
    [spec.y, y],
  ] as const) {
    if (v < axis.min || v > axis.max)
      throw usageError(`trajectory --at: ${axis.param} = ${v} is outside the preset's axis [${axis.min}, ${axis.max}]`);
  }
  return { x, y };
}

/** The files of one trajectory: trajectory.csv (time, then every curve of every series) and the SVG of the first series. */
export function trajectoryFiles(model: Model, spec: ResolvedSpec, P: Float64Array, tr: Trajectory, title: string) {
  const all = model.series ?? [];
  const timeHeader = isMap(spec.integrator.method) ? 'step' : 't';
  const columns = all.flatMap((s) =>
    seriesValues(s, tr, P).map((values, k) => ({ header: `${s.id}_${k}`, values, label: `${s.symbol}${k}` })),
  );
  const first = all[0];
  const svg = trajectorySvg({
    title,
    subtitle: `${model.title} · ${dynamicsLabel(model, spec.integrator.method, P) ?? spec.integrator.method} · ${spec.x.param} = ${fmtNum(P[spec.x.index])}, ${spec.y.param} = ${fmtNum(P[spec.y.index])} · ${first.label}`,
    t: tr.t,
    timeLabel: isMap(spec.integrator.method) ? 'training steps' : 'flow time t',
    yLabel: first.symbol,
    curves: columns.slice(0, first.count(P)).map((c) => ({ label: c.label, values: c.values })),
    logY: first.logY,
  });
  return { csv: trajectoryCsv(timeHeader, tr.t, columns), svg, rows: tr.t.length, columns: [timeHeader, ...columns.map((c) => c.header)] };
}

/**
 * `collapse-atlas trajectory MODEL/PRESET [--at x,y]`: one cell's f64 trajectory (the inspector's,
 * on the CPU: no adapter) as trajectory.csv, trajectory.svg, trajectory.png and manifest.json.
 */
export async function runTrajectory(ref: string, opts: TrajectoryOptions): Promise<void> {
  const job = presetJob(ref, {}, opts.model ? [readModelFile(opts.model)] : []);
  const spec = job.spec;
  const model = spec.model;
  const preset = model.presets.find((p) => p.id === job.preset!.id)!;
  if (!model.series?.length)
    throw usageError(
      `trajectory: ${model.id} declares no derived series (Model.series) to plot; only models with series have a trajectory view`,
    );
  const cell = trajectoryCell(spec, preset, ref, opts.at);
  const P = Float64Array.from(spec.values);
  P[spec.y.index] = cell.y;
  P[spec.x.index] = cell.x;
  const tr = cellTrajectory(model, P, { integrator: spec.integrator, settle: spec.settle });
  const files = trajectoryFiles(model, spec, P, tr, `${preset.title} — trajectory`);
  checkChromium(opts.chromium);
  const out = new AtomicDir(opts.out ?? `${model.id}-${preset.id}-trajectory`, !!opts.force);
  const session = new BrowserSession(opts.chromium);
  try {
    out.write('trajectory.csv', files.csv);
    out.write('trajectory.svg', files.svg);
    out.write(
      'trajectory.png',
      await session.rasterise(files.svg, kTrajectoryFigureSize.width, kTrajectoryFigureSize.height, kFigureScale),
    );
    const manifest = {
      kind: 'trajectory',
      preset: `${model.id}/${preset.id}`,
      model: { id: model.id, variant: model.variant ?? null, version: model.version, status: model.status },
      cell: { [spec.x.param]: cell.x, [spec.y.param]: cell.y },
      spec: specToJson(spec),
      // The f64 reference on the CPU (the inspector's integrator): no GPU adapter computed it.
      adapter: null,
      computedBy: 'f64 reference integrator (CPU)',
      end: tr.outcome.end,
      rows: files.rows,
      columns: files.columns,
      package: packageInfo(),
    };
    out.write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    out.commit();
  } catch (e) {
    out.discard();
    throw e;
  } finally {
    await session.close();
  }
  if (!opts.quiet) process.stdout.write(`${preset.title}: ${files.rows} samples to ${tr.t.at(-1)}; wrote ${out.target}\n`);
}
