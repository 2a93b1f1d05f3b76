/**
 * Explicit Runge–Kutta methods as Butcher tableaus: named, validated data. One stepper in TS
 * (stepper.ts) and one in WGSL (shaders/integrators/rk.wgsl) run any of them; facts such as the
 * number of stages and FSAL are derived from the numbers, never declared.
 */
export interface Tableau {
  /** Id used in sweep specs (`integrator.method`). */
  name: string;
  label: string;
  /** Classical order of the solution weights `b`. */
  order: number;
  /** Strictly lower-triangular stage coefficients a[i][j], j < i. */
  a: readonly (readonly number[])[];
  b: readonly number[];
  c: readonly number[];
}

/** Classical fourth-order Runge–Kutta. */
export const rk4: Tableau = {
  name: 'rk4',
  label: 'classical Runge–Kutta, order 4, fixed step',
  order: 4,
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  c: [0, 1 / 2, 1 / 2, 1],
};

/** Kutta's 3/8 rule: another four-stage, fourth-order method (same stepper, other numbers). */
export const rk38: Tableau = {
  name: 'rk38',
  label: "Kutta's 3/8 rule, order 4, fixed step",
  order: 4,
  a: [[], [1 / 3], [-1 / 3, 1], [1, -1, 1]],
  b: [1 / 8, 3 / 8, 3 / 8, 1 / 8],
  c: [0, 1 / 3, 2 / 3, 1],
};

export const tableaus: Record<string, Tableau> = { rk4, rk38 };

export function stages(t: Tableau): number {
  return t.b.length;
}

/** First-same-as-last: the last stage is evaluated at the new solution, so it can be reused. */
export function isFsal(t: Tableau): boolean {
  const s = stages(t);
  const last = t.a[s - 1];
  return t.c[s - 1] === 1 && t.b.every((bj, j) => (last[j] ?? 0) === bj);
}

/**
 * Checks the consistency conditions every explicit tableau must satisfy; throws with the first
 * violated one. Guards hand-typed coefficients.
 */
export function validateTableau(t: Tableau): void {
  const s = stages(t);
  if (t.a.length !== s || t.c.length !== s) throw new Error(`${t.name}: a, b and c need ${s} rows`);
  t.a.forEach((row, i) => {
    if (row.length > i) throw new Error(`${t.name}: a[${i}] must have at most ${i} entries (explicit method)`);
    const sum = row.reduce((acc, v) => acc + v, 0);
    if (Math.abs(sum - t.c[i]) > 1e-14) throw new Error(`${t.name}: c[${i}] = ${t.c[i]} but a[${i}] sums to ${sum}`);
  });
  const bSum = t.b.reduce((acc, v) => acc + v, 0);
  if (Math.abs(bSum - 1) > 1e-14) throw new Error(`${t.name}: b sums to ${bSum}, not 1`);
}

/** a as a dense row-major s×s matrix (zeros above the diagonal), the form the WGSL stepper indexes. */
export function denseA(t: Tableau): number[] {
  const s = stages(t);
  const out = new Array<number>(s * s).fill(0);
  t.a.forEach((row, i) => row.forEach((v, j) => (out[i * s + j] = v)));
  return out;
}
