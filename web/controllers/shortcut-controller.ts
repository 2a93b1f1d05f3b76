import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What a shortcut does; the host maps each to an action. */
export type ShortcutAction =
  | 'help'
  | 'nextLayer'
  | 'previousLayer'
  | 'classMap'
  | 'overlays'
  | 'computedOverlay'
  | 'nextPreset'
  | 'previousPreset'
  | 'zoomBack'
  | 'zoomForward'
  | 'zoomReset'
  | 'panel'
  | 'theme'
  | 'palette'
  | 'play'
  | 'nextFrame'
  | 'previousFrame';

export interface Shortcut {
  /** KeyboardEvent.key (so `?` and `L` are what the keyboard layout types). */
  key: string;
  action: ShortcutAction;
  /** What the `?` overlay says it does. */
  label: string;
  /** How the overlay writes the key, where `key` is not printable (space). */
  keyName?: string;
}

/**
 * Every keyboard shortcut of the explorer, in the order the `?` overlay lists them; presentation mode
 * keeps its own arrow keys and Esc.
 */
export const kShortcuts: readonly Shortcut[] = [
  { key: '?', action: 'help', label: 'show or hide this list' },
  { key: 'l', action: 'nextLayer', label: 'next layer (class map, then each metric)' },
  { key: 'L', action: 'previousLayer', label: 'previous layer' },
  { key: 'c', action: 'classMap', label: 'class map' },
  { key: 'o', action: 'overlays', label: 'closed-form overlays on / off' },
  { key: 'u', action: 'computedOverlay', label: 'computed-cells overlay on / off (refined runs)' },
  { key: 'n', action: 'nextPreset', label: 'next preset' },
  { key: 'p', action: 'previousPreset', label: 'previous preset' },
  { key: 'z', action: 'zoomBack', label: 'zoom back' },
  { key: 'Z', action: 'zoomForward', label: 'zoom forward' },
  { key: '0', action: 'zoomReset', label: 'reset the zoom' },
  { key: 'b', action: 'panel', label: 'hide or show the control panel' },
  { key: 't', action: 'theme', label: 'theme: auto → light → dark' },
  { key: 'k', action: 'palette', label: 'class palette: default ↔ colour-blind safe (Okabe–Ito)' },
  { key: ' ', keyName: 'space', action: 'play', label: 'play / pause the time-lapse of the basins' },
  { key: '.', action: 'nextFrame', label: 'time-lapse: next frame' },
  { key: ',', action: 'previousFrame', label: 'time-lapse: previous frame' },
];

/**
 * Window key presses → the host's actions. Keys typed into a field, and keys with Ctrl, Alt or Meta
 * (the browser's own shortcuts), are left alone; a handled key is not also handled by the browser.
 */
export class ShortcutController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly actions: Record<ShortcutAction, () => void>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    // The event is retargeted at shadow boundaries: the element typed into is the first of its path.
    const origin = e.composedPath()[0] as HTMLElement | undefined;
    if (origin?.matches?.('input, select, textarea, [contenteditable]')) return;
    const shortcut = kShortcuts.find((s) => s.key === e.key);
    if (!shortcut) return;
    e.preventDefault();
    this.run(shortcut.action);
  };

  /** Does what a shortcut does (buttons that have a key call this too). */
  run(action: ShortcutAction): void {
    this.actions[action]();
  }
}
