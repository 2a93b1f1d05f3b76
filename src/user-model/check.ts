/**
 * From a model file's expression text to a checked, typed expression (ir.ts). mathjs parses; this
 * file accepts only a whitelist of its node kinds: numbers, the model's identifiers, + − * / ^ and
 * unary minus, comparisons, and/or/not, `c ? a : b`, and the functions of FUNCTIONS. Nothing is
 * ever evaluated by mathjs: its AST is rebuilt node by node into the IR, which the generators read.
 *
 * Errors say where: `unknown identifier "sigm" at column 7 (did you mean "sigma"?)`. mathjs nodes
 * carry no positions, so identifiers are found again in the text: the k-th use of a name in the
 * tree is its k-th occurrence as a token (a tree's leaves come in source order).
 */
import { create, parseDependencies, type MathNode } from 'mathjs';
import {
  CONSTANTS,
  FUNCTIONS,
  children,
  kMaxIntegerPower,
  typeOf,
  type ArithOp,
  type Binding,
  type CompareOp,
  type Expr,
  type FunctionName,
  type Type,
} from './ir.js';
import { compileNumber, compileBoolean, newContext } from './f64.js';

const { parse } = create({ parseDependencies });

/** A problem in one expression; the caller prefixes the field's path. */
export class ExprError extends Error {
  override name = 'ExprError';
}

/** What an expression may read. */
export interface Scope {
  names: ReadonlyMap<string, Binding>;
  /** Identifiers of the model this expression may not read, with why (`a state variable, which … cannot use`). */
  hidden: ReadonlyMap<string, string>;
}

/** Bounds on one expression: longer text, more nodes or deeper nesting is refused before or after parsing. */
export const kMaxExpressionChars = 2000;
export const kMaxNodes = 1000;
export const kMaxDepth = 64;

/** Largest finite f32: a constant beyond it cannot be written into WGSL. */
const kF32Max = 3.4028234663852886e38;

const kAllowedChar = /[A-Za-z0-9_ \t+\-*/^().,<>=!?:"]/;

interface Token {
  name: string;
  column: number;
}

/** The identifier tokens of the text, after refusing any character outside the grammar. */
function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (!kAllowedChar.test(ch)) {
      const hint = ch.codePointAt(0)! > 0x7f ? ' (identifiers are ASCII letters, digits and _: write sigma, not σ)' : '';
      throw new ExprError(`"${ch}" is not allowed at column ${i + 1}${hint}`);
    }
    if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      i = end < 0 ? text.length : end + 1;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      i += /^[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))![0].length || 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ name, column: i + 1 });
      i += name.length;
    } else {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (depth > kMaxDepth) throw new ExprError(`nested deeper than ${kMaxDepth} parentheses at column ${i + 1}`);
      i++;
    }
  }
  return tokens;
}

