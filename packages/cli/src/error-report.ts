/** How an error the CLI could not handle is reported: its code, a hint for what to do next, and the exit code. */
import { CliError, cliErrorCodes, exitCodes } from './cli-error.js';

export interface ErrorReport {
  code: string;
  message: string;
  hint: string | undefined;
  details: unknown;
  exit: number;
}

/** Hints by the registry's specific code (`X-Agentry-Error-Code`), else by the envelope's general one. */
const registryHints: Record<string, string> = {
  unauthorized: 'run agentry login, or check AGENTRY_TOKEN',
  forbidden: 'your token lacks the scope, or you lack rights on this artifact or org',
  token_lacks_scope: 'this token lacks the scope; run agentry login for a token with it',
  not_org_member: 'ask an owner or admin of the org to add you (agentry org add)',
  org_role_required: 'ask an owner or admin of the org to do it, or to raise your role',
  tenant_role_required: "ask this registry's admin for a higher role",
  package_write_denied: 'only its publisher or members of its org can change it',
  scope_not_grantable: 'a token can only grant scopes its creator holds',
  permission_escalation: 'new permissions need the version bump the message names',
  invalid_name: 'names are lower-case: name or @org/name',
  validation_error: 'fix the field named above and run the command again',
  not_found: 'check the name with agentry search',
  package_not_found: 'check the name with agentry search',
  version_not_found: 'list the versions with agentry info <name>',
  org_not_found: 'check the org name; agentry org list shows yours',
  user_not_found: 'check the username',
  rate_limited: 'wait a little and try again',
  unreachable: 'check --registry / AGENTRY_REGISTRY and that the server runs (agentry doctor)',
  bad_response:
    'this CLI and the registry disagree on the API: update agentry, or report it with the details (--json)',
};

/** A value the registry refused is a usage error (exit 2), as a bad option is; unreachable is 3; the rest 1. */
function exitOf(code: string): number {
  if (code === 'unreachable') return exitCodes.unreachable;
  if (code === 'validation_error') return exitCodes.usage;
  return exitCodes.error;
}

export async function describeError(error: unknown): Promise<ErrorReport> {
  if (error instanceof CliError)
    return {
      code: error.code,
      message: error.message,
      hint: error.hint,
      details: error.details,
      exit: cliErrorCodes[error.code],
    };
  // The API client (and @agentry/core with it) loads only for commands that talk to a registry.
  const { RegistryError } = await import('./api-client.js');
  if (error instanceof RegistryError)
    return {
      code: error.code,
      message: error.message,
      hint: registryHints[error.reason] ?? registryHints[error.code],
      details: error.details,
      exit: exitOf(error.code),
    };
  return {
    code: 'unexpected',
    message: error instanceof Error ? error.message : String(error),
    hint: 'this is a bug in agentry; please report it with the command you ran',
    details: undefined,
    exit: exitCodes.error,
  };
}
