/**
 * The figures' own initial spectra (halvagal-isoloss.md §8.3): the toy starts from W0 = scale·randn(M, N),
 * whose spectrum eig(W0 W0ᵀ) is Marchenko–Pastur-like, not log-spaced. Only the eigenvalues enter the
 * per-mode system, so a spectrum is drawn here once per (seed, N, M), in f64: the eigenvalues of G Gᵀ
 * for G = randn(M, N) at unit scale (mathjs eigs), ascending; f_m(0) = scale²·e_m and λ_m(0) = f_m(0)^α.
 * The draw has the paper's distribution, not numpy's sample for the paper's seed (another generator).
 */
import { eigs } from 'mathjs';
import { seededRandom } from '../util/random.js';

const drawn = new Map<string, Float64Array>();

/** Eigenvalues of G Gᵀ, G = randn(M, N) from `seed`, ascending (memoised). Needs N ≥ M (else some are 0). */
export function gaussianSpectrum(seed: number, N: number, M: number): Float64Array {
  const key = `${seed}/${N}/${M}`;
  const known = drawn.get(key);
  if (known) return known;
  if (!(Number.isInteger(N) && N >= M)) {
    throw new Error(
      `halvagal-isoloss: a Gaussian initial spectrum needs inputDim N ≥ modes M (got N = ${N}, M = ${M}): W0 W0ᵀ would have zero eigenvalues`,
    );
  }
  const { normal } = seededRandom(seed);
  const G = Array.from({ length: M }, () => Array.from({ length: N }, normal));
  const F = G.map((row, i) => G.map((other, j) => (j < i ? 0 : row.reduce((s, g, k) => s + g * other[k], 0))));
  for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) F[i][j] = F[j][i];
  const values = M === 1 ? [F[0][0]] : (eigs(F).values as number[]);
  const spectrum = Float64Array.from(values).sort();
  drawn.set(key, spectrum);
  return spectrum;
}
