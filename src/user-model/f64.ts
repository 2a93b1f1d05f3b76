/**
 * The f64 reference of a checked expression (ir.ts): a tree of closures, one per node, built once.
 * Nothing the user typed becomes code: the closures are this file's, the tree only wires them. Each
 * node means what its WGSL twin (wgsl.ts) computes, in f64:
 * - x^n for a whole-number constant n: the same multiplications (square and multiply) as WGSL.
 * - pow(a, b) otherwise: NaN for a < 0, as WGSL's pow (exp2(b·log2(a))) is undefined there.
 * - `c ? a : b`: both sides of WGSL's select are computed too, but they have no effects, so
 *   evaluating one branch gives the same value.
 */
import { DERIVED } from '../models/types.js';
import type { ArithOp, Binding, Expr, FunctionName } from './ir.js';

/**
 * What an expression reads: state y, parameters P, rates dy = f(y), and the slots v of named
 * definitions (let, readouts). Compiled eager, an expression reads slots its caller filled first (in
 * definition order, as WGSL's `let`s); compiled lazy (for branchy tests such as settle rules, which
 * read a few of many definitions), a slot is computed at its first use in a call: it holds a value
 * of this call while stamp[s] === gen, and a new call only increments gen. The expressions have no
 * effects, so both give WGSL's values.
 */
export interface Context {
  y: Float64Array;
  P: Float64Array;
  dy: Float64Array;
  v: Float64Array;
  stamp: Uint32Array;
  gen: number;
}

export function newContext(slots: number): Context {
  return {
    y: new Float64Array(0),
    P: new Float64Array(0),
    dy: new Float64Array(0),
    v: new Float64Array(slots),
    stamp: new Uint32Array(slots),
    gen: 1,
  };
}

/** Starts a new call: every named slot is stale. */
export function nextCall(c: Context): void {
  c.gen = c.gen >= 0xffffffff ? 1 : c.gen + 1;
  if (c.gen === 1) c.stamp.fill(0);
}

/** One closure per named definition, shared by every expression that reads it. */
const namedFns = new WeakMap<object, NumberFn>();

function namedFn(b: Extract<Binding, { kind: 'named' }>): NumberFn {
  let fn = namedFns.get(b);
  if (!fn) {
    const s = b.slot;
    const f = compileNumber(b.expr, true);
    fn = (c) => {
      if (c.stamp[s] === c.gen) return c.v[s];
      const v = f(c);
      c.v[s] = v;
      c.stamp[s] = c.gen;
      return v;
    };
    namedFns.set(b, fn);
  }
  return fn;
}

export type NumberFn = (c: Context) => number;
export type BooleanFn = (c: Context) => boolean;

const unary: Record<Exclude<FunctionName, 'atan2' | 'pow' | 'min' | 'max'>, (x: number) => number> = {
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  abs: Math.abs,
  sign: Math.sign,
  floor: Math.floor,
  ceil: Math.ceil,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
};

/** pow with WGSL's domain: a^b for a ≥ 0 only. */
export function powReal(a: number, b: number): number {
  return a < 0 ? NaN : a ** b;
}

/**
 * a^n by square and multiply, the order WGSL's `umPowi_n` helpers use (wgsl.ts), so both sides
 * round alike: bits of |n| from the top, then 1/… for n < 0.
 */
export function powInt(a: number, n: number): number {
  const m = Math.abs(n);
  if (m === 0) return 1;
  let r = a;
  for (let bit = 31 - Math.clz32(m) - 1; bit >= 0; bit--) {
    r = r * r;
    if ((m >> bit) & 1) r = r * a;
  }
  return n < 0 ? 1 / r : r;
}

export function compileNumber(e: Expr, lazy = false): NumberFn {
  switch (e.k) {
    case 'num': {
      const v = e.v;
      return () => v;
    }
    case 'ref': {
      const b = e.b;
      switch (b.kind) {
        case 'state':
          return (c) => c.y[b.index];
        case 'rate':
          return (c) => c.dy[b.index];
        case 'named':
          return lazy ? namedFn(b) : (c) => c.v[b.slot];
        case 'param': {
          const i = b.index;
          if (!b.derived) return (c) => c.P[i];
          const derived = compileNumber(b.derived, lazy);
          return (c) => (c.P[i] === DERIVED ? derived(c) : c.P[i]);
        }
        case 'choice':
          throw new Error(`choice ${b.name} used as a number`);
      }
      break;
    }
    case 'neg': {
      const a = compileNumber(e.a, lazy);
      return (c) => -a(c);
    }
    case 'arith': {
      const fast = arithOfLeaves(e.op, e.a, e.b, lazy);
      if (fast) return fast;
      const a = compileNumber(e.a, lazy);
      const b = compileNumber(e.b, lazy);
      switch (e.op) {
        case '+':
          return (c) => a(c) + b(c);
        case '-':
          return (c) => a(c) - b(c);
        case '*':
          return (c) => a(c) * b(c);
        case '/':
          return (c) => a(c) / b(c);
      }
      break;
    }
    case 'powi': {
      const a = compileNumber(e.a, lazy);
      const n = e.n;
      if (n === 2)
        return (c) => {
          const x = a(c);
          return x * x;
        };
      return (c) => powInt(a(c), n);
    }
    case 'call': {
      const args = e.args.map((x) => compileNumber(x, lazy));
      const [a, b] = args;
      switch (e.fn) {
        case 'pow':
          return (c) => powReal(a(c), b(c));
        case 'atan2':
          return (c) => Math.atan2(a(c), b(c));
        case 'min':
          return (c) => Math.min(a(c), b(c));
        case 'max':
          return (c) => Math.max(a(c), b(c));
        default: {
          const f = unary[e.fn];
          return (c) => f(a(c));
        }
      }
    }
    case 'cond': {
      const test = compileBoolean(e.c, lazy);
      const a = compileNumber(e.a, lazy);
      const b = compileNumber(e.b, lazy);
      return (c) => (test(c) ? a(c) : b(c));
    }
    default:
      break;
  }
  throw new Error(`not a number expression: ${e.k}`);
}

