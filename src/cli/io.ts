/** What a command needs from the outside world; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT = {
  OK: 0,
  /** A user error: bad input, verification failure, unreachable mirror. */
  USER: 1,
  /** Bad command-line usage. */
  USAGE: 2,
  /** `pare outdated`: the lock has packages with newer versions in the configured suites. */
  OUTDATED: 3,
  /** A bug in pare (EX_SOFTWARE). */
  INTERNAL: 70,
} as const;
