/**
 * The one error catalogue. Codes are stable: clients and tests match on them, never on messages.
 * Each surface renders the same code in its own documented envelope (Tank upper-cases it,
 * skill-pool keeps snake_case, ayaiay nests it), so a code is written here once in snake_case.
 *
 * General codes (`not_found`, `forbidden`, `validation_error`, …) are what the surfaces' documents list.
 * A specific code (`package_not_found`, `token_lacks_scope`, …) names one cause and has a `parent`: a
 * surface that does not document the specific code renders its nearest documented ancestor
 * (`http/surfaces.ts`), so a specific code never changes a documented answer. Its `details` are typed
 * (`ErrorDetails`); only the keys listed in `publicDetails` are sent in an envelope that carries details.
 */
interface CatalogueEntry {
  status: number;
  message: string;
  parent?: string;
  publicDetails?: readonly string[];
}

export const errorCatalogue = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  authorization_pending: { status: 400, message: 'The login has not been approved in the browser yet.' },
  unauthorized: { status: 401, message: 'Bearer token is missing or invalid.' },
  invalid_credentials: { status: 401, message: 'The username or password is incorrect.' },
  forbidden: { status: 403, message: 'You do not have permission to do this.' },
  token_lacks_scope: { status: 403, message: 'The token lacks a scope this needs.', parent: 'forbidden' },
  not_org_member: { status: 403, message: 'This needs membership of the org.', parent: 'forbidden' },
  org_role_required: {
    status: 403,
    message: 'This needs a higher role in the org.',
    parent: 'forbidden',
  },
  tenant_role_required: {
    status: 403,
    message: 'This needs a higher role in this tenant.',
    parent: 'forbidden',
  },
  package_write_denied: {
    status: 403,
    message: 'You cannot change this artifact.',
    parent: 'forbidden',
  },
  scope_not_grantable: {
    status: 403,
    message: 'You cannot grant scopes you do not hold.',
    parent: 'forbidden',
  },
  session_required: {
    status: 403,
    message: 'This is done from a signed-in web session, not with a token.',
    parent: 'forbidden',
  },
  csrf_failed: {
    status: 403,
    message: 'The form expired or did not come from this site. Reload and try again.',
  },
  signature_invalid: { status: 403, message: 'The signed URL is invalid.' },
  signature_expired: { status: 403, message: 'The signed URL has expired.' },
  not_found: { status: 404, message: 'The resource does not exist.' },
  package_not_found: {
    status: 404,
    message: 'The artifact does not exist.',
    parent: 'not_found',
    publicDetails: ['suggestions'],
  },
  pack_not_found: { status: 404, message: 'The pack does not exist.', parent: 'package_not_found' },
  version_not_found: { status: 404, message: 'The version does not exist.', parent: 'not_found' },
  org_not_found: { status: 404, message: 'The org does not exist.', parent: 'not_found' },
  publisher_not_found: { status: 404, message: 'The publisher does not exist.', parent: 'org_not_found' },
  user_not_found: { status: 404, message: 'The user does not exist.', parent: 'not_found' },
  member_not_found: { status: 404, message: 'The user is not a member.', parent: 'not_found' },
  upload_not_found: { status: 404, message: 'No such pending upload.', parent: 'not_found' },
  file_not_found: { status: 404, message: 'The file does not exist.', parent: 'not_found' },
  blob_not_found: { status: 404, message: 'The stored bytes do not exist.', parent: 'not_found' },
  token_not_found: { status: 404, message: 'The token does not exist.', parent: 'not_found' },
  client_not_found: { status: 404, message: 'The API client does not exist.', parent: 'not_found' },
  draft_not_found: { status: 404, message: 'The draft does not exist.', parent: 'not_found' },
  project_not_found: { status: 404, message: 'The project does not exist.', parent: 'not_found' },
  tenant_resolution_failed: { status: 404, message: 'No tenant matches this request.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  conflict: { status: 409, message: 'The resource already exists.' },
  version_exists: { status: 409, message: 'This version has already been published.' },
  name_unavailable: { status: 409, message: 'This name is taken; choose another one.' },
  upload_complete: { status: 409, message: 'This upload URL has already been used.' },
  poll_token_expired: { status: 410, message: 'The poll token has expired or already been used.' },
  payload_too_large: {
    status: 413,
    message: 'The request body is too large.',
    publicDetails: ['maxBytes'],
  },
  unsupported_media_type: { status: 415, message: 'The content type is not supported.' },
  validation_error: { status: 422, message: 'Request validation failed.' },
  invalid_name: { status: 422, message: 'The artifact name is invalid.', parent: 'validation_error' },
  permission_escalation: {
    status: 422,
    message: 'The permissions grow beyond what this version bump allows.',
    parent: 'validation_error',
    publicDetails: ['previousVersion', 'required', 'added'],
  },
  team_visibility_needs_org: {
    status: 422,
    message: 'Team visibility needs an artifact owned by an org.',
    parent: 'validation_error',
  },
  upload_missing: {
    status: 422,
    message: 'Nothing was uploaded yet: upload the archive first.',
    parent: 'validation_error',
  },
  integrity_mismatch: {
    status: 422,
    message: 'The integrity does not match the uploaded bytes.',
    parent: 'validation_error',
  },
  archive_unreadable: {
    status: 422,
    message: 'The archive could not be read.',
    parent: 'validation_error',
  },
  skill_md_missing: {
    status: 422,
    message: 'A skill needs SKILL.md at the root of its archive.',
    parent: 'validation_error',
  },
  invalid_manifest: { status: 422, message: 'The manifest is invalid.', parent: 'validation_error' },
  address_not_public: {
    status: 422,
    message: 'The address is not a public host.',
    parent: 'validation_error',
  },
  import_refused: {
    status: 422,
    message: 'The repository cannot be imported.',
    parent: 'validation_error',
  },
  clone_failed: {
    status: 422,
    message: 'The repository or tag could not be fetched.',
    parent: 'validation_error',
  },
  pack_manifest_missing: {
    status: 422,
    message: 'The repository has no ayaiay.yaml at its root.',
    parent: 'validation_error',
  },
  unsafe_archive: {
    status: 422,
    message: 'The archive has an entry that is unsafe to extract; nothing was stored.',
    publicDetails: ['entry', 'reason', 'message', 'entries'],
  },
  scan_failed: { status: 422, message: 'The archive could not be scanned.' },
  scan_rejected: {
    status: 422,
    message: "The scan verdict is FAIL and this registry's policy refuses such publishes.",
    publicDetails: ['verdict', 'summary', 'findings'],
  },
  rate_limited: { status: 429, message: 'Too many requests. Retry later.' },
  internal_error: { status: 500, message: 'An unexpected error occurred.' },
  not_implemented: { status: 501, message: 'This feature is not enabled on this server.' },
  service_unavailable: { status: 503, message: 'A dependency of this server is unavailable.' },
  // Single sign-on: each refusal names its cause (X-Agentry-Error-Code); envelopes show the parent.
  sso_not_configured: {
    status: 400,
    message: 'Single sign-on is not configured for this tenant.',
    parent: 'bad_request',
  },
  sso_required: {
    status: 403,
    message: 'This tenant signs its members in through single sign-on.',
    parent: 'forbidden',
  },
  sso_state_invalid: {
    status: 400,
    message: 'The sign-in state is missing, expired or does not match.',
    parent: 'bad_request',
  },
  sso_return_to_invalid: {
    status: 400,
    message: 'return_to must be a relative path on this site.',
    parent: 'bad_request',
  },
  sso_issuer_unreachable: {
    status: 400,
    message: "The identity provider's discovery document could not be read.",
    parent: 'bad_request',
  },
  sso_login_failed: {
    status: 400,
    message: 'The identity provider did not complete the sign-in.',
    parent: 'bad_request',
  },
  sso_account_conflict: {
    status: 409,
    message: 'This email belongs to an account that cannot be linked.',
    parent: 'conflict',
  },
  saml_response_invalid: { status: 400, message: 'The SAML response is malformed.', parent: 'bad_request' },
  saml_signature_invalid: {
    status: 400,
    message: 'The SAML response is not signed by the configured IdP.',
    parent: 'bad_request',
  },
  saml_response_expired: {
    status: 400,
    message: 'The SAML assertion has expired or is not yet valid.',
    parent: 'bad_request',
  },
  saml_audience_invalid: {
    status: 400,
    message: 'The SAML assertion is meant for another service provider.',
    parent: 'bad_request',
  },
  saml_recipient_invalid: {
    status: 400,
    message: 'The SAML response is addressed to another endpoint.',
    parent: 'bad_request',
  },
  saml_in_response_to_invalid: {
    status: 400,
    message: 'The SAML response answers no request of ours.',
    parent: 'bad_request',
  },
  saml_replayed: {
    status: 400,
    message: 'This SAML assertion has already been used.',
    parent: 'bad_request',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One unsafe archive entry, as `unsafe_archive` lists them. */
export interface UnsafeEntry {
  entry?: string;
  reason: string;
  message?: string;
}

/**
 * What each code's `details` hold. A code not listed here carries no details, and TypeScript refuses a
 * throw that passes any; a listed code with a required key refuses a throw without it.
 */
export interface ErrorDetails {
  token_lacks_scope: { scope: string };
  not_org_member: { org: string };
  org_role_required: { org: string; required: 'admin' | 'owner' };
  tenant_role_required: { required: string };
  package_write_denied: { name: string };
  scope_not_grantable: { scopes: string[] };
  package_not_found: { name: string; suggestions?: string[] };
  pack_not_found: { id: string };
  version_not_found: { name: string; version: string };
  org_not_found: { org: string };
  publisher_not_found: { id: string };
  user_not_found: { username: string };
  member_not_found: { org: string; username: string };
  upload_not_found: { versionId: string };
  file_not_found: { path: string };
  token_not_found: { id: string };
  client_not_found: { clientId: string };
  payload_too_large: { maxBytes?: number };
  invalid_name: { name: string };
  permission_escalation: {
    previousVersion: string;
    required: string;
    added: readonly { kind: string; value: string }[];
  };
  upload_missing: { versionId: string };
  address_not_public: { field: string; host: string };
  import_refused: { field: string };
  clone_failed: { repoUrl: string; tag: string };
  unsafe_archive: Partial<UnsafeEntry> & { entries: UnsafeEntry[] };
  scan_rejected: { verdict: string; summary: Record<string, number>; findings: readonly unknown[] };
}

/** The details type of a code: `never` for a code that carries none. */
export type DetailsOf<C extends ErrorCode> = C extends keyof ErrorDetails ? ErrorDetails[C] : never;

/** One field-level problem, shaped like zod's issues so 422 bodies map back to fields. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

interface BaseOptions {
  message?: string;
  issues?: ValidationIssue[];
  headers?: Record<string, string>;
  cause?: unknown;
}

export type AgentryErrorOptions<C extends ErrorCode = ErrorCode> = BaseOptions &
  ([DetailsOf<C>] extends [never] ? { details?: never } : { details: DetailsOf<C> });

/** Options are required exactly when the code's details have a required key. */
type OptionsArgs<C extends ErrorCode> = [DetailsOf<C>] extends [never]
  ? [options?: AgentryErrorOptions<C>]
  : Record<string, never> extends DetailsOf<C>
    ? [options?: BaseOptions & { details?: DetailsOf<C> }]
    : [options: AgentryErrorOptions<C>];

export class AgentryError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: number;
  readonly issues: ValidationIssue[] | undefined;
  readonly details: DetailsOf<C> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: C, ...[options]: OptionsArgs<C>) {
    const entry = errorCatalogue[code];
    const given: BaseOptions & { details?: DetailsOf<C> } = options ?? {};
    super(given.message ?? entry.message, given.cause === undefined ? undefined : { cause: given.cause });
    this.name = 'AgentryError';
    this.code = code;
    this.status = entry.status;
    this.issues = given.issues;
    this.details = given.details;
    this.headers = given.headers;
  }
}

