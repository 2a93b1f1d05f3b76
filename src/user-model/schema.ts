/**
 * The model file: a model as JSON data (README "Your own model"). This schema checks its shape;
 * compile.ts then checks every expression and builds the same `Model` a built-in model is.
 *
 * Example (models/lorenz.json, shortened):
 *   { "id": "lorenz", "title": "Lorenz system",
 *     "state": [{ "id": "x", "symbol": "x", "initial": "x0" }, …],
 *     "params": [{ "id": "sigma", "symbol": "σ", "default": 10, "min": 0, "max": 100, "scale": "linear" }, …],
 *     "initial": [{ "id": "x0", "symbol": "x₀", "default": 1, "min": -50, "max": 50, "scale": "linear" }, …],
 *     "rhs": { "x": "sigma * (y - x)", "y": "x * (rho - z) - y", "z": "x * y - beta * z" },
 *     "classes": [{ "class": "collapsed", "when": "x^2 + y^2 + z^2 < 1e-6" }], "otherwise": "non-collapsed",
 *     "defaults": { "dt": 0.01, "tEnd": 100 }, "presets": [ … ] }
 */
import { z } from 'zod';
import { CLASSES, ENGINE_STATUSES, type ClassId } from '../models/types.js';

/** Model identifiers: ASCII, usable in WGSL constant names (kP_<id>) and mathjs expressions. */
export const kIdentifier = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Options of a choice parameter (kChoice_<param>_<option>, `-` written as `_`). */
const kOption = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Bounds on a model file, so that a file cannot ask for a kernel no device compiles. */
export const kModelLimits = { state: 64, params: 64, named: 128, classes: 16, overlays: 16, presets: 32 } as const;

/** Classes a rule may give: the fixed legend less the statuses the engine latches itself. */
export const RULE_CLASSES = (Object.keys(CLASSES) as ClassId[]).filter((c) => !ENGINE_STATUSES.includes(c));

const id = z.string().regex(kIdentifier, 'must start with a letter and hold only ASCII letters, digits and _');
const text = z.string().max(2000);
const expression = z.string();
const scale = z.enum(['linear', 'log']);
const ruleClass = z.enum(RULE_CLASSES as [ClassId, ...ClassId[]]);

const numberParam = z.strictObject({
  id,
  symbol: z.string().max(40),
  label: text.optional(),
  description: text.optional(),
  /** A number, or (initial conditions only) an expression of the parameters and earlier initial conditions. */
  default: z.union([z.number(), z.string()]),
  min: z.number(),
  max: z.number(),
  scale: scale.optional(),
  integer: z.boolean().optional(),
  units: z.string().max(40).optional(),
});

const choiceParam = z.strictObject({
  id,
  symbol: z.string().max(40),
  label: text.optional(),
  description: text.optional(),
  options: z.array(z.string().regex(kOption, 'must start with a letter and hold only ASCII letters, digits, _ and -')).min(2).max(32),
  default: z.string(),
});

const axis = z.strictObject({ param: z.string(), min: z.number(), max: z.number(), n: z.number(), scale: scale.optional() });

const preset = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
  title: text,
  caption: text,
  // The rest of a sweep spec is checked by parseSpec, where the preset is run.
  spec: z.strictObject({
    params: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    initial: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    x: axis,
    y: axis,
    integrator: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
    settle: z.union([z.literal(false), z.strictObject({ tol: z.number().optional(), hold: z.number().optional() })]).optional(),
  }),
});

export const modelFileShape = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and - (it names output folders)')
    .max(60),
  title: text,
  citation: z.strictObject({ authors: text, title: text, venue: text.optional(), arxiv: z.string().max(40).optional() }).optional(),
  note: text.optional(),
  version: z.number().int().min(1).optional(),
  state: z
    .array(z.strictObject({ id, symbol: z.string().max(40), label: text.optional(), initial: expression.optional() }))
    .min(1)
    .max(kModelLimits.state),
  params: z
    .array(z.union([numberParam, choiceParam]))
    .max(kModelLimits.params)
    .optional(),
  initial: z.array(numberParam).max(kModelLimits.params).optional(),
  /** Named subexpressions, in order; each may use those above it. */
  let: z.record(z.string(), expression).optional(),
  rhs: z.record(z.string(), expression),
  readouts: z
    .array(
      z.strictObject({ id, symbol: z.string().max(40), label: text.optional(), units: z.string().max(40).optional(), value: expression }),
    )
    .max(kModelLimits.named)
    .optional(),
  classes: z.array(z.strictObject({ class: ruleClass, when: expression })).max(kModelLimits.classes),
  otherwise: ruleClass,
  collapsed: expression.optional(),
  settle: z.strictObject({ stop: expression, continue: expression.optional(), description: text }).optional(),
  overlays: z
    .array(
      z.strictObject({
        id: z.string().regex(kOption, 'must start with a letter and hold only ASCII letters, digits, _ and -'),
        label: text,
        kind: z.enum(['boundary', 'reference']).optional(),
        source: text.optional(),
        x: z.string(),
        y: z.string(),
        /** The y parameter's value on the curve, an expression of the x parameter and the other parameters. */
        curve: expression,
      }),
    )
    .max(kModelLimits.overlays)
    .optional(),
  divergenceBound: z.number().positive().optional(),
  defaults: z.strictObject({ dt: z.number().positive(), tEnd: z.number().positive() }),
  presets: z.array(preset).max(kModelLimits.presets).optional(),
});

export type ModelFile = z.infer<typeof modelFileShape>;
export type ModelFileInput = z.input<typeof modelFileShape>;
