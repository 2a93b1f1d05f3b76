import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { presentList, type PresentEntry } from '../../src/sweep/present-list.js';
import { explorerModels } from '../state/user-model.js';

/** Keys that step the slides; PageDown/PageUp are what presentation clickers send. */
const kNext = new Set(['ArrowRight', 'ArrowDown', 'PageDown', ' ']);
const kPrevious = new Set(['ArrowLeft', 'ArrowUp', 'PageUp']);

/** What a slide keeps from the URL it was entered from: `n`, one resolution for both axes (`&n=64` for slow machines). */
export interface SlideOptions {
  n?: number;
}

/**
 * Presentation mode for a host element: full screen (the Fullscreen API where the browser grants
 * it; the host's `presenting` attribute is the CSS full-viewport fallback, and is set either way),
 * arrow keys step through a list of presets, Esc leaves. The host shows `entry` (at resolution
 * `options.n` when given) and runs its sweep in `show`; it hides its controls under `:host([presenting])`.
 *
 * The list comes from `?present=` (see presentList); a page opened with that parameter starts
 * presenting. Stepping writes `model` and `preset` into the URL (replaceState), so a reload or a
 * shared link shows the same slide.
 *
 * @example
 * private readonly presentation = new PresentationController(this, (e) => this.showPreset(e.model.id, e.preset.id));
 * html`<button @click=${() => this.presentation.enter()}>present</button>`
 */
export class PresentationController implements ReactiveController {
  active = false;
  entries: PresentEntry[] = [];
  index = 0;
  /** A bad `?present=` list: the message, shown by the host; presenting falls back to every preset. */
  error?: string;
  /** The `?present=` value, put back into the URL after each slide (the host's URL writer does not know it). */
  private list = '';
  private options: SlideOptions = {};

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly show: (entry: PresentEntry, options: SlideOptions) => void,
  ) {
    host.addController(this);
  }

  get entry(): PresentEntry | undefined {
    return this.active ? this.entries[this.index] : undefined;
  }

  hostConnected(): void {
    // Read now: the host may rewrite the URL with its own view state during its first update.
    const query = new URLSearchParams(location.search);
    if (!query.has('present')) return;
    // After the host's first update, so `show` comes after the host has applied its own URL state.
    // Start on the slide the URL names, if it is in the list (a reload mid-talk stays put).
    void this.host.updateComplete.then(() => this.enter({ model: query.get('model'), preset: query.get('preset') }, query));
  }

  hostDisconnected(): void {
    this.detach();
  }

  /**
   * Starts presenting at `at` (or the first slide), with the list and resolution of `query`; call
   * from a user gesture to get real full screen.
   */
  enter(
    at: { model: string | null; preset: string | null } = { model: null, preset: null },
    query = new URLSearchParams(location.search),
  ): void {
    this.list = query.get('present') ?? '';
    const n = Number(query.get('n'));
    this.options = Number.isInteger(n) && n >= 2 ? { n } : {};
    // The user model on screen (the editor's, or the URL's `file=`) takes part: its presets come last.
    const models = explorerModels();
    try {
      this.entries = presentList(this.list, models);
      this.error = undefined;
    } catch (e) {
      this.error = (e as Error).message;
      this.entries = presentList(null, models);
    }
    const k = this.entries.findIndex((e) => e.model.id === at.model && e.preset.id === at.preset);
    this.index = Math.max(0, k);
    this.active = true;
    this.host.toggleAttribute('presenting', true);
    window.addEventListener('keydown', this.onKey);
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
    // Without a user gesture (a page opened with ?present=) the browser refuses; headless may refuse
    // anyway. The CSS fallback already applies.
    if (navigator.userActivation?.isActive) document.documentElement.requestFullscreen?.().catch(() => undefined);
    this.go(this.index);
  }

  leave(): void {
    if (!this.active) return;
    this.active = false;
    this.detach();
    this.host.toggleAttribute('presenting', false);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    const url = new URL(location.href);
    url.searchParams.delete('present');
    history.replaceState(null, '', url);
    this.host.requestUpdate();
  }

  /** Moves `delta` slides, wrapping around at either end. */
  step(delta: number): void {
    if (this.active) this.go((this.index + delta + this.entries.length) % this.entries.length);
  }

  private go(index: number): void {
    this.index = index;
    const { model, preset } = this.entries[index];
    this.show(this.entries[index], this.options); // may rewrite the URL with the host's own view state
    const url = new URL(location.href);
    url.searchParams.set('model', model.id);
    url.searchParams.set('preset', preset.id);
    url.searchParams.set('present', this.list);
    if (this.options.n) url.searchParams.set('n', String(this.options.n));
    history.replaceState(null, '', url);
    this.host.requestUpdate();
  }

  private detach(): void {
    window.removeEventListener('keydown', this.onKey);
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
  }

  private readonly onKey = (e: KeyboardEvent) => {
    // The first of the composed path: e.target is retargeted to the outermost host, never the field typed into
    // (the animation form's fields stay on screen in presentation mode).
    const origin = e.composedPath()[0] as HTMLElement | undefined;
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || origin?.matches?.('input, select, textarea')) return;
    if (kNext.has(e.key)) this.step(1);
    else if (kPrevious.has(e.key)) this.step(-1);
    else if (e.key === 'Home') this.go(0);
    else if (e.key === 'End') this.go(this.entries.length - 1);
    else if (e.key === 'Escape') this.leave();
    else return;
    e.preventDefault();
  };

  // Esc in real full screen is taken by the browser (no keydown): leaving full screen leaves the mode.
  private readonly onFullscreenChange = () => {
    if (!document.fullscreenElement) this.leave();
  };
}
