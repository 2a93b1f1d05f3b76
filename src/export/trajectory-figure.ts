import { scaleLinear, scaleLog } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { esc, fmtNum, kFigureInk, wrap } from './figure.js';

/** One curve of a trajectory figure, aligned with its time axis. */
export interface TrajectoryCurve {
  label: string;
  values: Float64Array;
}

export interface TrajectoryFigure {
  title: string;
  /** Second line (the preset and the cell), wrapped. */
  subtitle?: string;
  t: Float64Array;
  /** e.g. `training steps` or `flow time t`. */
  timeLabel: string;
  yLabel: string;
  curves: readonly TrajectoryCurve[];
  /** A log y axis (a semilog plot, as the paper's eigenvalue figures); values ≤ 0 are left out. */
  logY: boolean;
  width?: number;
  height?: number;
}

export const kTrajectoryFigureSize = { width: 900, height: 560 };

/**
 * A trajectory's curves against time as a standalone SVG (DOM-free): linear time, linear or log y,
 * one colour per curve (Tableau 10, as the inspector) and a legend beside the plot. Example:
 *
 *   writeFileSync('trajectory.svg', trajectorySvg({ title, t: tr.t, timeLabel: 'training steps', yLabel: 'λ', curves, logY: true }));
 */
export function trajectorySvg(f: TrajectoryFigure): string {
  const { width, height } = { ...kTrajectoryFigureSize, ...(f.width ? { width: f.width } : {}), ...(f.height ? { height: f.height } : {}) };
  const ink = kFigureInk.light;
  const sub = f.subtitle ? wrap(f.subtitle, 110) : [];
  const box = { left: 80, right: width - 150, top: 40 + 16 * sub.length, bottom: height - 56 };
  const finite = f.curves.flatMap((c) => Array.from(c.values).filter((v) => Number.isFinite(v) && (!f.logY || v > 0)));
  const lo = finite.length ? Math.min(...finite) : 1;
  const hi = finite.length ? Math.max(...finite) : 1;
  const x = scaleLinear()
    .domain([f.t[0] ?? 0, f.t.at(-1) ?? 1])
    .range([box.left, box.right]);
  const y = (
    f.logY ? scaleLog().domain(lo === hi ? [lo / 2, hi * 2] : [lo, hi]) : scaleLinear().domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
  )
    .range([box.bottom, box.top])
    .nice();
  const path = (values: Float64Array) => {
    let d = '';
    let pen = false;
    for (let s = 0; s < values.length; s++) {
      const v = values[s];
      if (!Number.isFinite(v) || (f.logY && v <= 0)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(f.t[s]).toFixed(2)},${y(v).toFixed(2)}`;
      pen = true;
    }
    return d;
  };
  const text = (px: number, py: number, s: string, more = '', size = 13) =>
    `<text x="${px}" y="${py}" fill="${ink.text}" font-size="${size}" ${more}>${esc(s)}</text>`;
  const xTicks = x
    .ticks(8)
    .map(
      (v) =>
        `<line x1="${x(v)}" x2="${x(v)}" y1="${box.bottom}" y2="${box.bottom + 5}" stroke="${ink.line}"/>${text(x(v), box.bottom + 19, fmtNum(v), 'text-anchor="middle"')}`,
    );
  // Log axis: decades, and 2 and 5 between them while that stays readable (a narrow range).
  const decades = (y.ticks() as number[]).filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  const yTickValues = f.logY
    ? decades.length >= 4
      ? decades
      : (y.ticks() as number[]).filter((v) => [1, 2, 5].includes(Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9))))
    : y.ticks(6);
  const yTicks = yTickValues.map(
    (v) =>
      `<line x1="${box.left - 5}" x2="${box.left}" y1="${y(v)}" y2="${y(v)}" stroke="${ink.line}"/>${text(box.left - 8, y(v) + 4, fmtNum(v), 'text-anchor="end"')}`,
  );
  const legend = f.curves.map(
    (c, k) =>
      `<line x1="${box.right + 16}" x2="${box.right + 40}" y1="${box.top + 8 + 18 * k}" y2="${box.top + 8 + 18 * k}" stroke="${schemeTableau10[k % 10]}" stroke-width="2.5"/>${text(box.right + 46, box.top + 12 + 18 * k, c.label)}`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="${ink.background}"/>`,
    text(box.left, 22, f.title, 'font-weight="600"', 15),
    ...sub.map((line, k) => `<text x="${box.left}" y="${40 + 16 * k}" fill="${ink.muted}" font-size="12">${esc(line)}</text>`),
    `<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="none" stroke="${ink.line}"/>`,
    ...xTicks,
    ...yTicks,
    ...f.curves.map((c, k) => `<path d="${path(c.values)}" fill="none" stroke="${schemeTableau10[k % 10]}" stroke-width="1.8"/>`),
    ...legend,
    text((box.left + box.right) / 2, height - 14, f.timeLabel, 'text-anchor="middle"'),
    text(
      18,
      (box.top + box.bottom) / 2,
      f.logY ? `${f.yLabel} (log)` : f.yLabel,
      `text-anchor="middle" transform="rotate(-90 18 ${(box.top + box.bottom) / 2})"`,
    ),
    '</svg>',
  ].join('\n');
}

/** trajectory.csv: a time column, then one column per curve, full f64 precision. */
export function trajectoryCsv(
  timeHeader: string,
  t: Float64Array,
  columns: ReadonlyArray<{ header: string; values: Float64Array }>,
): string {
  const rows = [[timeHeader, ...columns.map((c) => c.header)].join(',')];
  for (let s = 0; s < t.length; s++) rows.push([t[s], ...columns.map((c) => c.values[s])].join(','));
  return `${rows.join('\n')}\n`;
}
