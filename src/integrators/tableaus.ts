// biome-ignore-all lint/correctness/noPrecisionLoss: Tsitouras' and Dormand–Prince's coefficients as published; the nearest double is meant.
/**
 * Explicit Runge–Kutta methods as Butcher tableaus: named, validated data. The TS steppers
 * (stepper.ts, adaptive.ts) and their WGSL twins (shaders/integrators/erk4.wgsl, erk7.wgsl) run any
 * of them; facts such as the number of stages and FSAL are derived from the numbers, never declared.
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
  /** Embedded (error-estimator) weights of an adaptive pair: the error estimate is dt·Σ (b_i − bHat_i) k_i. */
  bHat?: readonly number[];
  /** Classical order of the embedded weights. */
  embeddedOrder?: number;
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

/**
 * Dormand & Prince (1980), "A family of embedded Runge–Kutta formulae", J. Comp. Appl. Math. 6,
 * RK5(4)7M: the pair behind Hairer's DOPRI5, MATLAB's ode45 and OrdinaryDiffEq's DP5. Checked
 * against OrdinaryDiffEq.jl (lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl, whose btilde
 * is bHat − b) and diffrax (dopri5.py, same a, b, c; diffrax's b_error uses Shampine's 1986
 * alternative embedded weights 1951/21600, …, not these). All coefficients are rationals.
 */
export const dp5: Tableau = {
  name: 'dp5',
  label: 'Dormand–Prince 5(4), adaptive step',
  order: 5,
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  bHat: [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40],
  embeddedOrder: 4,
};

/**
 * Tsitouras (2011), "Runge–Kutta pairs of order 5(4) satisfying only the first column simplifying
 * assumption", Comput. Math. Appl. 62. The coefficients are irrational; each decimal below is the
 * 85-digit value of OrdinaryDiffEq.jl (lib/OrdinaryDiffEqTsit5/src/tsit_tableaus.jl) and diffrax
 * (tsit5.py) cut to 20 significant digits, which rounds to the same double as the full value
 * (checked one by one). OrdinaryDiffEq's commented-out "b1…b7" are these bHat; its btilde is bHat − b.
 * The last row of a is written as the same literals as b, so FSAL holds exactly in f64.
 */
const tsit5B = [
  0.096460766818065229518, 0.01, 0.47988965041449957478, 1.3790085741037418932, -3.2900695154360806799, 2.3247105240997739824,
];
export const tsit5: Tableau = {
  name: 'tsit5',
  label: 'Tsitouras 5(4), adaptive step',
  order: 5,
  a: [
    [],
    [0.161],
    [-0.0084806554923569885444, 0.33548065549235698854],
    [2.8971530571054934321, -6.3594484899750748431, 4.362295432869581411],
    [5.3258648284392566044, -11.748883564062827878, 7.4955393428898362083, -0.092495066361755249257],
    [5.8614554429464200287, -12.920969317847109292, 8.1593678985761586432, -0.071584973281400997225, -0.028269050394068382909],
    tsit5B,
  ],
  b: [...tsit5B, 0],
  c: [0, 0.161, 0.327, 0.9, 0.98002554090450968573, 1, 1],
  bHat: [
    0.094680755765839458075,
    0.0091835655403432530968,
    0.48777052842476157079,
    1.2342975669304789857,
    -2.7077123499835254549,
    1.8666284181705870358,
    1 / 66,
  ],
  embeddedOrder: 4,
};

export const tableaus: Record<string, Tableau> = { rk4, rk38, dp5, tsit5 };

export function stages(t: Tableau): number {
  return t.b.length;
}

/**
 * First-same-as-last: the last stage is evaluated at the new solution, so it can be reused.
 * Exact comparison on purpose: the adaptive stepper writes yNew through the last row of a and hands
 * f(yNew) on as the next k1, which is only right if that row is b to the last bit.
 */
export function isFsal(t: Tableau): boolean {
  const s = stages(t);
  const last = t.a[s - 1];
  return t.c[s - 1] === 1 && t.b.every((bj, j) => (last[j] ?? 0) === bj);
}

/**
 * Checks the consistency conditions every explicit tableau must satisfy; throws with the first
 * violated one. Guards hand-typed coefficients. The absolute tolerance 1e-14 holds for Tsit5's
 * rounded decimals too: its worst row-sum residual in f64 is 7.8e-16 (row 5, Σ|a| ≈ 25), so the
 * check stays tight enough to catch a wrong digit beyond the 14th.
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
  if (t.bHat === undefined) return;
  if (t.bHat.length !== s) throw new Error(`${t.name}: bHat needs ${s} entries`);
  const bHatSum = t.bHat.reduce((acc, v) => acc + v, 0);
  if (Math.abs(bHatSum - 1) > 1e-14) throw new Error(`${t.name}: bHat sums to ${bHatSum}, not 1`);
  if (t.embeddedOrder === undefined) throw new Error(`${t.name}: bHat given without embeddedOrder`);
}

/** An adaptive pair carries embedded weights, whose difference from b estimates the local error. */
export function isAdaptive(t: Tableau): t is Tableau & { bHat: readonly number[]; embeddedOrder: number } {
  return t.bHat !== undefined && t.embeddedOrder !== undefined;
}

/** b − bHat, the weights of the local error estimate dt·Σ (b_i − bHat_i) k_i. Throws for a fixed-step tableau. */
export function errorWeights(t: Tableau): number[] {
  if (!isAdaptive(t)) throw new Error(`${t.name}: no embedded weights (not an adaptive pair)`);
  return t.b.map((bi, i) => bi - t.bHat[i]);
}

/**
 * The exponent q of the step controller: the error estimate behaves like dt^q with
 * q = min(order, embeddedOrder) + 1 (5 for a 5(4) pair). Throws for a fixed-step tableau.
 */
export function controllerOrder(t: Tableau): number {
  if (!isAdaptive(t)) throw new Error(`${t.name}: no embedded weights (not an adaptive pair)`);
  return Math.min(t.order, t.embeddedOrder) + 1;
}

/** a as a dense row-major s×s matrix (zeros above the diagonal), the form the WGSL stepper indexes. */
export function denseA(t: Tableau): number[] {
  const s = stages(t);
  const out = new Array<number>(s * s).fill(0);
  t.a.forEach((row, i) => {
    row.forEach((v, j) => {
      out[i * s + j] = v;
    });
  });
  return out;
}
