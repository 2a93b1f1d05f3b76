// `npm test`: the whole vitest suite, then one plain closing line
// "tests: N passed, N failed[, N skipped]; files: N passed, N failed" read from vitest's JSON report,
// so any CI log reader sees the counts. A file that fails to import or in beforeAll reports its tests
// as skipped or not at all: failed files are counted on their own, and any of them fails the run.
// Under CI a skipped test fails the run too (a GPU test that skips has not run).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { verdict } from './test-verdict.mjs';

const report = 'test-artifacts/vitest.json';
mkdirSync('test-artifacts', { recursive: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let json;
try {
  json = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  json = undefined;
}
const { line, code } = verdict(json, run.status ?? 1, Boolean(process.env.CI));
console.log(`\n${line}`);
process.exit(code);