/** Edits (insert, delete, substitute, swap two neighbours) between two names: a typo is usually one. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `names` to `name`, if close enough to be a typo (at most 2 edits, fewer than its length). */
export function closest(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = editDistance(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.min(2, name.length - 1) ? best : undefined;
}

/** Node count and depth of a parsed tree, stopping early once past the bounds. */
function measure(node: MathNode, depth = 1, count = { n: 0 }): { n: number; depth: number } {
  count.n++;
  let deepest = depth;
  if (depth <= kMaxDepth && count.n <= kMaxNodes) {
    node.forEach((child) => {
      deepest = Math.max(deepest, measure(child, depth + 1, count).depth);
    });
  }
  return { n: count.n, depth: deepest };
}

const kArith: Record<string, ArithOp> = { add: '+', subtract: '-', multiply: '*', divide: '/' };
const kCompare: Record<string, CompareOp> = { smaller: '<', larger: '>', smallerEq: '<=', largerEq: '>=', equal: '==', unequal: '!=' };

/**
 * Parses and checks `text` in `scope`; the result has type `want`. Constant subexpressions are
 * folded in f64, so the WGSL never holds a constant expression (whose overflow or domain error would
 * fail shader creation): each must be a finite f32.
 */
export function checkExpression(text: string, scope: Scope, want: Type): Expr {
  if (text.length > kMaxExpressionChars) throw new ExprError(`longer than ${kMaxExpressionChars} characters (${text.length})`);
  if (text.trim() === '') throw new ExprError('empty expression');
  const tokens = scan(text);
  let root: MathNode;
  try {
    root = parse(text);
  } catch (e) {
    const m = /^(.*?)\s*\(char (\d+)\)$/.exec((e as Error).message);
    throw new ExprError(m ? `syntax error at column ${m[2]}: ${m[1]}` : `syntax error: ${(e as Error).message}`);
  }
  const size = measure(root);
  if (size.n > kMaxNodes) throw new ExprError(`more than ${kMaxNodes} terms`);
  if (size.depth > kMaxDepth) throw new ExprError(`nested deeper than ${kMaxDepth} levels`);

  const seen = new Map<string, number>();
  /** Column of the next use of `name` in source order (the tree is walked in that order). */
  const columnOf = (name: string): string => {
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    const hit = tokens.filter((t) => t.name === name)[k];
    return hit ? ` at column ${hit.column}` : '';
  };
  const shown = (n: MathNode) => `"${n.toString()}"`;

  const num = (n: MathNode, what: string): Expr => {
    const e = walk(n);
    if (typeOf(e) !== 'number') throw new ExprError(`${what} needs a number, got the comparison ${shown(n)}`);
    return e;
  };
  const bool = (n: MathNode, what: string): Expr => {
    const e = walk(n);
    if (typeOf(e) !== 'boolean') throw new ExprError(`${what} needs a comparison, got ${shown(n)}`);
    return e;
  };

  /** A choice parameter compared with an option, `target == "byol"`, or undefined if neither side is one. */
  const choiceTest = (n: MathNode & { fn: string; args: MathNode[] }): Expr | undefined => {
    const [l, r] = n.args;
    const isText = (x: MathNode) => x.type === 'ConstantNode' && typeof (x as unknown as { value: unknown }).value === 'string';
    const choiceOf = (x: MathNode) => (x.type === 'SymbolNode' ? scope.names.get((x as unknown as { name: string }).name) : undefined);
    const lc = choiceOf(l);
    const rc = choiceOf(r);
    if (!isText(l) && !isText(r) && lc?.kind !== 'choice' && rc?.kind !== 'choice') return undefined;
    const sym = lc?.kind === 'choice' ? l : r;
    const other = sym === l ? r : l;
    const b = sym === l ? lc : rc;
    if (b?.kind !== 'choice' || !isText(other)) {
      throw new ExprError(`a quoted option compares only with a choice parameter, as in target == "byol" (got ${shown(n)})`);
    }
    if (n.fn !== 'equal' && n.fn !== 'unequal')
      throw new ExprError(`"${b.name}" is a choice (${b.options.join(', ')}): compare it with == or !=`);
    columnOf(b.name);
    const option = String((other as unknown as { value: string }).value);
    const k = b.options.indexOf(option);
    if (k < 0) throw new ExprError(`"${option}" is not an option of ${b.name} (${b.options.join(', ')})`);
    const test: Expr = { k: 'choice', index: b.index, param: b.name, option: k, optionName: option };
    return n.fn === 'equal' ? test : { k: 'not', a: test };
  };

  const symbol = (name: string): Expr => {
    const at = columnOf(name);
    const b = scope.names.get(name);
    if (b) {
      if (b.kind === 'choice')
        throw new ExprError(`"${name}"${at} is a choice (${b.options.join(', ')}): compare it, as in ${name} == "${b.options[0]}"`);
      return { k: 'ref', b };
    }
    if (Object.hasOwn(CONSTANTS, name)) return { k: 'num', v: CONSTANTS[name as keyof typeof CONSTANTS] };
    const why = scope.hidden.get(name);
    if (why) throw new ExprError(`"${name}"${at} is ${why}`);
    if (Object.hasOwn(FUNCTIONS, name)) throw new ExprError(`"${name}"${at} is a function: call it, as in ${name}(x)`);
    const guess = closest(name, [...scope.names.keys(), ...Object.keys(CONSTANTS)]);
    const known = [...scope.names.keys()];
    const hint = guess ? `did you mean "${guess}"?` : `known here: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`;
    throw new ExprError(`unknown identifier "${name}"${at} (${hint})`);
  };

  const call = (n: MathNode & { fn: MathNode; args: MathNode[] }): Expr => {
    if (n.fn.type !== 'SymbolNode') throw new ExprError(`${shown(n)}: only named functions can be called`);
    const name = (n.fn as unknown as { name: string }).name;
    const at = columnOf(name);
    if (!Object.hasOwn(FUNCTIONS, name)) {
      if (scope.names.has(name) || scope.hidden.has(name))
        throw new ExprError(`"${name}"${at} is not a function (write ${name} * (…) to multiply)`);
      const guess = closest(name, Object.keys(FUNCTIONS));
      throw new ExprError(
        `unknown function "${name}"${at} (${guess ? `did you mean "${guess}"?` : `known: ${Object.keys(FUNCTIONS).join(', ')}`})`,
      );
    }
    const fn = name as FunctionName;
    const arity = FUNCTIONS[fn];
    const count = n.args.length;
    if (arity === 'n' ? count < 2 : count !== arity) {
      throw new ExprError(
        `${name}${at} takes ${arity === 'n' ? 'two or more arguments' : arity === 1 ? 'one argument' : `${arity} arguments`}, got ${count}`,
      );
    }
    const args = n.args.map((a) => num(a, `${name}()`));
    if (fn === 'pow') return power(args[0], args[1], n);
    if (fn === 'min' || fn === 'max') return args.slice(1).reduce((acc, a) => fold({ k: 'call', fn, args: [acc, a] }, n), args[0]);
    return fold({ k: 'call', fn, args }, n);
  };

  /** a^b: a whole-number constant exponent becomes exact multiplications, anything else pow(). */
  const power = (a: Expr, b: Expr, n: MathNode): Expr => {
    if (b.k === 'num' && Number.isInteger(b.v) && Math.abs(b.v) <= kMaxIntegerPower)
      return fold(b.v === 1 ? a : { k: 'powi', a, n: b.v }, n);
    return fold({ k: 'call', fn: 'pow', args: [a, b] }, n);
  };

  const walk = (n: MathNode): Expr => {
    switch (n.type) {
      case 'ParenthesisNode':
        return walk((n as unknown as { content: MathNode }).content);
      case 'ConstantNode': {
        const v = (n as unknown as { value: unknown }).value;
        if (typeof v === 'boolean') return { k: 'bool', v };
        if (typeof v === 'number') return fold({ k: 'num', v }, n);
        if (typeof v === 'string')
          throw new ExprError(`a quoted option compares only with a choice parameter, as in target == "byol" (got ${shown(n)})`);
        throw new ExprError(`${shown(n)} is not a number`);
      }
      case 'SymbolNode':
        return symbol((n as unknown as { name: string }).name);
      case 'OperatorNode': {
        const o = n as unknown as MathNode & { fn: string; op: string; args: MathNode[]; implicit: boolean };
        if (o.implicit) throw new ExprError(`implicit multiplication in ${shown(n)}: write * between the factors`);
        const arith = kArith[o.fn];
        if (arith) return fold({ k: 'arith', op: arith, a: num(o.args[0], `"${arith}"`), b: num(o.args[1], `"${arith}"`) }, n);
        if (o.fn === 'unaryMinus') return fold({ k: 'neg', a: num(o.args[0], '"-"') }, n);
        if (o.fn === 'unaryPlus') return num(o.args[0], '"+"');
        if (o.fn === 'pow') return power(num(o.args[0], '"^"'), num(o.args[1], '"^"'), n);
        const cmp = kCompare[o.fn];
        if (cmp) return choiceTest(o) ?? fold({ k: 'cmp', op: cmp, a: num(o.args[0], `"${cmp}"`), b: num(o.args[1], `"${cmp}"`) }, n);
        if (o.fn === 'and' || o.fn === 'or')
          return fold({ k: 'logic', op: o.fn, a: bool(o.args[0], `"${o.fn}"`), b: bool(o.args[1], `"${o.fn}"`) }, n);
        if (o.fn === 'not') return fold({ k: 'not', a: bool(o.args[0], '"not"') }, n);
        throw new ExprError(`operator "${o.op}" is not allowed (in ${shown(n)})`);
      }
      case 'ConditionalNode': {
        const c = n as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
        const cond = bool(c.condition, 'the condition of "? :"');
        const a = walk(c.trueExpr);
        const b = walk(c.falseExpr);
        if (typeOf(a) !== typeOf(b)) throw new ExprError(`the two branches of ${shown(n)} must both be numbers or both comparisons`);
        return fold({ k: 'cond', c: cond, a, b }, n);
      }
      case 'FunctionNode':
        return call(n as unknown as MathNode & { fn: MathNode; args: MathNode[] });
      case 'RelationalNode':
        throw new ExprError(`chained comparison ${shown(n)}: write a < b and b < c`);
      case 'AssignmentNode':
      case 'FunctionAssignmentNode':
        throw new ExprError(`assignment is not allowed (in ${shown(n)}; compare with ==)`);
      case 'AccessorNode':
      case 'IndexNode':
        throw new ExprError(`property or index access is not allowed (in ${shown(n)})`);
      default:
        throw new ExprError(`${shown(n)} is not allowed here (${n.type})`);
    }
  };

  const out = walk(root);
  const got = typeOf(out);
  if (got !== want) throw new ExprError(want === 'boolean' ? 'must be a comparison' : 'must be a number, not a comparison');
  return out;
}

/** The node itself, or its f64 value where every operand is a constant (which must be a finite f32). */
function fold(e: Expr, n: MathNode): Expr {
  const operands = children(e);
  if (e.k !== 'num' && (operands.length === 0 || !operands.every((c) => c.k === 'num' || c.k === 'bool'))) return e;
  if (typeOf(e) === 'boolean') return { k: 'bool', v: compileBoolean(e)(emptyContext) };
  const v = compileNumber(e)(emptyContext);
  if (!Number.isFinite(v) || Math.abs(v) > kF32Max)
    throw new ExprError(`the constant "${n.toString()}" is ${v}, not a finite 32-bit float (|x| ≤ 3.4e38)`);
  return { k: 'num', v };
}

const emptyContext = newContext(0);
