// Fuzzing the generators: random expressions of the whitelisted grammar are accepted by the checker,
// their f64 functions agree with the generator's own evaluation, and their WGSL compiles without a
// validation error and agrees with the f64 functions at random points (SwiftShader, or any GPU).
// A WGSL compile error of generated code is a bug, whatever the user typed.
import { describe, expect, it } from 'vitest';
import { compileUserModel, userJacobian } from '../../src/user-model/compile.js';
import { finiteDifferenceJacobian } from '../support/finite-difference.js';
import { kernelPrelude } from '../../src/engine/kernel.js';
import { tableaus } from '../../src/integrators/tableaus.js';
import { CLASSES, type Model } from '../../src/models/types.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { runCompute } from '../support/wgsl-harness.js';
import { seededRandom } from '../../src/util/random.js';

const device = (await testDevice())?.device;

/** A seeded generator, so a failure reproduces. */
const rng = (seed: number) => seededRandom(seed).uniform;

/** What the generator's own evaluation saw at one point: the value, and whether f32 may rightly differ. */
interface Probe {
  /** Largest |intermediate|: past kMaxMagnitude, f32 rounding is amplified beyond the tolerance. */
  magnitude: number;
  /** A comparison nearly tied, or sqrt near 0 (infinite slope): f32 may take the other branch. */
  fragile: boolean;
  /** Near a kink (|a| at 0, a min/max tie): the value is fine, a finite difference is not. */
  kink?: boolean;
}
type Env = Record<string, number>;
interface Gen<T> {
  text: string;
  eval: (env: Env, probe: Probe) => T;
}

