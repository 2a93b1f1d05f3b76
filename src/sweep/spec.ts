import { z } from 'zod';
import { models } from '../models/registry.js';
import { DERIVED, type Model, type NumberParam, type Param } from '../models/types.js';
import { isAdaptive, tableaus } from '../integrators/tableaus.js';
import { isMap, MAP_METHOD, tableauOf } from '../integrators/map.js';
import { noJacobianMessage, rosenbrock23 } from '../integrators/rosenbrock.js';
import { userJacobian } from '../user-model/jacobian.js';
import {
  SpecError,
  type ResolvedAxis,
  type ResolvedIntegrator,
  type ResolvedRefine,
  type ResolvedSettle,
  type ResolvedSpec,
  type ResolvedTimelapse,
  type ResolvedUncertainty,
} from '../engine/resolved-spec.js';

// The resolved spec lives one layer down (the runners take it); the spec's users import it from here.
export {
  SpecError,
  axisValues,
  cellValues,
  type ResolvedAxis,
  type ResolvedIntegrator,
  type ResolvedRefine,
  type ResolvedSettle,
  type ResolvedSpec,
  type ResolvedTimelapse,
  type ResolvedUncertainty,
} from '../engine/resolved-spec.js';
import { echo, formatZodIssue } from '../util/messages.js';
import { modelFileCompiler, modelFileOf } from '../user-model/sources.js';

/**
 * Sweep specs: the JSON shape shared by the engine, the explorer's export and the batch runner.
 * `parseSpec` validates every field and resolves defaults; each rule's failure is a SpecError whose
 * message starts with the field's path, e.g. `x.min: must be less than x.max (0.6 ≥ 0.6)`.
 */

const axisShape = z.strictObject({
  param: z.string(),
  min: z.number(),
  max: z.number(),
  n: z.number(),
  scale: z.enum(['linear', 'log']).optional(),
});

const valueShape = z.record(z.string(), z.union([z.number(), z.string()]));

const specShape = z.strictObject({
  // A built-in model's id, or a model file's contents (src/user-model/schema.ts); checked in parseSpec.
  model: z.unknown(),
  params: valueShape.optional(),
  initial: valueShape.optional(),
  x: axisShape,
  // Absent: a 1-D sweep, one row along x (y is then x itself at one point).
  y: axisShape.optional(),
  integrator: z
    .strictObject({
      method: z.string().optional(),
      dt: z.number().optional(),
      tEnd: z.number().optional(),
      rtol: z.number().optional(),
      atol: z.number().optional(),
      dtMin: z.number().optional(),
      dtMax: z.number().optional(),
      maxSteps: z.number().optional(),
      adaptive: z.boolean().optional(),
    })
    .optional(),
  // Checked in resolveSettle: a union would hide which field of the object is wrong.
  settle: z.unknown().optional(),
  // Checked in resolveRefine, for the same reason.
  refine: z.unknown().optional(),
  timelapse: z.strictObject({ frames: z.number(), from: z.number().optional() }).optional(),
});

const uncertaintyShape = z.strictObject({ tighten: z.number().optional(), f64: z.number().optional() });
const refineShape = z.strictObject({
  coarse: z.number().optional(),
  verify: z.number().optional(),
  seed: z.number().optional(),
  uncertainty: z.union([z.literal(false), uncertaintyShape]).optional(),
});

const settleShape = z.strictObject({ tol: z.number().optional(), hold: z.number().optional() });

export type SweepSpecInput = z.input<typeof specShape>;

/** Defaults of the adaptive controller and the settle test (the README lists them). */
export const kAdaptiveDefaults = { rtol: 1e-6, atol: 1e-9, dtMinPerTEnd: 1e-10, dtMaxPerTEnd: 1 / 16, maxSteps: 1_000_000 };
export const kSettleDefaults: ResolvedSettle = { tol: 1e-6, hold: 0.5 };
export const kRefineDefaults = { coarse: 64, verify: 0.02, seed: 1 };
export const kUncertaintyDefaults: ResolvedUncertainty = { tighten: 100, f64: 32 };

