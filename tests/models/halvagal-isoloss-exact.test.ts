import { describe, expect, it } from 'vitest';
import exactWgsl from '../../shaders/models/halvagal-isoloss-exact.wgsl?raw';
import {
  cosineDrift,
  cosineExpectations,
  exactQuadratureWgslConstants,
  kQuadratureStep,
  meanFieldExpectations,
  type QuadratureOptions,
  type ViewStatistics,
} from '../../src/models/halvagal-isoloss-exact.js';
import { testDevice, withErrorScopes } from '../support/gpu.js';
import { runCompute } from '../support/wgsl-harness.js';
import { seededRandom } from '../../src/util/random.js';

const device = (await testDevice())?.device;

/** The toy code's views: x2 = x1 + σ·noise, so s11 = s21 = 1, s22 = 1 + σ² (σ = 0.1). */
const toy: ViewStatistics = { s11: 1, s21: 1, s22: 1.01 };

const rng = seededRandom;

/** Modes with λ log-spaced from lo to hi, α = 1 (λ = u²), SimSiam target (v = u). */
function spectrum(M: number, lo: number, hi: number): { u: Float64Array; lambda: Float64Array } {
  const lambda = Float64Array.from({ length: M }, (_, m) => lo * (hi / lo) ** (M === 1 ? 0 : m / (M - 1)));
  return { u: lambda.map(Math.sqrt), lambda };
}

function terms(M: number, u: Float64Array, lambda: Float64Array, options: QuadratureOptions = {}) {
  const t1 = new Float64Array(M);
  const t2 = new Float64Array(M);
  cosineExpectations(u, u, lambda, toy, t1, t2, options);
  return { t1, t2 };
}

const maxRelative = (a: Float64Array, b: Float64Array) => Math.max(...a.map((x, k) => Math.abs(x - b[k]) / Math.abs(b[k])));

