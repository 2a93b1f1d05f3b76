/**
 * Symbolic partial derivatives of checked expressions (ir.ts), for the Jacobian ∂f_i/∂y_j of a model
 * file's right-hand side, which linearly implicit methods (rosenbrock23, to come) need.
 *
 * Written on the checked IR rather than with mathjs's `derivative`: that one has no rule for the
 * conditional `c ? a : b`, for min and max or for comparisons, which real model files use
 * (models/tian-l2.json). Piecewise expressions are differentiated piece by piece: d(c ? a : b) =
 * c ? da : db, d min(a, b) = (a ≤ b ? da : db), d|a| = sign(a)·da, and the kinks themselves (a tie,
 * a = 0) take one side's value. A `let` definition's derivative is a definition of its own
 * (`<name>__d<j>`, a name no model identifier can take), so shared subexpressions stay shared.
 */
import { compileNumber, newContext } from './f64.js';
import { children, type Binding, type Expr } from './ir.js';

type Named = Extract<Binding, { kind: 'named' }>;

const num = (v: number): Expr => ({ k: 'num', v });
const isNum = (e: Expr, v: number) => e.k === 'num' && e.v === v;
const emptyContext = newContext(0);

/** The node with every all-constant operand list folded in f64 (as the checker does). */
function folded(e: Expr): Expr {
  const cs = children(e);
  if (cs.length === 0 || !cs.every((c) => c.k === 'num')) return e;
  return num(compileNumber(e)(emptyContext));
}