/** Largest step count a run may take (the kernel counts steps in u32 and times in f32). */
export const MAX_STEPS = 2 ** 31;

function fmt(v: number): string {
  return String(v);
}

export { echo, formatZodIssue } from '../util/messages.js';

function findParam(model: Model, id: string): Param | undefined {
  return model.params.find((p) => p.id === id);
}

function checkValue(model: Model, field: string, p: Param, value: number | string): number {
  if (p.kind === 'choice') {
    const k = typeof value === 'string' ? p.options.indexOf(value) : -1;
    if (k < 0) throw new SpecError(`${field}: "${echo(String(value))}" is not one of ${p.options.join(', ')}`);
    return k;
  }
  if (typeof value !== 'number') {
    if (value === 'derived' && p.default === 'derived') return DERIVED;
    throw new SpecError(`${field}: expected a number, got "${echo(value)}"`);
  }
  if (!Number.isFinite(value)) throw new SpecError(`${field}: must be a finite number`);
  if (p.integer && !Number.isInteger(value))
    throw new SpecError(`${field}: ${model.id}.${p.id} must be a whole number (got ${fmt(value)})`);
  if (value < p.min || value > p.max) {
    throw new SpecError(`${field}: ${fmt(value)} is outside the range of ${model.id}.${p.id} [${fmt(p.min)}, ${fmt(p.max)}]`);
  }
  return value;
}

/**
 * The y axis of a 1-D sweep: x's own parameter at a single point (x.min), so every cell's values come
 * from x alone and the grid is one row; specToJson leaves it out again.
 */
function rowOf(x: ResolvedAxis): ResolvedAxis {
  return { ...x, max: x.min, n: 1 };
}

/** Whether `spec` is a 1-D sweep (its y axis is rowOf(x)). */
export function isRow(spec: Pick<ResolvedSpec, 'x' | 'y'>): boolean {
  return spec.y.n === 1 && spec.y.index === spec.x.index;
}

function resolveAxis(model: Model, name: 'x' | 'y', a: z.infer<typeof axisShape>): ResolvedAxis {
  const p = findParam(model, a.param);
  if (!p)
    throw new SpecError(
      `${name}.param: unknown parameter "${echo(a.param)}" of ${model.id} (known: ${model.params.map((q) => q.id).join(', ')})`,
    );
  if (p.kind === 'choice') throw new SpecError(`${name}.param: "${a.param}" is a choice (${p.options.join(', ')}) and cannot be an axis`);
  if (p.structural)
    throw new SpecError(
      `${name}.param: "${a.param}" is structural (it sets the kernel's state size) and cannot be an axis; give it under "params"`,
    );
  if (!Number.isInteger(a.n) || a.n < 2) throw new SpecError(`${name}.n: must be an integer ≥ 2 (got ${fmt(a.n)})`);
  if (!(a.min < a.max)) throw new SpecError(`${name}.min: must be less than ${name}.max (${fmt(a.min)} ≥ ${fmt(a.max)})`);
  const scale = a.scale ?? (p as NumberParam).scale;
  if (scale === 'log' && a.min <= 0) throw new SpecError(`${name}.min: a log axis needs min > 0 (got ${fmt(a.min)})`);
  checkValue(model, `${name}.min`, p, a.min);
  checkValue(model, `${name}.max`, p, a.max);
  return { param: a.param, index: model.params.indexOf(p), min: a.min, max: a.max, n: a.n, scale };
}

/**
 * Validates a spec (parsed JSON) against its model and fills in every default. Throws SpecError.
 * `available` is the registry by default; tests pass fixture models.
 */
