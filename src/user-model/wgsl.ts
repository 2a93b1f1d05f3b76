/**
 * The WGSL of a model file: the functions a built-in model's shaders/models/<id>.wgsl defines
 * (initialState, rhs, classify, isCollapsed, readouts, and settleVerdict where the file has a settle
 * rule), written from checked expressions (ir.ts) only. Every node is parenthesised, so WGSL's
 * precedence rules (no mixing && and || bare, `--` being a token) never come into play; constants
 * were folded by the checker, so no constant expression can fail shader creation. The f64 twin is
 * f64.ts, node for node.
 */
import { CLASSES, type ClassId } from '../models/types.js';
import { namedUses, type Binding, type Expr } from './ir.js';

/** What the generators need of a checked model file (compile.ts builds it). */
export interface ModelParts {
  id: string;
  state: readonly string[];
  /** Initial value of each state variable, from parameters and initial conditions. */
  initialState: readonly Expr[];
  rhs: readonly Expr[];
  readouts: ReadonlyArray<{ id: string; binding: Extract<Binding, { kind: 'named' }> }>;
  classes: ReadonlyArray<{ class: ClassId; when: Expr }>;
  otherwise: ClassId;
  /** True while the state counts as collapsed (absent: never, and no collapse time is recorded). */
  collapsed?: Expr;
  settle?: { stop: Expr; continue?: Expr };
}

const f32 = (v: number): string => {
  const s = String(Math.fround(v));
  const t = /[.eE]/.test(s) ? s : `${s}.0`;
  return t.startsWith('-') ? `(${t})` : t;
};

const classConst = (c: ClassId) => `kClass_${c.replace(/-/g, '_')}`;
const namedVar = (name: string) => `um_${name}`;

/** WGSL of one expression; `powers` collects the exponents whose helper functions it calls. */
export function wgslExpr(e: Expr, powers: Set<number>): string {
  const w = (x: Expr) => wgslExpr(x, powers);
  switch (e.k) {
    case 'num':
      return f32(e.v);
    case 'bool':
      return String(e.v);
    case 'ref': {
      const b = e.b;
      switch (b.kind) {
        case 'state':
          return `y[kS_${b.name}]`;
        case 'rate':
          return `dy[kS_${b.name.slice(2)}]`;
        case 'named':
          return namedVar(b.name);
        case 'param':
          return b.derived ? `select(P[kP_${b.name}], ${w(b.derived)}, P[kP_${b.name}] == kDerived)` : `P[kP_${b.name}]`;
        case 'choice':
          throw new Error(`choice ${b.name} used as a number`);
      }
      break;
    }
    case 'choice':
      return `(P[kP_${e.param}] == kChoice_${e.param}_${e.optionName.replace(/-/g, '_')})`;
    case 'neg':
      return `(-${w(e.a)})`;
    case 'arith':
      return `(${w(e.a)} ${e.op} ${w(e.b)})`;
    case 'powi': {
      if (e.n === 0) return '1.0';
      const m = Math.abs(e.n);
      powers.add(m);
      return e.n < 0 ? `(1.0 / umPowi_${m}(${w(e.a)}))` : `umPowi_${m}(${w(e.a)})`;
    }
    case 'call':
      if (e.fn === 'log10') return `(log(${w(e.args[0])}) * ${f32(Math.LOG10E)})`;
      return `${e.fn}(${e.args.map(w).join(', ')})`;
    case 'cmp':
      return `(${w(e.a)} ${e.op} ${w(e.b)})`;
    case 'not':
      return `(!${w(e.a)})`;
    case 'logic':
      return `(${w(e.a)} ${e.op === 'and' ? '&&' : '||'} ${w(e.b)})`;
    case 'cond':
      return `select(${w(e.b)}, ${w(e.a)}, ${w(e.c)})`;
  }
  throw new Error(`cannot write ${(e as Expr).k} as WGSL`);
}

/** a^m by square and multiply over the bits of m, in the order of powInt (f64.ts). */
function powiHelper(m: number): string {
  const lines = [`fn umPowi_${m}(a: f32) -> f32 {`, '  var r = a;'];
  for (let bit = 31 - Math.clz32(m) - 1; bit >= 0; bit--) {
    lines.push('  r = r * r;');
    if ((m >> bit) & 1) lines.push('  r = r * a;');
  }
  lines.push('  return r;', '}');
  return lines.join('\n');
}

