import { describe, expect, it } from 'vitest';
import { buildKernel, kernelPrelude } from '../../src/engine/kernel.js';
import { cellControlLayout, countersLayout, sweepUniformView } from '../../src/engine/layout.js';
import { dp5, rk38, rk4, tsit5 } from '../../src/integrators/tableaus.js';
import { CLASSES, CLASS_BY_CODE, DERIVED } from '../../src/models/types.js';
import { models } from '../../src/models/registry.js';
import { oscillator } from '../fixtures/oscillator.js';
import { gradientStep } from '../fixtures/gradient-step.js';
import { mapTableau } from '../../src/integrators/map.js';
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
    for (const line of [
      'const kA21 = 0.5;',
      'const kA31 = 0.0;',
      'const kA32 = 0.5;',
      'const kA41 = 0.0;',
      'const kA42 = 0.0;',
      'const kA43 = 1.0;',
    ]) {
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
    expect(six).toContain(
      'return State(y[0] + a * x[0], y[1] + a * x[1], y[2] + a * x[2], y[3] + a * x[3], y[4] + a * x[4], y[5] + a * x[5]);',
    );
    expect(six).toContain(
      'return (abs(y[0]) <= bound) & (abs(y[1]) <= bound) & (abs(y[2]) <= bound) & (abs(y[3]) <= bound) & (abs(y[4]) <= bound) & (abs(y[5]) <= bound);',
    );
    expect(six).toContain('return (a[0] == b[0]) & (a[1] == b[1]) & (a[2] == b[2]) & (a[3] == b[3]) & (a[4] == b[4]) & (a[5] == b[5]);');
    expect(buildKernel(wide(16), rk4).code).toContain('a * x[15]);');
    expect(buildKernel(wide(17), rk4).code).toContain('out[d] = y[d] + a * x[d];');
    expect(buildKernel(oscillator, rk4).code).toContain('return y + a * x;');
  });

  it('class codes in WGSL are the legend codes', () => {
    const prelude = kernelPrelude(oscillator, rk4);
    for (const [id, c] of Object.entries(CLASSES)) expect(prelude).toContain(`const kClass_${id.replace('-', '_')} = ${c.code}u;`);
    expect(CLASS_BY_CODE.map((id) => CLASSES[id].code)).toEqual([0, 1, 2, 3, 4, 5]);
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
      // Axis: 5 scalars → size 20; as a uniform struct member it is aligned to 16. Then 19 scalars
      // from byte 52 (4 bytes each) end at 128, where the two time-lapse arrays of 64 vec4 (16 bytes
      // each) follow: 128 + 2·1024.
      expect(view.arrayBuffer.byteLength).toBe(2176);
      const offset = (v: ArrayBufferView) => v.byteOffset;
      // Nested views (an Axis is a record of views): typed loosely, read only by offset here.
      // biome-ignore lint/suspicious/noExplicitAny: webgpu-utils types a struct's views as a union this test does not narrow
      const views = view.views as Record<string, any>;
      expect(offset(views.x.param)).toBe(0);
      expect(offset(views.x.max)).toBe(16);
      expect(offset(views.y.param)).toBe(32);
      expect(offset(views.y.max)).toBe(48);
      const scalars = [
        'rowOffset',
        'cellCount',
        'parity',
        'listCapacity',
        'stepCount',
        'steps',
        'dt',
        'lastDt',
        'tEnd',
        'rtol',
        'atol',
        'dtMin',
        'dtMax',
        'settleOn',
        'settleTol',
        'settleHold',
        'listed',
        'frames',
        'frameWords',
      ];
      scalars.forEach((name, k) => {
        expect(offset(views[name]), name).toBe(52 + 4 * k);
      });
      expect(offset(views.frameSteps)).toBe(128);
      expect(views.frameSteps.length).toBe(256);
      expect(offset(views.frameTimes)).toBe(1152);
    }
  });

  it('the per-cell control and the counters have the layouts the host reads', () => {
    const code = buildKernel(oscillator, dp5).code;
    // Nine 4-byte fields; status eighth (src/engine/tile-buffers.ts reads it to rebuild the active list).
    expect(cellControlLayout(code)).toEqual({ size: 36, statusOffset: 28 });
    expect(countersLayout(code)).toEqual({ size: 16, active: 0, invocations: 8, slowestT: 12 });
  });

  it('composes every tableau with the driver it needs, and refuses what cannot compose', () => {
    const adaptive = buildKernel(oscillator, dp5);
    expect(adaptive.adaptive).toBe(true);
    expect(adaptive.code).toContain('fn rkTrial(');
    expect(adaptive.code).toContain('const kFsal = true;');
    expect(adaptive.code).toContain('const kControllerOrder = 5.0;');
    // e1 = b1 − b̂1 = 35/384 − 5179/57600 for Dormand–Prince, in f32.
    expect(adaptive.code).toContain(`const kE1 = ${Math.fround(35 / 384 - 5179 / 57600)};`);
    expect(adaptive.code).toContain('fn atLongestStep(c: CellControl) -> bool {\n  return c.dt >= sweep.dtMax;');
    const fixedPair = buildKernel(oscillator, tsit5, false);
    expect(fixedPair.adaptive).toBe(false);
    expect(fixedPair.code).toContain('fn rkStep(y: State, k1: State, P: Params, dt: f32) -> State {\n  return rkTrial(y, k1, P, dt).y;');
    expect(fixedPair.code).toContain('let h = select(sweep.dt, sweep.lastDt, last);');
    expect(buildKernel(oscillator, rk4).code).not.toContain('rkTrial');
    expect(() => buildKernel(oscillator, rk4, true)).toThrow('rk4 has no embedded weights: it cannot step adaptively');
    // Engine metrics follow the readouts: t_c, t_s, steps.
    expect(adaptive.recordSize).toBe(oscillator.readouts.length + 3);
  });

  it('reads axis parameters through override constants and constant indices only', () => {
    const prelude = kernelPrelude(oscillator, rk4);
    expect(prelude).toContain('override kAxisX: u32;');
    expect(prelude).toContain(
      'return Params(select(select(baseParams[0], yv, kAxisY == 0u), xv, kAxisX == 0u),\n    select(select(baseParams[1], yv, kAxisY == 1u), xv, kAxisX == 1u));',
    );
  });

  it('a model without a settle rule gets the generic verdict; one with a rule brings its own; a map run uses the generic test', () => {
    expect(buildKernel(oscillator, rk4).code).toContain(
      'fn fateVerdict(y: State, dy: State, P: Params) -> u32 {\n  return kSettle_generic;',
    );
    expect(buildKernel(oscillator, rk4).code).not.toContain('settleVerdict');
    const ruled = {
      ...oscillator,
      settle: { description: 'test', verdict: () => 'stop' as const },
      wgsl: `${oscillator.wgsl}\nfn settleVerdict(y: State, dy: State, P: Params) -> u32 { return kSettle_stop; }`,
    };
    expect(buildKernel(ruled, rk4).code).toContain(
      'fn fateVerdict(y: State, dy: State, P: Params) -> u32 {\n  return settleVerdict(y, dy, P);',
    );
    expect(buildKernel(ruled, rk4).code).toContain('fn stepRate(y: State, P: Params) -> State {\n  return rhs(y, P);');
    // A model's rule is a proof about its flow; a finite training step can overshoot it.
    const ruledMap = {
      ...gradientStep,
      settle: ruled.settle,
      wgsl: `${gradientStep.wgsl}\nfn settleVerdict(y: State, dy: State, P: Params) -> u32 { return kSettle_stop; }`,
    };
    const mapCode = buildKernel(ruledMap, mapTableau).code;
    expect(mapCode).toContain('fn fateVerdict(y: State, dy: State, P: Params) -> u32 {\n  return kSettle_generic;');
    expect(mapCode).toContain('fn stepRate(y: State, P: Params) -> State {\n  return stateAxpy(mapStep(y, P), -1.0, y);');
    expect(mapCode).toContain('fn rkStep(y: State, k1: State, P: Params, h: f32) -> State {\n  return mapStep(y, P);');
  });
});
