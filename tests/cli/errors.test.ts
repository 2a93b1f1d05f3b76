// Exit codes and messages of the batch CLI; nothing partial is ever left behind.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDevice } from '../support/gpu.js';
import { main } from '../../src/cli/main.js';
import { cli, entries, errorLines, readNpy } from './support.js';

const device = (await testDevice())?.device;
const small = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0, max: 0.9, n: 16 },
  y: { param: 'weightDecay', min: 0.02, max: 0.3, n: 12 },
  integrator: { dt: 0.1, tEnd: 200 },
};

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-err-'));
  writeFileSync(join(dir, 'small.json'), JSON.stringify(small));
  // 192 cells × 10⁶ steps, no early exit: long enough on SwiftShader to be interrupted mid-run.
  writeFileSync(join(dir, 'long.json'), JSON.stringify({ ...small, integrator: { dt: 0.1, tEnd: 100_000 }, settle: false }));
  writeFileSync(join(dir, 'range.json'), JSON.stringify({ ...small, y: { ...small.y, max: 3 } }));
  writeFileSync(join(dir, 'axes.json'), JSON.stringify([small, { ...small, x: { ...small.x, min: 0.9 } }]));
  writeFileSync(join(dir, 'unknown.json'), JSON.stringify({ ...small, params: { weightdecay: 0.1 } }));
  writeFileSync(join(dir, 'broken.json'), '{"model": "tian-l2",');
  writeFileSync(join(dir, 'a-file'), '');
  mkdirSync(join(dir, 'existing'));
  writeFileSync(join(dir, 'existing', 'keep.txt'), 'mine');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** main() in this process, stderr captured (the usage paths load no browser). */
async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(['node', 'collapse-atlas', ...args]), stderr };
  } finally {
    spy.mockRestore();
  }
}

const untouched = ['a-file', 'axes.json', 'broken.json', 'existing', 'long.json', 'range.json', 'small.json', 'unknown.json'];