export function parseSpec(input: unknown, available: readonly Model[] = models): ResolvedSpec {
  const parsed = specShape.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new SpecError(formatZodIssue(parsed.error.issues[0]));
  const spec = parsed.data;
  const given = spec.model;
  if (given === undefined) throw new SpecError('model: required');
  if (typeof given !== 'string' && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw new SpecError(
      `model: expected a model id or a model file's contents (an object), got ${given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given}`,
    );
  }
  const model = typeof given === 'string' ? available.find((m) => m.id === given) : userModel(given as Record<string, unknown>);
  if (!model) throw new SpecError(`model: unknown model "${echo(given as string)}" (known: ${available.map((m) => m.id).join(', ')})`);

  const x = resolveAxis(model, 'x', spec.x);
  const y = spec.y ? resolveAxis(model, 'y', spec.y) : rowOf(x);
  if (spec.y && x.param === y.param) throw new SpecError(`y.param: "${y.param}" is already the x axis`);

  const values = new Float64Array(
    model.params.map((p) => {
      if (p.kind === 'choice') return p.options.indexOf(p.default);
      return p.default === 'derived' ? DERIVED : p.default;
    }),
  );
  for (const section of ['params', 'initial'] as const) {
    const parsedValues: Record<string, number | string> = spec[section] ?? {};
    // The raw input's own keys: zod's record drops "__proto__", which must be named like any unknown key.
    const raw = (input as Record<string, unknown>)[section] as Record<string, unknown> | undefined;
    for (const id of Object.keys(raw ?? {})) {
      const field = `${section}.${echo(id)}`;
      const p = findParam(model, id);
      if (!p) throw new SpecError(`${field}: unknown ${section === 'params' ? 'parameter' : 'initial condition'} of ${model.id}`);
      const want = p.role === 'initial' ? 'initial' : 'params';
      if (want !== section) throw new SpecError(`${field}: "${id}" belongs under "${want}"`);
      if (id === x.param || id === y.param)
        throw new SpecError(`${field}: "${id}" is also the ${id === x.param ? 'x' : 'y'} axis; give one or the other`);
      values[model.params.indexOf(p)] = checkValue(model, field, p, parsedValues[id]);
    }
  }
  values[x.index] = x.min;
  values[y.index] = y.min;
  const concrete = instantiate(model, values);

  const integrator = resolveIntegrator(model, spec.integrator ?? {});
  const refine = resolveRefine(spec.refine, x.n, y.n);
  const timelapse = spec.timelapse ? resolveTimelapse(spec.timelapse, integrator, refine !== false) : false;
  return { model: concrete, values, x, y, integrator, settle: resolveSettle(spec.settle), refine, timelapse };
}

/** Most frames a time-lapse records (the kernel's uniform holds them). */
export const MAX_FRAMES = 256;
/** First frame at tEnd / 1000 unless `from` says otherwise: three decades of log-spaced time. */
const kTimelapseDecades = 3;

function resolveTimelapse(input: { frames: number; from?: number }, it: ResolvedIntegrator, refined: boolean): ResolvedTimelapse {
  const { frames } = input;
  if (!Number.isInteger(frames) || frames < 2 || frames > MAX_FRAMES)
    throw new SpecError(`timelapse.frames: must be an integer in [2, ${MAX_FRAMES}] (got ${fmt(frames)})`);
  // An inherited cell's class is its block's at tEnd; at earlier times the boundary is elsewhere.
  if (refined)
    throw new SpecError('timelapse: needs every cell computed; a refined run (refine) infers cells from the boundary at tEnd only');
  const from = input.from ?? it.tEnd / 10 ** kTimelapseDecades;
  if (!(from > 0) || !(from < it.tEnd)) throw new SpecError(`timelapse.from: must lie in (0, tEnd = ${fmt(it.tEnd)}) (got ${fmt(from)})`);
  const logSpaced = Array.from({ length: frames }, (_, k) => (k === frames - 1 ? it.tEnd : from * (it.tEnd / from) ** (k / (frames - 1))));
  if (it.adaptive) return { frames, from, times: logSpaced, steps: [] };
  // On the step grid: frame k is recorded after step n_k (≥ 1, the last one at the final step).
  const steps = logSpaced.map((t, k) => (k === frames - 1 ? it.steps : Math.min(it.steps, Math.max(1, Math.round(t / it.dt)))));
  return { frames, from, times: steps.map((n) => (n === it.steps ? it.tEnd : n * it.dt)), steps };
}

