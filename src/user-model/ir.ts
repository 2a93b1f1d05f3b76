/**
 * The checked form of a model-file expression: what src/user-model/check.ts makes of a mathjs AST
 * once every node is whitelisted and typed. Both code generators (wgsl.ts, f64.ts) read only this,
 * so the two cannot disagree on what an expression means.
 */

/** Functions a model file may call, with their arity (`min`, `max`: two or more arguments). */
export const FUNCTIONS = {
  sqrt: 1,
  exp: 1,
  log: 1,
  log2: 1,
  log10: 1,
  abs: 1,
  sign: 1,
  floor: 1,
  ceil: 1,
  sin: 1,
  cos: 1,
  tan: 1,
  asin: 1,
  acos: 1,
  atan: 1,
  sinh: 1,
  cosh: 1,
  tanh: 1,
  asinh: 1,
  acosh: 1,
  atanh: 1,
  atan2: 2,
  pow: 2,
  min: 'n',
  max: 'n',
} as const satisfies Record<string, 1 | 2 | 'n'>;
export type FunctionName = keyof typeof FUNCTIONS;

/** Named constants an expression may use (no model identifier may take these names). */
export const CONSTANTS = { pi: Math.PI } as const;

/** Largest |n| of a whole-number constant exponent written out as multiplications (x^n). */
export const kMaxIntegerPower = 64;

export type ArithOp = '+' | '-' | '*' | '/';
export type CompareOp = '<' | '>' | '<=' | '>=' | '==' | '!=';

/** What an identifier stands for in one expression's scope. */
export type Binding =
  | { kind: 'state'; name: string; index: number }
  /** `d_<state>`: the right-hand side at the final state (classes and settle rules only). */
  | { kind: 'rate'; name: string; index: number }
  /** A number parameter or initial condition; `derived`: its formula, used where P holds DERIVED. */
  | { kind: 'param'; name: string; index: number; derived?: Expr }
  | { kind: 'choice'; name: string; index: number; options: readonly string[] }
  /** A `let` definition or a readout, computed once per call (a WGSL `let`, an f64 slot). */
  | { kind: 'named'; name: string; slot: number; expr: Expr };

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'ref'; b: Binding }
  /** A choice parameter compared with one of its options: P[index] == option. */
  | { k: 'choice'; index: number; param: string; option: number; optionName: string }
  | { k: 'neg'; a: Expr }
  | { k: 'arith'; op: ArithOp; a: Expr; b: Expr }
  /** a^n for a whole-number constant n, |n| ≤ kMaxIntegerPower: exact for negative a too. */
  | { k: 'powi'; a: Expr; n: number }
  | { k: 'call'; fn: FunctionName; args: Expr[] }
  | { k: 'cmp'; op: CompareOp; a: Expr; b: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'logic'; op: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr };

export type Type = 'number' | 'boolean';

export function typeOf(e: Expr): Type {
  switch (e.k) {
    case 'bool':
    case 'choice':
    case 'cmp':
    case 'not':
    case 'logic':
      return 'boolean';
    case 'cond':
      return typeOf(e.a);
    default:
      return 'number';
  }
}

export function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'neg':
    case 'not':
    case 'powi':
      return [e.a];
    case 'arith':
    case 'cmp':
    case 'logic':
      return [e.a, e.b];
    case 'call':
      return e.args;
    case 'cond':
      return [e.c, e.a, e.b];
    default:
      return [];
  }
}

/** Every named binding (let, readout) an expression reads, directly or through other named ones. */
export function namedUses(roots: readonly Expr[]): Array<Extract<Binding, { kind: 'named' }>> {
  const seen = new Map<number, Extract<Binding, { kind: 'named' }>>();
  const visit = (e: Expr): void => {
    if (e.k === 'ref') {
      if (e.b.kind === 'named' && !seen.has(e.b.slot)) {
        visit(e.b.expr);
        seen.set(e.b.slot, e.b);
      }
      if (e.b.kind === 'param' && e.b.derived) visit(e.b.derived);
    }
    children(e).forEach(visit);
  };
  roots.forEach(visit);
  // Slots are numbered in definition order, and a definition reads only earlier ones.
  return [...seen.values()].sort((a, b) => a.slot - b.slot);
}

/** Whether an expression reads a binding of this kind, directly or through named definitions. */
export function reads(e: Expr, kind: Binding['kind']): boolean {
  if (e.k === 'ref' && (e.b.kind === kind || (e.b.kind === 'named' && reads(e.b.expr, kind)))) return true;
  return children(e).some((c) => reads(c, kind));
}

/** Arithmetic operations in an expression (for `flopsPerRhs`, read by the bench only). */
export function countOps(e: Expr): number {
  const own =
    e.k === 'arith' || e.k === 'neg' || e.k === 'call' || e.k === 'cmp'
      ? 1
      : e.k === 'powi'
        ? Math.max(1, Math.ceil(Math.log2(Math.abs(e.n) + 1)))
        : 0;
  return own + children(e).reduce((s, c) => s + countOps(c), 0);
}