const kVars = ['x', 'y', 'z', 'a', 'b'];
const kMaxMagnitude = 30;
const kTieMargin = 1e-3;

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const note = (probe: Probe, v: number) => {
    probe.magnitude = Math.max(probe.magnitude, Math.abs(v));
    return v;
  };
  const num = (depth: number): Gen<number> => {
    if (depth === 0 || random() < 0.2) {
      if (random() < 0.7) {
        const name = pick(kVars);
        return { text: name, eval: (env) => env[name] };
      }
      const v = Math.round((random() * 6 - 3) * 100) / 100;
      return { text: v < 0 ? `(${v})` : String(v), eval: () => v };
    }
    const d = depth - 1;
    const kind = pick(['add', 'sub', 'mul', 'div', 'neg', 'sq', 'cube', 'rpow', 'fn', 'fn', 'minmax', 'cond']);
    const a = num(d);
    switch (kind) {
      case 'add':
      case 'sub':
      case 'mul': {
        const b = num(d);
        const op = kind === 'add' ? '+' : kind === 'sub' ? '-' : '*';
        return {
          text: `(${a.text}) ${op} (${b.text})`,
          eval: (e, p) => {
            const x = a.eval(e, p);
            const y = b.eval(e, p);
            return note(p, op === '+' ? x + y : op === '-' ? x - y : x * y);
          },
        };
      }
      case 'div': {
        // A denominator kept ≥ 1: f32 and f64 then agree to a relative tolerance.
        const b = num(d);
        return {
          text: `(${a.text}) / (1 + (${b.text})^2)`,
          eval: (e, p) => {
            const y = b.eval(e, p);
            return note(p, a.eval(e, p) / (1 + note(p, y * y)));
          },
        };
      }
      case 'neg':
        return { text: `-(${a.text})`, eval: (e, p) => -a.eval(e, p) };
      case 'sq':
        return {
          text: `(${a.text})^2`,
          eval: (e, p) => {
            const x = a.eval(e, p);
            return note(p, x * x);
          },
        };
      case 'cube':
        return {
          text: `(${a.text})^3`,
          eval: (e, p) => {
            const x = a.eval(e, p);
            return note(p, x * x * x);
          },
        };
      case 'rpow':
        return {
          text: `abs(${a.text})^1.5`,
          eval: (e, p) => {
            const x = a.eval(e, p);
            if (Math.abs(x) < 1e-4) p.kink = true;
            return note(p, Math.abs(x) ** 1.5);
          },
        };
      case 'fn': {
        const f = pick(['sin', 'cos', 'tanh', 'atan', 'abs', 'sqrtabs', 'log1p', 'gauss']);
        const text =
          f === 'sqrtabs'
            ? `sqrt(abs(${a.text}))`
            : f === 'log1p'
              ? `log(1 + abs(${a.text}))`
              : f === 'gauss'
                ? `exp(-(${a.text})^2)`
                : `${f}(${a.text})`;
        return {
          text,
          eval: (e, p) => {
            const x = a.eval(e, p);
            if (f === 'sqrtabs' && Math.abs(x) < 1e-4) p.fragile = true;
            if ((f === 'abs' || f === 'sqrtabs' || f === 'log1p') && Math.abs(x) < 1e-4) p.kink = true;
            const fns: Record<string, (v: number) => number> = {
              sin: Math.sin,
              cos: Math.cos,
              tanh: Math.tanh,
              atan: Math.atan,
              abs: Math.abs,
              sqrtabs: (v) => Math.sqrt(Math.abs(v)),
              log1p: (v) => Math.log(1 + Math.abs(v)),
              gauss: (v) => Math.exp(-(v * v)),
            };
            return note(p, fns[f](x));
          },
        };
      }
      case 'minmax': {
        const b = num(d);
        const f = pick(['min', 'max']);
        return {
          text: `${f}(${a.text}, ${b.text})`,
          eval: (e, p) => {
            const x = a.eval(e, p);
            const y = b.eval(e, p);
            if (Math.abs(x - y) < 1e-4 * (1 + Math.abs(x))) p.kink = true;
            return (f === 'min' ? Math.min : Math.max)(x, y);
          },
        };
      }
      default: {
        const c = bool(d);
        const b = num(d);
        return { text: `(${c.text}) ? (${a.text}) : (${b.text})`, eval: (e, p) => (c.eval(e, p) ? a.eval(e, p) : b.eval(e, p)) };
      }
    }
  };
  const bool = (depth: number): Gen<boolean> => {
    const kind = depth === 0 ? 'cmp' : pick(['cmp', 'cmp', 'and', 'or', 'not']);
    const d = Math.max(0, depth - 1);
    if (kind === 'cmp') {
      const a = num(d);
      const b = num(d);
      const op = pick(['<', '>', '<=', '>=']);
      return {
        text: `(${a.text}) ${op} (${b.text})`,
        eval: (e, p) => {
          const x = a.eval(e, p);
          const y = b.eval(e, p);
          if (Math.abs(x - y) < kTieMargin * (1 + Math.abs(x) + Math.abs(y))) p.fragile = true;
          return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
        },
      };
    }
    const a = bool(d);
    if (kind === 'not') return { text: `not (${a.text})`, eval: (e, p) => !a.eval(e, p) };
    const b = bool(d);
    // Both sides are evaluated, so the probe sees every comparison WGSL might compute.
    return {
      text: `(${a.text}) ${kind} (${b.text})`,
      eval: (e, p) => {
        const x = a.eval(e, p);
        const y = b.eval(e, p);
        return kind === 'and' ? x && y : x || y;
      },
    };
  };
  return { num, bool };
}

const kStates = 16;
const kRuleClasses = ['collapsed', 'partial', 'full'] as const;

/** A model whose 16 right-hand sides and 3 class rules are random expressions of x, y, z (the first states), a and b. */
function randomModel(seed: number, depth: number) {
  const g = generator(rng(seed));
  const state = Array.from({ length: kStates }, (_, i) => ['x', 'y', 'z'][i] ?? `s${i}`);
  const rhs = state.map(() => g.num(depth));
  const rules = kRuleClasses.map(() => g.bool(Math.min(depth, 3)));
  const file = {
    id: `fuzz-${seed}`,
    title: `fuzz ${seed}`,
    state: state.map((id) => ({ id, symbol: id, initial: '0' })),
    params: ['a', 'b'].map((id) => ({ id, symbol: id, default: 0, min: -10, max: 10 })),
    rhs: Object.fromEntries(state.map((id, i) => [id, rhs[i].text])),
    classes: kRuleClasses.map((c, k) => ({ class: c, when: rules[k].text })),
    otherwise: 'non-collapsed',
    defaults: { dt: 0.1, tEnd: 1 },
  };
  return { file, rhs, rules };
}