const positive = (field: string, v: number) => {
  if (!(v > 0) || !Number.isFinite(v)) throw new SpecError(`${field}: must be > 0 (got ${fmt(v)})`);
  return v;
};

function resolveIntegrator(model: Model, input: NonNullable<z.infer<typeof specShape>['integrator']>): ResolvedIntegrator {
  const method = input.method ?? 'rk4';
  if (isMap(method)) return resolveMap(model, input);
  const jacobian = userJacobian(model) !== undefined;
  if (method === rosenbrock23.name && !jacobian) throw new SpecError(`integrator.method: ${noJacobianMessage(method, model.id)}`);
  if (!Object.hasOwn(tableaus, method) && method !== rosenbrock23.name) {
    const known = [...Object.keys(tableaus), ...(model.map ? [MAP_METHOD] : []), ...(jacobian ? [rosenbrock23.name] : [])];
    throw new SpecError(`integrator.method: unknown integrator "${echo(method)}" (known: ${known.join(', ')})`);
  }
  const dt = positive('integrator.dt', input.dt ?? model.defaults.dt);
  const tEnd = positive('integrator.tEnd', input.tEnd ?? model.defaults.tEnd);
  const adaptive = isAdaptive(tableauOf(method)) && input.adaptive !== false;
  if (input.adaptive === true && !adaptive)
    throw new SpecError(`integrator.adaptive: ${method} has no error estimate (adaptive methods: ${adaptiveMethods().join(', ')})`);
  if (!adaptive) {
    for (const key of ['rtol', 'atol', 'dtMin', 'dtMax', 'maxSteps'] as const) {
      if (input[key] !== undefined)
        throw new SpecError(
          `integrator.${key}: only adaptive steps take it (${method} runs a fixed step here; adaptive methods: ${adaptiveMethods().join(', ')})`,
        );
    }
    // The last step is shortened so that every cell ends exactly at tEnd.
    const steps = Math.ceil(tEnd / dt - 1e-9);
    if (steps > MAX_STEPS) throw new SpecError(`integrator.dt: tEnd/dt = ${steps} steps exceeds the limit of ${MAX_STEPS}`);
    return { method, dt, tEnd, steps, adaptive, rtol: 0, atol: 0, dtMin: 0, dtMax: 0 };
  }
  const d = kAdaptiveDefaults;
  const rtol = positive('integrator.rtol', input.rtol ?? d.rtol);
  const atol = positive('integrator.atol', input.atol ?? d.atol);
  if (rtol >= 1) throw new SpecError(`integrator.rtol: must be < 1 (got ${fmt(rtol)})`);
  // f32 carries about 7 digits: a tighter rtol only buys rejected steps.
  if (rtol < 1e-7) throw new SpecError(`integrator.rtol: must be ≥ 1e-7, the f32 kernels' precision (got ${fmt(rtol)})`);
  const dtMin = positive('integrator.dtMin', input.dtMin ?? d.dtMinPerTEnd * tEnd);
  const dtMax = positive('integrator.dtMax', input.dtMax ?? d.dtMaxPerTEnd * tEnd);
  if (!(dtMin < dtMax)) throw new SpecError(`integrator.dtMin: must be less than integrator.dtMax (${fmt(dtMin)} ≥ ${fmt(dtMax)})`);
  if (dt < dtMin || dt > dtMax)
    throw new SpecError(`integrator.dt: the first step must lie in [dtMin, dtMax] = [${fmt(dtMin)}, ${fmt(dtMax)}] (got ${fmt(dt)})`);
  const steps = input.maxSteps ?? d.maxSteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS)
    throw new SpecError(`integrator.maxSteps: must be an integer in [1, ${MAX_STEPS}] (got ${fmt(steps)})`);
  return { method, dt, tEnd, steps, adaptive, rtol, atol, dtMin, dtMax };
}

