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
import type { Expr, FunctionName } from './ir.js';

/** What an expression reads: state y, parameters P, rates dy = f(y), the slots v of named definitions. */
export interface Context {
  y: Float64Array;
  P: Float64Array;
  dy: Float64Array;
  v: Float64Array;
}

export type NumberFn = (c: Context) => number;
export type BooleanFn = (c: Context) => boolean;

const unary: Record<Exclude<FunctionName, 'atan2' | 'pow' | 'min' | 'max'>, (x: number) => number> = {
  sqrt: Math.sqrt, exp: Math.exp, log: Math.log, log2: Math.log2, log10: Math.log10, abs: Math.abs, sign: Math.sign,
  floor: Math.floor, ceil: Math.ceil, sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos,
  atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
};

/** pow with WGSL's domain: a^b for a ≥ 0 only. */
export function powReal(a: number, b: number): number {
  return a < 0 ? NaN : Math.pow(a, b);
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

export function compileNumber(e: Expr): NumberFn {
  switch (e.k) {
    case 'num': {
      const v = e.v;
      return () => v;
    }
    case 'ref': {
      const b = e.b;
      switch (b.kind) {
        case 'state': return (c) => c.y[b.index];
        case 'rate': return (c) => c.dy[b.index];
        case 'named': return (c) => c.v[b.slot];
        case 'param': {
          const i = b.index;
          if (!b.derived) return (c) => c.P[i];
          const derived = compileNumber(b.derived);
          return (c) => (c.P[i] === DERIVED ? derived(c) : c.P[i]);
        }
        case 'choice': throw new Error(`choice ${b.name} used as a number`);
      }
      break;
    }
    case 'neg': {
      const a = compileNumber(e.a);
      return (c) => -a(c);
    }
    case 'arith': {
      const a = compileNumber(e.a);
      const b = compileNumber(e.b);
      switch (e.op) {
        case '+': return (c) => a(c) + b(c);
        case '-': return (c) => a(c) - b(c);
        case '*': return (c) => a(c) * b(c);
        case '/': return (c) => a(c) / b(c);
      }
      break;
    }
    case 'powi': {
      const a = compileNumber(e.a);
      const n = e.n;
      if (n === 2) return (c) => { const x = a(c); return x * x; };
      return (c) => powInt(a(c), n);
    }
    case 'call': {
      const args = e.args.map(compileNumber);
      const [a, b] = args;
      switch (e.fn) {
        case 'pow': return (c) => powReal(a(c), b(c));
        case 'atan2': return (c) => Math.atan2(a(c), b(c));
        case 'min': return (c) => Math.min(a(c), b(c));
        case 'max': return (c) => Math.max(a(c), b(c));
        default: {
          const f = unary[e.fn];
          return (c) => f(a(c));
        }
      }
    }
    case 'cond': {
      const test = compileBoolean(e.c);
      const a = compileNumber(e.a);
      const b = compileNumber(e.b);
      return (c) => (test(c) ? a(c) : b(c));
    }
    default:
      break;
  }
  throw new Error(`not a number expression: ${e.k}`);
}

export function compileBoolean(e: Expr): BooleanFn {
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
      const a = compileBoolean(e.a);
      return (c) => !a(c);
    }
    case 'logic': {
      const a = compileBoolean(e.a);
      const b = compileBoolean(e.b);
      return e.op === 'and' ? (c) => a(c) && b(c) : (c) => a(c) || b(c);
    }
    case 'cmp': {
      const a = compileNumber(e.a);
      const b = compileNumber(e.b);
      switch (e.op) {
        case '<': return (c) => a(c) < b(c);
        case '>': return (c) => a(c) > b(c);
        case '<=': return (c) => a(c) <= b(c);
        case '>=': return (c) => a(c) >= b(c);
        case '==': return (c) => a(c) === b(c);
        case '!=': return (c) => a(c) !== b(c);
      }
      break;
    }
    case 'cond': {
      const test = compileBoolean(e.c);
      const a = compileBoolean(e.a);
      const b = compileBoolean(e.b);
      return (c) => (test(c) ? a(c) : b(c));
    }
    default:
      break;
  }
  throw new Error(`not a comparison: ${e.k}`);
}
