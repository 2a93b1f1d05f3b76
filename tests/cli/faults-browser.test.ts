// Fault catalogue, part 3: faults that need a browser, kept few. Each CLI call runs with a private
// TMPDIR, so every process it started (Node, the reaper, Chromium and its helpers) carries it and
// the Vite cache and browser profile land in it: afterwards no such process runs, TMPDIR is empty,
// and the folder holds no output and no hidden partial folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDevice } from '../support/gpu.js';
import { cli, entries, errorLines, leftovers, settled, type CliRun } from './support.js';

const device = (await testDevice())?.device;
const small = {
  model: 'tian-l2',
  x: { param: 'p0', min: 0, max: 0.9, n: 16 },
  y: { param: 'weightDecay', min: 0.02, max: 0.3, n: 12 },
  integrator: { dt: 0.1, tEnd: 200 },
};

let dir = '';
let tmp = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collapse-atlas-browser-faults-'));
  tmp = mkdtempSync(join(tmpdir(), 'ca-tmp-')); // short: Chromium's socket paths live under it
  writeFileSync(join(dir, 'small.json'), JSON.stringify(small));
  // 192 cells × 10⁶ steps, no early exit: long enough to be stopped mid-run.
  writeFileSync(join(dir, 'long.json'), JSON.stringify({ ...small, integrator: { dt: 0.1, tEnd: 100_000 }, settle: false }));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}, onStderr?: Parameters<typeof cli>[1]['onStderr']) =>
  cli([...args, '--out', 'out'], { cwd: dir, env: { TMPDIR: tmp, ...env }, onStderr });

/** Nothing left: the reaper of a killed CLI gets a moment to act. */
async function expectNothingLeft(): Promise<void> {
  const left = await settled(
    () => leftovers(tmp),
    (l) => l.processes.length === 0 && l.files.length === 0,
  );
  expect(left).toEqual({ processes: [], files: [] });
  expect(entries(dir)).toEqual(['long.json', 'small.json']);
}

/** Sends `signal` to the CLI once the sweep reports progress (the kernels are running). */
function midRun(signal: NodeJS.Signals): {
  sent: () => boolean;
  onStderr: (text: string, child: import('node:child_process').ChildProcess) => void;
} {
  let sent = false;
  return {
    sent: () => sent,
    onStderr: (text, child) => {
      if (!sent && /out: \d+% \(\d+\/192 cells done, \d+ active, slowest t = /.test(text)) {
        sent = true;
        child.kill(signal);
      }
    },
  };
}

describe.runIf(device)('fault catalogue: browser faults and signals', () => {
  it('a browser that dies before the sweep starts is retried, then exit 4', async () => {
    const r = await run(['run', 'small.json'], { COLLAPSE_ATLAS_FAULT: 'browser-crash-early' });
    expect([r.code, errorLines(r)]).toEqual([
      4,
      ['collapse-atlas: small.json: the browser crashed before the sweep started; gave up after 3 browser starts'],
    ]);
    expect(
      r.stderr.match(/out: the browser crashed before the sweep started \(.+\); restarting the browser \(start [23] of 3\)/g),
    ).toHaveLength(2);
    await expectNothingLeft();
  });

  it('a frozen GPU process is a stall after COLLAPSE_ATLAS_STALL_S, retried, then exit 4', async () => {
    const r = await run(['run', 'long.json'], { COLLAPSE_ATLAS_FAULT: 'gpu-hang', COLLAPSE_ATLAS_STALL_S: '3' });
    expect([r.code, errorLines(r)]).toEqual([
      4,
      ['collapse-atlas: long.json: no progress for 3 s (a hung GPU process or browser); gave up after 3 browser starts'],
    ]);
    await expectNothingLeft();
  });

  it.each([
    ['SIGHUP', 129],
    ['SIGTERM', 143],
  ] as const)('%s mid-run exits %i and cleans up', async (signal, code) => {
    const m = midRun(signal);
    const r: CliRun = await run(['run', 'long.json'], {}, m.onStderr);
    expect(m.sent()).toBe(true);
    expect([r.code, errorLines(r)]).toEqual([code, [`collapse-atlas: interrupted (${signal}); no output written`]]);
    await expectNothingLeft();
  });

  it('kill -9 mid-run: Chromium dies with its pipe, the reaper deletes the partial folder and temp files', async () => {
    const m = midRun('SIGKILL');
    const r = await run(['run', 'long.json'], {}, m.onStderr);
    expect(m.sent()).toBe(true);
    expect([r.code, r.signal]).toEqual([null, 'SIGKILL']);
    await expectNothingLeft();
  });
});
