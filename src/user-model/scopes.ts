/**
 * Which identifiers each field of a model file may read, and why the others are refused:
 *
 * | field                            | parameters | state | let | readouts | rates d_x |
 * | initial-condition formulas       | earlier    |       |     |          |           |
 * | state[].initial, overlays        | all        |       | parameter-only lets |  |     |
 * | let, rhs, readouts               | all        | yes   | earlier / all |   |           |
 * | collapsed                        | all        | yes   | all | yes      |           |
 * | classes[].when, settle           | all        | yes   | all | yes      | yes       |
 */
import type { Binding } from './ir.js';
import type { Scope } from './check.js';

export type Field = 'formula' | 'initialState' | 'overlay' | 'let' | 'rhs' | 'readout' | 'collapsed' | 'class' | 'settle';

/** One identifier of the model with what it is, for scopes and messages. */
export interface Declared {
  binding: Binding;
  /** `a state variable`, `a readout`, … */
  what: string;
  /** For `let` definitions: whether the definition reads the state (directly or through another). */
  readsState?: boolean;
  /** For readouts: they are visible only where the final state's class is decided. */
  readout?: boolean;
}

const fieldWords: Record<Field, string> = {
  formula: 'an initial condition formula',
  initialState: 'an initial state',
  overlay: 'an overlay curve',
  let: 'a let definition',
  rhs: 'a right-hand side',
  readout: 'a readout',
  collapsed: 'the collapse test',
  class: 'a class rule',
  settle: 'a settle rule',
};

function visible(d: Declared, field: Field): boolean {
  const b = d.binding;
  const stateless = field === 'formula' || field === 'initialState' || field === 'overlay';
  if (b.kind === 'param' || b.kind === 'choice') return true;
  if (b.kind === 'state') return !stateless;
  if (b.kind === 'rate') return field === 'class' || field === 'settle';
  if (d.readout) return field === 'class' || field === 'settle' || field === 'collapsed';
  // A let definition: parameter-only ones are visible everywhere but in formulas.
  return field !== 'formula' && !(stateless && d.readsState);
}

/** The scope of `field` over the identifiers declared so far. */
export function scopeFor(declared: ReadonlyMap<string, Declared>, field: Field): Scope {
  const names = new Map<string, Binding>();
  const hidden = new Map<string, string>();
  for (const [name, d] of declared) {
    if (visible(d, field)) names.set(name, d.binding);
    else hidden.set(name, `${d.what}${d.readsState ? ' that reads the state' : ''}, which ${fieldWords[field]} cannot use`);
  }
  return { names, hidden };
}
