import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'npyjs';

export const kBin = fileURLToPath(new URL('../../bin/collapse-atlas.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (`node bin/collapse-atlas.mjs ...`), in `cwd`. */
export function cli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; onStderr?: (text: string, child: ChildProcess) => void },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kBin, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** stderr without npm's own warnings, for exact-message checks. */
export const errorLines = (r: CliRun) => r.stderr.split('\n').filter((l) => l.startsWith('collapse-atlas:'));

export function readNpy(path: string) {
  const bytes = readFileSync(path);
  return parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Every entry of a folder, hidden ones included (partial outputs start with a dot). */
export const entries = (dir: string) => readdirSync(dir).sort();

/**
 * What a CLI call left behind under a private TMPDIR: processes started with it (Node, Chromium and
 * every helper inherit it; /proc/PID/environ is the environment at exec, so the test's own
 * process.env edits do not count) and files in it. tsx's compile cache (`tsx-UID`) is a shared
 * cache that every run reuses, not a leftover.
 */
export function leftovers(tmp: string): { processes: number[]; files: string[] } {
  const processes: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (
        !readFileSync(`/proc/${name}/environ`, 'latin1')
          .split('\0')
          .some((v) => v.startsWith(`TMPDIR=${tmp}`))
      )
        continue;
      // The reaper of this very process (in-process CLI calls) lives as long as we do, by design.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('reaper-child.mjs')) continue;
      processes.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return { processes, files: entries(tmp).filter((f) => !/^tsx-\d+$/.test(f)) };
}

/** Polls `done` every 100 ms until it holds or `ms` pass (a killed process's watcher needs a moment). */
export async function settled<T>(read: () => T, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let v = read();
  while (!done(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = read();
  }
  return v;
}
