/**
 * The model contract. One model = one object satisfying `Model` (src/models/<id>.ts) plus one WGSL
 * file (shaders/models/<id>.wgsl) with the same right-hand side in f32. The engine never looks inside
 * a model beyond this interface, so adding a model touches no engine code.
 *
 * Conventions shared by the TS and the WGSL side:
 * - A cell's parameters are one flat vector `P` in the order of `model.params` (the declared
 *   parameters first, then the initial conditions). WGSL addresses it with generated constants
 *   `kP_<id>` (see src/engine/kernel.ts), TS with `paramIndex(model, id)`.
 * - State is a flat vector in the order of `model.state`.
 * - Choice parameters travel as the index of the chosen option (`kChoice_<param>_<option>` in WGSL).
 * - A derivable initial condition left unset carries `DERIVED` (a finite sentinel, since WGSL has no
 *   reliable NaN); both sides then compute it from the other values.
 * - Systems are autonomous: the right-hand side does not see t.
 */

/** Finite sentinel for "derive this initial condition"; must equal `kDerived` in shaders/sweep.wgsl. */
export const DERIVED = -1.0e30;

/** Classes of the fixed legend. Codes are stable across models and files (class.npy stores them). */
export const CLASSES = {
  collapsed: { code: 0, label: 'collapsed', color: '#3b4cc0' },
  'non-collapsed': { code: 1, label: 'non-collapsed', color: '#f2b134' },
  partial: { code: 2, label: 'partial collapse', color: '#2ca25f' },
  diverged: { code: 3, label: 'diverged (numerical blow-up)', color: '#e7298a' },
  full: { code: 4, label: 'full (each feature held by its own neuron)', color: '#762a83' },
  stiff: { code: 5, label: 'stiff (step below dtMin or step budget spent)', color: '#8c510a' },
} as const;
export type ClassId = keyof typeof CLASSES;
/** Index = code; codes are never renumbered, new classes take the next free one. */
export const CLASS_BY_CODE: readonly ClassId[] = ['collapsed', 'non-collapsed', 'partial', 'diverged', 'full', 'stiff'];
/** Statuses the engine latches itself, whatever the model: they are numerical outcomes, not phases. */
export const ENGINE_STATUSES: readonly ClassId[] = ['diverged', 'stiff'];
/** Code written before a cell's first classification (never seen in a finished result). */
export const CLASS_PENDING = 255;

export type Scale = 'linear' | 'log';

interface ParamBase {
  /** camelCase id in the papers' terms, e.g. `weightDecay`. */
  id: string;
  /** Paper symbol for labels, e.g. `η`. */
  symbol: string;
  label: string;
  description: string;
  /** `initial` marks an initial condition (lives under `initial` in a sweep spec). */
  role: 'param' | 'initial';
  /**
   * Baked into the kernel (it sets the state size or layout, e.g. the number of modes): fixed per
   * sweep, never an axis. A model with structural parameters provides `instantiate`.
   */
  structural?: boolean;
}

export interface NumberParam extends ParamBase {
  kind: 'number';
  /** Default value, or `'derived'` for an initial condition computed from the others by default. */
  default: number | 'derived';
  /** What `'derived'` means, for labels and docs (required when default is 'derived'). */
  derivedAs?: string;
  min: number;
  max: number;
  scale: Scale;
  units?: string;
  /** Only whole numbers are valid (parseSpec rejects others; the explorer steps in whole numbers). */
  integer?: boolean;
}

export interface ChoiceParam extends ParamBase {
  kind: 'choice';
  options: readonly string[];
  default: string;
}

export type Param = NumberParam | ChoiceParam;

/**
 * A number parameter or initial condition, the one helper every model file builds them with. The
 * id keeps its literal type, so `paramIndices` of a model's list (declared `as const satisfies
 * readonly Param[]`) knows every id.
 */
export function numberParam<const Id extends string>(
  id: Id,
  symbol: string,
  label: string,
  description: string,
  role: 'param' | 'initial',
  def: number | 'derived',
  min: number,
  max: number,
  scale: Scale = 'linear',
  more: Partial<Pick<NumberParam, 'derivedAs' | 'integer' | 'units' | 'structural'>> = {},
): NumberParam & { id: Id } {
  return { kind: 'number', id, symbol, label, description, role, default: def, min, max, scale, ...more };
}

