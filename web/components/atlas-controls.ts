import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { explorerModels, findModel, isUserModel } from '../state/user-model.js';
import type { NumberParam, Param } from '../../src/models/types.js';
import { isAdaptive, tableaus } from '../../src/integrators/tableaus.js';
import { isMap, MAP_METHOD } from '../../src/integrators/map.js';
import { dynamicsLabel } from '../../src/models/dynamics.js';
import { kSettleDefaults } from '../../src/sweep/spec.js';
import { controlStyles } from './control-styles.js';
import './shoelace.js';
import {
  defaultView,
  normalizeIntegrator,
  refines,
  stepsAdaptively,
  type AxisView,
  type View,
  type ViewIntegrator,
} from '../state/view.js';

const kSliderSteps = 1000;

/** A typed number, or the text itself so that parseSpec names what is wrong with it. */
const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

/** The value of the Shoelace control (sl-select, sl-input, sl-range) an event came from. */
const controlValue = (e: Event): string => String((e.target as HTMLInputElement).value);

const logSlider = (p: NumberParam) => p.scale === 'log' && p.min > 0;

function toSlider(p: NumberParam, v: number): number {
  const f = logSlider(p) ? Math.log(v / p.min) / Math.log(p.max / p.min) : (v - p.min) / (p.max - p.min);
  return p.integer ? v : Math.round(f * kSliderSteps);
}

function fromSlider(p: NumberParam, k: number): number {
  if (p.integer) return k;
  const f = k / kSliderSteps;
  const v = logSlider(p) ? p.min * (p.max / p.min) ** f : p.min + f * (p.max - p.min);
  return Number(v.toPrecision(4));
}

/**
 * Controls generated from the model's schema: model, the two axes, every other value (slider plus
 * number field under its paper symbol; a select for choices), the integrator (every tableau; rtol and
 * atol for adaptive ones, whose dt is the first step) and the settle test (on with its tolerance, or
 * off: every cell runs to t_end). Nothing model-specific.
 * @fires view-patch - detail: Partial<View>, the fields a control changed
 */
