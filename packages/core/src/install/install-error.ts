/**
 * Problems the installer's pure parts report: an artifact whose layout cannot be placed, or a user's
 * config file that cannot be parsed (and so must not be rewritten). The CLI maps codes to exit codes.
 */
export type InstallErrorCode = 'invalid_artifact' | 'config_unreadable';

export class InstallError extends Error {
  constructor(
    readonly code: InstallErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'InstallError';
  }
}
