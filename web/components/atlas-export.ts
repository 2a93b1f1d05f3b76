import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SweepResult } from '../../src/engine/result.js';
import type { LayerId } from '../../src/export/layer.js';
import { csvExport, exportStem, figureExport, manifestExport, npyExport, type ExportFile } from '../../src/export/downloads.js';
import { checkVideoOptions, framesWebm, kVideoDefaults, videoSize } from '../../src/export/video.js';
import type { FrameSource } from '../controllers/timelapse-controller.js';
import { version } from '../../package.json';
import { svgToPngBlob } from '../render/rasterise.js';
import type { FigureTheme } from '../../src/export/figure.js';
import type { ClassPaletteId } from '../../src/export/palette.js';
import { controlStyles } from './control-styles.js';
// No import of ./shoelace.js here: the explorer, the only page that shows this element, registers the sl-input
// it uses; the comparison page imports only this module's download helpers and should not load Shoelace.

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
 * grid as CSV and as the shown layer's .npy, the JSON manifest the batch runner takes back, and the
 * scrubber's frames (the time-lapse, or a parameter animation) as a WebM video of the size and frame
 * rate given here. Disabled until `result` is set (a partial result is never exported).
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
    .video { display: inline-flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    .video sl-input { display: inline-block; width: 6em; vertical-align: middle; }
    .video sl-input[name='video-fps'] { width: 4.5em; }
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
  /** The frames the scrubber steps through (web/controllers/timelapse-controller.ts), for the video. */
  @property({ attribute: false }) frames?: FrameSource;
  @state() private error?: string;
  /** The video's frame size and rate as typed; a size left empty follows the map's aspect (videoSize). */
  @state() private video: { width?: number; height?: number; fps: number } = { fps: kVideoDefaults.fps };
  @state() private encoding = false;

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

  /** The frame size and rate the video gets: those typed, else 720 px on the long side at the map's aspect. */
  videoOptions(): { width: number; height: number; fps: number } | undefined {
    const r = this.result;
    if (!r) return undefined;
    const auto = videoSize(r.nx, r.ny);
    return { width: this.video.width ?? auto.width, height: this.video.height ?? auto.height, fps: this.video.fps };
  }

  private readonly webm = async () => {
    const frames = this.frames;
    const options = this.videoOptions();
    if (!frames || !options) return;
    const bad = checkVideoOptions(options);
    if (bad) {
      this.error = `Export failed: ${bad}`;
      return;
    }
    this.encoding = true;
    try {
      await this.save(async (r) => {
        const bytes = await framesWebm({ nx: r.nx, ny: r.ny, ...frames }, { ...options, palette: this.palette });
        const what = frames.kind === 'time' ? 'timelapse' : `animation-${frames.param ?? 'parameter'}`;
        return { name: `${exportStem(r)}-${what}.webm`, blob: new Blob([bytes as BlobPart], { type: 'video/webm' }) };
      });
    } finally {
      this.encoding = false;
    }
  };

  private videoField(name: 'width' | 'height' | 'fps', title: string) {
    const value = this.videoOptions()?.[name];
    return html`<sl-input type="number" size="small" no-spin-buttons name=${`video-${name}`} title=${title} min="1" step=${name === 'fps' ? 'any' : 2}
      .value=${value === undefined ? '' : String(value)}
      @sl-change=${(e: Event) => {
        const v = (e.target as HTMLInputElement).value;
        this.video = { ...this.video, [name]: v === '' && name !== 'fps' ? undefined : Number(v) };
      }}></sl-input>`;
  }

  override render() {
    const off = !this.result;
    const noVideo = off || !this.frames || this.encoding;
    return html`
      <span>export</span>
      <button data-export="png" ?disabled=${off} @click=${this.png} title="the figure with axes, legend and title">PNG</button>
      <button data-export="csv" ?disabled=${off} @click=${this.file(csvExport)} title="one row per cell">CSV</button>
      <button data-export="npy" ?disabled=${off} @click=${this.file((r) => npyExport(r, this.layer))} title="the shown layer as a NumPy grid [ny, nx]">NPY</button>
      <button data-export="manifest" ?disabled=${off} @click=${this.file((r) => manifestExport(r, { packageVersion: version }))} title="spec, model version, adapter, timings">manifest</button>
      <span class="video" title="the scrubber's frames (time-lapse or parameter animation) as a WebM video">
        ${this.videoField('width', 'frame width in pixels (even)')}×${this.videoField('height', 'frame height in pixels (even)')}
        ${this.videoField('fps', 'frames per second')} fps
        <button data-export="webm" ?disabled=${noVideo} @click=${this.webm}>${this.encoding ? 'encoding…' : 'WebM'}</button>
      </span>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : ''}
    `;
  }
}