/** `{"method": "map", "tEnd": K}`: K training steps of the model's map, one per unit of time. */
function resolveMap(model: Model, input: NonNullable<z.infer<typeof specShape>['integrator']>): ResolvedIntegrator {
  if (!model.map) {
    throw new SpecError(
      `integrator.method: ${model.id} has no training-step map; "map" runs a model's discrete training step, and ${model.id} is a flow only (integrators: ${Object.keys(tableaus).join(', ')})`,
    );
  }
  for (const key of ['rtol', 'atol', 'dtMin', 'dtMax', 'maxSteps', 'adaptive'] as const) {
    if (input[key] !== undefined)
      throw new SpecError(`integrator.${key}: a map takes no ${key} (it applies one training step per unit of time)`);
  }
  if (input.dt !== undefined && input.dt !== 1)
    throw new SpecError(`integrator.dt: a map steps by exactly 1 (one training step per unit of time; got ${fmt(input.dt)})`);
  const steps = input.tEnd ?? model.map.defaultSteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new SpecError(`integrator.tEnd: a map runs a whole number of training steps in [1, ${MAX_STEPS}] (got ${fmt(steps)})`);
  }
  return { method: MAP_METHOD, dt: 1, tEnd: steps, steps, adaptive: false, rtol: 0, atol: 0, dtMin: 0, dtMax: 0 };
}

function adaptiveMethods(): string[] {
  return Object.values(tableaus)
    .filter(isAdaptive)
    .map((t) => t.name);
}

function resolveSettle(raw: unknown): ResolvedSettle | false {
  if (raw === false) return false;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new SpecError(`settle: expected false or an object (got ${Array.isArray(raw) ? 'an array' : String(raw)})`);
  }
  const parsed = settleShape.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success)
    throw new SpecError(
      formatZodIssue({ ...parsed.error.issues[0], path: ['settle', ...parsed.error.issues[0].path] } as z.core.$ZodIssue),
    );
  const input = parsed.data;
  const tol = input?.tol ?? kSettleDefaults.tol;
  const hold = input?.hold ?? kSettleDefaults.hold;
  if (!(tol > 0) || !(tol < 1)) throw new SpecError(`settle.tol: must lie in (0, 1) (got ${fmt(tol)})`);
  if (!(hold >= 0) || !Number.isFinite(hold)) throw new SpecError(`settle.hold: must be a finite number ≥ 0 (got ${fmt(hold)})`);
  return { tol, hold };
}

function resolveRefine(raw: unknown, nx: number, ny: number): ResolvedRefine | false {
  if (raw === undefined || raw === false) return false;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SpecError(`refine: expected false or an object (got ${Array.isArray(raw) ? 'an array' : String(raw)})`);
  }
  const parsed = refineShape.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    throw new SpecError(
      formatZodIssue({ ...parsed.error.issues[0], path: ['refine', ...parsed.error.issues[0].path] } as z.core.$ZodIssue),
    );
  const { coarse = kRefineDefaults.coarse, verify = kRefineDefaults.verify, seed = kRefineDefaults.seed } = parsed.data;
  if (!Number.isInteger(coarse) || coarse < 1) throw new SpecError(`refine.coarse: must be an integer ≥ 1 (got ${fmt(coarse)})`);
  const block = nx / coarse;
  if (!Number.isInteger(block) || (block & (block - 1)) !== 0) {
    throw new SpecError(
      `refine.coarse: x.n must be coarse times a power of two (x.n = ${nx}, coarse = ${coarse}, x.n / coarse = ${fmt(block)})`,
    );
  }
  if (ny % block !== 0)
    throw new SpecError(`refine.coarse: y.n must be a multiple of the block side x.n / coarse = ${block} (y.n = ${ny})`);
  if (!(verify >= 0 && verify <= 1)) throw new SpecError(`refine.verify: must lie in [0, 1] (got ${fmt(verify)})`);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new SpecError(`refine.seed: must be an integer in [0, 2^32) (got ${fmt(seed)})`);
  return { coarse, verify, seed, block, uncertainty: resolveUncertainty(parsed.data.uncertainty) };
}

