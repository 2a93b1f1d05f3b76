import cliProgress from 'cli-progress';
import type { PageProgress } from './protocol.js';

export interface Progress {
  update(p: PageProgress): void;
  stop(): void;
}

const kLineEveryFraction = 0.1;

function eta(startMs: number, fraction: number): string {
  if (fraction <= 0) return '?';
  const s = ((performance.now() - startMs) / 1000) * ((1 - fraction) / fraction);
  return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
}

/** Big grids run in several engine tiles, each from t = 0: say which one t belongs to. */
const tileText = (p: PageProgress) => (p.tiles > 1 ? `engine tile ${p.tile + 1}/${p.tiles}, ` : '');

/** `812 active, slowest t = 41.2`: the cells still integrating and the flow time of the slowest. */
const activeText = (p: PageProgress) => `${p.activeCells} active, slowest t = ${p.t.toPrecision(4)}`;

/**
 * A bar with ETA on a terminal, plain lines every 10 % otherwise (logs of cluster jobs), nothing
 * with --quiet. Written to stderr so stdout keeps only the summary.
 */
export function progress(label: string, quiet: boolean): Progress {
  if (quiet) return { update: () => {}, stop: () => {} };
  const started = performance.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {tile}{active}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { active: '', tile: '' });
    return {
      update: (p) =>
        bar.update(Math.round(p.fraction * 1000), {
          active: `${p.cellsFinished}/${p.cells} cells done, ${activeText(p)}`,
          tile: tileText(p),
        }),
      stop: () => bar.stop(),
    };
  }
  let next = kLineEveryFraction;
  process.stderr.write(`${label}: started\n`);
  return {
    update: (p) => {
      if (p.fraction + 1e-9 < next) return;
      next = Math.floor(p.fraction / kLineEveryFraction + 1e-9) * kLineEveryFraction + kLineEveryFraction;
      process.stderr.write(
        `${label}: ${Math.round(p.fraction * 100)}% (${p.cellsFinished}/${p.cells} cells done, ${tileText(p)}${activeText(p)}, ETA ${eta(started, p.fraction)})\n`,
      );
    },
    stop: () => {},
  };
}
