// Parameter look-ups by id in model files are checked by the compiler (`npm test` runs tsc first).
import { describe, expect, it } from 'vitest';
import { numberParam, paramIndices, type Param } from '../../src/models/types.js';

const params = [
  numberParam('weightDecay', 'η', 'weight decay', '', 'param', 0.04, 0, 1),
  numberParam('s0', 's₀', 'initial strength', '', 'initial', 'derived', 0, 10, 'log', { derivedAs: 's0 = p0²' }),
  {
    kind: 'choice',
    id: 'target',
    symbol: 'W_a',
    label: 'target',
    description: '',
    role: 'param',
    options: ['simsiam', 'byol'],
    default: 'simsiam',
  },
] as const satisfies readonly Param[];

describe('paramIndices', () => {
  it('maps every id to its position in P', () => {
    const ix = paramIndices(params);
    expect([ix.weightDecay, ix.s0, ix.target]).toEqual([0, 1, 2]);
    // @ts-expect-error a misspelt id does not compile
    expect(ix.weightDecy).toBeUndefined();
  });
  it('numberParam fills the schema fields', () => {
    expect(params[1]).toEqual({
      kind: 'number',
      id: 's0',
      symbol: 's₀',
      label: 'initial strength',
      description: '',
      role: 'initial',
      default: 'derived',
      min: 0,
      max: 10,
      scale: 'log',
      derivedAs: 's0 = p0²',
    });
    expect(params[0].scale).toBe('linear');
  });
});
