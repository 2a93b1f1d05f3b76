/**
 * `npm run bench -- --section=lorenz`: the DiffEqGPU paper's ensemble problem with the project's own
 * kernels. Lorenz (σ = 10, β = 8/3, u0 = (1, 0, 0)), ρ linearly spaced in [0, 21], t ∈ [0, 1], f32,
 * as a 1-D sweep of N trajectories: 1000 fixed RK4 steps, and dp5 / tsit5 / rosenbrock23 adaptive
 * (rosenbrock23, order 2 and linearly implicit, is there for its cost on a non-stiff problem). The model is
 * models/lorenz.json, a user model file, so the generated WGSL is what is timed. Kernel time is the
 * minimum over repeats of the time spent waiting on integration dispatches.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import '../src/user-model/accept.js';
import { runSweepGpu } from '../src/engine/gpu-runner.js';
import { parseSpec } from '../src/sweep/spec.js';

const lorenzFile = JSON.parse(readFileSync(new URL('../models/lorenz.json', import.meta.url), 'utf8'));

/** The paper's adaptive runs: rtol = atol = 1e-7 here, the f32 floor a spec accepts (not verified against the paper's value). */
const kAdaptiveTol = 1e-7;

/** The paper's own figures, on another machine (V100), at 8,388,608 trajectories, in ms. */
const kPaper = { 'DiffEqGPU fixed': 145, 'DiffEqGPU adaptive': 69, 'MPGOS fixed': 94, 'MPGOS adaptive': 49 };

type Method = 'rk4' | 'dp5' | 'tsit5' | 'rosenbrock23';

function lorenzSpec(n: number, method: Method) {
  const integrator =
    method === 'rk4' ? { method, dt: 1e-3, tEnd: 1 } : { method, dt: 1e-3, tEnd: 1, rtol: kAdaptiveTol, atol: kAdaptiveTol };
  return parseSpec({
    model: lorenzFile,
    params: { sigma: 10, beta: 8 / 3 },
    initial: { x0: 1, y0: 0, z0: 0 },
    x: { param: 'rho', min: 0, max: 21, n },
    integrator,
    settle: false,
  });
}

/** numpy in f32 on this machine, the same fixed RK4 over all N at once; undefined without python3 + numpy. */
function numpyMs(n: number): number | undefined {
  const script = `
import time, numpy as np
n = ${n}
rho = np.linspace(0, 21, n, dtype=np.float32)
s, b, h = np.float32(10), np.float32(8/3), np.float32(1e-3)
def f(x, y, z):
    return s * (y - x), x * (rho - z) - y, x * y - b * z
best = 1e30
for _ in range(3):
    x = np.ones(n, np.float32); y = np.zeros(n, np.float32); z = np.zeros(n, np.float32)
    t0 = time.perf_counter()
    for _ in range(1000):
        k1 = f(x, y, z)
        k2 = f(x + h/2*k1[0], y + h/2*k1[1], z + h/2*k1[2])
        k3 = f(x + h/2*k2[0], y + h/2*k2[1], z + h/2*k2[2])
        k4 = f(x + h*k3[0], y + h*k3[1], z + h*k3[2])
        x = x + h/6*(k1[0] + 2*k2[0] + 2*k3[0] + k4[0]); y = y + h/6*(k1[1] + 2*k2[1] + 2*k3[1] + k4[1]); z = z + h/6*(k1[2] + 2*k2[2] + 2*k3[2] + k4[2])
    best = min(best, time.perf_counter() - t0)
print(best * 1000)
`;
  try {
    return Number(execFileSync('python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

export async function benchLorenz(device: GPUDevice, opts: { minLog2: number; maxLog2: number; repeats: number }): Promise<string[][]> {
  const rows = [
    [
      'N',
      'rk4 1000 steps: kernel ms',
      'dp5 adaptive: kernel ms',
      'tsit5 adaptive: kernel ms',
      'rosenbrock23 adaptive: kernel ms',
      'numpy f32 rk4 ms (this machine)',
    ],
  ];
  let numpy = true;
  for (let k = opts.minLog2; k <= opts.maxLog2; k++) {
    const n = 2 ** k;
    const row = [`2^${k} = ${n}`];
    for (const method of ['rk4', 'dp5', 'tsit5', 'rosenbrock23'] as const) {
      const spec = lorenzSpec(n, method);
      await runSweepGpu(device, lorenzSpec(8, method)); // compile outside the timing
      let best = Infinity;
      for (let r = 0; r < opts.repeats; r++) {
        const result = await runSweepGpu(device, spec, { budgetMs: 200, initialStepsPerDispatch: 1024, maxCellsPerTile: 1 << 22 });
        best = Math.min(best, result.timings.kernelMs);
      }
      row.push(best.toFixed(2));
    }
    const ms = numpy ? numpyMs(n) : undefined;
    if (ms === undefined) numpy = false;
    row.push(ms === undefined ? 'n/a (no python3 with numpy)' : ms.toFixed(2));
    rows.push(row);
    console.log(row.join('\t'));
  }
  rows.push([
    'paper, 2^23 (V100, another machine)',
    `DiffEqGPU ${kPaper['DiffEqGPU fixed']} / MPGOS ${kPaper['MPGOS fixed']}`,
    `DiffEqGPU ${kPaper['DiffEqGPU adaptive']} / MPGOS ${kPaper['MPGOS adaptive']} (GPUTsit5)`,
    '',
    '',
    '',
  ]);
  return rows;
}
