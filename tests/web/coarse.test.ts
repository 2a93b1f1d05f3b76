import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/sweep/spec.js';
import { coarseOf, kCoarseN } from '../../web/state/coarse.js';
import { statusLine } from '../../web/state/status-line.js';
import type { LiveRun } from '../../web/controllers/sweep-controller.js';

const cosine = (cosineExpectation: string, n: number) =>
  parseSpec({
    model: 'halvagal-isoloss',
    params: { modes: 4, loss: 'cosine', cosineExpectation, learningRate: 0.1 },
    x: { param: 'lambda0', min: 0.01, max: 0.5, n, scale: 'log' },
    y: { param: 'lambda0Ratio', min: 1, max: 50, n, scale: 'log' },
  });

describe("the explorer's coarse pass", () => {
  it("runs a model's cheaper stand-in where it offers one (halvagal-isoloss: mean-field for exact), and says so", () => {
    const view = cosine('exact', 128);
    expect(view.model.variant).toContain('cosineExpectation=exact');
    const coarse = coarseOf(view)!;
    expect([coarse.spec.x.n, coarse.spec.y.n]).toEqual([kCoarseN, kCoarseN]);
    expect(coarse.spec.model.variant).toBe('modes=4,target=simsiam,cosineExpectation=mean-field');
    expect(coarse.label).toBe('mean-field closure A4 for speed; the full grid runs the exact one');
    const run = {
      spec: view,
      coarseSpec: coarse.spec,
      coarseLabel: coarse.label,
      phase: 'coarse',
      progress: { cells: 1024, activeCells: 1024, t: 0, fraction: 0 },
    };
    expect(statusLine(run as unknown as LiveRun)).toMatch(
      /^coarse pass 32×32 \(mean-field closure A4 for speed; the full grid runs the exact one\): /,
    );
  });

  it('runs the view itself otherwise, and none at all up to 32²', () => {
    const coarse = coarseOf(cosine('mean-field', 128))!;
    expect(coarse.label).toBeUndefined();
    expect(coarse.spec.model).toBe(cosine('mean-field', 128).model);
    expect(coarseOf(cosine('exact', kCoarseN))).toBeUndefined();
  });
});
