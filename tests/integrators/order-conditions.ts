import { denseA, stages, type Tableau } from '../../src/integrators/tableaus.js';

/**
 * Butcher's order conditions, generated from the rooted trees instead of typed out: weights w
 * have order p iff Σ_i w_i Φ_i(τ) = 1/γ(τ) for every rooted tree τ with |τ| ≤ p (Hairer, Nørsett &
 * Wanner I, Thm II.2.13). Φ(leaf) = 1 (all ones), Φ([τ1 … τm])_i = Π_k (A Φ(τk))_i, so A·1 = c
 * enters through the numbers of a, never through c, and γ([τ1 … τm]) = |τ| Π_k γ(τk).
 */
export interface RootedTree {
  children: readonly RootedTree[];
  order: number;
  /** Density γ(τ); the condition is Σ w Φ(τ) = 1/γ(τ). */
  gamma: number;
  /** Bracket notation, e.g. "[[],[]]" for the tree of Σ b c² = 1/3. */
  label: string;
}

function tree(children: RootedTree[]): RootedTree {
  const order = 1 + children.reduce((n, t) => n + t.order, 0);
  const gamma = order * children.reduce((g, t) => g * t.gamma, 1);
  return { children, order, gamma, label: `[${children.map((t) => t.label).join(',')}]` };
}

/** All multisets of trees from pool[from…] whose orders sum to total (non-decreasing index: no duplicates). */
function forests(pool: RootedTree[], total: number, from: number): RootedTree[][] {
  if (total === 0) return [[]];
  const out: RootedTree[][] = [];
  for (let i = from; i < pool.length; i++) {
    if (pool[i].order > total) continue;
    for (const rest of forests(pool, total - pool[i].order, i)) out.push([pool[i], ...rest]);
  }
  return out;
}

/** The rooted trees of order 1…maxOrder (1, 1, 2, 4, 9, … of them), lowest order first. */
export function rootedTrees(maxOrder: number): RootedTree[] {
  const all: RootedTree[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const smaller = all.slice();
    for (const children of forests(smaller, n - 1, 0)) all.push(tree(children));
  }
  return all;
}

function phi(t: RootedTree, a: number[], s: number): number[] {
  const out = new Array<number>(s).fill(1);
  for (const child of t.children) {
    const p = phi(child, a, s);
    for (let i = 0; i < s; i++) {
      let acc = 0;
      for (let j = 0; j < s; j++) acc += a[i * s + j] * p[j];
      out[i] *= acc;
    }
  }
  return out;
}

/** Residual Σ w Φ(τ) − 1/γ(τ) of every tree up to maxOrder, for the weights w (b or bHat) of the tableau's a. */
export function orderResiduals(t: Tableau, w: readonly number[], maxOrder: number): { tree: RootedTree; residual: number }[] {
  const s = stages(t);
  const a = denseA(t);
  return rootedTrees(maxOrder).map((tr) => {
    const p = phi(tr, a, s);
    return { tree: tr, residual: w.reduce((acc, wi, i) => acc + wi * p[i], 0) - 1 / tr.gamma };
  });
}

/** Largest |residual| among the trees of exactly the given order. */
export function worstResidual(t: Tableau, w: readonly number[], order: number): number {
  return Math.max(
    ...orderResiduals(t, w, order)
      .filter((r) => r.tree.order === order)
      .map((r) => Math.abs(r.residual)),
  );
}
