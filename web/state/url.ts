import { models } from '../../src/models/registry.js';
import { explorerModels, findModel, isUserModel, urlModelProblem, userModel } from './user-model.js';
import {
  defaultView,
  normalizeIntegrator,
  viewFromPreset,
  viewToSpec,
  type AxisView,
  type View,
  type ViewIntegrator,
  type ViewRefine,
  type ViewSettle,
} from './view.js';

/**
 * The view in a query string, every number written with String() so it reads back bit for bit:
 *
 *   ?model=tian-l2&x=p0:0:1:128:linear&y=weightDecay:0:0.3:128:linear
 *    &v.target=simsiam&v.augmentation=0&method=dp5&dt=0.05&tEnd=3000&rtol=0.000001&atol=1e-9
 *    &settle=0.000001&layer=class&overlays=on&computed=off&zoom=0.2:0.6:0:0.15&refine=auto
 *
 * `v.<id>` holds each non-axis value ('derived' for a derived initial condition). `rtol` and `atol`
 * are written for adaptive methods (where dt is the first step); `dtMin`, `dtMax`, `maxSteps` and
 * `adaptive=off` only where the view has them. `settle` is `off` (fixed horizon), the settle
 * tolerance, or `tol:hold` when the hold is not the default. `refine` is `auto` (on above 256²
 * cells), `off`, `on`, or `coarse:verify:seed`; `computed` the computed-cells overlay. A user model's
 * view ends with `file=`, its model file deflated and base64url-encoded (web/state/model-codec.ts). The older
 * `?model=&preset=` (and `n=`, one resolution for both axes) still works and expands to a full view.
 */
export function viewToQuery(view: View): string {
  const q = new URLSearchParams();
  q.set('model', view.model);
  const axis = (a: AxisView) => [a.param, a.min, a.max, a.n, a.scale].map(String).join(':');
  q.set('x', axis(view.x));
  q.set('y', axis(view.y));
  for (const [id, v] of Object.entries(view.values)) {
    if (id !== view.x.param && id !== view.y.param) q.set(`v.${id}`, String(v));
  }
  q.set('method', view.integrator.method);
  q.set('dt', String(view.integrator.dt));
  q.set('tEnd', String(view.integrator.tEnd));
  for (const key of kIntegratorNumbers) {
    const v = view.integrator[key];
    if (v !== undefined) q.set(key, String(v));
  }
  if (view.integrator.adaptive !== undefined) q.set('adaptive', view.integrator.adaptive ? 'on' : 'off');
  q.set(
    'settle',
    view.settle === false ? 'off' : [view.settle.tol, ...(view.settle.hold !== undefined ? [view.settle.hold] : [])].map(String).join(':'),
  );
  q.set('layer', view.layer);
  q.set('overlays', view.overlays ? 'on' : 'off');
  q.set('computed', view.computedOverlay ? 'on' : 'off');
  if (view.zoom) q.set('zoom', [...view.zoom.x, ...view.zoom.y].map(String).join(':'));
  q.set('refine', refineToText(view.refine));
  // A user model travels as its model file, compressed (web/state/model-codec.ts).
  if (isUserModel(view.model)) q.set('file', userModel()!.packed);
  return `?${q.toString()}`;
}

/** Optional numbers of the integrator, in URL order. */
const kIntegratorNumbers = ['rtol', 'atol', 'dtMin', 'dtMax', 'maxSteps'] as const;

class UrlError extends Error {}

function number(field: string, text: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new UrlError(`${field}: "${text}" is not a number`);
  return v;
}

function parseAxis(field: string, text: string): AxisView {
  const parts = text.split(':');
  if (parts.length !== 5) throw new UrlError(`${field}: expected param:min:max:n:scale, got "${text}"`);
  const [param, min, max, n, scale] = parts;
  if (scale !== 'linear' && scale !== 'log') throw new UrlError(`${field}: scale must be linear or log, got "${scale}"`);
  return { param, min: number(`${field}.min`, min), max: number(`${field}.max`, max), n: number(`${field}.n`, n), scale };
}

/**
 * The integrator of the URL over `base` (the preset's or the default's). A URL that names the method
 * names its other fields too (viewToQuery writes them all), so the base's adaptive fields are kept
 * only when it does not; adaptive methods get rtol and atol defaults where the URL has none.
 */
function parseIntegrator(q: URLSearchParams, base: ViewIntegrator): ViewIntegrator {
  const method = q.get('method');
  const integrator: ViewIntegrator = method === null ? { ...base } : { method, dt: base.dt, tEnd: base.tEnd };
  if (q.has('dt')) integrator.dt = number('dt', q.get('dt')!);
  if (q.has('tEnd')) integrator.tEnd = number('tEnd', q.get('tEnd')!);
  for (const key of kIntegratorNumbers) if (q.has(key)) integrator[key] = number(key, q.get(key)!);
  const adaptive = q.get('adaptive');
  if (adaptive !== null) {
    if (adaptive !== 'on' && adaptive !== 'off') throw new UrlError(`adaptive: must be on or off, got "${adaptive}"`);
    integrator.adaptive = adaptive === 'on';
  }
  // Fill the adaptive defaults only: fields the method cannot take stay, so that parseSpec names them.
  const filled = normalizeIntegrator(integrator);
  return { ...integrator, ...(filled.rtol !== undefined ? { rtol: filled.rtol, atol: filled.atol } : {}) };
}

const kRefineFields = ['coarse', 'verify', 'seed'] as const;

function refineToText(refine: ViewRefine): string {
  if (refine === 'auto') return 'auto';
  if (refine === false) return 'off';
  return kRefineFields.some((k) => refine[k] !== undefined) ? kRefineFields.map((k) => String(refine[k] ?? '')).join(':') : 'on';
}