@customElement('atlas-controls')
export class AtlasControls extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: block; font-size: 13px; --sl-input-spacing-small: 7px; }
    /* min-width 0: a fieldset is min-content wide by default, which let long selects overflow the panel. */
    fieldset { border: 1px solid var(--atlas-border); border-radius: 8px; margin: 0 0 10px; padding: 6px 8px 8px; min-width: 0; }
    legend { font-weight: 600; padding: 0 4px; }
    sl-select { width: 100%; }
    .row { display: grid; grid-template-columns: 64px 1fr 84px; gap: 6px; align-items: center; margin: 3px 0; }
    /* An axis on two lines: its parameter, then min, max, n and scale, each with room for its number. */
    .axis { display: grid; grid-template-columns: 14px repeat(3, minmax(0, 1fr)) minmax(82px, 1fr); gap: 3px 4px; align-items: center; margin: 4px 0 8px; }
    .axis .param { grid-column: 2 / -1; }
    .axis .sub { grid-column: 2; }
    .axis .hint { font-size: 11px; color: var(--atlas-muted); margin-bottom: -2px; }
    sl-select, sl-input { max-width: 100%; min-width: 0; }
    .sym { font-weight: 600; font-family: 'Times New Roman', serif; font-size: 15px; cursor: help; }
    sl-input { width: 100%; }
    /* The range's label names it for screen readers; on screen the row says what it is. */
    sl-range::part(form-control-label) { display: none; }
    sl-range { --thumb-size: 16px; --track-color-active: var(--atlas-accent); }
    sl-tooltip { --max-width: 280px; }
    .derived { grid-column: 2 / 4; color: var(--atlas-muted); }
    .row > *, .axis > * { min-width: 0; }
    .method { grid-template-columns: 56px minmax(0, 1fr) auto; }
    label { white-space: nowrap; }
  `,
  ];

  @property({ attribute: false }) view!: View;

  private patch(p: Partial<View>): void {
    this.dispatchEvent(new CustomEvent('view-patch', { detail: p, bubbles: true, composed: true }));
  }

  private setValue(id: string, v: number | string): void {
    this.patch({ values: { ...this.view.values, [id]: v } });
  }

  private setAxis(name: 'x' | 'y', change: Partial<AxisView>): void {
    const axis = { ...this.view[name], ...change };
    if (change.param) {
      const p = findModel(this.view.model)!.params.find((q) => q.id === change.param) as NumberParam;
      Object.assign(axis, { min: p.min, max: p.max, scale: p.scale });
    }
    this.patch({ [name]: axis, zoom: undefined });
  }

  private axisRow(name: 'x' | 'y', params: readonly Param[]) {
    const a = this.view[name];
    // Arrows only on n: typed limits need the room of their digits in the narrow panel.
    const num = (
      field: 'min' | 'max' | 'n',
    ) => html`<sl-input type="number" size="small" name="${name}.${field}" title="${name} ${field}" .value=${String(a[field])} step="any" ?no-spin-buttons=${field !== 'n'}
      @sl-change=${(e: Event) => this.setAxis(name, { [field]: numberOrText(controlValue(e)) as number })}></sl-input>`;
    return html`<div class="axis">
      <span class="sym">${name}</span>
      <sl-select class="param" size="small" hoist name="${name}.param" .value=${a.param} @sl-change=${(e: Event) => this.setAxis(name, { param: controlValue(e) })}>
        ${params.filter((p) => p.kind === 'number' && !p.structural).map((p) => html`<sl-option value=${p.id}>${p.symbol} · ${p.label}</sl-option>`)}
      </sl-select>
      <span class="hint sub">min</span><span class="hint">max</span><span class="hint">n</span><span class="hint">scale</span>
      <span></span>${num('min')} ${num('max')} ${num('n')}
      <sl-select size="small" hoist name="${name}.scale" .value=${a.scale} @sl-change=${(e: Event) => this.setAxis(name, { scale: controlValue(e) as AxisView['scale'] })}>
        <sl-option value="linear">linear</sl-option><sl-option value="log">log</sl-option>
      </sl-select>
    </div>`;
  }

  private valueRow(p: Param) {
    const v = this.view.values[p.id];
    // The paper's symbol, with the parameter's name and description on hover or keyboard focus.
    const sym = html`<sl-tooltip hoist placement="right" content="${p.symbol} · ${p.label}: ${p.description}">
      <span class="sym" tabindex="0" data-param=${p.id}>${p.symbol}</span></sl-tooltip>`;
    if (p.kind === 'choice') {
      return html`<div class="row">${sym}
        <sl-select size="small" hoist name=${p.id} .value=${String(v)} @sl-change=${(e: Event) => this.setValue(p.id, controlValue(e))}>
          ${p.options.map((o) => html`<sl-option value=${o}>${o}</sl-option>`)}
        </sl-select><span>${p.label}</span></div>`;
    }
    const derived = v === 'derived';
    const derivedBox =
      p.default === 'derived'
        ? html`<label class="derived"><input type="checkbox" name="${p.id}.derived" .checked=${derived}
          @change=${(e: Event) => this.setValue(p.id, (e.target as HTMLInputElement).checked ? 'derived' : p.min)}> derived: ${p.derivedAs}</label>`
        : '';
    if (derived) return html`<div class="row">${sym}${derivedBox}</div>`;
    const numeric = typeof v === 'number' && Number.isFinite(v);
    return html`<div class="row">${sym}
      <sl-range name="${p.id}.slider" label=${p.label} min=${p.integer ? p.min : 0} max=${p.integer ? p.max : kSliderSteps} step="1"
        .value=${numeric ? toSlider(p, v) : 0} .tooltipFormatter=${(k: number) => String(fromSlider(p, k))}
        @sl-input=${(e: Event) => this.setValue(p.id, fromSlider(p, Number(controlValue(e))))}></sl-range>
      <sl-input type="number" size="small" name=${p.id} step=${p.integer ? '1' : 'any'} .value=${String(v)}
        @sl-change=${(e: Event) => this.setValue(p.id, numberOrText(controlValue(e)))}></sl-input>
      ${derivedBox}</div>`;
  }

  override render() {
    const model = findModel(this.view.model) ?? explorerModels()[0];
    const onAxis = (p: Param) => p.id === this.view.x.param || p.id === this.view.y.param;
    const { integrator, settle } = this.view;
    const adaptive = stepsAdaptively(integrator);
    const capable = Object.hasOwn(tableaus, integrator.method) && isAdaptive(tableaus[integrator.method]);
    const setIntegrator = (change: Partial<ViewIntegrator>) =>
      this.patch({ integrator: normalizeIntegrator({ ...integrator, ...change }) });
    const map = isMap(integrator.method);
    // A map steps by exactly 1 and runs the model's default number of steps; leaving it restores a flow's dt.
    const setMethod = (method: string) =>
      isMap(method)
        ? this.patch({ integrator: { method, dt: 1, tEnd: model.map?.defaultSteps ?? integrator.tEnd } })
        : setIntegrator({ method, adaptive: undefined, ...(map ? { dt: model.defaults.dt, tEnd: model.defaults.tEnd } : {}) });
    const axes = [this.view.x.param, this.view.y.param].map((id) => model.params.findIndex((p) => p.id === id));
    const dynamics = dynamicsLabel(
      model,
      integrator.method,
      model.params.map((p) => Number(this.view.values[p.id])),
      axes,
    );
    const numberRow = (field: 'dt' | 'tEnd' | 'rtol' | 'atol', label: string, units: string) => html`<div class="row"><span>${label}</span>
      <sl-input type="number" size="small" name=${field} step="any" .value=${String(integrator[field])}
        @sl-change=${(e: Event) => this.patch({ integrator: { ...integrator, [field]: numberOrText(controlValue(e)) as number } })}></sl-input><span>${units}</span></div>`;
    return html`
      <fieldset><legend>Model</legend>
        <sl-select size="small" hoist name="model" .value=${model.id} @sl-change=${(e: Event) => this.patch(defaultView(findModel(controlValue(e))))}>
          ${explorerModels().map((m) => html`<sl-option value=${m.id}>${m.title}${isUserModel(m.id) ? ' (model file)' : ''}</sl-option>`)}
        </sl-select>
      </fieldset>
      <fieldset><legend>Axes</legend>${this.axisRow('x', model.params)}${this.axisRow('y', model.params)}</fieldset>
      <fieldset><legend>Parameters</legend>${model.params.filter((p) => p.role === 'param' && !onAxis(p)).map((p) => this.valueRow(p))}</fieldset>
      <fieldset><legend>Initial conditions</legend>${model.params.filter((p) => p.role === 'initial' && !onAxis(p)).map((p) => this.valueRow(p))}</fieldset>
      <fieldset><legend>Integrator</legend>
        <div class="row method"><span>method</span><sl-select size="small" hoist name="method" .value=${integrator.method} @sl-change=${(e: Event) => setMethod(controlValue(e))}>
          ${Object.entries(tableaus).map(([k, t]) => html`<sl-option value=${k}>${k}${isAdaptive(t) ? ' (adaptive)' : ''}</sl-option>`)}
          ${model.map ? html`<sl-option value=${MAP_METHOD}>map (training step)</sl-option>` : ''}</sl-select>
          ${
            capable
              ? html`<label title="off: the tableau's solution weights with the fixed step dt"><input type="checkbox" name="adaptive" .checked=${adaptive}
            @change=${(e: Event) => setIntegrator({ adaptive: (e.target as HTMLInputElement).checked ? undefined : false })}> adaptive</label>`
              : html`<span>fixed step</span>`
          }</div>
        ${dynamics ? html`<div class="row dynamics" title=${model.map?.description ?? ''}><span></span><span>${dynamics}</span></div>` : ''}
        ${map ? '' : numberRow('dt', adaptive ? 'first step' : 'dt', 'flow time')}
        ${map ? numberRow('tEnd', 'steps', 'training steps') : numberRow('tEnd', 't_end', 'flow time')}
        ${adaptive ? html`${numberRow('rtol', 'rtol', 'relative')}${numberRow('atol', 'atol', 'absolute')}` : ''}
      </fieldset>
      <fieldset><legend>Early exit</legend>
        <div class="row"><label title="stop a cell once its fate is decided (‖f(y)‖∞ ≤ tol·‖y‖∞ held, or the model's rule); off: every cell runs to t_end">
          <input type="checkbox" name="settle" .checked=${settle !== false}
            @change=${(e: Event) => this.patch({ settle: (e.target as HTMLInputElement).checked ? { tol: kSettleDefaults.tol } : false })}> settle</label>
          ${
            settle === false
              ? html`<span>off: fixed horizon</span><span></span>`
              : html`<sl-input type="number" size="small" name="settleTol" step="any" .value=${String(settle.tol)}
                @sl-change=${(e: Event) => this.patch({ settle: { ...settle, tol: numberOrText(controlValue(e)) as number } })}></sl-input><span>tol</span>`
          }
        </div>
        <div class="row"><label title="integrate coarse blocks first, then split them 2×2 only where the class changes; a seeded sample of the inherited cells checks them">
          <input type="checkbox" name="refine" .checked=${refines(this.view)}
            @change=${(e: Event) => this.patch({ refine: (e.target as HTMLInputElement).checked ? {} : false })}> refine</label>
          <span>${this.view.refine === 'auto' ? 'auto: on above 256² cells' : ''}</span><span></span>
        </div>
      </fieldset>`;
  }
}
