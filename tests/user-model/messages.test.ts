// Model files: every refused input names its field and says what is wrong, in these exact words;
// the accepted ones compile to the same Model contract as a built-in model.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileUserModel, UserModelError } from '../../src/user-model/compile.js';

const lorenz = JSON.parse(readFileSync(new URL('../../models/lorenz.json', import.meta.url), 'utf8'));

/** Lorenz with some fields replaced (a field set to undefined is removed). */
function lorenzWith(patch: Record<string, unknown>): unknown {
  const out = { ...structuredClone(lorenz), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete out[k];
  return out;
}

function problems(input: unknown): string[] {
  try {
    compileUserModel(input);
  } catch (e) {
    if (e instanceof UserModelError) return e.message.split('\n');
    throw e;
  }
  throw new Error('compiled without complaint');
}

describe('model file messages', () => {
  it.each([
    [
      'a misspelt parameter, with the column and a suggestion',
      { rhs: { ...lorenz.rhs, y: 'x * (rho - z) - sigm * y' } },
      'rhs.y: unknown identifier "sigm" at column 17 (did you mean "sigma"?)',
    ],
    [
      'a class rule that is a number',
      {
        classes: [
          { class: 'collapsed', when: 'r < 1e-3' },
          { class: 'partial', when: 'x + y' },
        ],
      },
      'classes[1].when: must be a comparison',
    ],
    ['a right-hand side that is a comparison', { rhs: { ...lorenz.rhs, z: 'x < y' } }, 'rhs.z: must be a number, not a comparison'],
    ['assignment', { rhs: { ...lorenz.rhs, x: 'sigma = 3' } }, 'rhs.x: assignment is not allowed (in "sigma = 3"; compare with ==)'],
    [
      'a function definition',
      { rhs: { ...lorenz.rhs, x: 'f(x) = x' } },
      'rhs.x: assignment is not allowed (in "f(x) = x"; compare with ==)',
    ],
    [
      'property access',
      { rhs: { ...lorenz.rhs, x: 'sigma.constructor' } },
      'rhs.x: property or index access is not allowed (in "sigma.constructor")',
    ],
    [
      'a function outside the whitelist',
      { rhs: { ...lorenz.rhs, x: 'evaluate(x)' } },
      'rhs.x: unknown function "evaluate" at column 1 (known: sqrt, exp, log, log2, log10, abs, sign, floor, ceil, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, atan2, pow, min, max)',
    ],
    [
      'a misspelt function',
      { rhs: { ...lorenz.rhs, x: 'sigma * tnah(y)' } },
      'rhs.x: unknown function "tnah" at column 9 (did you mean "tanh"?)',
    ],
    ['a character outside the grammar', { rhs: { ...lorenz.rhs, x: 'sigma * [y]' } }, 'rhs.x: "[" is not allowed at column 9'],
    [
      'a Greek letter',
      { rhs: { ...lorenz.rhs, x: 'σ * (y - x)' } },
      'rhs.x: "σ" is not allowed at column 1 (identifiers are ASCII letters, digits and _: write sigma, not σ)',
    ],
    ['a syntax error', { rhs: { ...lorenz.rhs, x: 'sigma * (y - x' } }, 'rhs.x: syntax error at column 15: Parenthesis ) expected'],
    [
      'implicit multiplication',
      { rhs: { ...lorenz.rhs, x: '2 sigma' } },
      'rhs.x: implicit multiplication in "2 sigma": write * between the factors',
    ],
    [
      'a constant that overflows f32',
      { rhs: { ...lorenz.rhs, x: 'x * 1e20 ^ 2' } },
      'rhs.x: the constant "1e+20 ^ 2" is 1e+40, not a finite 32-bit float (|x| ≤ 3.4e38)',
    ],
    [
      'a rate outside the class rules',
      { rhs: { ...lorenz.rhs, x: 'd_y' } },
      'rhs.x: "d_y" at column 1 is the rate of y, which a right-hand side cannot use',
    ],
    [
      'the state in an initial condition',
      { state: [{ ...lorenz.state[0], initial: 'y' }, ...lorenz.state.slice(1)] },
      'state[0].initial: "y" at column 1 is a state variable, which an initial state cannot use',
    ],
    [
      'a readout in the right-hand side',
      { rhs: { ...lorenz.rhs, x: 'r' } },
      'rhs.x: "r" at column 1 is a readout, which a right-hand side cannot use',
    ],
    ['a missing right-hand side', { rhs: { x: lorenz.rhs.x, y: lorenz.rhs.y } }, 'rhs.z: required: dz/dt as an expression'],
    [
      'a right-hand side of no state variable',
      { rhs: { ...lorenz.rhs, w: 'x' } },
      'rhs.w: "w" is not a state variable; one expression per state variable: x, y, z',
    ],
    [
      'a chained comparison',
      { classes: [{ class: 'collapsed', when: '0 < r < 1e-3' }] },
      'classes[0].when: chained comparison "0 < r < 0.001": write a < b and b < c',
    ],
    [
      'an engine status as a class',
      { classes: [{ class: 'diverged', when: 'r > 1e3' }] },
      'classes[0].class: must be one of collapsed, non-collapsed, partial, full',
    ],
    ['an unknown field', { colour: 'red' }, 'model: unknown field "colour"'],
    [
      'a duplicate identifier',
      { initial: [...lorenz.initial, { id: 'rho', symbol: 'ρ', default: 1, min: 0, max: 2 }] },
      'initial[3].id: "rho" is already a parameter',
    ],
    [
      'a reserved name',
      { params: [...lorenz.params, { id: 'sqrt', symbol: 's', default: 1, min: 0, max: 2 }] },
      'params[3].id: "sqrt" is reserved (a function, constant or operator word)',
    ],
    [
      'a formula as a parameter default',
      { params: [{ ...lorenz.params[0], default: '2 * 5' }, ...lorenz.params.slice(1)] },
      'params[0].default: only an initial condition may be a formula; a parameter needs a number',
    ],
    [
      'a default outside its range',
      { params: [{ ...lorenz.params[0], default: 200 }, ...lorenz.params.slice(1)] },
      'params[0].default: 200 is outside [0, 100]',
    ],
    [
      'a choice used as a number',
      { params: [...lorenz.params, { id: 'mode', symbol: 'm', options: ['a', 'b'], default: 'a' }], rhs: { ...lorenz.rhs, x: 'mode * x' } },
      'rhs.x: "mode" at column 1 is a choice (a, b): compare it, as in mode == "a"',
    ],
    [
      'an unknown option',
      {
        params: [...lorenz.params, { id: 'mode', symbol: 'm', options: ['a', 'b'], default: 'a' }],
        rhs: { ...lorenz.rhs, x: 'mode == "c" ? x : y' },
      },
      'rhs.x: "c" is not an option of mode (a, b)',
    ],
    [
      'an overlay over a state variable',
      { overlays: [{ id: 'o', label: 'o', x: 'x', y: 'rho', curve: '1' }] },
      'overlays[0].x: "x" is not a number parameter or initial condition of this model',
    ],
    ['an expression nested too deep', { rhs: { ...lorenz.rhs, x: `${'-'.repeat(70)}x` } }, 'rhs.x: nested deeper than 64 levels'],
  ])('%s', (_what, patch, message) => {
    expect(problems(lorenzWith(patch))).toEqual([message]);
  });

  it('lists every problem at once, each under its own field', () => {
    expect(problems(lorenzWith({ rhs: { x: 'sigm * x', y: 'x', z: 'q' }, classes: [{ class: 'collapsed', when: 'x' }] }))).toEqual([
      'rhs.x: unknown identifier "sigm" at column 1 (did you mean "sigma"?)',
      'rhs.z: unknown identifier "q" at column 1 (known here: sigma, rho, beta, x0, y0, z0, x, y, z)',
      'classes[0].when: must be a comparison',
    ]);
  });

  it('finds the column of the second use of a name, not the first', () => {
    expect(problems(lorenzWith({ rhs: { ...lorenz.rhs, x: 'y0 * x + y0(2)' } }))).toEqual([
      'rhs.x: "y0" at column 10 is not a function (write y0 * (…) to multiply)',
    ]);
  });
});

describe('model files in sweep specs', () => {
  const grid = { x: { param: 'sigma', min: 1, max: 2, n: 2 }, y: { param: 'rho', min: 0, max: 1, n: 2 } };

  it('are refused until src/user-model/accept.ts is loaded (pages without it ship no parser), then compiled, their problems under model.', async () => {
    const { parseSpec } = await import('../../src/sweep/spec.js');
    expect(() => parseSpec({ model: lorenz, ...grid })).toThrow('model: model files are not accepted here (only a built-in model id)');
    await import('../../src/user-model/accept.js');
    expect(parseSpec({ model: lorenz, ...grid }).model.id).toBe('lorenz');
    expect(() => parseSpec({ model: lorenzWith({ rhs: { ...lorenz.rhs, z: 'x < y' } }), ...grid })).toThrow(
      'model.rhs.z: must be a number, not a comparison',
    );
    expect(() => parseSpec({ model: 42, ...grid })).toThrow(
      "model: expected a model id or a model file's contents (an object), got number",
    );
  });
});