/** `auto`, `off`, `on` or `coarse:verify:seed` (empty fields take the defaults). */
function parseRefine(text: string): ViewRefine {
  if (text === 'auto') return 'auto';
  if (text === 'off') return false;
  if (text === 'on') return {};
  const parts = text.split(':');
  if (parts.length !== 3) throw new UrlError(`refine: expected auto, on, off or coarse:verify:seed, got "${text}"`);
  const out: Exclude<ViewRefine, 'auto' | false> = {};
  parts.forEach((t, k) => {
    if (t !== '') out[kRefineFields[k]] = number(`refine.${kRefineFields[k]}`, t);
  });
  return out;
}

/** `off`, `tol` or `tol:hold`. */
function parseSettle(text: string): ViewSettle {
  if (text === 'off') return false;
  const parts = text.split(':');
  if (parts.length > 2) throw new UrlError(`settle: expected off, tol or tol:hold, got "${text}"`);
  const tol = number('settle', parts[0]);
  return parts.length === 2 ? { tol, hold: number('settle.hold', parts[1]) } : { tol };
}

/**
 * `preset` as `id` (of `model`) or `model/id`, the form `collapse-atlas models` and `preset` print:
 * the model it names, and the preset id.
 */
function presetRef(q: URLSearchParams): { modelId: string | null; presetId: string | null } {
  const preset = q.get('preset');
  const modelId = q.get('model');
  if (preset === null || !preset.includes('/')) return { modelId, presetId: preset };
  const [fromPreset, presetId, extra] = preset.split('/');
  if (extra !== undefined) throw new UrlError(`preset: expected PRESET or MODEL/PRESET, got "${preset}"`);
  if (modelId !== null && modelId !== fromPreset)
    throw new UrlError(`preset: "${preset}" is a preset of ${fromPreset}, but model=${modelId}`);
  return { modelId: fromPreset, presetId };
}

function parseQuery(q: URLSearchParams): View {
  const { modelId: id, presetId } = presetRef(q);
  const model = id === null ? models[0] : findModel(id);
  // A model file in `file=` that could not be read says why (web/user-model/url-model.ts).
  const fileProblem = q.has('file') ? urlModelProblem()?.message : undefined;
  if (!model && fileProblem) throw new UrlError(fileProblem);
  if (!model)
    throw new UrlError(
      `model: unknown model "${id}" (known: ${explorerModels()
        .map((m) => m.id)
        .join(', ')})`,
    );
  let view = defaultView(model);
  if (presetId !== null) {
    const preset = model.presets.find((p) => p.id === presetId);
    if (!preset)
      throw new UrlError(`preset: ${model.id} has no preset "${presetId}" (known: ${model.presets.map((p) => p.id).join(', ')})`);
    view = viewFromPreset(model, preset);
  }
  const x = q.get('x');
  const y = q.get('y');
  if ((x === null) !== (y === null)) throw new UrlError(`${x === null ? 'x' : 'y'}: required when ${x === null ? 'y' : 'x'} is given`);
  if (x !== null && y !== null) view = { ...view, x: parseAxis('x', x), y: parseAxis('y', y) };
  const n = q.get('n');
  if (n !== null) view = { ...view, x: { ...view.x, n: number('n', n) }, y: { ...view.y, n: number('n', n) } };
  const values = { ...view.values };
  for (const [key, text] of q) {
    if (!key.startsWith('v.')) continue;
    // A misspelt name would otherwise be dropped without a word (and stay in the URL).
    if (!model.params.some((p) => p.id === key.slice(2)))
      throw new UrlError(`${key}: unknown parameter "${key.slice(2)}" of ${model.id} (known: ${model.params.map((p) => p.id).join(', ')})`);
    const v = text.trim() === '' ? NaN : Number(text);
    values[key.slice(2)] = Number.isFinite(v) ? v : text;
  }
  const integrator = parseIntegrator(q, view.integrator);
  const settle = q.has('settle') ? parseSettle(q.get('settle')!) : view.settle;
  const overlays = q.get('overlays') ?? 'on';
  if (overlays !== 'on' && overlays !== 'off') throw new UrlError(`overlays: must be on or off, got "${overlays}"`);
  const computed = q.get('computed') ?? 'off';
  if (computed !== 'on' && computed !== 'off') throw new UrlError(`computed: must be on or off, got "${computed}"`);
  const refine = q.has('refine') ? parseRefine(q.get('refine')!) : view.refine;
  view = {
    ...view,
    values,
    integrator,
    settle,
    layer: q.get('layer') ?? 'class',
    overlays: overlays === 'on',
    computedOverlay: computed === 'on',
    refine,
  };
  const zoom = q.get('zoom');
  if (zoom !== null) {
    const z = zoom.split(':').map((t, k) => number(`zoom[${k}]`, t));
    if (z.length !== 4) throw new UrlError(`zoom: expected xmin:xmax:ymin:ymax, got "${zoom}"`);
    view.zoom = { x: [z[0], z[1]], y: [z[2], z[3]] };
  }
  return view;
}

/**
 * The view a query string describes. Anything wrong (unparsable, or a spec parseSpec rejects) gives
 * `error` naming the field, e.g. `URL: x.n: must be an integer ≥ 2 (got 1.5)`, and the default view.
 */
export function viewFromQuery(search: string): { view: View; error?: string } {
  try {
    const view = parseQuery(new URLSearchParams(search));
    const checked = viewToSpec(view);
    if (checked.error) return { view: defaultView(findModel(view.model)), error: `URL: ${checked.error}` };
    return { view };
  } catch (e) {
    if (e instanceof UrlError) return { view: defaultView(), error: `URL: ${e.message}` };
    throw e;
  }
}