export function isAgentryError(value: unknown): value is AgentryError {
  return value instanceof AgentryError;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}

/** The code's parent, or undefined for a general code. */
export function parentCodeOf(code: ErrorCode): ErrorCode | undefined {
  const entry: CatalogueEntry = errorCatalogue[code];
  return entry.parent as ErrorCode | undefined;
}

/** The code itself, then its parent, up to its general code. */
export function codeLineage(code: ErrorCode): ErrorCode[] {
  const lineage: ErrorCode[] = [];
  for (let at: ErrorCode | undefined = code; at; at = parentCodeOf(at)) lineage.push(at);
  return lineage;
}

/** The details a response may carry: only the keys the catalogue marks public, or undefined if none. */
export function publicDetailsOf(error: AgentryError): Record<string, unknown> | undefined {
  const entry: CatalogueEntry = errorCatalogue[error.code];
  if (!error.details || !entry.publicDetails) return undefined;
  const details = error.details as Record<string, unknown>;
  const picked = Object.fromEntries(
    entry.publicDetails.filter((key) => details[key] !== undefined).map((key) => [key, details[key]]),
  );
  return Object.keys(picked).length ? picked : undefined;
}

/** zod's issues (or any with `path` and `message`) as ours, symbols dropped, under an optional prefix. */
export function issuesFromZod(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: (string | number)[] = [],
): ValidationIssue[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')],
    message: issue.message,
  }));
}

/**
 * The same error with its issue paths under `prefix`: a route whose body nests the domain's fields (Tank's
 * publish sends them as `manifest`) names them as its body does, while the domain names its own fields.
 */
export function withIssuePrefix<C extends ErrorCode>(
  error: AgentryError<C>,
  prefix: string[],
): AgentryError<C> {
  if (!error.issues) return error;
  const options = {
    message: error.message,
    issues: error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })),
    details: error.details,
    headers: error.headers,
    cause: error.cause,
  };
  return new AgentryError(error.code, ...([options] as OptionsArgs<C>));
}
