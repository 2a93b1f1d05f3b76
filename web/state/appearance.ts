import { classPaletteIds, type ClassPaletteId } from '../../src/export/palette.js';
import type { FigureTheme } from '../../src/export/figure.js';

/**
 * How the explorer looks, apart from what it computes: the colour theme, the class palette and
 * whether the side panel is open. In the URL next to the view, written only where it is not the
 * default, so every older link means what it meant:
 *
 *   ?model=tian-l2&…&theme=dark&palette=okabe-ito&panel=closed
 *
 * `theme=auto` (the default) follows the system's `prefers-color-scheme`.
 */
export interface Appearance {
  theme: ThemeChoice;
  palette: ClassPaletteId;
  panel: 'open' | 'closed';
}

export type ThemeChoice = 'auto' | FigureTheme;
export const themeChoices: readonly ThemeChoice[] = ['auto', 'light', 'dark'];
export const kDefaultAppearance: Appearance = { theme: 'auto', palette: 'default', panel: 'open' };

const kChoices: { [K in keyof Appearance]: readonly Appearance[K][] } = {
  theme: themeChoices,
  palette: classPaletteIds,
  panel: ['open', 'closed'],
};

/**
 * The appearance a query string asks for; an unknown value gives `error` naming the field and the
 * choices (e.g. `URL: theme: must be auto, light or dark, got "dim"`) and keeps that field's default.
 */
export function appearanceFromQuery(search: string): { appearance: Appearance; error?: string } {
  const q = new URLSearchParams(search);
  const appearance = { ...kDefaultAppearance };
  const errors: string[] = [];
  for (const key of Object.keys(kChoices) as (keyof Appearance)[]) {
    const text = q.get(key);
    if (text === null) continue;
    const choices = kChoices[key] as readonly string[];
    if (choices.includes(text)) (appearance as Record<string, string>)[key] = text;
    else errors.push(`URL: ${key}: must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got "${text}"`);
  }
  return { appearance, ...(errors.length ? { error: errors.join('\n') } : {}) };
}

/** `query` (a `?…` string) with the appearance's non-default fields set and its default ones removed. */
export function withAppearance(query: string, appearance: Appearance): string {
  const q = new URLSearchParams(query);
  for (const key of Object.keys(kChoices) as (keyof Appearance)[]) {
    if (appearance[key] === kDefaultAppearance[key]) q.delete(key);
    else q.set(key, appearance[key]);
  }
  return `?${q.toString()}`;
}

/** The theme shown: an explicit choice, or the system's preference for `auto`. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): FigureTheme {
  return choice === 'auto' ? (prefersDark ? 'dark' : 'light') : choice;
}

/** The next of `choices` after `current`, wrapping (keyboard shortcuts cycle through them). */
export function nextChoice<T>(choices: readonly T[], current: T, delta = 1): T {
  const k = choices.indexOf(current);
  return choices[(k + delta + choices.length) % choices.length];
}
