import { cellEnds, stepStats } from '../../src/export/grid.js';
import { progressText, type LiveRun } from '../controllers/sweep-controller.js';

/** The line under the map: the pass running and its progress, or what the finished run did and took. */
export function statusLine(run: LiveRun | undefined): string {
  if (!run) return '';
  const { tEnd } = run.spec.integrator;
  if (run.phase === 'done' && run.result) {
    const r = run.result;
    const ends = cellEnds(r);
    const steps = stepStats(r);
    const refined =
      ends.inherited !== undefined ? ` (refined: ${r.nx * r.ny - ends.inherited} integrated, ${ends.inherited} inherited)` : '';
    return `done: ${r.nx}×${r.ny} cells${refined}, ${ends.settled} settled early, ${ends.ranToTEnd} ran to t = ${tEnd}${ends.divergedOrStiff ? `, ${ends.divergedOrStiff} diverged or stiff` : ''}; ${steps.total.toExponential(2)} step attempts (${steps.meanPerCell.toFixed(0)} per cell) in ${(r.timings.ms / 1000).toFixed(2)} s on ${r.backend}`;
  }
  if (run.refined && run.phase === 'fine')
    return `refining ${run.spec.x.n}×${run.spec.y.n}: round ${run.refined.rounds}, ${run.refined.computed} cells integrated · ${progressText(run.progress, tEnd)}`;
  const pass =
    run.phase === 'coarse'
      ? `coarse pass ${run.coarseSpec!.x.n}×${run.coarseSpec!.y.n}${run.coarseLabel ? ` (${run.coarseLabel})` : ''}`
      : `full grid ${run.spec.x.n}×${run.spec.y.n}`;
  return `${pass}: ${progressText(run.progress, tEnd)}`;
}
