// Video export from the explorer (issue 14): the scrubber's frames (the time-lapse, or a parameter
// animation) as a WebM of the size and frame rate typed in the export panel. The file is read back
// with mediabunny and its packets decoded by the browser's WebCodecs: every frame, at that size, the
// last one in the classes of the run's end state.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { BufferSource, EncodedPacketSink, Input, WEBM } from 'mediabunny';
import { useExplorer } from '../support/browser.js';
import { animateParameter, deep, finishedGrid, openExplorer, textOf, waitDone } from '../support/explorer-page.js';
import { interior } from '../support/cells.js';
import { classRgb } from '../../src/export/palette.js';

const kQuery = '?model=tian-l2&preset=weight-decay-threshold&n=32&tEnd=300&overlays=off&refine=off';
const n = 32;
let url = '';
let browser: Browser;

useExplorer((s) => ({ url, browser } = s));

async function setField(page: Page, name: string, value: string): Promise<void> {
  // An sl-input: its value, then the event it fires on commit.
  const input = await deep(page, 'atlas-export', `sl-input[name=${name}]`);
  await input.evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('sl-change', { bubbles: true, composed: true }));
  }, value);
}

/** Clicks the WebM button and waits for the file named `*${suffix}` in `dir`. */
async function exportWebm(page: Page, dir: string, suffix: string): Promise<Buffer> {
  await (await deep(page, 'atlas-export', 'button[data-export=webm]')).evaluate((b) => (b as HTMLButtonElement).click());
  for (let wait = 0; wait < 600; wait++) {
    const name = readdirSync(dir).find((f) => f.endsWith(suffix));
    if (name && existsSync(join(dir, name))) return readFileSync(join(dir, name));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no *${suffix} in ${dir}: ${readdirSync(dir).join(', ')}`);
}

interface Decoded {
  codec: string;
  width: number;
  height: number;
  packets: number;
  duration: number;
  /** Each decoded frame's display size, in order. */
  frames: number[][];
  /** RGB of the last frame at `samples`. */
  pixels: number[][];
}

/** Reads the WebM with mediabunny (in Node) and decodes its packets with WebCodecs in `page`. */
async function decode(page: Page, bytes: Buffer, samples: [number, number][]): Promise<Decoded> {
  const input = new Input({ source: new BufferSource(bytes), formats: [WEBM] });
  const track = (await input.getPrimaryVideoTrack())!;
  const config = (await track.getDecoderConfig())!;
  const packets: { type: string; timestamp: number; data: number[] }[] = [];
  for await (const p of new EncodedPacketSink(track).packets())
    packets.push({ type: p.type, timestamp: Math.round(p.timestamp * 1e6), data: Array.from(p.data) });
  const inPage = await page.evaluate(
    async (codec, packets, samples) => {
      const frames: number[][] = [];
      let last: VideoFrame | undefined;
      const decoder = new VideoDecoder({
        output: (f) => {
          frames.push([f.displayWidth, f.displayHeight]);
          last?.close();
          last = f;
        },
        error: (e) => console.error(String(e)),
      });
      decoder.configure({ codec });
      for (const p of packets)
        decoder.decode(
          new EncodedVideoChunk({ type: p.type as EncodedVideoChunkType, timestamp: p.timestamp, data: new Uint8Array(p.data) }),
        );
      await decoder.flush();
      const canvas = new OffscreenCanvas(last!.displayWidth, last!.displayHeight);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(last!, 0, 0);
      last!.close();
      return { frames, pixels: samples.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3))) };
    },
    config.codec,
    packets,
    samples,
  );
  return {
    codec: track.codec!,
    width: track.displayWidth,
    height: track.displayHeight,
    packets: packets.length,
    duration: await input.computeDuration(),
    ...inPage,
  };
}

/** The class whose (default palette) colour is nearest `rgb`: lossy VP8/VP9 moves flat colours a little. */
function nearestClass(rgb: number[]): number {
  let best = -1;
  let d = Infinity;
  for (const [code, c] of classRgb('default')) {
    const e = c.reduce((s, v, k) => s + (v - rgb[k]) ** 2, 0);
    if (e < d) [best, d] = [code, e];
  }
  return best;
}

describe('video export from the explorer', () => {
  let page: Page;
  let errors: string[];
  let dir: string;

  it('exports the time-lapse as a WebM of the size and rate typed: 64 frames, 320 × 240, 24 fps, the last one the end state', async () => {
    ({ page, errors } = await openExplorer(browser, `${url}${kQuery}`));
    await waitDone(page);
    dir = mkdtempSync(join(tmpdir(), 'atlas-video-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    // The size follows the map (720 px on its long side) until typed.
    const value = async (name: string) =>
      (await deep(page, 'atlas-export', `sl-input[name=${name}]`)).evaluate((e) => (e as HTMLInputElement).value);
    expect([await value('video-width'), await value('video-height'), await value('video-fps')]).toEqual(['720', '720', '12']);
    await setField(page, 'video-width', '320');
    await setField(page, 'video-height', '240');
    await setField(page, 'video-fps', '24');
    const grid = await finishedGrid(page);
    const classes = Uint8Array.from(grid.classes);
    // Cells well inside a basin, away from the caption in the top left corner.
    const cells = interior(classes, n, n).filter((c) => !(c % n < 16 && Math.floor(c / n) > n - 6));
    const at = (c: number): [number, number] => [
      Math.floor(((c % n) + 0.5) * (320 / n)),
      Math.floor((n - 1 - Math.floor(c / n) + 0.5) * (240 / n)),
    ];
    const video = await decode(page, await exportWebm(page, dir, '-timelapse.webm'), cells.map(at));
    expect(['vp8', 'vp9']).toContain(video.codec);
    expect([video.width, video.height, video.packets]).toEqual([320, 240, 64]);
    expect(video.frames).toEqual(Array.from({ length: 64 }, () => [320, 240]));
    expect(video.duration).toBeCloseTo(64 / 24, 2);
    expect(cells.length).toBeGreaterThan(300);
    expect(new Set(cells.map((c) => classes[c])).size).toBe(2);
    expect(video.pixels.map(nearestClass)).toEqual(cells.map((c) => classes[c]));
  });

  it('exports a parameter animation with one frame per value, and names a bad frame size', async () => {
    await animateParameter(page, 'augmentation', '0', '1.5', 5);
    await setField(page, 'video-fps', '2.5');
    const video = await decode(page, await exportWebm(page, dir, '-animation-augmentation.webm'), []);
    expect([video.width, video.height, video.packets, video.frames.length]).toEqual([320, 240, 5, 5]);
    expect(video.duration).toBeCloseTo(5 / 2.5, 2);
    await setField(page, 'video-width', '641');
    await (await deep(page, 'atlas-export', 'button[data-export=webm]')).evaluate((b) => (b as HTMLButtonElement).click());
    expect(await textOf(page, 'atlas-export', '.error')).toBe(
      'Export failed: video width: an even whole number of pixels in [16, 3840] (got 641)',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