/** Each parameter's index in P, by id: `ix.weightDecay` compiles, a misspelt `ix.weightDecy` does not. */
export function paramIndices<const T extends readonly Param[]>(params: T): { readonly [K in T[number]['id']]: number } {
  return Object.fromEntries(params.map((p, i) => [p.id, i])) as { readonly [K in T[number]['id']]: number };
}

export interface StateVar {
  id: string;
  symbol: string;
  label: string;
}

/** A per-cell scalar reduced on the GPU, stored after the final state in a cell's record. */
export interface Metric {
  id: string;
  symbol: string;
  label: string;
  units: string;
  /** Value written when the metric never applied (e.g. a collapse time for a cell that never collapsed). */
  missing?: number;
}

/** Values of every parameter and initial condition, numbers for `number`, option index for `choice`. */
export type ParamVector = Float64Array;

/** A polyline in (x, y) parameter space, for a closed-form overlay. */
export interface OverlayCurve {
  id: string;
  label: string;
  /** `boundary`: a phase boundary of a closed form; `reference`: a line drawn for comparison only. */
  kind: 'boundary' | 'reference';
  /** Where this curve comes from (e.g. "closed form, tian-l2.md §4" or "numerical, f64 bisection"). */
  source: string;
  points: Array<[number, number]>;
}

/** What a model sees when asked for overlays: which parameters are on the axes, all other values. */
export interface SliceContext {
  x: { param: string; min: number; max: number };
  y: { param: string; min: number; max: number };
  /** Values of every parameter (axis params at their axis min), as resolved for the sweep. */
  values: ParamVector;
}

export interface Preset {
  id: string;
  title: string;
  /** One line saying what the figure shows. */
  caption: string;
  /** A sweep spec without the `model` field (see src/sweep/spec.ts). */
  spec: {
    params?: Record<string, number | string>;
    initial?: Record<string, number | string>;
    x: { param: string; min: number; max: number; n: number; scale?: Scale };
    y: { param: string; min: number; max: number; n: number; scale?: Scale };
    integrator?: IntegratorInput;
    settle?: SettleInput;
  };
  /**
   * The fixed step that draws this figure to tEnd without early exit, where the preset's own
   * integrator is adaptive: the reference its early-exit run is tested against
   * (tests/fixtures/fixed-horizon/) and the baseline of `npm run bench`.
   */
  fixedHorizon?: { method: string; dt: number };
  /**
   * A trajectory preset: the cell (values of the x and y parameters) whose trajectory the figure is
   * about. The explorer opens the inspector on it; `collapse-atlas trajectory` integrates it by default.
   */
  inspect?: { x: number; y: number };
}

/** The `integrator` of a sweep spec (src/sweep/spec.ts validates it and fills the defaults). */
export interface IntegratorInput {
  method?: string;
  /** Fixed step, or the first step of an adaptive method. */
  dt?: number;
  tEnd?: number;
  /** Adaptive methods: relative and absolute tolerance of the scaled error norm. */
  rtol?: number;
  atol?: number;
  /** Adaptive methods: a cell whose controller asks for a step below dtMin is latched `stiff`. */
  dtMin?: number;
  dtMax?: number;
  /** Step attempts a cell may take before it is latched `stiff` (adaptive methods). */
  maxSteps?: number;
  /** false runs an adaptive tableau with the fixed step dt (its solution weights only). */
  adaptive?: boolean;
}

/** `false`: every cell runs to tEnd. Otherwise the settle test's tolerance and hold (src/engine/settle.ts). */
export type SettleInput = false | { tol?: number; hold?: number };

