// The symbolic Jacobian of a model file's right-hand side (src/user-model/derivative.ts): exact for
// Lorenz, and equal to central finite differences for tian-l2 as data, every target, at random states.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileUserModel, userJacobian, UserModelError } from '../../src/user-model/compile.js';
import { tianL2 } from '../../src/models/tian-l2.js';
import { finiteDifferenceJacobian } from '../support/finite-difference.js';
import { evaluateWgsl } from '../support/wgsl-harness.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';

const device = (await testDevice())?.device;

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), 'utf8'));

describe('symbolic Jacobian of a model file', () => {
  it('Lorenz: [[−σ, σ, 0], [ρ − z, −1, −x], [y, x, −β]] exactly, and its zeros are known zeros', () => {
    const model = compileUserModel(read('lorenz'));
    const jac = userJacobian(model)!;
    const [sigma, rho, beta] = [10, 28, 8 / 3];
    const [x, y, z] = [1.5, -2, 7];
    const J = new Float64Array(9);
    jac.evaluate(Float64Array.of(x, y, z), Float64Array.of(sigma, rho, beta, 1, 0, 0), J);
    expect([...J]).toEqual([-sigma, sigma, 0, rho - z, -1, -x, y, x, -beta]);
    expect(jac.nonZero).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
      [2, 1],
      [2, 2],
    ]);
    expect(jac.wgsl).toContain('fn jacobian(y: State, P: Params) -> array<f32, 9> {');
  });

  it("tian-l2 as data: the built-in right-hand side's finite differences, for each target", () => {
    const model = compileUserModel(read('tian-l2'));
    const jac = userJacobian(model)!;
    let random = 12345;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return (random / 2 ** 31) * 2 - 1;
    };
    for (const target of [0, 1, 2]) {
      for (let k = 0; k < 20; k++) {
        const P = Float64Array.of(
          0.05 + 0.05 * next(),
          0.5 + 0.5 * next(),
          1.5 + next(),
          0.5 + 0.4 * next(),
          1 + 0.5 * next(),
          target,
          0.3,
          -1e30,
          0,
        );
        const y = Float64Array.of(next(), next(), next());
        const J = new Float64Array(9);
        jac.evaluate(y, P, J);
        const fd = finiteDifferenceJacobian((s, out) => tianL2.rhs(s, P, out), y);
        for (let e = 0; e < 9; e++)
          expect(Math.abs(J[e] - fd[e]), `target ${target} entry ${e}`).toBeLessThan(1e-7 * (1 + Math.abs(fd[e])));
      }
    }
  });

  it('refuses identifiers with __, which the derivative definitions use', () => {
    const file = read('lorenz');
    expect(() => compileUserModel({ ...file, let: { e__d0: 'x' } })).toThrow(UserModelError);
    expect(() => compileUserModel({ ...file, let: { e__d0: 'x' } })).toThrow(
      'let.e__d0: "e__d0": names may not contain __ (kept for generated code)',
    );
  });
});

describe.runIf(device)('symbolic Jacobian in WGSL', () => {
  it.each(['lorenz', 'tian-l2'])('%s: fn jacobian (f32) agrees with the f64 Jacobian at random points', async (name) => {
    const model = compileUserModel(read(name));
    const jac = userJacobian(model)!;
    const S = model.state.length;
    const N = model.params.length;
    const points = 256;
    let random = 777;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random / 2 ** 31;
    };
    const inputs = new Float32Array(points * (S + N));
    for (let k = 0; k < points; k++) {
      for (let d = 0; d < S; d++) inputs[k * (S + N) + d] = 4 * next() - 2;
      model.params.forEach((p, q) => {
        // Each parameter inside its range (choices: every option), derived initial conditions derived.
        const v =
          p.kind === 'choice'
            ? k % p.options.length
            : p.default === 'derived'
              ? -1e30
              : p.min + (Math.min(p.max, p.min + 5) - p.min) * next();
        inputs[k * (S + N) + S + q] = v;
      });
    }
    const body = `  let J = jacobian(y, P);\n  for (var e = 0u; e < ${S * S}u; e++) {\n    out(e, J[e]);\n  }`;
    const gpu = await withErrorScopes(device!, () => evaluateWgsl(device!, model, jac.wgsl, body, inputs, S * S));
    const J = new Float64Array(S * S);
    for (let k = 0; k < points; k++) {
      jac.evaluate(
        Float64Array.from(inputs.subarray(k * (S + N), k * (S + N) + S)),
        Float64Array.from(inputs.subarray(k * (S + N) + S, (k + 1) * (S + N))),
        J,
      );
      for (let e = 0; e < S * S; e++)
        expect(Math.abs(gpu[k * S * S + e] - J[e]), `point ${k} entry ${e}`).toBeLessThan(1e-4 * (1 + Math.abs(J[e])));
    }
  });
});