/** Where an operand is read straight from the context: its array and index (or a constant). */
type Leaf = { from: 'y' | 'P' | 'dy' | 'v'; i: number } | { from: 'const'; v: number };

function leafOf(e: Expr, lazy: boolean): Leaf | undefined {
  if (e.k === 'num') return { from: 'const', v: e.v };
  if (e.k !== 'ref') return undefined;
  const b = e.b;
  if (b.kind === 'state') return { from: 'y', i: b.index };
  if (b.kind === 'rate') return { from: 'dy', i: b.index };
  if (b.kind === 'named' && !lazy) return { from: 'v', i: b.slot };
  if (b.kind === 'param' && !b.derived) return { from: 'P', i: b.index };
  return undefined;
}

/**
 * a ∘ b with both operands read straight from the context: one closure instead of three. Call sites
 * that see many different closures are slow in JS engines, and most arithmetic has leaf operands.
 */
function arithOfLeaves(op: ArithOp, ea: Expr, eb: Expr, lazy: boolean): NumberFn | undefined {
  const a = leafOf(ea, lazy);
  const b = leafOf(eb, lazy);
  if (!a || !b) return undefined;
  if (a.from === 'const' && b.from === 'const') return undefined;
  if (b.from === 'const') {
    const { from, i } = a as Exclude<Leaf, { from: 'const' }>;
    const v = b.v;
    switch (op) {
      case '+':
        return (c) => c[from][i] + v;
      case '-':
        return (c) => c[from][i] - v;
      case '*':
        return (c) => c[from][i] * v;
      case '/':
        return (c) => c[from][i] / v;
    }
  }
  if (a.from === 'const') {
    const { from, i } = b as Exclude<Leaf, { from: 'const' }>;
    const v = a.v;
    switch (op) {
      case '+':
        return (c) => v + c[from][i];
      case '-':
        return (c) => v - c[from][i];
      case '*':
        return (c) => v * c[from][i];
      case '/':
        return (c) => v / c[from][i];
    }
  }
  const { from: fa, i: ia } = a as Exclude<Leaf, { from: 'const' }>;
  const { from: fb, i: ib } = b as Exclude<Leaf, { from: 'const' }>;
  switch (op) {
    case '+':
      return (c) => c[fa][ia] + c[fb][ib];
    case '-':
      return (c) => c[fa][ia] - c[fb][ib];
    case '*':
      return (c) => c[fa][ia] * c[fb][ib];
    case '/':
      return (c) => c[fa][ia] / c[fb][ib];
  }
}

export function compileBoolean(e: Expr, lazy = false): BooleanFn {
  switch (e.k) {
    case 'bool': {
      const v = e.v;
      return () => v;
    }
    case 'choice': {
      const { index, option } = e;
      return (c) => c.P[index] === option;
    }
    case 'not': {
      const a = compileBoolean(e.a, lazy);
      return (c) => !a(c);
    }
    case 'logic': {
      const a = compileBoolean(e.a, lazy);
      const b = compileBoolean(e.b, lazy);
      return e.op === 'and' ? (c) => a(c) && b(c) : (c) => a(c) || b(c);
    }
    case 'cmp': {
      const a = compileNumber(e.a, lazy);
      const b = compileNumber(e.b, lazy);
      switch (e.op) {
        case '<':
          return (c) => a(c) < b(c);
        case '>':
          return (c) => a(c) > b(c);
        case '<=':
          return (c) => a(c) <= b(c);
        case '>=':
          return (c) => a(c) >= b(c);
        case '==':
          return (c) => a(c) === b(c);
        case '!=':
          return (c) => a(c) !== b(c);
      }
      break;
    }
    case 'cond': {
      const test = compileBoolean(e.c, lazy);
      const a = compileBoolean(e.a, lazy);
      const b = compileBoolean(e.b, lazy);
      return (c) => (test(c) ? a(c) : b(c));
    }
    default:
      break;
  }
  throw new Error(`not a comparison: ${e.k}`);
}
