// `--timelapse`: the CLI writes every cell's class at log-spaced flow times, whole or in tiles merged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestSchema } from '../../src/export/manifest.js';
import { parseSpec, specToJson } from '../../src/sweep/spec.js';
import { presetJob, withTimelapse } from '../../src/cli/specs.js';
import { runSweepCpu } from '../../src/engine/cpu-runner.js';
import { testDevice } from '../support/gpu.js';
import { cli, errorLines, readNpy, type CliRun } from './support.js';
import { BufferSource, Input, WEBM } from 'mediabunny';

const device = (await testDevice())?.device;
const kPreset = ['preset', 'tian-l2/weight-decay-threshold', '--n', '24', '--timelapse', '8', '--quiet'];

let dir = '';
let whole: CliRun;
const tiles: CliRun[] = [];
let merged: CliRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-timelapse-'));
  if (!device) return;
  whole = await cli([...kPreset, '--out', 'whole'], { cwd: dir });
  for (const i of [0, 1]) tiles.push(await cli([...kPreset, '--tile', `${i}/2`, '--out', `tile${i}`], { cwd: dir }));
  merged = await cli(['merge', 'tile0', 'tile1', '--out', 'merged', '--quiet'], { cwd: dir });
}, 480_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collapse-atlas --timelapse', () => {
  it.runIf(device)('writes timelapse.npy [8, 24, 24] whose last frame is class.npy, and the frame times in the manifest', () => {
    expect([whole.code, errorLines(whole)]).toEqual([0, []]);
    const npy = readNpy(join(dir, 'whole', 'timelapse.npy'));
    expect(npy.shape).toEqual([8, 24, 24]);
    const frames = npy.data as Uint8Array;
    const classes = readNpy(join(dir, 'whole', 'class.npy')).data as Uint8Array;
    expect(Array.from(frames.subarray(7 * 576))).toEqual(Array.from(classes));
    const m = manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'whole', 'manifest.json'), 'utf8')));
    const spec = parseSpec(m.spec);
    const tl = spec.timelapse as Exclude<typeof spec.timelapse, false>;
    expect(tl.frames).toBe(8);
    expect(m.timelapse).toEqual({ frames: 8, times: tl.times });
    expect(m.files).toContain('timelapse.npy');
    // The frames are the f64 runner's, up to cells decided right at a boundary.
    const f64 = runSweepCpu(spec).timelapse!.classes;
    expect(frames.filter((c, k) => c !== f64[k]).length / frames.length).toBeLessThan(0.01);
    expect(frames.subarray(0, 576).some((c, k) => c !== classes[k])).toBe(true); // early frames differ from the end
  });

  it.runIf(device)('writes timelapse.webm: one VP8/VP9 frame per recorded frame, 720 px on the long side, 12 fps', async () => {
    const bytes = readFileSync(join(dir, 'whole', 'timelapse.webm'));
    const input = new Input({ source: new BufferSource(bytes), formats: [WEBM] });
    const track = (await input.getPrimaryVideoTrack())!;
    expect([track.displayWidth, track.displayHeight]).toEqual([720, 720]);
    expect(['vp8', 'vp9']).toContain(track.codec);
    const stats = await track.computePacketStats();
    expect(stats.packetCount).toBe(8);
    expect(await input.computeDuration()).toBeCloseTo(8 / 12, 2); // WebM keeps milliseconds
    const m = JSON.parse(readFileSync(join(dir, 'whole', 'manifest.json'), 'utf8'));
    expect(m.files).toContain('timelapse.webm');
  });

  it.runIf(device)('two tiles merged give the same time-lapse as one run', () => {
    for (const t of [...tiles, merged]) expect([t.code, errorLines(t)]).toEqual([0, []]);
    expect(readNpy(join(dir, 'tile1', 'timelapse.npy')).shape).toEqual([8, 12, 24]);
    const a = readNpy(join(dir, 'whole', 'timelapse.npy'));
    const b = readNpy(join(dir, 'merged', 'timelapse.npy'));
    expect(b.shape).toEqual([8, 24, 24]);
    expect(Array.from(b.data as Uint8Array)).toEqual(Array.from(a.data as Uint8Array));
  });

  it('names a bad frame count and the refine clash before anything runs', async () => {
    const bad = await cli(['preset', 'tian-l2/weight-decay-threshold', '--timelapse', '1'], { cwd: dir });
    expect([bad.code, errorLines(bad)]).toEqual([
      2,
      ['collapse-atlas: preset tian-l2/weight-decay-threshold with --timelapse: timelapse.frames: must be an integer in [2, 256] (got 1)'],
    ]);
    const both = await cli(['preset', 'tian-l2/weight-decay-threshold', '--n', '64', '--refine', '--timelapse'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(errorLines(both)[0]).toContain(
      'timelapse: needs every cell computed; a refined run (refine) infers cells from the boundary at tEnd only',
    );
    const size = await cli(['preset', 'tian-l2/weight-decay-threshold', '--timelapse', '--video-size', '641x480'], { cwd: dir });
    expect([size.code, errorLines(size)]).toEqual([
      2,
      ['collapse-atlas: --video-size: video width: an even whole number of pixels in [16, 3840] (got 641)'],
    ]);
    const fps = await cli(['preset', 'tian-l2/weight-decay-threshold', '--timelapse', '--fps', '0'], { cwd: dir });
    expect([fps.code, errorLines(fps)]).toEqual([2, ['collapse-atlas: --fps: video fps: a number in (0, 120] (got 0)']]);
    const job = presetJob('tian-l2/weight-decay-threshold');
    expect(specToJson(withTimelapse(job, true).spec).timelapse).toEqual({ frames: 64, from: job.spec.integrator.tEnd / 1000 });
  });
});