export interface Model {
  id: string;
  /**
   * Set on a model returned by `instantiate`: its structural values, e.g. `modes=16,target=ema`.
   * Kernels are cached by id, variant and version.
   */
  variant?: string;
  title: string;
  citation: { authors: string; title: string; venue: string; arxiv: string };
  /** `reconstruction` models must say so in every UI and output; `user`: compiled from a model file (src/user-model/). */
  status: 'paper' | 'reconstruction' | 'user';
  /** Short honesty note shown next to the title (what is the paper's, what is derived). */
  note: string;
  /** Incremented when the equations or classification change; written to manifests. */
  version: number;
  /** The WGSL source defining `initialState`, `rhs`, `classify`, `isCollapsed`, `readouts`. */
  wgsl: string;
  state: readonly StateVar[];
  params: readonly Param[];
  /** Per-cell readouts computed from the final state (e.g. s = w²), before the engine's metrics. */
  readouts: readonly Metric[];
  /** Classes this model can produce, a subset of CLASSES (always including collapsed and diverged; `stiff` is the engine's, added where a run is adaptive). */
  classes: readonly ClassId[];
  /** |y_i| above this is latched as `diverged` (finite threshold: WGSL NaN is unreliable). */
  divergenceBound: number;
  defaults: { dt: number; tEnd: number };
  /** Arithmetic operations of one WGSL `rhs` call, counted by hand; only `npm run bench` reads it. */
  flopsPerRhs?: number;

  /** Initial state from the parameter vector (derived initial conditions resolved here). */
  initialState(P: ParamVector): Float64Array;
  /** f64 right-hand side: writes dy/dt into `out`. Must match the WGSL `rhs` term for term. */
  rhs(y: Float64Array, P: ParamVector, out: Float64Array): void;
  /**
   * End-state class. `dy` is rhs at y. `diverged` is normally the engine's latch; a model returns it
   * only for a blown-up state its divergence bound cannot see (a state in logarithms: halvagal-isoloss).
   */
  classify(y: Float64Array, dy: Float64Array, P: ParamVector): ClassId;
  /** True while the state counts as collapsed; the engine latches the first time it becomes true. */
  isCollapsed(y: Float64Array, P: ParamVector): boolean;
  readout(y: Float64Array, P: ParamVector, out: Float64Array): void;

  /** Closed-form boundary curves for this slice, or none. */
  overlays(slice: SliceContext): OverlayCurve[];
  /**
   * The class a closed form predicts for these values, or undefined where no closed form applies.
   * Tests hold every cell away from a predicted class change to this.
   */
  predictClass(P: ParamVector): ClassId | undefined;
  /** Fixed points for the inspector, in state coordinates. */
  fixedPoints(P: ParamVector): Array<{ label: string; state: number[]; stable: boolean }>;
  presets: readonly Preset[];
  /**
   * How a cell of this model stops early (src/engine/settle.ts). Absent: the generic test alone (the
   * scaled rate ‖f(y)‖∞/‖y‖∞ stays under settle.tol over a window of flow time). A model whose
   * generic test is wrong (absorbing collapse, lines of fixed points, clocks in the state) gives a
   * rule here and the same rule in WGSL as `fn settleVerdict(y: State, dy: State, P: Params) -> u32`
   * returning kSettle_generic, kSettle_stop or kSettle_continue.
   */
  settle?: SettleRule;
  /**
   * One training step in expectation (a discrete-time model beside the flow), run by the integrator
   * `{"method": "map"}`: one application per unit of time. Its WGSL twin is
   * `fn mapStep(y: State, P: Params) -> State` in the model's WGSL, returning the state after the step.
   */
  map?: TrainingMap;
  /** Derived time series for the inspector's trajectory view, e.g. eigenvalues per mode; none: state only. */
  series?: readonly DerivedSeries[];
  /**
   * A cheaper stand-in for the explorer's coarse pass where the chosen variant costs far more a step
   * (halvagal-isoloss's exact closure): the parameters to change there and what to call it on screen.
   * Undefined: the coarse pass runs the view itself. The full grid always runs what was chosen.
   */
  preview?(values: ParamVector): { params: Record<string, string | number>; label: string } | undefined;
  /**
   * Models with structural parameters are families: the concrete model (state, readouts, WGSL) for
   * the structural values in `values`, with the same `params` in the same order. parseSpec calls it,
   * so a ResolvedSpec always holds a concrete model and the engine never sees the family. The
   * registered object itself must be the concrete model at the structural defaults.
   * Example: `halvagalIsoloss.instantiate(values)` with modes = 16 has 16 modes' state.
   */
  instantiate?(values: ParamVector): Model;
}

