/**
 * Errors the CLI raises itself, each with a stable code, a hint for what to do next, and one exit
 * code. `output.ts` is the only place that turns them into output and exit statuses.
 */
export const cliErrorCodes = {
  usage: 2,
  not_logged_in: 1,
  login_expired: 1,
  no_manifest: 1,
  invalid_manifest: 1,
  invalid_lockfile: 1,
  not_installed: 1,
  no_matching_version: 1,
  dependency_conflict: 1,
  integrity_mismatch: 5,
  unsafe_archive: 5,
  policy_refused: 6,
  lockfile_drift: 7,
  install_conflict: 1,
  invalid_artifact: 1,
  config_unreadable: 1,
  drift_detected: 7,
  publish_refused: 4,
} as const;
/** Exit codes that are not a CliError's own (docs/cli.md). */
export const exitCodes = { error: 1, usage: 2, unreachable: 3, verdict: 4 } as const;

export type CliErrorCode = keyof typeof cliErrorCodes;

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly hint?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
