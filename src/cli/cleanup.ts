/**
 * What must happen on SIGINT/SIGTERM before exiting: kill the browser, delete partial output.
 * Synchronous on purpose: the handler exits right after, without waiting on a busy browser.
 */
const tasks = new Set<() => void>();

export function onInterrupt(task: () => void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

export function runInterruptTasks(): void {
  for (const task of [...tasks]) {
    try {
      task();
    } catch {
      // keep cleaning up the rest
    }
  }
  tasks.clear();
}
