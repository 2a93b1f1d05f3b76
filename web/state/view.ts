import { models } from '../../src/models/registry.js';
import { explorerModels, findModel } from './user-model.js';
import { cellMetrics, type IntegratorInput, type Model, type Preset, type Scale, type SettleInput } from '../../src/models/types.js';
import { isAdaptive, tableaus } from '../../src/integrators/tableaus.js';
import { isMap } from '../../src/integrators/map.js';
import {
  kAdaptiveDefaults,
  kRefineDefaults,
  kSettleDefaults,
  parseSpec,
  SpecError,
  type ResolvedSpec,
  type SweepSpecInput,
} from '../../src/sweep/spec.js';

/**
 * The explorer's whole view as plain data: what the URL stores and what the controls edit. A view
 * becomes a sweep spec through `viewToSpec` (which validates with parseSpec); no DOM here.
 */
export interface AxisView {
  param: string;
  min: number;
  max: number;
  n: number;
  scale: Scale;
}

export interface ZoomBox {
  x: [number, number];
  y: [number, number];
}

export interface View {
  model: string;
  x: AxisView;
  y: AxisView;
  /** Every parameter and initial condition (axis entries are kept for when they stop being axes). */
  values: Record<string, number | string>;
  integrator: ViewIntegrator;
  /** The early-exit test: its tolerance (and hold, when not the default), or false for a fixed horizon. */
  settle: ViewSettle;
  /** `class` or the id of one of cellMetrics(model). */
  layer: string;
  overlays: boolean;
  /** Sub-range being computed instead of the axes' full range; the axes stay the reset target. */
  zoom?: ZoomBox;
  /** The "computed cells" overlay: which cells a refined run integrated and which it inherited. */
  computedOverlay: boolean;
  /** Quad-tree refinement (src/refine/): 'auto' (on above kAutoRefineCells), off, or on with the spec's fields. */
  refine: ViewRefine;
}

/** `auto`: on for grids above 256² cells; `false`: every cell integrated; an object: on, with what it gives. */
export type ViewRefine = 'auto' | false | { coarse?: number; verify?: number; seed?: number };

/** Grids with more cells than this refine unless told not to (issue 11: "on by default above 256²"). */
export const kAutoRefineCells = 256 * 256;

/**
 * The coarse grid of a refined nx × ny view: the fewest blocks along x, at least kRefineDefaults.coarse,
 * whose side (a power of two) divides both nx and ny. Block side 1 (e.g. an odd n) computes every cell.
 */
export function autoCoarse(nx: number, ny: number): number {
  let block = 1;
  while (nx % (2 * block) === 0 && ny % (2 * block) === 0 && nx / (2 * block) >= kRefineDefaults.coarse) block *= 2;
  return nx / block;
}

/** Whether the view refines: its own choice, or for 'auto' whether the grid is larger than 256². */
export function refines(view: Pick<View, 'refine' | 'x' | 'y'>): boolean {
  return view.refine === 'auto' ? view.x.n * view.y.n > kAutoRefineCells : view.refine !== false;
}

/**
 * The spec's integrator as the controls edit it. Adaptive methods always carry rtol and atol (the
 * defaults filled in, so the URL names them); dtMin, dtMax, maxSteps and `adaptive: false` only
 * where a preset or the URL gives them.
 */
export type ViewIntegrator = IntegratorInput & { method: string; dt: number; tEnd: number };

export type ViewSettle = false | { tol: number; hold?: number };

/** Whether this method runs with an adaptive step here (an adaptive tableau, `adaptive` not false). */
export function stepsAdaptively(integrator: Pick<ViewIntegrator, 'method' | 'adaptive'>): boolean {
  const t = Object.hasOwn(tableaus, integrator.method) ? tableaus[integrator.method] : undefined;
  return t !== undefined && isAdaptive(t) && integrator.adaptive !== false;
}

const kAdaptiveOnly = ['rtol', 'atol', 'dtMin', 'dtMax', 'maxSteps'] as const;

/**
 * The integrator for `method`: adaptive methods get rtol and atol (the defaults unless given);
 * fixed-step ones lose every adaptive-only field (parseSpec would reject them).
 */
export function normalizeIntegrator(integrator: ViewIntegrator): ViewIntegrator {
  const out: ViewIntegrator = { ...integrator };
  const capable = Object.hasOwn(tableaus, out.method) && isAdaptive(tableaus[out.method]);
  if (!capable) delete out.adaptive;
  if (stepsAdaptively(out)) {
    out.rtol ??= kAdaptiveDefaults.rtol;
    out.atol ??= kAdaptiveDefaults.atol;
  } else if (Object.hasOwn(tableaus, out.method)) {
    for (const k of kAdaptiveOnly) delete out[k];
  }
  return out;
}

