/** ∂f/∂y by central differences, row-major. */
export function finiteDifferenceJacobian(f: (y: Float64Array, out: Float64Array) => void, y: Float64Array): Float64Array {
  const S = y.length;
  const J = new Float64Array(S * S);
  const plus = new Float64Array(S);
  const minus = new Float64Array(S);
  for (let j = 0; j < S; j++) {
    const h = 1e-6 * (1 + Math.abs(y[j]));
    const yp = Float64Array.from(y);
    const ym = Float64Array.from(y);
    yp[j] += h;
    ym[j] -= h;
    f(yp, plus);
    f(ym, minus);
    for (let i = 0; i < S; i++) J[i * S + j] = (plus[i] - minus[i]) / (yp[j] - ym[j]);
  }
  return J;
}
