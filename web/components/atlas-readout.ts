import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SweepResult } from '../../src/engine/result.js';
import { CLASSES, CLASS_BY_CODE, T_SETTLED, cellMetrics } from '../../src/models/types.js';
import { axisValues } from '../../src/sweep/spec.js';
import type { LiveRun } from '../controllers/sweep-controller.js';
import { formatValue } from '../state/format.js';
import { uncertainReasons } from '../../src/export/hatch.js';

const fmt = formatValue;

/**
 * What the cell under the cursor is: its axis values, class, final state and metrics, read from the
 * run's CPU copy (read back once per pass). While the full grid runs, the coarse pass answers.
 */
@customElement('atlas-readout')
export class AtlasReadout extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 13px; min-height: 3.2em; font-variant-numeric: tabular-nums; }
    .muted { color: var(--atlas-muted); }
  `;

  @property({ attribute: false }) run?: LiveRun;
  /** The run object is mutated as it goes: its phase tells Lit when the CPU copies change. */
  @property() phase?: string;
  @property({ attribute: false }) cell: { i: number; j: number } | null = null;

  override render() {
    const run = this.run;
    const cell = this.cell;
    if (!run || !cell) return html`<span class="muted">hover over the map for a cell's values</span>`;
    const { spec } = run;
    const sym = (id: string) => spec.model.params.find((p) => p.id === id)!.symbol;
    const x = axisValues(spec.x)[cell.i];
    const y = axisValues(spec.y)[cell.j];
    const axes = html`<span data-readout="axes">${sym(spec.x.param)} = ${fmt(x)}, ${sym(spec.y.param)} = ${fmt(y)}</span>`;
    let r: SweepResult | undefined = run.result;
    let k = cell.j * spec.x.n + cell.i;
    let note = '';
    if (!r && run.coarseResult) {
      r = run.coarseResult;
      const ci = Math.min(r.nx - 1, Math.floor(((cell.i + 0.5) / spec.x.n) * r.nx));
      const cj = Math.min(r.ny - 1, Math.floor(((cell.j + 0.5) / spec.y.n) * r.ny));
      k = cj * r.nx + ci;
      note = ' (coarse pass; full grid still running)';
    }
    if (!r) return html`${axes} · <span class="muted">pending</span>`;
    const dim = spec.model.state.length;
    const metrics = cellMetrics(spec.model);
    const cls = CLASS_BY_CODE[r.classes[k]];
    const label = cls ? CLASSES[cls].label : 'pending';
    const why = uncertainReasons(r.uncertain?.[k] ?? 0);
    const uncertain = why.length ? html`<br><span data-readout="uncertain">uncertain: ${why.join('; ')}</span>` : '';
    // Refinement gave this cell its block's class without integrating it: there is no state to show.
    if (r.computed?.[k] === 0) {
      return html`${axes} · <b data-readout="class">${label}</b><br>
        <span data-readout="state" class="muted">not computed (inherited from its block: ${label})</span>${uncertain}`;
    }
    // A cell that stopped early holds its state at t_s, not at t_end.
    const tSettled = r.metrics[k * metrics.length + metrics.findIndex((m) => m.id === T_SETTLED.id)];
    const at = tSettled >= 0 ? `t_s = ${fmt(tSettled)} (settled)` : `t = ${fmt(r.tReached)}`;
    return html`${axes} · <b data-readout="class">${label}</b><span class="muted">${note}</span>${uncertain}<br>
      <span data-readout="state">final state at ${at}: ${spec.model.state.map((s, d) => `${s.symbol} = ${fmt(r.finalState[k * dim + d])}`).join(', ')}</span><br>
      <span data-readout="metrics" class="muted">${metrics.map((m, d) => `${m.symbol} = ${r.metrics[k * metrics.length + d] === m.missing ? '—' : fmt(r.metrics[k * metrics.length + d])}`).join(', ')}</span>`;
  }
}
