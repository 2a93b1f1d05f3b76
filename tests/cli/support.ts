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
export function cli(args: string[], opts: { cwd: string; env?: Record<string, string>; onStderr?: (text: string, child: ChildProcess) => void }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kBin, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
