import type { z } from 'zod';

/**
 * Message helpers shared by every validator (sweep specs, model files): user-given text is echoed
 * clipped, and a zod issue reads as `path: what is wrong`.
 */

/** Longest user-given text a message repeats: a 10 MB model name is not echoed whole. */
const kEchoChars = 60;

/** A user-given string for a message, clipped to kEchoChars with the full length said. */
export function echo(text: string): string {
  return text.length <= kEchoChars ? text : `${text.slice(0, kEchoChars)}… (${text.length} characters)`;
}

/** What a JSON value is, in words a user recognises (`null`, `Infinity`, `an array`). */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (beyond the largest double, 1.8e308)`;
  if (typeof v === 'string') return `"${echo(v)}"`;
  return typeof v === 'object' ? 'an object' : typeof v === 'boolean' ? String(v) : typeof v;
}

/** A zod issue as `path: what is wrong`, in the words of the messages above. */
export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((k) => echo(String(k))).join('.') || 'spec';
  if (issue.code === 'unrecognized_keys') return `${path}: unknown field "${echo(issue.keys[0])}"`;
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `${path}: required`;
    const want =
      issue.expected === 'number'
        ? 'a finite number'
        : issue.expected === 'object'
          ? 'an object'
          : issue.expected === 'string'
            ? 'a string'
            : issue.expected;
    return `${path}: expected ${want}, got ${kindOf(issue.input)}`;
  }
  if (issue.code === 'invalid_value') return `${path}: must be one of ${issue.values.map(String).join(', ')}`;
  return `${path}: ${issue.message}`;
}