describe('halvagal-isoloss: exact expectation of the cosine updates (X7, X8)', () => {
  it('one mode: T1 = (2/π) arcsin ρ / (λuv) and T2 = (2/π) arcsin ρ / (λu)², in closed form', () => {
    const rho = toy.s21 / Math.sqrt(toy.s11 * toy.s22);
    for (const lam of [0.01, 0.3, 2]) {
      const u = Math.sqrt(lam);
      const { t1, t2 } = terms(1, Float64Array.of(u), Float64Array.of(lam), { conserve: false });
      const sign = (2 / Math.PI) * Math.asin(rho);
      expect(Math.abs(t1[0] / (sign / (lam * u * u)) - 1)).toBeLessThan(2e-4);
      expect(Math.abs(t2[0] / (sign / (lam * lam * u * u)) - 1)).toBeLessThan(2e-4);
    }
  });

  it('the default rule is within 2e-4 of a much finer one for M = 2…64 and eigenvalue ratios up to 3000', () => {
    const g = rng(7);
    let worst = 0;
    for (const M of [2, 3, 4, 10, 32, 64]) {
      for (const ratio of [1.7, 30, 3000]) {
        const lo = 0.005 + 0.3 * g.uniform();
        const lambda = Float64Array.from({ length: M }, (_, m) => (m === 0 ? lo : m === M - 1 ? lo * ratio : lo * ratio ** g.uniform()));
        const u = lambda.map(Math.sqrt);
        const rule = terms(M, u, lambda, { conserve: false });
        const fine = terms(M, u, lambda, { h: kQuadratureStep / 4, extend: 3, conserve: false });
        worst = Math.max(worst, maxRelative(rule.t1, fine.t1), maxRelative(rule.t2, fine.t2));
      }
    }
    expect(worst).toBeLessThan(2e-4);
    expect(worst).toBeGreaterThan(0); // a finer rule that changed nothing would test nothing
  });

  it('Σγ T1 = Σα T2 (both E[cos∠(p, z2)]) before the rescale to the quadrature error, after it to rounding', () => {
    const { u, lambda } = spectrum(10, 0.01, 0.5);
    const sums = (t1: Float64Array, t2: Float64Array) => {
      let l = 0;
      let r = 0;
      for (let k = 0; k < 10; k++) {
        l += lambda[k] * u[k] * u[k] * t1[k];
        r += lambda[k] ** 2 * u[k] ** 2 * t2[k];
      }
      return Math.abs(l / r - 1);
    };
    const raw = terms(10, u, lambda, { conserve: false });
    const kept = terms(10, u, lambda);
    expect(sums(raw.t1, raw.t2)).toBeLessThan(2e-4);
    expect(sums(kept.t1, kept.t2)).toBeLessThan(1e-13);
  });

  it('conserves Σf (cosine) and Σλf (IsoLoss-cosine) to 1e-9 along a trajectory at wd = 0', () => {
    for (const iso of [false, true]) {
      const { u } = spectrum(6, 0.02, 0.6);
      const invariant = (x: Float64Array) => x.reduce((s, ui) => s + ui ** 2 * (iso ? ui ** 2 : 1), 0);
      const before = invariant(u);
      // RK4 on u, dt = 0.005 to t = 5: the method's own drift of these invariants is ~1e-10 (4th order).
      const f = (x: Float64Array) => {
        const lam = x.map((ui) => ui * ui);
        const t1 = new Float64Array(6);
        const t2 = new Float64Array(6);
        cosineExpectations(x, x, lam, toy, t1, t2);
        const out = new Float64Array(6);
        cosineDrift(iso, 1, 0, x, x, lam, t1, t2, out);
        return out;
      };
      let x = Float64Array.from(u);
      const axpy = (y: Float64Array, a: number, k: Float64Array) => y.map((v, i) => v + a * k[i]);
      for (let n = 0; n < 1000; n++) {
        const k1 = f(x);
        const k2 = f(axpy(x, 0.0025, k1));
        const k3 = f(axpy(x, 0.0025, k2));
        const k4 = f(axpy(x, 0.005, k3));
        x = x.map((v, i) => v + (0.005 / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      }
      expect(Math.abs(invariant(x) / before - 1)).toBeLessThan(1e-9);
      expect(Math.max(...x) / Math.min(...x)).toBeLessThan(Math.max(...u) / Math.min(...u)); // it did move
    }
  });

  it('on a mild spread (λ₀ ∈ [0.3, 0.5]) the mean-field drift approaches the exact one as M grows', () => {
    const gaps = [4, 16, 64, 256].map((M) => {
      const { u, lambda } = spectrum(M, 0.3, 0.5);
      const exact = terms(M, u, lambda);
      const mf = { t1: new Float64Array(M), t2: new Float64Array(M) };
      meanFieldExpectations(u, u, lambda, toy, mf.t1, mf.t2);
      const dx = new Float64Array(M);
      const dm = new Float64Array(M);
      cosineDrift(false, 1, 0, u, u, lambda, exact.t1, exact.t2, dx);
      cosineDrift(false, 1, 0, u, u, lambda, mf.t1, mf.t2, dm);
      return Math.hypot(...dx.map((v, k) => v - dm[k])) / Math.hypot(...dx);
    });
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]).toBeLessThan(0.6 * gaps[k - 1]);
    expect(gaps[0]).toBeGreaterThan(1e-3);
  });
});

/**
 * The toy's update at one step (§8, written from its definition): W = U diag(u) Vᵀ with random singular
 * vectors, W_P = U diag(λ) Uᵀ, p = W_P W x1, z2 = W x2 (W_t = W), 1e-8 added to each norm; cosine
 * ΔW = +η W_Pᵀ g x1ᵀ with g = z2/(‖p‖‖z2‖) − (pᵀz2) p/(‖p‖³‖z2‖), IsoLoss-cosine without W_Pᵀ. Returns
 * the per-mode mean of U_mᵀ ΔW V_m (η = 1) and its standard error, for both losses.
 */
