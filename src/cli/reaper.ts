import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * What must not outlive the CLI even when it cannot clean up itself (kill -9, a crash of Node):
 * Chromium's process group and the temporary folders (the hidden partial output, the browser
 * profile, the Vite cache). A detached watcher (reaper-child.mjs) holds the list and acts when its
 * stdin pipe from this process closes; a clean exit has already done the work and unlisted it.
 */
let reaper: ChildProcess | undefined;

function send(message: Record<string, unknown>): void {
  if (!reaper) {
    reaper = spawn(process.execPath, [fileURLToPath(new URL('./reaper-child.mjs', import.meta.url))], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    reaper.on('error', () => {
      reaper = undefined;
    });
    // Neither the watcher nor its pipe may keep this process alive.
    reaper.unref();
    (reaper.stdin as unknown as { unref(): void }).unref();
    reaper.stdin!.on('error', () => {});
  }
  reaper.stdin!.write(`${JSON.stringify(message)}\n`);
}

/** Deletes `path` if this process dies before calling the returned function. */
export function removeOnDeath(path: string): () => void {
  send({ op: 'rm', path });
  return () => send({ op: 'keep', path });
}

/** SIGKILLs process group `group` if this process dies before calling the returned function. */
export function killOnDeath(group: number): () => void {
  send({ op: 'kill', group });
  return () => send({ op: 'spare', group });
}