/** The WGSL module text of a model file (joined with the prelude and the engine by buildKernel). */
export function modelWgsl(parts: ModelParts): string {
  const powers = new Set<number>();
  const expr = (e: Expr) => wgslExpr(e, powers);
  /** `let` lines of the named definitions these expressions read, in definition order. */
  const lets = (roots: readonly Expr[]) => namedUses(roots).map((b) => `  let ${namedVar(b.name)} = ${expr(b.expr)};`);
  const fn = (signature: string, roots: readonly Expr[], body: string[]) => [`fn ${signature} {`, ...lets(roots), ...body, '}'].join('\n');

  const stateLines = (target: string, values: readonly Expr[]) => parts.state.map((id, i) => `  ${target}[kS_${id}] = ${expr(values[i])};`);
  const classRoots = parts.classes.map((c) => c.when);
  const settleRoots = parts.settle ? [parts.settle.stop, ...(parts.settle.continue ? [parts.settle.continue] : [])] : [];
  const functions = [
    fn('initialState(P: Params) -> State', parts.initialState, ['  var y: State;', ...stateLines('y', parts.initialState), '  return y;']),
    fn('rhs(y: State, P: Params) -> State', parts.rhs, ['  var dy: State;', ...stateLines('dy', parts.rhs), '  return dy;']),
    fn('classify(y: State, dy: State, P: Params) -> u32', classRoots, [
      ...parts.classes.map((c) => `  if (${expr(c.when)}) {\n    return ${classConst(c.class)};\n  }`),
      `  return ${classConst(parts.otherwise)};`,
    ]),
    fn('isCollapsed(y: State, P: Params) -> bool', parts.collapsed ? [parts.collapsed] : [], [
      `  return ${parts.collapsed ? expr(parts.collapsed) : 'false'};`,
    ]),
    fn(
      'readouts(y: State, P: Params) -> Readouts',
      parts.readouts.map((r) => ({ k: 'ref', b: r.binding }) as Expr),
      ['  var r: Readouts;', ...parts.readouts.map((r) => `  r[kR_${r.id}] = ${namedVar(r.binding.name)};`), '  return r;'],
    ),
  ];
  if (parts.settle) {
    const { stop, continue: goOn } = parts.settle;
    functions.push(
      fn('settleVerdict(y: State, dy: State, P: Params) -> u32', settleRoots, [
        `  if (${expr(stop)}) {\n    return kSettle_stop;\n  }`,
        ...(goOn ? [`  if (${expr(goOn)}) {\n    return kSettle_continue;\n  }`] : []),
        '  return kSettle_generic;',
      ]),
    );
  }
  const helpers = [...powers].sort((a, b) => a - b).map(powiHelper);
  const header = `// Generated from the model file "${parts.id}" by src/user-model/wgsl.ts; the f64 twin is src/user-model/f64.ts.`;
  return [header, ...helpers, ...functions].join('\n\n');
}

/**
 * `fn jacobian(y, P) -> array<f32, S·S>`, row-major (J[i·S + j] = ∂f_i/∂y_j), to be joined after
 * `modelWgsl`'s text: only the power helpers that text lacks are written.
 */
export function jacobianWgsl(state: readonly string[], entries: readonly Expr[][], modelText: string): string {
  const powers = new Set<number>();
  const S = state.length;
  const roots = entries.flat();
  const lets = namedUses(roots).map((b) => `  let ${namedVar(b.name)} = ${wgslExpr(b.expr, powers)};`);
  const body: string[] = [];
  entries.forEach((row, i) => {
    row.forEach((e, j) => {
      if (!(e.k === 'num' && e.v === 0)) body.push(`  J[${i * S + j}] = ${wgslExpr(e, powers)};`);
    });
  });
  const have = new Set([...modelText.matchAll(/fn umPowi_(\d+)\(/g)].map((m) => Number(m[1])));
  const helpers = [...powers]
    .filter((m) => !have.has(m))
    .sort((a, b) => a - b)
    .map(powiHelper);
  const fn = [
    `fn jacobian(y: State, P: Params) -> array<f32, ${S * S}> {`,
    ...lets,
    `  var J: array<f32, ${S * S}>;`,
    ...body,
    '  return J;',
    '}',
  ].join('\n');
  return [`// ∂f_i/∂y_j of the model file "rhs", differentiated symbolically by src/user-model/derivative.ts.`, ...helpers, fn].join(
    '\n\n',
  );
}

/** Class codes this model can produce: its rules' and default's, with collapsed and diverged always. */
export function modelClasses(parts: Pick<ModelParts, 'classes' | 'otherwise'>): ClassId[] {
  const used = new Set<ClassId>(['collapsed', 'diverged', parts.otherwise, ...parts.classes.map((c) => c.class)]);
  return (Object.keys(CLASSES) as ClassId[]).filter((c) => used.has(c));
}
