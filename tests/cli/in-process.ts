import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** main() in this process with stderr captured: the CLI's own code paths, no process start. */
export async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
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
