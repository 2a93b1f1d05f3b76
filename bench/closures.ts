/**
 * `npm run bench -- --section=closures`: what the exact cosine expectation (X7/X8) costs against the
 * mean-field closure (A4) in halvagal-isoloss (shared/science/halvagal-isoloss.md §8.1). Two tables:
 * the f64 right-hand side per call by mode count (µs, median of repeats), and the time to a figure of
 * each cosine preset at n² with each closure (the preset's own integrator and early exit, compile
 * excluded), with the cells whose class differs between the two.
 */
import { halvagalIsoloss as family } from '../src/models/halvagal-isoloss.js';
import { choiceIndex } from '../src/models/types.js';
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { parseSpec } from '../src/sweep/spec.js';

const closures = ['mean-field', 'exact'] as const;

function values(over: Record<string, number | string>): Float64Array {
  return Float64Array.from(family.params, (p) => {
    const v = over[p.id] ?? p.default;
    return p.kind === 'choice' ? choiceIndex(family, p.id, String(v)) : Number(v);
  });
}

/** Median µs per right-hand side of the f64 flow, cosine loss, λ log-spaced over [0.01, 0.5]. */
export function benchRhs(modes: readonly number[]): string[][] {
  const rows = [['modes M', 'mean-field µs/rhs', 'exact µs/rhs', 'ratio']];
  for (const M of modes) {
    const us = closures.map((cosineExpectation) => {
      const P = values({ modes: M, loss: 'cosine', cosineExpectation, learningRate: 0.1, lambda0: 0.01, lambda0Ratio: 50 });
      const model = family.instantiate!(P);
      const y = model.initialState(P);
      const out = new Float64Array(y.length);
      const calls = Math.max(20, Math.round(20000 / (M * M * (cosineExpectation === 'exact' ? 100 : 1))));
      const times: number[] = [];
      for (let k = 0; k < calls; k++) model.rhs(y, P, out); // warm up the JIT
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        for (let k = 0; k < calls; k++) model.rhs(y, P, out);
        times.push(((performance.now() - t0) * 1000) / calls);
      }
      return times.sort((a, b) => a - b)[2];
    });
    rows.push([String(M), us[0].toFixed(2), us[1].toFixed(1), `${(us[1] / us[0]).toFixed(0)}×`]);
  }
  return rows;
}

/** Time to a figure of each cosine preset at n² under each closure (compile excluded). */
export async function benchClosurePresets(device: GPUDevice, n: number): Promise<string[][]> {
  const rows = [['preset', 'n²', 'mean-field s', 'exact s', 'ratio', 'step attempts (mf / exact)', 'classes differing']];
  for (const preset of family.presets.filter((p) => /cosine/.test(String(p.spec.params?.loss)))) {
    const results = [];
    for (const cosineExpectation of closures) {
      const input = (size: number) => ({
        model: family.id,
        ...preset.spec,
        params: { ...preset.spec.params, cosineExpectation },
        x: { ...preset.spec.x, n: size },
        y: { ...preset.spec.y, n: size },
      });
      await runSweepGpu(device, parseSpec(input(2))); // compile outside the timing
      const t0 = performance.now();
      const r = await runSweepGpu(device, parseSpec(input(n)), { budgetMs: 200 });
      results.push({ s: (performance.now() - t0) / 1000, r });
    }
    const steps = results.map(({ r }) => r.timings.instanceSteps.toExponential(2));
    let differ = 0;
    for (let c = 0; c < n * n; c++) if (results[0].r.classes[c] !== results[1].r.classes[c]) differ++;
    rows.push([
      preset.id,
      `${n}²`,
      results[0].s.toFixed(2),
      results[1].s.toFixed(2),
      `${(results[1].s / results[0].s).toFixed(0)}×`,
      `${steps[0]} / ${steps[1]}`,
      `${differ} of ${n * n}`,
    ]);
  }
  return rows;
}
