// `npm test`: the whole vitest suite, then one plain closing line "tests: N passed, N failed[, N skipped]"
// read from vitest's JSON report, so any CI log reader sees the counts. Exits with vitest's code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const report = 'test-artifacts/vitest.json';
mkdirSync('test-artifacts', { recursive: true });
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });
let code = run.status ?? 1;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (r.numTotalTests === 0) code = 1;
} catch {
  console.log('\ntests: 0 passed, 1 failed (no vitest report was written)');
  code = code || 1;
}
process.exit(code);