/** A compute shader that writes rhs(y, P) and classify(y, rhs, P) of each input point. */
function harness(model: Model): string {
  return [
    kernelPrelude(model, tableaus.rk4),
    // The prelude's cellParams reads this binding; the harness entry point never calls it.
    '@group(0) @binding(9) var<storage, read> baseParams: array<f32>;',
    '@group(0) @binding(0) var<storage, read> inputs: array<f32>;',
    '@group(0) @binding(1) var<storage, read_write> outputs: array<f32>;',
    'const kDerived = -1.0e30;',
    'const kSettle_generic = 0u;\nconst kSettle_stop = 1u;\nconst kSettle_continue = 2u;',
    model.wgsl,
    // Shader-module creation validates every function, called or not: the Jacobian's too.
    userJacobian(model)!.wgsl,
    `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let k = gid.x;
  if (k >= arrayLength(&inputs) / ${kStates + 2}u) {
    return;
  }
  var y: State;
  for (var d = 0u; d < kStateSize; d++) {
    y[d] = inputs[k * ${kStates + 2}u + d];
  }
  let P = Params(inputs[k * ${kStates + 2}u + ${kStates}u], inputs[k * ${kStates + 2}u + ${kStates + 1}u]);
  let dy = rhs(y, P);
  for (var d = 0u; d < kStateSize; d++) {
    outputs[k * ${kStates + 1}u + d] = dy[d];
  }
  outputs[k * ${kStates + 1}u + ${kStates}u] = f32(classify(y, dy, P));
}`,
  ].join('\n\n');
}

function runHarness(dev: GPUDevice, code: string, inputs: Float32Array<ArrayBuffer>, points: number): Promise<Float32Array> {
  return runCompute(dev, code, inputs, points * (kStates + 1), Math.ceil(points / 64), { kAxisX: 0, kAxisY: 1 });
}

const kModels = 64;
const kPoints = 64;
const kDepth = 4;

/** Random points as f32 (so f64 and WGSL see the same inputs): 16 states in [−2, 2], then a and b. */
function randomPoints(seed: number): Float32Array<ArrayBuffer> {
  const random = rng(seed ^ 0x9e3779b9);
  return Float32Array.from({ length: kPoints * (kStates + 2) }, () => random() * 4 - 2);
}

