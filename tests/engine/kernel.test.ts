import { describe, expect, it } from 'vitest';
import { buildKernel, kernelPrelude } from '../../src/engine/kernel.js';
import { sweepUniformView } from '../../src/engine/layout.js';
import { rk38, rk4 } from '../../src/integrators/tableaus.js';
import { CLASSES, CLASS_BY_CODE, DERIVED } from '../../src/models/types.js';
import { models } from '../../src/models/registry.js';
import { oscillator } from '../fixtures/oscillator.js';
import sweepWgsl from '../../shaders/sweep.wgsl?raw';

describe('buildKernel', () => {
  it('generates the schema constants from the model and the tableau', () => {
    const prelude = kernelPrelude(oscillator, rk4);
    expect(prelude).toContain('const kStateSize = 2u;');
    expect(prelude).toContain('const kP_omega = 0u;');
    expect(prelude).toContain('const kP_x0 = 1u;');
    expect(prelude).toContain('const kS_v = 1u;');
    expect(prelude).toContain('const kR_energy = 0u;');
    expect(prelude).toContain('alias State = vec2<f32>;');
    for (const line of ['const kA21 = 0.5;', 'const kA31 = 0.0;', 'const kA32 = 0.5;', 'const kA41 = 0.0;', 'const kA42 = 0.0;', 'const kA43 = 1.0;']) {
      expect(prelude).toContain(line);
    }
    expect(prelude).toContain('const kB1 = 0.1666666716337204;');
    expect(prelude).toContain('const kB2 = 0.3333333432674408;');
    expect(kernelPrelude(oscillator, rk38)).toContain('const kA31 = -0.3333333432674408;');
  });

  it('models of more than four state variables carry their state as an array', () => {
    const wide = (n: number) => ({ ...oscillator, state: Array.from({ length: n }, (_, i) => ({ id: `m${i}`, symbol: '', label: '' })) });
    expect(kernelPrelude(wide(6), rk4)).toContain('alias State = array<f32, 6>;');
    // Up to 16 variables the state arithmetic is written out index by index, beyond that it loops.
    const six = buildKernel(wide(6), rk4).code;
    expect(six).toContain('return State(y[0] + a * x[0], y[1] + a * x[1], y[2] + a * x[2], y[3] + a * x[3], y[4] + a * x[4], y[5] + a * x[5]);');
    expect(six).toContain('return abs(y[0]) <= bound && abs(y[1]) <= bound && abs(y[2]) <= bound && abs(y[3]) <= bound && abs(y[4]) <= bound && abs(y[5]) <= bound;');
    expect(buildKernel(wide(16), rk4).code).toContain('a * x[15]);');
    expect(buildKernel(wide(17), rk4).code).toContain('out[d] = y[d] + a * x[d];');
    expect(buildKernel(oscillator, rk4).code).toContain('return y + a * x;');
  });

  it('class codes in WGSL are the legend codes', () => {
    const prelude = kernelPrelude(oscillator, rk4);
    for (const [id, c] of Object.entries(CLASSES)) expect(prelude).toContain(`const kClass_${id.replace('-', '_')} = ${c.code}u;`);
    expect(CLASS_BY_CODE.map((id) => CLASSES[id].code)).toEqual([0, 1, 2, 3, 4]);
  });

  it('the derived sentinel is the same number on both sides', () => {
    expect(sweepWgsl).toContain('const kDerived = -1.0e30;');
    expect(DERIVED).toBe(-1.0e30);
  });

  it('rejects parameter ids that cannot become WGSL identifiers', () => {
    const bad = { ...oscillator, params: [{ ...oscillator.params[0], id: 'bad-id' }, oscillator.params[1]] };
    expect(() => buildKernel(bad, rk4)).toThrow('parameter "bad-id" is not a valid WGSL identifier part');
  });

  it('the uniform view derived from WGSL has the offsets of the WGSL alignment rules', () => {
    for (const model of [oscillator, ...models]) {
      const view = sweepUniformView(buildKernel(model, rk4).code);
      // Axis: 5 scalars → size 20; as a uniform struct member it is aligned to 16.
      expect(view.arrayBuffer.byteLength).toBe(80);
      const offset = (v: ArrayBufferView) => v.byteOffset;
      const views = view.views as Record<string, any>;
      expect(offset(views.x.param)).toBe(0);
      expect(offset(views.x.max)).toBe(16);
      expect(offset(views.y.param)).toBe(32);
      expect(offset(views.y.max)).toBe(48);
      expect(offset(views.rowOffset)).toBe(52);
      expect(offset(views.cellCount)).toBe(56);
      expect(offset(views.stepStart)).toBe(60);
      expect(offset(views.stepCount)).toBe(64);
      expect(offset(views.dt)).toBe(68);
    }
  });
});
