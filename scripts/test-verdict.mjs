/**
 * The closing line and exit code of `npm test` from vitest's JSON report (`undefined` when none was
 * written). A run passes only if vitest passed, some test ran, no file failed (import error, failing
 * hook) and, under CI, nothing was skipped.
 * @param {any} r vitest's JSON report
 * @param {number} vitestCode vitest's exit code
 * @param {boolean} ci whether CI is set
 * @returns {{ line: string, code: number }}
 */
export function verdict(r, vitestCode, ci) {
  if (!r) return { line: 'tests: 0 passed, 1 failed (no vitest report was written)', code: vitestCode || 1 };
  const skipped = r.numPendingTests + r.numTodoTests;
  const files = r.testResults ?? [];
  const failedFiles = files.filter((f) => f.status === 'failed');
  const failedSuites = Math.max(r.numFailedTestSuites ?? 0, failedFiles.length);
  const reasons = [];
  if (r.numTotalTests === 0) reasons.push('no test ran');
  if (failedSuites > 0)
    reasons.push(`${failedSuites} file${failedSuites > 1 ? 's' : ''} failed: ${failedFiles.map((f) => f.name).join(', ') || 'see above'}`);
  if (ci && skipped > 0) reasons.push(`${skipped} skipped under CI`);
  const line = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}; files: ${files.length - failedFiles.length} passed, ${failedSuites} failed${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
  const code = vitestCode || (reasons.length ? 1 : 0);
  return { line, code };
}
