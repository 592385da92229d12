/**
 * The one error catalogue. Codes are stable: clients and tests match on them, never on messages.
 * Each surface renders the same code in its own documented envelope (Tank upper-cases it,
 * skill-pool keeps snake_case, ayaiay nests it), so a code is written here once in snake_case.
 */
export const errorCatalogue = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  authorization_pending: { status: 400, message: 'The login has not been approved in the browser yet.' },
  unauthorized: { status: 401, message: 'Bearer token is missing or invalid.' },
  invalid_credentials: { status: 401, message: 'The username or password is incorrect.' },
  forbidden: { status: 403, message: 'You do not have permission to do this.' },
  csrf_failed: {
    status: 403,
    message: 'The form expired or did not come from this site. Reload and try again.',
  },
  signature_invalid: { status: 403, message: 'The signed URL is invalid.' },
  signature_expired: { status: 403, message: 'The signed URL has expired.' },
  not_found: { status: 404, message: 'The resource does not exist.' },
  pack_not_found: { status: 404, message: 'The pack does not exist.' },
  version_not_found: { status: 404, message: 'The version does not exist.' },
  publisher_not_found: { status: 404, message: 'The publisher does not exist.' },
  tenant_resolution_failed: { status: 404, message: 'No tenant matches this request.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  conflict: { status: 409, message: 'The resource already exists.' },
  version_exists: { status: 409, message: 'This version has already been published.' },
  name_unavailable: { status: 409, message: 'This name is taken; choose another one.' },
  upload_complete: { status: 409, message: 'This upload URL has already been used.' },
  poll_token_expired: { status: 410, message: 'The poll token has expired or already been used.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'The content type is not supported.' },
  validation_error: { status: 422, message: 'Request validation failed.' },
  unsafe_archive: {
    status: 422,
    message: 'The archive has an entry that is unsafe to extract; nothing was stored.',
  },
  scan_failed: { status: 422, message: 'The archive could not be scanned.' },
  scan_rejected: {
    status: 422,
    message: "The scan verdict is FAIL and this registry's policy refuses such publishes.",
  },
  rate_limited: { status: 429, message: 'Too many requests. Retry later.' },
  internal_error: { status: 500, message: 'An unexpected error occurred.' },
  not_implemented: { status: 501, message: 'This feature is not enabled on this server.' },
  service_unavailable: { status: 503, message: 'A dependency of this server is unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One field-level problem, shaped like zod's issues so 422 bodies map back to fields. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

export interface AgentryErrorOptions {
  message?: string;
  issues?: ValidationIssue[];
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AgentryError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: ValidationIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, options: AgentryErrorOptions = {}) {
    const entry = errorCatalogue[code];
    super(
      options.message ?? entry.message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AgentryError';
    this.code = code;
    this.status = entry.status;
    this.issues = options.issues;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function isAgentryError(value: unknown): value is AgentryError {
  return value instanceof AgentryError;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
