import { BufferTarget, CanvasSource, Output, QUALITY_HIGH, WebMOutputFormat, canEncodeVideo, type VideoCodec } from 'mediabunny';
import type { SweepResult } from '../engine/result.js';
import { classRgb, type ClassPaletteId } from './palette.js';

/**
 * Class maps as a WebM video (browser only: WebCodecs encodes, mediabunny muxes), for the CLI's
 * batch page and the explorer alike. One video frame per map, scaled up without smoothing, largest y
 * on top as in the figures, the frame's caption (flow time, parameter value) in a corner.
 */
export interface VideoOptions {
  width: number;
  height: number;
  fps: number;
  palette?: ClassPaletteId;
}

export const kVideoDefaults = { fps: 12, longSide: 720 } as const;

/** The frame size for an nx × ny map: the long side `longSide`, the aspect kept, both even (the codecs' 4:2:0 needs it). */
export function videoSize(nx: number, ny: number, longSide: number = kVideoDefaults.longSide): { width: number; height: number } {
  const scale = longSide / Math.max(nx, ny);
  const even = (v: number) => Math.max(2, 2 * Math.round(v / 2));
  return { width: even(nx * scale), height: even(ny * scale) };
}

/** Checks a frame size and rate, naming what is wrong (`--video-size`, `--fps` and the explorer's fields). */
export function checkVideoOptions(o: Pick<VideoOptions, 'width' | 'height' | 'fps'>): string | undefined {
  for (const [name, v, max] of [
    ['width', o.width, 3840],
    ['height', o.height, 2160],
  ] as const) {
    if (!Number.isInteger(v) || v < 16 || v > max || v % 2 !== 0)
      return `video ${name}: an even whole number of pixels in [16, ${max}] (got ${v})`;
  }
  if (!(o.fps > 0 && o.fps <= 120)) return `video fps: a number in (0, 120] (got ${o.fps})`;
  return undefined;
}

const timeLabel = (t: number) => `t = ${Math.abs(t) >= 1000 ? t.toFixed(0) : t.toPrecision(3)}`;

/** What a video shows: `count` class maps of nx × ny cells (row 0 at the bottom), each with a caption. */
export interface VideoFrames {
  nx: number;
  ny: number;
  count: number;
  /** Frame k's class codes, nx·ny of them, row-major from the bottom row. */
  classes(k: number): ArrayLike<number>;
  /** Frame k's caption, e.g. `t = 8.05` or `σ² = 0.5`. */
  label(k: number): string;
}

/** The time-lapse a run recorded as video frames (the CLI's timelapse.webm and the explorer's). */
export function timelapseFrames(r: SweepResult): VideoFrames {
  const tl = r.timelapse;
  if (!tl) throw new Error('this run recorded no time-lapse (spec.timelapse)');
  const cells = r.nx * r.ny;
  return {
    nx: r.nx,
    ny: r.ny,
    count: tl.times.length,
    classes: (k) => tl.classes.subarray(k * cells, (k + 1) * cells),
    label: (k) => timeLabel(tl.times[k]),
  };
}

export async function timelapseWebm(r: SweepResult, options: VideoOptions): Promise<Uint8Array> {
  return framesWebm(timelapseFrames(r), options);
}

/**
 * Any sequence of class maps as a WebM video (a time-lapse, a parameter animation): one video frame
 * per map, each `1 / fps` seconds long.
 */
export async function framesWebm(frames: VideoFrames, options: VideoOptions): Promise<Uint8Array> {
  const bad = checkVideoOptions(options);
  if (bad) throw new Error(bad);
  if (frames.count < 1) throw new Error('video: no frames to encode');
  const { nx, ny } = frames;
  const { width, height, fps } = options;
  const colors = classRgb(options.palette);
  const cells = new OffscreenCanvas(nx, ny);
  const cellsCtx = cells.getContext('2d')!;
  const image = cellsCtx.createImageData(nx, ny);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  const codec = await pickCodec(width, height);
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  const source = new CanvasSource(canvas, { codec, bitrate: QUALITY_HIGH });
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  for (let k = 0; k < frames.count; k++) {
    const frame = frames.classes(k);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const [red, green, blue] = colors.get(frame[j * nx + i]) ?? [0, 0, 0];
        const p = 4 * ((ny - 1 - j) * nx + i);
        image.data.set([red, green, blue, 255], p);
      }
    }
    cellsCtx.putImageData(image, 0, 0);
    ctx.drawImage(cells, 0, 0, width, height);
    const size = Math.max(12, Math.round(height / 24));
    ctx.font = `${size}px sans-serif`;
    const text = frames.label(k);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
    ctx.fillRect(0, 0, ctx.measureText(text).width + size, 1.6 * size);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, size / 2, 1.2 * size);
    await source.add(k / fps, 1 / fps);
  }
  source.close();
  await output.finalize();
  return new Uint8Array((output.target as BufferTarget).buffer!);
}

/** VP9 where this browser encodes it at this size, else VP8 (both WebM codecs). */
async function pickCodec(width: number, height: number): Promise<VideoCodec> {
  for (const codec of ['vp9', 'vp8'] as const) if (await canEncodeVideo(codec, { width, height })) return codec;
  throw new Error('this browser cannot encode VP9 or VP8 video (WebCodecs VideoEncoder)');
}
