/** Exit codes of `collapse-atlas` (README "Batch runs"); signals add the shell's 128 + n. */
export const kExit = {
  ok: 0,
  /** Bad spec or arguments, including an --out that cannot be written or already exists. */
  usage: 2,
  /** No browser or no WebGPU adapter in it. */
  noWebGpu: 3,
  /** The device was lost or the browser crashed, after retries. */
  lost: 4,
} as const;

/** An error whose message is for the user, with the exit code it maps to. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, kExit.usage);
