// A bad zoom box is named as the zoom box, not as the axes it is sent as.
import { describe, expect, it } from 'vitest';
import { viewFromQuery } from '../../web/state/url.js';

const base = '?model=tian-l2&x=p0:0:0.9:16:linear&y=weightDecay:0.02:0.3:12:linear';

describe('zoom box errors', () => {
  it.each([
    ['zoom=0.6:0.6:0.05:0.2', 'URL: zoom: xmin: must be less than xmax (0.6 ≥ 0.6)'],
    ['zoom=0.1:0.5:0.2:0.1', 'URL: zoom: ymin: must be less than ymax (0.2 ≥ 0.1)'],
    ['zoom=0.1:0.5:0.05:3', 'URL: zoom: ymax: 3 is outside the range of tian-l2.weightDecay [0, 1]'],
  ])('%s', (zoom, error) => {
    expect(viewFromQuery(`${base}&${zoom}`).error).toBe(error);
  });

  it('other fields keep their names under a zoom, and the axes theirs without one', () => {
    expect(viewFromQuery('?model=tian-l2&x=p0:0:0.9:1:linear&y=weightDecay:0.02:0.3:12:linear&zoom=0.1:0.5:0.05:0.2').error).toBe(
      'URL: x.n: must be an integer ≥ 2 (got 1)',
    );
    expect(viewFromQuery('?model=tian-l2&x=p0:0.9:0.9:16:linear&y=weightDecay:0.02:0.3:12:linear').error).toBe(
      'URL: x.min: must be less than x.max (0.9 ≥ 0.9)',
    );
  });
});
