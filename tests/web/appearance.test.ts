// The explorer's appearance state (theme, class palette, side panel) in the URL, and the map's size.
import { describe, expect, it } from 'vitest';
import {
  appearanceFromQuery,
  kDefaultAppearance,
  nextChoice,
  resolveTheme,
  themeChoices,
  withAppearance,
} from '../../web/state/appearance.js';
import { plotSize } from '../../web/controllers/plot-size-controller.js';

describe('appearance in the URL', () => {
  it('reads each field, and writes only what is not the default', () => {
    expect(appearanceFromQuery('?model=tian-l2')).toEqual({ appearance: kDefaultAppearance });
    const { appearance } = appearanceFromQuery('?theme=dark&palette=okabe-ito&panel=closed');
    expect(appearance).toEqual({ theme: 'dark', palette: 'okabe-ito', panel: 'closed' });
    expect(withAppearance('?model=tian-l2&layer=class', appearance)).toBe(
      '?model=tian-l2&layer=class&theme=dark&palette=okabe-ito&panel=closed',
    );
    expect(withAppearance('?model=tian-l2&theme=dark&panel=closed', { ...kDefaultAppearance, palette: 'okabe-ito' })).toBe(
      '?model=tian-l2&palette=okabe-ito',
    );
  });

  it('names a bad value and its choices, keeping the default for that field only', () => {
    const { appearance, error } = appearanceFromQuery('?theme=dim&palette=okabe-ito');
    expect(error).toBe('URL: theme: must be auto, light or dark, got "dim"');
    expect(appearance).toEqual({ ...kDefaultAppearance, palette: 'okabe-ito' });
    expect(appearanceFromQuery('?palette=viridis').error).toBe('URL: palette: must be default or okabe-ito, got "viridis"');
  });

  it('auto follows the system; the t key cycles auto → light → dark → auto', () => {
    expect([resolveTheme('auto', true), resolveTheme('auto', false), resolveTheme('light', true), resolveTheme('dark', false)]).toEqual([
      'dark',
      'light',
      'light',
      'dark',
    ]);
    expect([
      nextChoice(themeChoices, 'auto'),
      nextChoice(themeChoices, 'light'),
      nextChoice(themeChoices, 'dark'),
      nextChoice(themeChoices, 'auto', -1),
    ]).toEqual(['light', 'dark', 'auto', 'dark']);
  });
});

describe('plotSize', () => {
  it('fills the column at 1440 × 900, keeps the legend on screen, and bounds the aspect ratio', () => {
    // 1440 × 900 with the panel open (24vw) and a 15 px scroll-bar gutter: a 1039 px column; 963 / 1440 = 67 %.
    expect(plotSize(1039, 900)).toEqual({ width: 963, height: 604 });
    // A very wide column: at most 1.75 times as wide as tall.
    expect(plotSize(3000, 900)).toEqual({ width: 1057, height: 604 });
    // A narrow, tall window: square, never taller than wide.
    expect(plotSize(600, 1250)).toEqual({ width: 524, height: 524 });
    // Small windows keep a usable map (the page scrolls).
    expect(plotSize(200, 300)).toEqual({ width: 300, height: 300 });
  });
});
