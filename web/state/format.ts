/** Numbers in the readout: integers as they are, else 5 significant digits, exponent outside [1e-3, 1e4). */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(4) : v.toPrecision(5);
}
