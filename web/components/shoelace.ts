/**
 * The Shoelace 2 components the explorer uses, cherry-picked (each import registers one element and
 * pulls only what it needs; the whole bundle would add ~300 kB), and both of its themes: the page's
 * ThemeController puts `sl-theme-dark` on the root element when the dark theme shows. Shoelace's
 * tokens are tied to the page's own colours in web/index.html, so both kinds of control match.
 */
import '@shoelace-style/shoelace/dist/themes/light.css';
import '@shoelace-style/shoelace/dist/themes/dark.css';
import '@shoelace-style/shoelace/dist/components/select/select.js';
import '@shoelace-style/shoelace/dist/components/option/option.js';
import '@shoelace-style/shoelace/dist/components/input/input.js';
import '@shoelace-style/shoelace/dist/components/range/range.js';
import '@shoelace-style/shoelace/dist/components/tooltip/tooltip.js';
import '@shoelace-style/shoelace/dist/components/dialog/dialog.js';
