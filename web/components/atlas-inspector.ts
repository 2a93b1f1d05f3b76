import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CLASS_BY_CODE, CLASSES, DERIVED, type Model } from '../../src/models/types.js';
import { classColor, type ClassPaletteId } from '../../src/export/palette.js';
import type { CellOutcome, CellRun } from '../../src/engine/cpu-runner.js';
import { TrajectoryController } from '../controllers/trajectory-controller.js';
import { isMap } from '../../src/integrators/map.js';
import { seriesValues, type Trajectory } from '../../src/sweep/trajectory.js';
import './atlas-time-series.js';
import './atlas-phase-portrait.js';

/**
 * How the cell was integrated: the sweep's resolved integrator and settle test (a ResolvedSpec will
 * do), so the inspector's f64 outcome is the cell's own: class, end state, tSettled and steps.
 */
export type InspectorRun = CellRun;

/** The integrator in a few words: `rk4, dt = 0.05` or `dp5, rtol = 1e-6, atol = 1e-9`, and the settle test. */
function describeRun(run: InspectorRun): string {
  const it = run.integrator;
  const steps = isMap(it.method)
    ? `training step × ${it.tEnd}`
    : it.adaptive
      ? `${it.method}, rtol = ${it.rtol}, atol = ${it.atol}`
      : `${it.method}, dt = ${it.dt}`;
  return `${steps}, ${run.settle ? `settle tol = ${run.settle.tol}` : 'fixed horizon'}`;
}

/** Where the cell stopped: `stopped at t_s = 412.5 (settled)`, or how it ended otherwise. */
function stopText(out: CellOutcome, tEnd: number): string {
  if (out.tSettled >= 0) return `stopped at t_s = ${fmt(out.tSettled)} (settled)`;
  if (out.end === 'diverged') return 'diverged (latched before t_end)';
  if (out.end === 'stiff') return 'stiff (step below dtMin or step budget spent)';
  return `ran to t_end = ${fmt(tEnd)}`;
}

const fmt = (v: number) => (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5) ? String(+v.toPrecision(6)) : v.toExponential(4));

/**
 * The trajectory of one cell, from the f64 reference: the model's derived series (e.g. eigenvalues,
 * on a log axis) or every state variable over time, a phase
 * portrait of two chosen variables with the model's fixed points, the end state, class and collapse
 * time, where it stopped (tSettled) and the step attempts it took. The integration runs in a worker
 * (TrajectoryController), off the main thread, with the sweep's own integrator and settle test.
 * Opened by the page on `cell-select`; renders nothing until `model`, `values` and `run` are set.
 *
 * @example
 * html`<atlas-inspector .model=${model} .values=${detail.values} .run=${spec}
 *        @inspector-close=${() => (this.inspected = undefined)}></atlas-inspector>`
 *
 * @fires inspector-close - the close button or Esc was pressed; the host removes the element.
 */
@customElement('atlas-inspector')
export class AtlasInspector extends LitElement {
  static override styles = css`
    :host {
      position: fixed; top: 0; right: 0; bottom: 0; width: 580px; max-width: 100vw; overflow: auto; z-index: 10;
      background: var(--atlas-panel, #fff); color: var(--atlas-fg); box-shadow: -4px 0 16px var(--atlas-shadow); padding: 12px 16px; box-sizing: border-box; font-size: 14px;
    }
    header { display: flex; justify-content: space-between; align-items: baseline; }
    h2 { font-size: 17px; margin: 0 0 4px; }
    table { border-collapse: collapse; margin: 6px 0; }
    td, th { padding: 1px 8px 1px 0; text-align: left; font-weight: normal; }
    th { color: var(--atlas-muted); }
    .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: middle; }
    .params { color: var(--atlas-muted); font-size: 12px; }
    label { margin-right: 10px; }
  `;

  @property({ attribute: false }) model?: Model;
  /** The cell's full parameter vector (model.params order), as `cell-select` carries it. */
  @property({ attribute: false }) values?: Float64Array;
  /** The sweep's resolved integrator and settle (only those two fields are read). */
  @property({ attribute: false }) run?: InspectorRun;
  /** Class colours, as the map paints them. */
  @property() palette: ClassPaletteId = 'default';
  @state() private phaseX = 0;
  @state() private phaseY = 1;
  @state() private logTime = true;
  /** What the time plot shows: a derived series' id (the model's first by default) or `state`. */
  @state() private plotted = 'state';
  private readonly trajectory = new TrajectoryController(this);