/** The view's settle from a spec's (undefined: the default test). */
export function viewSettle(settle: SettleInput | undefined): ViewSettle {
  if (settle === false) return false;
  return { tol: settle?.tol ?? kSettleDefaults.tol, ...(settle?.hold !== undefined ? { hold: settle.hold } : {}) };
}

function schemaValues(model: Model): Record<string, number | string> {
  return Object.fromEntries(model.params.map((p) => [p.id, p.default]));
}

export function viewFromPreset(model: Model, preset: Preset): View {
  const { spec } = preset;
  // Preset specs are sweep specs: one that says whether to refine is obeyed; else the grid size decides.
  const refine = (spec as { refine?: false | { coarse?: number; verify?: number; seed?: number } }).refine;
  const axis = (a: Preset['spec']['x']): AxisView => {
    const p = model.params.find((q) => q.id === a.param);
    return { param: a.param, min: a.min, max: a.max, n: a.n, scale: a.scale ?? (p?.kind === 'number' ? p.scale : 'linear') };
  };
  return {
    model: model.id,
    x: axis(spec.x),
    y: axis(spec.y),
    values: { ...schemaValues(model), ...spec.params, ...spec.initial },
    integrator: normalizeIntegrator({
      ...spec.integrator,
      method: spec.integrator?.method ?? 'rk4',
      // A map steps by exactly 1 (one training step per unit of time), whatever the flow's default dt.
      dt: spec.integrator?.dt ?? (isMap(spec.integrator?.method ?? 'rk4') ? 1 : model.defaults.dt),
      tEnd: spec.integrator?.tEnd ?? model.defaults.tEnd,
    }),
    settle: viewSettle(spec.settle),
    layer: 'class',
    overlays: true,
    computedOverlay: false,
    refine: refine === undefined ? 'auto' : refine === false ? false : { ...refine },
  };
}

/** The first preset of the model, or its first two number parameters over their full ranges. */
export function defaultView(model: Model = models[0]): View {
  if (model.presets.length) return viewFromPreset(model, model.presets[0]);
  const numbers = model.params.filter((p) => p.kind === 'number' && !p.structural);
  const axis = (k: number): AxisView => {
    const p = numbers[k];
    return p.kind === 'number' ? { param: p.id, min: p.min, max: p.max, n: 64, scale: p.scale } : (undefined as never);
  };
  return {
    model: model.id,
    x: axis(0),
    y: axis(1),
    values: schemaValues(model),
    integrator: { method: 'rk4', ...model.defaults },
    settle: viewSettle(undefined),
    layer: 'class',
    overlays: true,
    computedOverlay: false,
    refine: 'auto',
  };
}

export function specInput(view: View): SweepSpecInput {
  const model = findModel(view.model);
  const params: Record<string, number | string> = {};
  const initial: Record<string, number | string> = {};
  for (const p of model?.params ?? []) {
    if (p.id === view.x.param || p.id === view.y.param || view.values[p.id] === undefined) continue;
    (p.role === 'initial' ? initial : params)[p.id] = view.values[p.id];
  }
  const [xmin, xmax] = view.zoom?.x ?? [view.x.min, view.x.max];
  const [ymin, ymax] = view.zoom?.y ?? [view.y.min, view.y.max];
  return {
    model: view.model,
    params,
    initial,
    x: { ...view.x, min: xmin, max: xmax },
    y: { ...view.y, min: ymin, max: ymax },
    integrator: { ...view.integrator },
    settle: view.settle === false ? false : { ...view.settle },
    refine: specRefine(view),
  };
}

function specRefine(view: View): SweepSpecInput['refine'] {
  if (!refines(view)) return false;
  const own = view.refine === 'auto' || view.refine === false ? {} : view.refine;
  return { coarse: autoCoarse(view.x.n, view.y.n), ...own };
}

/** The view's sweep spec, or the SpecError message naming what is wrong. */
export function viewToSpec(view: View): { spec: ResolvedSpec; error?: undefined } | { spec?: undefined; error: string } {
  try {
    const spec = parseSpec(specInput(view), explorerModels());
    if (view.layer !== 'class' && !cellMetrics(spec.model).some((m) => m.id === view.layer)) {
      return {
        error: `layer: unknown layer "${view.layer}" of ${spec.model.id} (known: class, ${cellMetrics(spec.model)
          .map((m) => m.id)
          .join(', ')})`,
      };
    }
    return { spec };
  } catch (e) {
    if (e instanceof SpecError) return { error: view.zoom ? zoomWording(e.message) : e.message };
    throw e;
  }
}

/**
 * A zoom box is sent as the axes' min and max, which it replaces: an error in those is the box's,
 * and the message says so in its terms (`zoom: xmin: must be less than xmax (0.6 ≥ 0.6)`).
 */
function zoomWording(message: string): string {
  return /^[xy]\.(min|max):/.test(message) ? `zoom: ${message.replace(/\b([xy])\.(min|max)\b/g, '$1$2')}` : message;
}