/**
 * A family of curves derived from the state, plotted against time by the inspector and
 * `collapse-atlas trajectory` (e.g. one eigenvalue per mode). Curve k is labelled `${symbol}${k}`.
 */
export interface DerivedSeries {
  id: string;
  /** Paper symbol of a curve, before its index, e.g. `λ`. */
  symbol: string;
  label: string;
  /** Plotted on a log y axis (the values are then positive). */
  logY: boolean;
  /** Curves for these values. */
  count(P: ParamVector): number;
  /** Writes the `count(P)` curves' values at state y into `out`. */
  values(y: Float64Array, P: ParamVector, out: Float64Array): void;
}

/** A model's training step (src/integrators/map.ts runs it). */
export interface TrainingMap {
  /** What one application is, in the paper's terms (shown where a map run is on screen). */
  description: string;
  /** Training steps run when a spec gives no `integrator.tEnd`. */
  defaultSteps: number;
  /** The parameter that is the step size (e.g. a learning rate), named with its value where a map run is on screen. */
  stepSize?: string;
  /** f64 twin of the WGSL `mapStep`: writes the state after one step into `out` (never aliases `y`). */
  step(y: Float64Array, P: ParamVector, out: Float64Array): void;
}

/** A model's verdict on a cell at (y, dy = f(y)), consulted at t = 0 and after every step. */
export type SettleVerdict =
  /** Fate decided (e.g. an absorbing collapse): stop now, the class is classify(y). */
  | 'stop'
  /** Not decided, whatever the generic test says (e.g. a slow algebraic drift). */
  | 'continue'
  /** No opinion: the generic fixed-point test decides. */
  | 'generic';

export interface SettleRule {
  /** Which test, and why it is right for this model (written to the docs and the manifest). */
  description: string;
  /** f64 twin of the model's WGSL `settleVerdict`. */
  verdict(y: Float64Array, dy: Float64Array, P: ParamVector): SettleVerdict;
}

/** Engine-wide per-cell metrics appended after a model's readouts. */
export const COLLAPSE_TIME: Metric = {
  id: 'collapseTime',
  symbol: 't_c',
  label: 'time at which the collapse threshold was first crossed',
  units: 'flow time',
  missing: -1,
};

/** Flow time at which a cell stopped early (settled, or its fate decided); missing if it ran to tEnd. */
export const T_SETTLED: Metric = {
  id: 'tSettled',
  symbol: 't_s',
  label: 'flow time at which the cell stopped (fate decided)',
  units: 'flow time',
  missing: -1,
};

/** Step attempts the cell took (accepted and rejected): where the work went. */
export const STEPS: Metric = {
  id: 'steps',
  symbol: 'n',
  label: 'integration steps taken (accepted + rejected)',
  units: 'steps',
};

export function paramIndex(model: Model, id: string): number {
  const i = model.params.findIndex((p) => p.id === id);
  if (i < 0) throw new Error(`model ${model.id} has no parameter "${id}"`);
  return i;
}

export function choiceIndex(model: Model, id: string, option: string): number {
  const p = model.params[paramIndex(model, id)];
  if (p.kind !== 'choice') throw new Error(`${model.id}.${id} is not a choice parameter`);
  const k = p.options.indexOf(option);
  if (k < 0) throw new Error(`${model.id}.${id} has no option "${option}"`);
  return k;
}

/** The engine's metrics, after the readouts in every record (shaders/sweep.wgsl writes them in this order). */
export const ENGINE_METRICS: readonly Metric[] = [COLLAPSE_TIME, T_SETTLED, STEPS];

/** Every metric a cell record carries for this model: readouts then the engine's metrics, in this order. */
export function cellMetrics(model: Model): Metric[] {
  return [...model.readouts, ...ENGINE_METRICS];
}
