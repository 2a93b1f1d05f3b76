// `npm test`'s closing line and exit code: a broken file is a failure even when vitest counts its
// tests as skipped (beforeAll threw) or counts none (import failed); under CI a skip is a failure.
import { describe, expect, it } from 'vitest';
import { verdict, type VitestReport } from '../../scripts/test-verdict.mjs';

// The shape vitest 4 writes for four files: a pass, a beforeAll that throws (its two tests
// "skipped"), an import that fails (no tests), and one it.skip beside a pass.
const report: VitestReport = {
  numTotalTests: 5,
  numPassedTests: 2,
  numFailedTests: 0,
  numPendingTests: 3,
  numTodoTests: 0,
  numFailedTestSuites: 2,
  testResults: [
    { name: '/r/a.test.ts', status: 'passed' },
    { name: '/r/b.test.ts', status: 'failed' },
    { name: '/r/c.test.ts', status: 'failed' },
    { name: '/r/d.test.ts', status: 'passed' },
  ],
};

describe('npm test verdict', () => {
  it('counts failed files beside failed tests and fails the run even when vitest exited 0', () => {
    expect(verdict(report, 0, false)).toEqual({
      line: 'tests: 2 passed, 0 failed, 3 skipped; files: 2 passed, 2 failed (2 files failed: /r/b.test.ts, /r/c.test.ts)',
      code: 1,
    });
  });

  it('a skip fails the run under CI only', () => {
    const clean: VitestReport = {
      ...report,
      numPendingTests: 1,
      numFailedTestSuites: 0,
      testResults: [{ name: '/r/d.test.ts', status: 'passed' }],
    };
    expect(verdict(clean, 0, false)).toEqual({ line: 'tests: 2 passed, 0 failed, 1 skipped; files: 1 passed, 0 failed', code: 0 });
    expect(verdict(clean, 0, true)).toEqual({
      line: 'tests: 2 passed, 0 failed, 1 skipped; files: 1 passed, 0 failed (1 skipped under CI)',
      code: 1,
    });
  });

  it("no report, or no test at all, is a failure; vitest's own failure code is kept", () => {
    expect(verdict(undefined, 0, false)).toEqual({ line: 'tests: 0 passed, 1 failed (no vitest report was written)', code: 1 });
    const none: VitestReport = {
      numTotalTests: 0,
      numPassedTests: 0,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      testResults: [],
    };
    expect(verdict(none, 0, false)).toEqual({ line: 'tests: 0 passed, 0 failed; files: 0 passed, 0 failed (no test ran)', code: 1 });
    expect(verdict({ ...report, numFailedTests: 1 }, 1, false).code).toBe(1);
  });
});