function toyIncrement(u: Float64Array, N: number, samples: number, seed: number) {
  const M = u.length;
  const g = rng(seed);
  const orthonormal = (rows: number, cols: number) => {
    const Q = Array.from({ length: cols }, () => Float64Array.from({ length: rows }, g.normal));
    for (let c = 0; c < cols; c++) {
      for (let p = 0; p < c; p++) {
        const dot = Q[c].reduce((s, v, i) => s + v * Q[p][i], 0);
        Q[c] = Q[c].map((v, i) => v - dot * Q[p][i]);
      }
      const n = Math.hypot(...Q[c]);
      Q[c] = Q[c].map((v) => v / n);
    }
    return Q; // columns
  };
  const U = orthonormal(M, M);
  const V = orthonormal(N, M);
  const lambda = u.map((x) => x * x);
  const W = Array.from({ length: M }, (_, i) =>
    Float64Array.from({ length: N }, (_, j) => U.reduce((s, Uk, k) => s + Uk[i] * u[k] * V[k][j], 0)),
  );
  const WP = Array.from({ length: M }, (_, i) =>
    Float64Array.from({ length: M }, (_, j) => U.reduce((s, Uk, k) => s + Uk[i] * lambda[k] * Uk[j], 0)),
  );
  const x1 = new Float64Array(N);
  const x2 = new Float64Array(N);
  const z1 = new Float64Array(M);
  const p = new Float64Array(M);
  const z2 = new Float64Array(M);
  const gv = new Float64Array(M);
  const wpg = new Float64Array(M);
  const sums = { cos: [new Float64Array(M), new Float64Array(M)], iso: [new Float64Array(M), new Float64Array(M)] };
  for (let n = 0; n < samples; n++) {
    for (let j = 0; j < N; j++) {
      x1[j] = g.normal();
      x2[j] = x1[j] + 0.1 * g.normal();
    }
    for (let i = 0; i < M; i++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < N; j++) {
        a += W[i][j] * x1[j];
        b += W[i][j] * x2[j];
      }
      z1[i] = a;
      z2[i] = b;
    }
    let pp = 0;
    let zz = 0;
    let pz = 0;
    for (let i = 0; i < M; i++) {
      let a = 0;
      for (let k = 0; k < M; k++) a += WP[i][k] * z1[k];
      p[i] = a;
      pp += a * a;
      zz += z2[i] * z2[i];
    }
    for (let i = 0; i < M; i++) pz += p[i] * z2[i];
    const np = Math.sqrt(pp) + 1e-8;
    const nz = Math.sqrt(zz) + 1e-8;
    for (let i = 0; i < M; i++) gv[i] = z2[i] / (np * nz) - (pz * p[i]) / (np ** 3 * nz);
    for (let i = 0; i < M; i++) {
      let a = 0;
      for (let k = 0; k < M; k++) a += WP[k][i] * gv[k];
      wpg[i] = a;
    }
    for (let m = 0; m < M; m++) {
      let vx = 0;
      for (let j = 0; j < N; j++) vx += V[m][j] * x1[j];
      let ug = 0;
      let uwg = 0;
      for (let i = 0; i < M; i++) {
        ug += U[m][i] * gv[i];
        uwg += U[m][i] * wpg[i];
      }
      const cos = uwg * vx;
      const iso = ug * vx;
      sums.cos[0][m] += cos;
      sums.cos[1][m] += cos * cos;
      sums.iso[0][m] += iso;
      sums.iso[1][m] += iso * iso;
    }
  }
  const stats = ([s, s2]: Float64Array[]) => ({
    mean: s.map((v) => v / samples),
    se: s.map((v, m) => Math.sqrt((s2[m] / samples - (v / samples) ** 2) / samples)),
  });
  return { cos: stats(sums.cos), iso: stats(sums.iso), lambda };
}

