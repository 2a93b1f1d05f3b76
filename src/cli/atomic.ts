import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from './errors.js';
import { onInterrupt } from './cleanup.js';
import { removeOnDeath } from './reaper.js';

/**
 * An output folder that appears whole or not at all: files go to a hidden sibling
 * `.NAME.partial-PID` (same file system, so the final rename is atomic) and `commit` renames it to
 * NAME. `discard` (also run on SIGINT/SIGTERM/SIGHUP, through cleanup.ts) leaves nothing behind,
 * and the reaper (reaper.ts) deletes the hidden folder if the process is killed outright.
 * A write that fails (a full disk, no permission) is a usage error naming DIR and the file.
 */
export class AtomicDir {
  readonly target: string;
  private readonly forget: () => void;
  private readonly unreap: () => void;
  readonly temp: string;

  constructor(
    target: string,
    private readonly force: boolean,
    flag = '--out',
  ) {
    this.target = resolve(target);
    if (existsSync(this.target) && !force) throw usageError(`${flag} ${target}: already exists; pass --force to replace it`);
    this.temp = join(dirname(this.target), `.${basename(this.target)}.partial-${process.pid}`);
    try {
      mkdirSync(dirname(this.target), { recursive: true });
      rmSync(this.temp, { recursive: true, force: true });
      mkdirSync(this.temp);
    } catch (e) {
      throw usageError(`${flag} ${target}: cannot create the folder there (${(e as Error).message})`);
    }
    this.forget = onInterrupt(() => rmSync(this.temp, { recursive: true, force: true }));
    this.unreap = removeOnDeath(this.temp);
  }

  write(rel: string, data: Uint8Array | string): void {
    const path = join(this.temp, rel);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    } catch (e) {
      throw writeError(this.target, rel, e as NodeJS.ErrnoException);
    }
  }

  commit(): void {
    if (existsSync(this.target)) {
      if (!this.force) throw usageError(`--out ${this.target}: appeared while running; pass --force to replace it`);
      const old = join(dirname(this.target), `.${basename(this.target)}.old-${process.pid}`);
      renameSync(this.target, old);
      renameSync(this.temp, this.target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(this.temp, this.target);
    }
    this.forget();
    this.unreap();
  }

  discard(): void {
    rmSync(this.temp, { recursive: true, force: true });
    this.forget();
    this.unreap();
  }
}

/** ENOSPC and friends in words: the disk is full, over quota, read-only, or not ours. */
function writeError(target: string, file: string, e: NodeJS.ErrnoException) {
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EFBIG: 'the file is larger than the file system allows',
  };
  const code = e.code ?? 'error';
  const what = Object.hasOwn(why, code) ? `${why[code]} (${code})` : `${code}: ${e.message}`;
  return usageError(`--out ${target}: cannot write ${file}: ${what}; nothing was written`);
}