describe('generated code, fuzzed', () => {
  it('random whitelisted expressions are accepted, and their f64 functions match the generator', () => {
    let values = 0;
    for (let seed = 1; seed <= kModels; seed++) {
      const { file, rhs, rules } = randomModel(seed, kDepth);
      const model = compileUserModel(file);
      const pts = randomPoints(seed);
      for (let k = 0; k < kPoints; k++) {
        const y = Float64Array.from(pts.subarray(k * (kStates + 2), k * (kStates + 2) + kStates));
        const P = Float64Array.from(pts.subarray(k * (kStates + 2) + kStates, (k + 1) * (kStates + 2)));
        const env: Env = { x: y[0], y: y[1], z: y[2], a: P[0], b: P[1] };
        const dy = new Float64Array(kStates);
        model.rhs(y, P, dy);
        rhs.forEach((g, d) => {
          const want = g.eval(env, { magnitude: 0, fragile: false });
          // The same f64 operations in the same order, but x^3 may be x·x·x or (x·x)·x: equal to rounding.
          expect(Math.abs(dy[d] - want), `seed ${seed} point ${k} rhs ${d}: ${g.text}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
          values++;
        });
        const first = rules.findIndex((r) => r.eval(env, { magnitude: 0, fragile: false }));
        expect(model.classify(y, dy, P)).toBe(first < 0 ? 'non-collapsed' : kRuleClasses[first]);
      }
    }
    expect(values).toBe(kModels * kPoints * kStates);
  });

  it('their symbolic Jacobians equal central finite differences of their f64 functions', () => {
    let compared = 0;
    let total = 0;
    for (let seed = 1; seed <= kModels; seed++) {
      const { file, rhs } = randomModel(seed, kDepth);
      const model = compileUserModel(file);
      const jac = userJacobian(model)!;
      const pts = randomPoints(seed);
      for (let k = 0; k < kPoints; k += 4) {
        const y = Float64Array.from(pts.subarray(k * (kStates + 2), k * (kStates + 2) + kStates));
        const P = Float64Array.from(pts.subarray(k * (kStates + 2) + kStates, (k + 1) * (kStates + 2)));
        const J = new Float64Array(kStates * kStates);
        jac.evaluate(y, P, J);
        const fd = finiteDifferenceJacobian((s, out) => model.rhs(s, P, out), y);
        const env: Env = { x: y[0], y: y[1], z: y[2], a: P[0], b: P[1] };
        for (let i = 0; i < kStates; i++) {
          total++;
          const probe: Probe = { magnitude: 0, fragile: false };
          rhs[i].eval(env, probe);
          if (probe.fragile || probe.kink || probe.magnitude > kMaxMagnitude) continue;
          compared++;
          for (let j = 0; j < kStates; j++) {
            // Only x, y, z appear in the expressions: the other columns are exact zeros.
            if (j >= 3) expect(Math.abs(J[i * kStates + j])).toBe(0);
            expect(
              Math.abs(J[i * kStates + j] - fd[i * kStates + j]),
              `seed ${seed} point ${k} ∂f${i}/∂y${j}: ${rhs[i].text}`,
            ).toBeLessThan(1e-4 * (1 + Math.abs(fd[i * kStates + j])));
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(0.8 * total);
  });

  it.runIf(device)('their WGSL (Jacobian included) compiles without a validation error and agrees with the f64 functions', async () => {
    let compared = 0;
    let total = 0;
    for (let seed = 1; seed <= kModels; seed++) {
      const { file, rules, rhs } = randomModel(seed, kDepth);
      const model = compileUserModel(file);
      const pts = randomPoints(seed);
      const gpu = await withErrorScopes(device!, () => runHarness(device!, harness(model), pts, kPoints));
      for (let k = 0; k < kPoints; k++) {
        const y = Float64Array.from(pts.subarray(k * (kStates + 2), k * (kStates + 2) + kStates));
        const P = Float64Array.from(pts.subarray(k * (kStates + 2) + kStates, (k + 1) * (kStates + 2)));
        const env: Env = { x: y[0], y: y[1], z: y[2], a: P[0], b: P[1] };
        const dy = new Float64Array(kStates);
        model.rhs(y, P, dy);
        for (let d = 0; d < kStates; d++) {
          total++;
          const probe: Probe = { magnitude: 0, fragile: false };
          rhs[d].eval(env, probe);
          if (probe.fragile || probe.magnitude > kMaxMagnitude) continue;
          compared++;
          const g = gpu[k * (kStates + 1) + d];
          expect(Math.abs(g - dy[d]), `seed ${seed} point ${k} rhs ${d}: ${rhs[d].text} (f32 ${g}, f64 ${dy[d]})`).toBeLessThanOrEqual(
            2e-3 * (1 + Math.abs(dy[d])),
          );
        }
        // The class, where no rule or rate it reads is fragile (the rates come from f32 on the GPU).
        const probe: Probe = { magnitude: 0, fragile: false };
        rules.forEach((r) => {
          r.eval(env, probe);
        });
        if (!probe.fragile)
          expect(gpu[k * (kStates + 1) + kStates], `seed ${seed} point ${k} class`).toBe(CLASSES[model.classify(y, dy, P)].code);
      }
    }
    // Most values are compared (93 % with these seeds): the skipped ones are near a tie or past the magnitude bound.
    expect(compared).toBeGreaterThan(0.85 * total);
  });
});
