// "Nothing changes but the time": every preset of every model, run at 64² with its own integrator
// and the early exit, against the fixed-horizon reference of the same preset (every cell to tEnd
// with the preset's fixed step, no early exit; scripts/fixed-horizon.ts wrote them).
import { describe, expect, it } from 'vitest';
import { models } from '../../src/models/registry.js';
import { parseSpec } from '../../src/sweep/spec.js';
import { runSweepGpu } from '../../src/engine/gpu-runner.js';
import { CLASS_BY_CODE } from '../../src/models/types.js';
import { testDevice } from '../support/gpu.js';
import { nearClassChange } from '../support/cells.js';
import { fixedHorizonSpec, readFixedHorizon } from '../support/fixed-horizon.js';

const device = (await testDevice())?.device;
const n = 64;
const all = models.flatMap((model) => model.presets.map((preset) => ({ model, preset, key: `${model.id}/${preset.id}` })));
// A preset without early exit (settle: false, the trajectory presets that must run every step) has
// nothing to compare: its run is the fixed-horizon run.
const presets = all.filter(({ preset }) => preset.spec.settle !== false);

describe('presets held to a fixed-horizon reference', () => {
  it('are all but those that run without early exit', () => {
    expect(all.filter((p) => !presets.includes(p)).map((p) => p.key)).toEqual([
      'halvagal-isoloss/fig2-trajectory',
      'halvagal-isoloss/fig5-euclidean',
      'halvagal-isoloss/fig5-cosine',
    ]);
  });
});

describe.runIf(device)('early exit against the fixed-horizon run, every preset at 64²', () => {
  it.each(presets)('$key', async ({ model, preset }) => {
    const reference = readFixedHorizon(model.id, preset.id);
    // The reference is of this preset as it stands: same slice, same fixed-step run.
    expect(reference.spec).toMatchObject(JSON.parse(JSON.stringify({ x: { ...preset.spec.x, n }, y: { ...preset.spec.y, n } })));
    expect(parseSpec(reference.spec).integrator).toEqual(parseSpec(fixedHorizonSpec(model.id, preset, n)).integrator);
    const s = preset.spec;
    const spec = parseSpec({ model: model.id, ...s, x: { ...s.x, n }, y: { ...s.y, n } });
    const early = await runSweepGpu(device!, spec, { budgetMs: 200 });
    const near = nearClassChange(reference.classes, n, n, 8);
    const off: string[] = [];
    let differ = 0;
    for (let c = 0; c < n * n; c++) {
      if (early.classes[c] === reference.classes[c]) continue;
      differ++;
      if (!near[c])
        off.push(`(${c % n}, ${Math.floor(c / n)}): ${CLASS_BY_CODE[early.classes[c]]} ≠ ${CLASS_BY_CODE[reference.classes[c]]}`);
    }
    expect(off, 'cells off the boundary whose class changed').toEqual([]);
    expect(differ / (n * n)).toBeLessThanOrEqual(0.001);
  });
});
