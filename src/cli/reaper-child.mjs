// The CLI's parent-death watcher (src/cli/reaper.ts starts it): plain JavaScript, so it starts in
// milliseconds without tsx. It reads one JSON message a line on stdin — { op: 'rm' | 'keep', path }
// and { op: 'kill' | 'spare', group } — and when stdin closes (the CLI exited, was killed with -9,
// or lost its terminal) it SIGKILLs every process group still listed and deletes every path still
// listed. It lives in its own session, so Ctrl-C and a closing terminal do not reach it.
import { rmSync } from 'node:fs';

const paths = new Set();
const groups = new Set();
let pending = '';

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let k = pending.indexOf('\n'); k >= 0; k = pending.indexOf('\n')) {
    const line = pending.slice(0, k);
    pending = pending.slice(k + 1);
    let m;
    try {
      m = JSON.parse(line);
    } catch {
      continue;
    }
    if (m.op === 'rm') paths.add(m.path);
    else if (m.op === 'keep') paths.delete(m.path);
    else if (m.op === 'kill') groups.add(m.group);
    else if (m.op === 'spare') groups.delete(m.group);
  }
});
process.stdin.on('close', () => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const path of paths) {
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // nothing more can be done
    }
  }
  process.exit(0);
});
