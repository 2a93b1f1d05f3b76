import { describe, expect, it } from 'vitest';
import { axisValues, parseSpec, specToJson, SpecError } from '../../src/sweep/spec.js';
import { planTiles } from '../../src/engine/tiling.js';
import { DERIVED } from '../../src/models/types.js';
import { models } from '../../src/models/registry.js';

const good = {
  model: 'tian-l2',
  params: { augmentation: 1, target: 'simsiam' },
  initial: {},
  x: { param: 'p0', min: 0.005, max: 0.6, n: 96, scale: 'linear' },
  y: { param: 'weightDecay', min: 0.001, max: 0.15, n: 64, scale: 'linear' },
  integrator: { method: 'rk4', dt: 0.05, tEnd: 3000 },
};

/** Deep-ish override of the good spec: `with({ x: { n: 1 } })`. */
function variant(patch: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = structuredClone(good);
  for (const [k, v] of Object.entries(patch)) {
    out[k] = v !== null && typeof v === 'object' && typeof out[k] === 'object' ? { ...(out[k] as object), ...v } : v;
    if (v === undefined) delete out[k];
  }
  return out;
}

const badSpecs: Array<[string, unknown, string]> = [
  ['not an object', 42, 'spec: expected an object, got number'],
  ['no model', variant({ model: undefined }), 'model: required'],
  [
    'unknown model',
    variant({ model: 'moco' }),
    'model: unknown model "moco" (known: tian-l2, bao-cosine, halvagal-isoloss, wen-li, ziyin-landscape)',
  ],
  ['unknown top-level field', variant({ colour: 'red' }), 'spec: unknown field "colour"'],
  ['no x axis', variant({ x: undefined }), 'x: required'],
  ['axis n wrong type', variant({ x: { n: '96' } }), 'x.n: expected a finite number, got "96"'],
  ['n < 2', variant({ x: { n: 1 } }), 'x.n: must be an integer ≥ 2 (got 1)'],
  ['n not an integer', variant({ y: { n: 10.5 } }), 'y.n: must be an integer ≥ 2 (got 10.5)'],
  ['min ≥ max', variant({ x: { min: 0.6, max: 0.6 } }), 'x.min: must be less than x.max (0.6 ≥ 0.6)'],
  ['log axis through 0', variant({ y: { min: 0, scale: 'log' } }), 'y.min: a log axis needs min > 0 (got 0)'],
  ['unknown scale', variant({ x: { scale: 'ln' } }), 'x.scale: must be one of linear, log'],
  [
    'unknown axis parameter',
    variant({ x: { param: 'lr' } }),
    'x.param: unknown parameter "lr" of tian-l2 (known: weightDecay, augmentation, predictorLr, emaRate, tau, target, p0, s0, wa0)',
  ],
  [
    'choice as an axis',
    variant({ x: { param: 'target', min: 0, max: 1 } }),
    'x.param: "target" is a choice (simsiam, byol, fixed) and cannot be an axis',
  ],
  ['same parameter on both axes', variant({ y: { param: 'p0', min: 0, max: 1 } }), 'y.param: "p0" is already the x axis'],
  ['axis outside the model range', variant({ y: { max: 5 } }), 'y.max: 5 is outside the range of tian-l2.weightDecay [0, 1]'],
  ['unknown parameter', variant({ params: { learningRate: 1 } }), 'params.learningRate: unknown parameter of tian-l2'],
  [
    'value outside the range',
    variant({ params: { augmentation: -1 } }),
    'params.augmentation: -1 is outside the range of tian-l2.augmentation [0, 10]',
  ],
  ['bad choice', variant({ params: { target: 'moco' } }), 'params.target: "moco" is not one of simsiam, byol, fixed'],
  ['number for a choice', variant({ params: { target: 1 } }), 'params.target: "1" is not one of simsiam, byol, fixed'],
  ['string for a number', variant({ params: { emaRate: 'fast' } }), 'params.emaRate: expected a number, got "fast"'],
  ['initial condition under params', variant({ params: { s0: 0.1 } }), 'params.s0: "s0" belongs under "initial"'],
  ['parameter under initial', variant({ initial: { emaRate: 0.4 } }), 'initial.emaRate: "emaRate" belongs under "params"'],
  ['axis parameter also fixed', variant({ initial: { p0: 0.1 } }), 'initial.p0: "p0" is also the x axis; give one or the other'],
  [
    'unknown integrator',
    variant({ integrator: { method: 'euler' } }),
    'integrator.method: unknown integrator "euler" (known: rk4, rk38, dp5, tsit5)',
  ],
  [
    'inherited key as a method',
    variant({ integrator: { method: 'toString' } }),
    'integrator.method: unknown integrator "toString" (known: rk4, rk38, dp5, tsit5)',
  ],
  [
    'rtol on a fixed-step method',
    variant({ integrator: { method: 'rk4', rtol: 1e-6 } }),
    'integrator.rtol: only adaptive steps take it (rk4 runs a fixed step here; adaptive methods: dp5, tsit5)',
  ],
  [
    'rtol on a pair run fixed-step',
    variant({ integrator: { method: 'dp5', adaptive: false, atol: 1e-9 } }),
    'integrator.atol: only adaptive steps take it (dp5 runs a fixed step here; adaptive methods: dp5, tsit5)',
  ],
  [
    'adaptive rk4',
    variant({ integrator: { method: 'rk4', adaptive: true } }),
    'integrator.adaptive: rk4 has no error estimate (adaptive methods: dp5, tsit5)',
  ],
  [
    'rtol below f32',
    variant({ integrator: { method: 'dp5', rtol: 1e-9 } }),
    "integrator.rtol: must be ≥ 1e-7, the f32 kernels' precision (got 1e-9)",
  ],
  ['rtol ≥ 1', variant({ integrator: { method: 'tsit5', rtol: 2 } }), 'integrator.rtol: must be < 1 (got 2)'],
  ['negative atol', variant({ integrator: { method: 'tsit5', atol: -1 } }), 'integrator.atol: must be > 0 (got -1)'],
  [
    'dtMin ≥ dtMax',
    variant({ integrator: { method: 'dp5', dtMin: 1, dtMax: 0.5 } }),
    'integrator.dtMin: must be less than integrator.dtMax (1 ≥ 0.5)',
  ],
  [
    'first step above dtMax',
    variant({ integrator: { method: 'dp5', dt: 10, dtMax: 5 } }),
    'integrator.dt: the first step must lie in [dtMin, dtMax] = [3e-7, 5] (got 10)',
  ],
  [
    'fractional maxSteps',
    variant({ integrator: { method: 'dp5', maxSteps: 2.5 } }),
    'integrator.maxSteps: must be an integer in [1, 2147483648] (got 2.5)',
  ],
  ['settle tol 0', variant({ settle: { tol: 0 } }), 'settle.tol: must lie in (0, 1) (got 0)'],
  ['negative hold', variant({ settle: { hold: -1 } }), 'settle.hold: must be a finite number ≥ 0 (got -1)'],
  ['settle true', variant({ settle: true }), 'settle: expected false or an object (got true)'],
  ['unknown settle field', variant({ settle: { window: 3 } }), 'settle: unknown field "window"'],
  ['dt ≤ 0', variant({ integrator: { dt: 0 } }), 'integrator.dt: must be > 0 (got 0)'],
  ['negative tEnd', variant({ integrator: { tEnd: -5 } }), 'integrator.tEnd: must be > 0 (got -5)'],
  [
    'too many steps',
    variant({ integrator: { dt: 1e-7, tEnd: 3000 } }),
    'integrator.dt: tEnd/dt = 30000000000 steps exceeds the limit of 2147483648',
  ],
  ['unknown integrator field', variant({ integrator: { order: 4 } }), 'integrator: unknown field "order"'],
  ['null spec', null, 'spec: expected an object, got null'],
  ['array spec', [good], 'spec: expected an object, got an array'],
  [
    '1e400 parses as Infinity',
    JSON.parse(JSON.stringify(good).replace('"n":64', '"n":1e400')),
    'y.n: expected a finite number, got Infinity (beyond the largest double, 1.8e308)',
  ],
  [
    '"__proto__" as a parameter (JSON.parse makes it an own key)',
    JSON.parse(JSON.stringify(good).replace('"augmentation"', '"__proto__"')),
    'params.__proto__: unknown parameter of tian-l2',
  ],
  ['inherited key as a parameter', variant({ params: { constructor: 1 } }), 'params.constructor: unknown parameter of tian-l2'],
  [
    'inherited key as a model',
    variant({ model: '__proto__' }),
    'model: unknown model "__proto__" (known: tian-l2, bao-cosine, halvagal-isoloss, wen-li, ziyin-landscape)',
  ],
  [
    'a 10 MB model name is clipped',
    variant({ model: 'm'.repeat(10_000_000) }),
    `model: unknown model "${'m'.repeat(60)}… (10000000 characters)" (known: tian-l2, bao-cosine, halvagal-isoloss, wen-li, ziyin-landscape)`,
  ],
];