describe('collapse-atlas exit codes', () => {
  it('a bad spec or argument exits 2 with a message naming the field', async () => {
    // One through a real process (the exit code as a shell sees it), the rest in-process: same main().
    const r = await cli(['run', 'range.json'], { cwd: dir });
    expect([r.code, errorLines(r)]).toEqual([
      2,
      ['collapse-atlas: range.json: y.max: 3 is outside the range of tian-l2.weightDecay [0, 1]'],
    ]);
    const at = (name: string) => join(dir, name);
    const cases: Array<[string[], string]> = [
      [['run', at('axes.json')], `${at('axes.json')}[1]: x.min: must be less than x.max (0.9 ≥ 0.9)`],
      [['run', at('unknown.json')], `${at('unknown.json')}: params.weightdecay: unknown parameter of tian-l2`],
      [['run', at('small.json'), '--tile', '3/3'], '--tile: expected I/N with 0 ≤ I < N, e.g. 0/4 (got "3/3")'],
      [
        ['preset', 'tian-l2/nope'],
        'preset: tian-l2 has no preset "nope" (known: weight-decay-threshold, augmentation-vs-weight-decay, fig3-basin-eta0, predictor-learning-rate, ema-rate)',
      ],
      [['run', at('small.json'), '--out', at('existing')], `--out ${at('existing')}: already exists; pass --force to replace it`],
      [
        ['run', at('small.json'), '--out', at('a-file/out')],
        `--out ${at('a-file/out')}: cannot create the folder there (EEXIST: file already exists, mkdir '${at('a-file')}')`,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await inProcess(args);
      expect([code, stderr], args.join(' ')).toEqual([2, `collapse-atlas: ${message}\n`]);
    }
    // V8 words JSON errors differently across Node versions: the part that is ours is exact.
    const broken = await inProcess(['run', at('broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^collapse-atlas: ${at('broken.json')}: not valid JSON \\(.*position 20\\b`));
    expect(entries(dir)).toEqual(untouched);
    expect(readFileSync(join(dir, 'existing', 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('a missing Chromium exits 3 and says what to install or pass', async () => {
    const r = await cli(['run', 'small.json', '--chromium', '/nonexistent/chromium', '--out', 'o'], { cwd: dir });
    expect([r.code, errorLines(r)]).toEqual([
      3,
      [
        'collapse-atlas: Chromium not found at /nonexistent/chromium: install it (Debian: sudo apt-get install -y chromium libvulkan1) or pass --chromium PATH (or set CHROMIUM_PATH)',
      ],
    ]);
    expect(entries(dir)).toEqual(untouched);
  });

  it('a Chromium without a WebGPU adapter exits 3 and says what to install', async () => {
    const wrapper = join(dir, 'no-webgpu.sh');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} "$@" --disable-features=WebGPU,Vulkan --disable-gpu\n`,
      { mode: 0o755 },
    );
    const r = await cli(['run', 'small.json', '--chromium', wrapper, '--out', 'o', '--quiet'], { cwd: dir });
    rmSync(wrapper);
    expect(r.code).toBe(3);
    expect(errorLines(r)).toHaveLength(1);
    expect(errorLines(r)[0]).toMatch(
      /^collapse-atlas: WebGPU (is not available here|is present but no adapter was found).*\. Chromium \(.*no-webgpu\.sh\) runs WebGPU on Vulkan: install the loader and a driver \(Debian: sudo apt-get install -y libvulkan1; .*\), or pass --chromium PATH to a Chromium with WebGPU$/,
    );
    expect(entries(dir)).toEqual(untouched);
  });
});

describe.runIf(device)('collapse-atlas under faults', () => {
  it('a device lost once resumes on a fresh device (and --force replaces DIR); lost every time exits 4 after retries', async () => {
    // Also --force: the existing folder is replaced as a whole.
    const once = await cli(['run', 'small.json', '--out', 'existing', '--force', '--quiet'], {
      cwd: dir,
      env: { COLLAPSE_ATLAS_FAULT: 'device-lost-once' },
    });
    expect([once.code, errorLines(once)]).toEqual([0, []]);
    expect(JSON.parse(readFileSync(join(dir, 'existing', 'manifest.json'), 'utf8')).run.deviceLosses).toBe(1);
    expect(readNpy(join(dir, 'existing', 'class.npy')).shape).toEqual([12, 16]);
    expect(entries(join(dir, 'existing'))).not.toContain('keep.txt');
    const always = await cli(['run', 'small.json', '--out', 'lost', '--quiet'], { cwd: dir, env: { COLLAPSE_ATLAS_FAULT: 'device-lost' } });
    expect([always.code, errorLines(always)]).toEqual([
      4,
      ['collapse-atlas: small.json: the GPU device was lost (destroyed): Device was destroyed.; gave up after 3 attempts'],
    ]);
    expect(entries(dir)).toEqual(untouched);
  });

  it('a browser that crashes every time exits 4 after three starts, writing nothing', async () => {
    const r = await cli(['run', 'small.json', '--out', 'crash', '--quiet'], { cwd: dir, env: { COLLAPSE_ATLAS_FAULT: 'browser-crash' } });
    expect([r.code, errorLines(r)]).toEqual([
      4,
      ['collapse-atlas: small.json: the browser closed or crashed during the run; gave up after 3 browser starts'],
    ]);
    expect(entries(dir)).toEqual(untouched);
  });

  it('Ctrl-C mid-run exits 130, removes the partial folder and leaves no output', async () => {
    let sent = false;
    const r = await cli(['run', 'long.json', '--out', 'long'], {
      cwd: dir,
      onStderr: (text, child) => {
        // The first progress line after "started" means the kernels are running.
        if (!sent && /long: \d+% \(\d+\/192 cells done, \d+ active, slowest t = /.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect([r.code, errorLines(r)]).toEqual([130, ['collapse-atlas: interrupted (SIGINT); no output written']]);
    expect(entries(dir)).toEqual(untouched);
  });
});
