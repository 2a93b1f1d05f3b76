import { css } from 'lit';

/**
 * Native controls styled from the theme's custom properties (defined on :root in web/index.html, so
 * they reach into every shadow root): one look for buttons, selects, number fields, sliders and
 * check boxes, light or dark, with a visible keyboard focus. Components add it to their styles.
 */
export const controlStyles = css`
  button, select, input:not([type='checkbox']):not([type='range']) {
    font: inherit; color: var(--atlas-fg); background: var(--atlas-control); border: 1px solid var(--atlas-border);
    border-radius: 6px; padding: 3px 8px; min-width: 0; max-width: 100%; box-sizing: border-box;
  }
  input[type='number'] { padding: 3px 4px; font-variant-numeric: tabular-nums; }
  button { cursor: pointer; }
  button:hover:not(:disabled), select:hover { background: var(--atlas-hover); }
  button:disabled { opacity: 0.45; cursor: default; }
  input[type='range'], input[type='checkbox'] { accent-color: var(--atlas-accent); }
  input[type='range'] { min-width: 0; width: 100%; margin: 0; }
  :focus-visible { outline: 2px solid var(--atlas-accent); outline-offset: 1px; }
`;
