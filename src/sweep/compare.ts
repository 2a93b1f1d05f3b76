import { z } from 'zod';
import { CLASS_BY_CODE, CLASSES } from '../models/types.js';
import type { SweepResult } from '../engine/result.js';
import { parseSpec, SpecError, type ResolvedAxis, type ResolvedSpec, type SweepSpecInput } from './spec.js';
import { models as registry } from '../models/registry.js';
import type { Model } from '../models/types.js';

/**
 * Side-by-side comparisons: two sweeps on the same axes (two models, or one model with two
 * settings) and the cells whose class differs. The JSON shape is `{ a: spec, b: spec, title? }`
 * with two ordinary sweep specs; the explorer, its export and the batch runner share it.
 */

export interface CompareSpecInput {
  title?: string;
  a: SweepSpecInput;
  b: SweepSpecInput;
}

export interface ResolvedCompare {
  title: string;
  a: ResolvedSpec;
  b: ResolvedSpec;
}

/** Both sides on an n×n grid instead of their own (`?compare=ID&n=48`, `compare --preset ID --n 48`). */
export function compareAtResolution(input: CompareSpecInput, n: number): CompareSpecInput {
  const side = (s: SweepSpecInput) => ({ ...s, x: { ...s.x, n }, ...(s.y ? { y: { ...s.y, n } } : {}) });
  return { ...input, a: side(input.a), b: side(input.b) };
}

const compareShape = z.strictObject({ title: z.string().optional(), a: z.unknown().optional(), b: z.unknown().optional() });

function axisText(a: ResolvedAxis): string {
  return `${a.param} [${a.min}, ${a.max}] × ${a.n} ${a.scale}`;
}

function sameAxis(p: ResolvedAxis, q: ResolvedAxis): boolean {
  return p.param === q.param && p.min === q.min && p.max === q.max && p.n === q.n && p.scale === q.scale;
}

/** Parses one side, prefixing its errors with `a.` or `b.` so the message names the field. */
function parseSide(side: 'a' | 'b', input: unknown, available: readonly Model[]): ResolvedSpec {
  if (input === undefined) throw new SpecError(`${side}: required`);
  try {
    return parseSpec(input, available);
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(`${side}.${e.message}`);
    throw e;
  }
}

/**
 * Validates a comparison: both specs valid on their own, and the same two axes, cell for cell. A
 * side's `model` is an id of `available` (the registry; the explorer adds its user model) or a model
 * file's contents.
 */
export function parseCompareSpec(input: unknown, available: readonly Model[] = registry): ResolvedCompare {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SpecError('compare: expected an object { a: spec, b: spec, title? }');
  }
  const parsed = compareShape.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') throw new SpecError(`compare: unknown field "${issue.keys[0]}"`);
    throw new SpecError(`${issue.path.map(String).join('.') || 'compare'}: ${issue.message}`);
  }
  const a = parseSide('a', parsed.data.a, available);
  const b = parseSide('b', parsed.data.b, available);
  for (const axis of ['x', 'y'] as const) {
    if (!sameAxis(a[axis], b[axis])) {
      throw new SpecError(`b.${axis}: must equal a.${axis} to compare cell for cell (a: ${axisText(a[axis])}; b: ${axisText(b[axis])})`);
    }
  }
  return { title: parsed.data.title ?? `${a.model.id} vs ${b.model.id}`, a, b };
}

/** Per-cell comparison codes (diff.npy): the classes agree, differ, or cannot be compared. */
export const DIFF = { same: 0, differs: 1, diverged: 2 } as const;
export const DIFF_COLORS = { same: '#f0f0f0', differs: '#d7301f', diverged: CLASSES.diverged.color } as const;

export interface Comparison {
  nx: number;
  ny: number;
  /** DIFF code per cell, row-major like SweepResult.classes. */
  diff: Uint8Array;
  /** Cells where either side diverged are not comparable and left out of the fraction. */
  differing: number;
  comparable: number;
  diverged: number;
  /** differing / comparable (0 when nothing is comparable). */
  fraction: number;
  /** How many cells went from class A (side a) to class B (side b), e.g. "collapsed → non-collapsed". */
  transitions: Record<string, number>;
}

export function compareResults(a: SweepResult, b: SweepResult): Comparison {
  if (a.nx !== b.nx || a.ny !== b.ny) throw new Error(`cannot compare a ${a.nx}×${a.ny} grid with a ${b.nx}×${b.ny} grid`);
  const diverged = CLASSES.diverged.code;
  const diff = new Uint8Array(a.classes.length);
  const transitions: Record<string, number> = {};
  let differing = 0;
  let divergedCells = 0;
  for (let c = 0; c < diff.length; c++) {
    const ca = a.classes[c];
    const cb = b.classes[c];
    if (ca === diverged || cb === diverged) {
      diff[c] = DIFF.diverged;
      divergedCells++;
    } else if (ca !== cb) {
      diff[c] = DIFF.differs;
      differing++;
      const key = `${CLASS_BY_CODE[ca] ?? ca} → ${CLASS_BY_CODE[cb] ?? cb}`;
      transitions[key] = (transitions[key] ?? 0) + 1;
    }
  }
  const comparable = diff.length - divergedCells;
  return {
    nx: a.nx,
    ny: a.ny,
    diff,
    differing,
    comparable,
    diverged: divergedCells,
    fraction: comparable ? differing / comparable : 0,
    transitions,
  };
}
