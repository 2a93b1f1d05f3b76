export interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites?: number;
  testResults?: Array<{ name: string; status: string }>;
}
export function verdict(r: VitestReport | undefined, vitestCode: number, ci: boolean): { line: string; code: number };