describe('sweep spec validation', () => {
  it.each(badSpecs)('%s', (_name, spec, message) => {
    expect(() => parseSpec(spec)).toThrow(SpecError);
    expect(() => parseSpec(spec)).toThrow(message);
    try {
      parseSpec(spec);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });

  it('a grid too large for the device even after tiling names x.n', () => {
    const limits = {
      maxStorageBufferBindingSize: 1 << 20,
      maxBufferSize: 1 << 20,
      maxComputeWorkgroupsPerDimension: 65535,
      workgroupSize: 64,
    };
    expect(() => planTiles(100_000, 10, 12, limits)).toThrow(
      'x.n: one grid row of 100000 cells needs 1200000 bytes per buffer, more than this device allows per tile (1048572 bytes); lower x.n',
    );
  });

  it('fills defaults and keeps derived initial conditions derived', () => {
    const s = parseSpec(good);
    const id = (k: string) => s.model.params.findIndex((p) => p.id === k);
    expect(s.values[id('augmentation')]).toBe(1);
    expect(s.values[id('predictorLr')]).toBe(1);
    expect(s.values[id('s0')]).toBe(DERIVED);
    expect(s.integrator).toEqual({
      method: 'rk4',
      dt: 0.05,
      tEnd: 3000,
      steps: 60000,
      adaptive: false,
      rtol: 0,
      atol: 0,
      dtMin: 0,
      dtMax: 0,
    });
    expect(s.settle).toEqual({ tol: 1e-6, hold: 0.5 });
    expect(specToJson(s).initial).toEqual({ s0: 'derived', wa0: 0 });
    expect(parseSpec(specToJson(s)).values).toEqual(s.values);
  });

  it('adaptive methods fill their controller defaults, and the spec survives the round trip', () => {
    const s = parseSpec({ ...good, integrator: { method: 'dp5', dt: 0.05, tEnd: 2000 }, settle: false });
    expect(s.integrator).toEqual({
      method: 'dp5',
      dt: 0.05,
      tEnd: 2000,
      steps: 1_000_000,
      adaptive: true,
      rtol: 1e-6,
      atol: 1e-9,
      dtMin: 2000 * 1e-10,
      dtMax: 125,
    });
    expect(s.settle).toBe(false);
    const back = parseSpec(specToJson(s));
    expect(back.integrator).toEqual(s.integrator);
    expect(back.settle).toBe(false);
    const fixed = parseSpec({ ...good, integrator: { method: 'tsit5', adaptive: false, dt: 0.3, tEnd: 1 } });
    // The last step is shortened: 4 steps of which the last is 0.1 long.
    expect([fixed.integrator.adaptive, fixed.integrator.steps]).toEqual([false, 4]);
    expect(parseSpec(specToJson(fixed)).integrator).toEqual(fixed.integrator);
  });

  it('axis values follow the linear and log formulas', () => {
    expect(Array.from(axisValues({ min: 0, max: 1, n: 5, scale: 'linear' }))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const log = axisValues({ min: 0.01, max: 100, n: 5, scale: 'log' });
    [0.01, 0.1, 1, 10, 100].forEach((v, i) => {
      expect(log[i]).toBeCloseTo(v, 12);
    });
  });
});

describe('structural parameters (model families)', () => {
  const sized = {
    model: 'halvagal-isoloss',
    params: { modes: 16, target: 'ema' },
    x: { param: 'weightDecay', min: 0, max: 0.3, n: 8 },
    y: { param: 'lambda0', min: 0.01, max: 0.5, n: 8, scale: 'log' },
  };

  it.each([
    [
      'a structural parameter as an axis',
      { ...sized, x: { param: 'modes', min: 1, max: 16, n: 16 } },
      'x.param: "modes" is structural (it sets the kernel\'s state size) and cannot be an axis; give it under "params"',
    ],
    [
      'a non-integer value of an integer parameter',
      { ...sized, params: { modes: 2.5 } },
      'params.modes: halvagal-isoloss.modes must be a whole number (got 2.5)',
    ],
    [
      'an integer parameter out of range',
      { ...sized, params: { modes: 65 } },
      'params.modes: 65 is outside the range of halvagal-isoloss.modes [1, 64]',
    ],
  ])('rejects %s', (_name, spec, message) => {
    expect(() => parseSpec(spec)).toThrow(SpecError);
    expect(() => parseSpec(spec)).toThrow(message);
  });

  it('resolves to the concrete model of the structural values, which round-trips through specToJson', () => {
    const s = parseSpec(sized);
    expect(s.model.variant).toBe('modes=16,target=ema,cosineExpectation=mean-field');
    expect(s.model.state.length).toBe(4 * 16 + 1);
    expect(s.model.params.map((p) => p.id)).toEqual(models.find((m) => m.id === 'halvagal-isoloss')!.params.map((p) => p.id));
    expect(specToJson(s).params).toMatchObject({ modes: 16, target: 'ema' });
    expect(parseSpec(specToJson(s)).model).toBe(s.model);
    expect(parseSpec({ ...sized, params: {} }).model).toBe(models.find((m) => m.id === 'halvagal-isoloss'));
  });

  it('a family whose instantiate changes the parameter list is a programming error', () => {
    const family = models.find((m) => m.id === 'halvagal-isoloss')!;
    const broken = { ...family, instantiate: () => ({ ...family, params: family.params.slice(1) }) };
    expect(() => parseSpec(sized, [broken])).toThrow("halvagal-isoloss.instantiate must keep the family's parameters in order");
  });
});