  // Capture phase and preventDefault: Esc closes the inspector only, not presentation mode too.
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    this.close();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey, true);
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('inspector-close', { bubbles: true, composed: true }));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!(changed.has('model') || changed.has('values') || changed.has('run'))) return;
    const { model, values, run } = this;
    if (model && values && run) this.trajectory.compute(model, values, { integrator: run.integrator, settle: run.settle });
    // Training steps read best on a linear axis (the paper's figures), flow times on a log one.
    if (changed.has('run') && run) this.logTime = !isMap(run.integrator.method);
    if (changed.has('model') && model) {
      this.plotted = model.series?.[0]?.id ?? 'state';
      this.phaseX = 0;
      this.phaseY = Math.min(1, model.state.length - 1);
    }
  }

  private closeButton() {
    return html`<button @click=${this.close} title="close (Esc)" aria-label="close inspector">✕</button>`;
  }

  private paramRows(model: Model, values: Float64Array) {
    return model.params.map((p, k) => {
      const v = values[k];
      const shown = p.kind === 'choice' ? p.options[v] : v === DERIVED ? `derived (${p.derivedAs ?? ''})` : fmt(v);
      return html`<span>${p.symbol} = ${shown}</span>`;
    });
  }

  /** The time plot: the chosen derived series (one curve each, e.g. λ0 … λ9) or the raw state. */
  private timePlot(model: Model, values: Float64Array, tr: Trajectory) {
    const series = model.series?.find((s) => s.id === this.plotted);
    const timeLabel = isMap(this.run!.integrator.method) ? 'training steps' : 'flow time t';
    const vars = series
      ? seriesValues(series, tr, values).map((v, k) => ({ label: `${series.symbol}${k}`, values: v }))
      : model.state.map((s, d) => ({ label: s.symbol, values: tr.states[d] }));
    const choices = [
      ...(model.series ?? []).map((s) => ({ id: s.id, label: `${s.symbol}: ${s.label}` })),
      { id: 'state', label: 'state variables' },
    ];
    return html`
      <label>plot <select data-plot @change=${(e: Event) => (this.plotted = (e.target as HTMLSelectElement).value)}>
        ${choices.map((c) => html`<option value=${c.id} ?selected=${c.id === this.plotted}>${c.label}</option>`)}</select></label>
      <label><input type="checkbox" .checked=${this.logTime} @change=${(e: Event) => (this.logTime = (e.target as HTMLInputElement).checked)} /> log time</label>
      <atlas-time-series .t=${tr.t} .logTime=${this.logTime} .logY=${series?.logY ?? false} .yLabel=${series ? series.symbol : 'state'}
        .timeLabel=${timeLabel} .vars=${vars}></atlas-time-series>`;
  }

  override render() {
    const { model, values } = this;
    const tr = this.trajectory.trajectory;
    if (!model || !values) return html``;
    if (!tr)
      return html`<header><h2>Cell trajectory</h2>${this.closeButton()}</header>
      ${this.trajectory.error ? html`<p role="alert">${this.trajectory.error}</p>` : html`<p>integrating this cell (f64)…</p>`}`;
    const out = tr.outcome;
    const cls = CLASSES[CLASS_BY_CODE[out.classCode]];
    const fixed = model
      .fixedPoints(values)
      .map((f) => ({ label: f.label, stable: f.stable, x: f.state[this.phaseX], y: f.state[this.phaseY] }));
    const select = (which: 'phaseX' | 'phaseY') => html`
      <select data-axis=${which} @change=${(e: Event) => (this[which] = Number((e.target as HTMLSelectElement).value))}>
        ${model.state.map((s, k) => html`<option value=${k} ?selected=${k === this[which]}>${s.symbol} (${s.label})</option>`)}
      </select>`;
    return html`
      <header>
        <h2>Cell trajectory (f64 reference, ${describeRun(this.run!)})</h2>
        ${this.closeButton()}
      </header>
      <p class="params">${this.paramRows(model, values).map((s, k) => html`${k ? ' · ' : ''}${s}`)}</p>
      <table>
        <tr><th>class</th><td data-class=${CLASS_BY_CODE[out.classCode]}><i class="swatch" style="background:${classColor(CLASS_BY_CODE[out.classCode], this.palette)}"></i>${cls.label}</td></tr>
        <tr><th>collapse time t_c</th><td data-collapse-time=${out.collapseTime}>${out.collapseTime < 0 ? 'never collapsed' : fmt(out.collapseTime)}</td></tr>
        <tr><th>stopped t_s</th><td data-t-settled=${out.tSettled} data-end=${out.end}>${stopText(out, this.run!.integrator.tEnd)}</td></tr>
        <tr><th>steps n</th><td data-steps=${out.steps}>${out.steps}${this.run!.integrator.adaptive ? ' attempts (accepted + rejected)' : ''}</td></tr>
        ${model.state.map((s, d) => html`<tr><th>${s.symbol}(${out.tSettled >= 0 ? 't_s' : 't_end'})</th><td data-end-state=${s.id} data-value=${out.state[d]}>${fmt(out.state[d])}</td></tr>`)}
      </table>
      ${this.timePlot(model, values, tr)}
      <p>phase portrait: x ${select('phaseX')} y ${select('phaseY')}</p>
      <atlas-phase-portrait .xs=${tr.states[this.phaseX]} .ys=${tr.states[this.phaseY]} .fixedPoints=${fixed}
        xLabel=${model.state[this.phaseX].symbol} yLabel=${model.state[this.phaseY].symbol}></atlas-phase-portrait>
    `;
  }
}
