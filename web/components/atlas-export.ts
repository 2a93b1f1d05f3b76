import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SweepResult } from '../../src/engine/result.js';
import type { LayerId } from '../../src/export/layer.js';
import { csvExport, figureExport, manifestExport, npyExport, type ExportFile } from '../../src/export/downloads.js';
import { version } from '../../package.json';
import { svgToPngBlob } from '../render/rasterise.js';
import type { FigureTheme } from '../../src/export/figure.js';
import type { ClassPaletteId } from '../../src/export/palette.js';
import { controlStyles } from './control-styles.js';

/** Device pixels per SVG unit of the PNG figure: 2 gives a 1800 × 1240 image, sharp on slides and paper. */
const kPngScale = 2;

/** Hands bytes to the browser as a download through a short-lived object URL. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  // The click starts the download synchronously; the URL can go once the event loop has moved on.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The figure file as a PNG at `scale` device pixels per SVG unit. */
export function svgToPng(file: ExportFile & { width: number; height: number }, scale = kPngScale): Promise<Blob> {
  return svgToPngBlob(file.bytes, file.width, file.height, scale);
}

/**
 * Export buttons for a finished sweep: the figure as PNG (axes, legend or colorbar, title), the raw
 * grid as CSV and as the shown layer's .npy, and the JSON manifest the batch runner takes back.
 * Disabled until `result` is set (a partial result is never exported).
 *
 * @fires export-error - detail: { message }, when a file could not be produced.
 */
@customElement('atlas-export')
export class AtlasExport extends LitElement {
  static override styles = [
    controlStyles,
    css`
    :host { display: inline-flex; flex-wrap: wrap; gap: 6px; align-items: center; }
    .error { color: var(--atlas-error, #b00020); }
  `,
  ];

  @property({ attribute: false }) result?: SweepResult;
  @property() layer: LayerId = 'class';
  @property() figureTitle?: string;
  @property() subtitle?: string;
  @property({ type: Boolean }) overlays = true;
  /** The figure's page colours: the theme on screen, so a slide matches the page it was taken from. */
  @property() theme: FigureTheme = 'light';
  /** The figure's class colours (src/export/palette.ts kClassPalettes). */
  @property() palette: ClassPaletteId = 'default';
  @state() private error?: string;

  private async save(make: (r: SweepResult) => Promise<{ name: string; blob: Blob }>): Promise<void> {
    if (!this.result) return;
    this.error = undefined;
    try {
      const { name, blob } = await make(this.result);
      download(name, blob);
    } catch (e) {
      this.error = `Export failed: ${(e as Error).message}`;
      this.dispatchEvent(new CustomEvent('export-error', { detail: { message: this.error }, bubbles: true, composed: true }));
    }
  }

  private readonly png = () =>
    this.save(async (r) => {
      const svg = figureExport(r, {
        layer: this.layer,
        overlays: this.overlays,
        title: this.figureTitle,
        subtitle: this.subtitle,
        theme: this.theme,
        palette: this.palette,
      });
      return { name: svg.name.replace(/\.svg$/, '.png'), blob: await svgToPng(svg) };
    });

  private file(make: (r: SweepResult) => ExportFile) {
    return () =>
      this.save(async (r) => {
        const f = make(r);
        return { name: f.name, blob: new Blob([f.bytes as BlobPart], { type: f.type }) };
      });
  }

  override render() {
    const off = !this.result;
    return html`
      <span>export</span>
      <button data-export="png" ?disabled=${off} @click=${this.png} title="the figure with axes, legend and title">PNG</button>
      <button data-export="csv" ?disabled=${off} @click=${this.file(csvExport)} title="one row per cell">CSV</button>
      <button data-export="npy" ?disabled=${off} @click=${this.file((r) => npyExport(r, this.layer))} title="the shown layer as a NumPy grid [ny, nx]">NPY</button>
      <button data-export="manifest" ?disabled=${off} @click=${this.file((r) => manifestExport(r, { packageVersion: version }))} title="spec, model version, adapter, timings">manifest</button>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : ''}
    `;
  }
}