function resolveUncertainty(raw: z.infer<typeof uncertaintyShape> | false | undefined): ResolvedUncertainty | false {
  if (raw === false) return false;
  const { tighten = kUncertaintyDefaults.tighten, f64 = kUncertaintyDefaults.f64 } = raw ?? {};
  if (!(tighten > 1) || !Number.isFinite(tighten))
    throw new SpecError(`refine.uncertainty.tighten: must be a finite number > 1 (got ${fmt(tighten)})`);
  if (!Number.isInteger(f64) || f64 < 0) throw new SpecError(`refine.uncertainty.f64: must be an integer ≥ 0 (got ${fmt(f64)})`);
  return { tighten, f64 };
}

/** A model file's contents compiled, its problems (UserModelError.issues) as SpecErrors under `model.`. */
function userModel(file: Record<string, unknown>): Model {
  const compile = modelFileCompiler();
  if (!compile) throw new SpecError('model: model files are not accepted here (only a built-in model id)');
  try {
    return compile(file);
  } catch (e) {
    const issues = (e as { issues?: Array<{ path: string; message: string }> }).issues;
    if (issues) throw new SpecError(issues.map((i) => `model.${i.path}: ${i.message}`).join('\n'));
    throw e;
  }
}

/** The concrete model of a family for these values (the model itself when it is not a family). */
function instantiate(family: Model, values: Float64Array): Model {
  if (!family.instantiate) return family;
  const model = family.instantiate(values);
  const same = model.params.length === family.params.length && model.params.every((p, k) => p.id === family.params[k].id);
  if (!same) throw new Error(`${family.id}.instantiate must keep the family's parameters in order`);
  return model;
}

/** The spec back as plain JSON with every default filled in (for manifests and URLs). */
export function specToJson(
  spec: ResolvedSpec,
): SweepSpecInput & { model: string | Record<string, unknown>; integrator: { method: string; dt: number; tEnd: number } } {
  const params: Record<string, number | string> = {};
  const initial: Record<string, number | string> = {};
  spec.model.params.forEach((p, k) => {
    if (k === spec.x.index || k === spec.y.index) return;
    const v = spec.values[k];
    const out = p.role === 'initial' ? initial : params;
    out[p.id] = p.kind === 'choice' ? p.options[v] : v === DERIVED ? 'derived' : v;
  });
  const axis = (a: ResolvedAxis) => ({ param: a.param, min: a.min, max: a.max, n: a.n, scale: a.scale });
  const { method, dt, tEnd, adaptive, rtol, atol, dtMin, dtMax, steps } = spec.integrator;
  const integrator = adaptive
    ? { method, dt, tEnd, rtol, atol, dtMin, dtMax, maxSteps: steps }
    : { method, dt, tEnd, ...(isAdaptive(tableauOf(method)) ? { adaptive: false } : {}) };
  // A user model travels as its model file, so that the spec runs again anywhere (the page, a manifest).
  const base = {
    model: modelFileOf(spec.model) ?? spec.model.id,
    params,
    initial,
    x: axis(spec.x),
    ...(isRow(spec) ? {} : { y: axis(spec.y) }),
    integrator,
    settle: spec.settle === false ? (false as const) : { ...spec.settle },
  };
  const out = spec.timelapse ? { ...base, timelapse: { frames: spec.timelapse.frames, from: spec.timelapse.from } } : base;
  if (!spec.refine) return out;
  const { coarse, verify, seed, uncertainty } = spec.refine;
  return { ...out, refine: { coarse, verify, seed, uncertainty: uncertainty && { ...uncertainty } } };
}
