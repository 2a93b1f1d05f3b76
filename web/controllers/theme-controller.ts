import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FigureTheme } from '../../src/export/figure.js';
import { resolveTheme, type ThemeChoice } from '../state/appearance.js';

const kDarkQuery = '(prefers-color-scheme: dark)';

/**
 * Applies a theme choice to the page: `data-theme` on the root element (web/index.html defines each
 * theme's custom properties there, and Shoelace's `sl-theme-dark` class for its components), following `prefers-color-scheme` while the choice is `auto`.
 * `theme` is what is shown, for the exports to match.
 */
export class ThemeController implements ReactiveController {
  private choice: ThemeChoice = 'auto';
  private media?: MediaQueryList;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get theme(): FigureTheme {
    return resolveTheme(this.choice, this.media?.matches ?? false);
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    this.apply();
  }

  hostConnected(): void {
    this.media = matchMedia(kDarkQuery);
    this.media.addEventListener('change', this.onChange);
    this.apply();
  }

  hostDisconnected(): void {
    this.media?.removeEventListener('change', this.onChange);
  }

  private readonly onChange = () => {
    this.apply();
    this.host.requestUpdate();
  };

  private apply(): void {
    const root = document.documentElement;
    root.dataset.theme = this.theme;
    // Shoelace's dark tokens (web/components/shoelace.ts) apply under this class.
    root.classList.toggle('sl-theme-dark', this.theme === 'dark');
  }
}