describe("halvagal-isoloss: X7/X8 against the toy's own update rule (Monte Carlo, one step)", () => {
  for (const [M, N, lo, hi] of [
    [2, 6, 0.01, 0.5],
    [10, 15, 0.02, 0.5],
  ] as const) {
    it(`M = ${M}, N = ${N}, λ ∈ [${lo}, ${hi}]: the exact drift is within 4 standard errors on every mode; A4 is not`, () => {
      const { u } = spectrum(M, lo, hi);
      const toyMean = toyIncrement(u, N, 1_000_000, 11 + M);
      for (const [loss, iso] of [
        ['cos', false],
        ['iso', true],
      ] as const) {
        const { mean, se } = toyMean[loss];
        const exact = terms(M, u, toyMean.lambda);
        const mf = { t1: new Float64Array(M), t2: new Float64Array(M) };
        meanFieldExpectations(u, u, toyMean.lambda, toy, mf.t1, mf.t2);
        const dx = new Float64Array(M);
        const dm = new Float64Array(M);
        cosineDrift(iso, 1, 0, u, u, toyMean.lambda, exact.t1, exact.t2, dx);
        cosineDrift(iso, 1, 0, u, u, toyMean.lambda, mf.t1, mf.t2, dm);
        for (let m = 0; m < M; m++) expect(Math.abs(dx[m] - mean[m]) / se[m]).toBeLessThan(4);
        // §8: the mean-field drift is off by tens of percent at such spreads, far outside the noise.
        const worstA4 = Math.max(...Array.from(dm, (v, m) => Math.abs(v - mean[m]) / se[m]));
        expect(worstA4).toBeGreaterThan(10);
        expect(Math.hypot(...dm.map((v, m) => v - mean[m])) / Math.hypot(...mean)).toBeGreaterThan(0.05);
      }
    }, 60_000);
  }
});

describe('halvagal-isoloss: the WGSL (f32) twin of the exact expectation', () => {
  it.runIf(device)('matches the f64 rule to f32 accuracy for M = 1, 2, 10, 32 and ratios up to 3000, EMA target included', async () => {
    for (const [M, ratio] of [
      [1, 1],
      [2, 50],
      [10, 3000],
      [32, 100],
    ] as const) {
      const { u, lambda } = spectrum(M, 0.01, 0.01 * ratio);
      const v = u.map((x, m) => x * (1 + 0.3 * Math.sin(m + 1))); // an EMA target lagging the online weights
      const gpu = await runExactOnGpu(device!, M, u, v, lambda);
      const t1 = new Float64Array(M);
      const t2 = new Float64Array(M);
      cosineExpectations(u, v, lambda, toy, t1, t2);
      expect(maxRelative(gpu.t1, t1)).toBeLessThan(5e-5);
      expect(maxRelative(gpu.t2, t2)).toBeLessThan(5e-5);
    }
  });
});

/** One invocation of cosineExpectations in a module of its own: inputs u, v, λ, s11, s21, s22; outputs t1, t2. */
async function runExactOnGpu(device: GPUDevice, M: number, u: Float64Array, v: Float64Array, lambda: Float64Array) {
  const code = `const kModes = ${M}u;\n${exactQuadratureWgslConstants()}\n${exactWgsl}
@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@compute @workgroup_size(1) fn main() {
  var u: ModeArray; var v: ModeArray; var lambda: ModeArray;
  for (var k = 0u; k < kModes; k++) { u[k] = input[k]; v[k] = input[kModes + k]; lambda[k] = input[2u * kModes + k]; }
  let r = cosineExpectations(u, v, lambda, input[3u * kModes], input[3u * kModes + 1u], input[3u * kModes + 2u]);
  for (var k = 0u; k < kModes; k++) { output[k] = r.t1[k]; output[kModes + k] = r.t2[k]; }
}`;
  const out = await withErrorScopes(device, () =>
    runCompute(device, code, Float32Array.from([...u, ...v, ...lambda, toy.s11, toy.s21, toy.s22]), 2 * M, 1),
  );
  return { t1: Float64Array.from(out.subarray(0, M)), t2: Float64Array.from(out.subarray(M)) };
}
