import type { Mat3 } from 'wgpu-matrix';
import { specToJson, type ResolvedSpec } from '../../src/sweep/spec.js';
import { extentOf, viewMatrix, type Extent } from './view-transform.js';

/** What a picture the renderer holds shows: which run, which region, which slice, drawn how. */
interface Picture {
  runId: number;
  extent: Extent;
  /** The spec without its axis ranges: pictures of one slice differ only in where they look. */
  slice: string;
  /** How it was drawn (layer, size, overlay, palette, frame): another look is another picture. */
  look: string;
}

function sliceOf(spec: ResolvedSpec): string {
  const j = specToJson(spec);
  const axis = (a: ResolvedSpec['x']) => ({ param: a.param, scale: a.scale });
  return JSON.stringify({ ...j, x: axis(spec.x), y: axis(spec.y) });
}

/**
 * The heatmap's bookkeeping for instant zoom and pan: what the renderer's image shows (`shown`) and
 * what its previous image shows (`kept`, the picture a new run's pending cells show through), so
 * that an old picture stands in for a new region only where it is the same slice drawn the same way.
 */
export class ZoomPictures {
  private shown?: Picture;
  private kept?: Picture;
  private cache?: { spec: ResolvedSpec; slice: string };

  /** Forget both (a new renderer on a new device has neither image). */
  reset(): void {
    [this.shown, this.kept] = [undefined, undefined];
  }

  private slice(spec: ResolvedSpec): string {
    if (this.cache?.spec !== spec) this.cache = { spec, slice: sliceOf(spec) };
    return this.cache.slice;
  }

  /** The picture on screen, if it may stand in for `spec` drawn with `look`: its extent. */
  standIn(spec: ResolvedSpec, look: string): Extent | undefined {
    const p = this.shown ?? this.kept;
    return p && p.slice === this.slice(spec) && p.look === look ? p.extent : undefined;
  }

  /**
   * Before drawing run `runId`: a picture of another run becomes the kept one (`keepImage` moves the
   * renderer's image likewise). Returns the matrix under which the new run's pending cells show the
   * kept picture, or undefined where it may not stand in.
   */
  beginDraw(runId: number, spec: ResolvedSpec, look: string, keepImage: () => void): Mat3 | undefined {
    if (this.shown && this.shown.runId !== runId) {
      keepImage();
      [this.kept, this.shown] = [this.shown, undefined];
    }
    const k = this.kept;
    return k && k.slice === this.slice(spec) && k.look === look ? viewMatrix(extentOf(spec), k.extent) : undefined;
  }

  /** After drawing run `runId`: the renderer's image shows it. */
  drew(runId: number, spec: ResolvedSpec, look: string): void {
    this.shown = { runId, extent: extentOf(spec), slice: this.slice(spec), look };
  }
}