const add = (a: Expr, b: Expr): Expr => (isNum(a, 0) ? b : isNum(b, 0) ? a : folded({ k: 'arith', op: '+', a, b }));
const sub = (a: Expr, b: Expr): Expr => (isNum(b, 0) ? a : isNum(a, 0) ? neg(b) : folded({ k: 'arith', op: '-', a, b }));
const mul = (a: Expr, b: Expr): Expr => {
  if (isNum(a, 0) || isNum(b, 0)) return num(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  return folded({ k: 'arith', op: '*', a, b });
};
const div = (a: Expr, b: Expr): Expr => (isNum(a, 0) ? num(0) : isNum(b, 1) ? a : folded({ k: 'arith', op: '/', a, b }));
const neg = (a: Expr): Expr => (a.k === 'num' ? num(-a.v) : a.k === 'neg' ? a.a : { k: 'neg', a });
const call = (fn: Extract<Expr, { k: 'call' }>['fn'], ...args: Expr[]): Expr => folded({ k: 'call', fn, args });
const sq = (a: Expr): Expr => folded({ k: 'powi', a, n: 2 });
const cond = (c: Expr, a: Expr, b: Expr): Expr => (isNum(a, 0) && isNum(b, 0) ? num(0) : { k: 'cond', c, a, b });

/**
 * Differentiates with respect to state variable `j`. `newSlot` numbers the derivative definitions
 * it creates (the caller's f64 context must hold them); `made` collects them in dependency order.
 */
export class Differentiator {
  private readonly memo = new Map<string, Expr>();
  readonly made: Named[] = [];

  constructor(private newSlot: () => number) {}

  d(e: Expr, j: number): Expr {
    switch (e.k) {
      case 'num':
      case 'bool':
      case 'choice':
      case 'cmp':
      case 'not':
      case 'logic':
        return num(0);
      case 'ref': {
        const b = e.b;
        if (b.kind === 'state') return num(b.index === j ? 1 : 0);
        if (b.kind === 'named') return this.named(b, j);
        return num(0); // parameters (derived ones too: they depend on parameters only) and rates
      }
      case 'neg':
        return neg(this.d(e.a, j));
      case 'arith': {
        const da = this.d(e.a, j);
        const db = this.d(e.b, j);
        switch (e.op) {
          case '+':
            return add(da, db);
          case '-':
            return sub(da, db);
          case '*':
            return add(mul(da, e.b), mul(e.a, db));
          case '/':
            return isNum(db, 0) ? div(da, e.b) : div(sub(mul(da, e.b), mul(e.a, db)), sq(e.b));
        }
        break;
      }
      case 'powi': {
        const da = this.d(e.a, j);
        if (isNum(da, 0) || e.n === 0) return num(0);
        const lower: Expr = e.n - 1 === 1 ? e.a : e.n - 1 === 0 ? num(1) : { k: 'powi', a: e.a, n: e.n - 1 };
        return mul(mul(num(e.n), lower), da);
      }
      case 'call':
        return this.call(e, j);
      case 'cond':
        return cond(e.c, this.d(e.a, j), this.d(e.b, j));
    }
    throw new Error(`cannot differentiate ${(e as Expr).k}`);
  }

  /** d(named)/dy_j as a definition of its own, made once per (definition, j). */
  private named(b: Named, j: number): Expr {
    const key = `${b.slot}/${j}`;
    const known = this.memo.get(key);
    if (known) return known;
    const de = this.d(b.expr, j);
    let out = de;
    if (de.k !== 'num' && de.k !== 'ref') {
      // Made after the definitions it reads, so its slot is larger: slot order is dependency order.
      const made: Named = { kind: 'named', name: `${b.name}__d${j}`, slot: this.newSlot(), expr: de };
      this.made.push(made);
      out = { k: 'ref', b: made };
    }
    this.memo.set(key, out);
    return out;
  }

  private call(e: Extract<Expr, { k: 'call' }>, j: number): Expr {
    const [a, b] = e.args;
    const da = this.d(a, j);
    if (e.fn === 'atan2' || e.fn === 'pow' || e.fn === 'min' || e.fn === 'max') {
      const db = this.d(b, j);
      if (isNum(da, 0) && isNum(db, 0)) return num(0);
      switch (e.fn) {
        // atan2(a, b) = angle of (b, a): (b·da − a·db)/(a² + b²).
        case 'atan2':
          return div(sub(mul(b, da), mul(a, db)), add(sq(a), sq(b)));
        // a^b = exp(b ln a): b·a^(b−1)·da + a^b·ln a·db (a > 0, pow's domain).
        case 'pow':
          return add(mul(mul(b, call('pow', a, sub(b, num(1)))), da), mul(mul(e, call('log', a)), db));
        case 'min':
          return cond({ k: 'cmp', op: '<=', a, b }, da, db);
        case 'max':
          return cond({ k: 'cmp', op: '>=', a, b }, da, db);
      }
    }
    if (isNum(da, 0)) return num(0);
    const outer = ((): Expr => {
      switch (e.fn) {
        case 'sqrt':
          return div(num(0.5), e);
        case 'exp':
          return e;
        case 'log':
          return div(num(1), a);
        case 'log2':
          return div(num(1 / Math.LN2), a);
        case 'log10':
          return div(num(1 / Math.LN10), a);
        case 'abs':
          return call('sign', a);
        case 'sign':
        case 'floor':
        case 'ceil':
          return num(0);
        case 'sin':
          return call('cos', a);
        case 'cos':
          return neg(call('sin', a));
        case 'tan':
          return div(num(1), sq(call('cos', a)));
        case 'asin':
          return div(num(1), call('sqrt', sub(num(1), sq(a))));
        case 'acos':
          return neg(div(num(1), call('sqrt', sub(num(1), sq(a)))));
        case 'atan':
          return div(num(1), add(num(1), sq(a)));
        case 'sinh':
          return call('cosh', a);
        case 'cosh':
          return call('sinh', a);
        case 'tanh':
          return sub(num(1), sq(e));
        case 'asinh':
          return div(num(1), call('sqrt', add(sq(a), num(1))));
        case 'acosh':
          return div(num(1), call('sqrt', sub(sq(a), num(1))));
        case 'atanh':
          return div(num(1), sub(num(1), sq(a)));
        default:
          throw new Error(`no derivative rule for ${e.fn}`);
      }
    })();
    return mul(outer, da);
  }
}
