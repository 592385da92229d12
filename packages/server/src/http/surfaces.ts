/**
 * Each documented API renders errors in its own envelope. The surface of a request is decided by its
 * path once, here; later surfaces (AI Toolkit, ayaiay) add an entry to `surfaces`.
 */
import {
  type AgentryError,
  codeLineage,
  type ErrorCode,
  errorCatalogue,
  publicDetailsOf,
} from '@agentry/core';
import { scimTypeOf } from '../domain/scim-filter.js';

export type Surface = 'tank' | 'ai-toolkit' | 'ayaiay' | 'skill-pool' | 'scim' | 'web';

export interface RenderedError {
  status: number;
  body: unknown;
}

interface SurfaceRule {
  surface: Surface;
  matches(path: string): boolean;
}

const surfaces: SurfaceRule[] = [
  // SCIM 2.0 (routes/scim): skill-pool's document puts it under /v1, its real server at /scim.
  { surface: 'scim', matches: (path) => /^\/(?:v1\/)?scim\/v2(?:\/|$)/.test(path) },
  // The CLI login consent screen is a browser page that happens to live under Tank's API path.
  { surface: 'web', matches: (path) => path === '/api/v1/cli-auth/authorize' },
  {
    surface: 'ayaiay',
    matches: (path) => /^\/api\/v1\/packs(?:\/|$)/.test(path) || path === '/oauth/token',
  },
  {
    surface: 'ai-toolkit',
    matches: (path) =>
      /^\/api\/v1\/(?:artifacts|teams)(?:\/|$)/.test(path) ||
      path === '/api/v1/auth/cli-token' ||
      path === '/api/v1/auth/verify',
  },
  {
    surface: 'skill-pool',
    // `/mcp` is the MCP endpoint's second address (routes/skill-pool/mcp.ts).
    matches: (path) => path.startsWith('/v1/') || path === '/v1' || path === '/health' || path === '/mcp',
  },
  {
    surface: 'tank',
    matches: (path) => path.startsWith('/api/') || path === '/api' || path.startsWith('/_blobs/'),
  },
];

/**
 * Real client programs that read errors differently from their registry's document, recognised by what
 * only they send (reference/real-clients.md): ayaiay-cli's User-Agent `ayaiay-cli/<version>`, and
 * AI Toolkit's `aitk`, which calls Node's built-in fetch and so sends its default User-Agent `node`.
 */
export interface ClientDialect {
  ayaiayCli: boolean;
  aitkCli: boolean;
}

export function clientDialectOf(userAgent: string | undefined): ClientDialect {
  const agent = (userAgent ?? '').trim();
  return { ayaiayCli: /^ayaiay-cli\//i.test(agent), aitkCli: agent === 'node' };
}

export function surfaceOf(path: string): Surface {
  return surfaces.find((rule) => rule.matches(path))?.surface ?? 'web';
}

/**
 * The specific codes a surface documents beyond the general ones (ayaiay's document names these three; the
 * API-client pages have always answered `publisher_not_found`). Any other specific code is rendered as its nearest general
 * ancestor, so splitting a code never changes what a documented client receives.
 */
const documentedSpecific: Record<Surface, ReadonlySet<ErrorCode>> = {
  tank: new Set(),
  'ai-toolkit': new Set(),
  'skill-pool': new Set(),
  scim: new Set(),
  ayaiay: new Set(['pack_not_found', 'version_not_found', 'publisher_not_found']),
  web: new Set(['publisher_not_found']),
};

/** What a surface may say about an error: its code as that surface knows it, and only public details. */
interface WireError {
  code: ErrorCode;
  status: number;
  message: string;
  issues: AgentryError['issues'];
  details: Record<string, unknown> | undefined;
  headers: AgentryError['headers'];
}

/** The code `surface` renders for `code`: the code itself if documented there, else its general ancestor. */
export function surfaceCodeOf(surface: Surface, code: ErrorCode): ErrorCode {
  const lineage = codeLineage(code);
  return lineage.find((at) => documentedSpecific[surface].has(at)) ?? (lineage.at(-1) as ErrorCode);
}

function wireErrorOf(surface: Surface, error: AgentryError): WireError {
  const code = surfaceCodeOf(surface, error.code);
  return {
    code,
    status: error.status,
    // 5xx messages are generic: internals never reach a client.
    message: error.status >= 500 ? errorCatalogue[code].message : error.message,
    issues: error.issues,
    details: publicDetailsOf(error),
    headers: error.headers,
  };
}

/**
 * skill-pool's codes: the seven its document lists plus the ones its server also sends (`conflict`,
 * `payload_too_large`, `rate_limit_exceeded`). Our other codes map onto the nearest by status, and field
 * validation is its 400 `bad_request` with the first problem in the message (the envelope has no issues).
 */
const skillPoolCodes = new Set<string>([
  'not_found',
  'unauthorized',
  'forbidden',
  'bad_request',
  'tenant_resolution_failed',
  'not_implemented',
  'internal_error',
  'conflict',
  'payload_too_large',
]);

function skillPoolCode(error: WireError): string {
  if (skillPoolCodes.has(error.code)) return error.code;
  if (error.code === 'rate_limited') return 'rate_limit_exceeded';
  const byStatus: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    410: 'not_found',
    413: 'payload_too_large',
    415: 'bad_request',
    422: 'bad_request',
  };
  return byStatus[error.status] ?? error.code;
}

function skillPoolStatus(error: WireError): number {
  return error.status === 422 ? 400 : error.status;
}

function skillPoolMessage(error: WireError, message: string): string {
  const issue = error.issues?.[0];
  if (!issue) return message;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${message === errorCatalogue.validation_error.message ? '' : `${message} `}${where}${issue.message}`;
}

// ayaiay documents upper-case codes, some renamed, and 400 (not 422) for invalid parameters.
const ayaiayRenamed: Partial<Record<ErrorCode, string>> = {
  rate_limited: 'RATE_LIMIT_EXCEEDED',
  internal_error: 'INTERNAL_SERVER_ERROR',
  validation_error: 'BAD_REQUEST',
  invalid_json: 'BAD_REQUEST',
};

function ayaiayCode(error: WireError): string {
  return ayaiayRenamed[error.code] ?? error.code.toUpperCase();
}

function ayaiayStatus(error: WireError): number {
  return error.code === 'validation_error' ? 400 : error.status;
}

export function renderError(
  surface: Surface,
  thrown: AgentryError,
  dialect: ClientDialect = { ayaiayCli: false, aitkCli: false },
): RenderedError {
  const error = wireErrorOf(surface, thrown);
  const { message } = error;
  switch (surface) {
    case 'tank':
      return {
        status: error.status,
        body: {
          error: error.code.toUpperCase(),
          message,
          ...(error.issues ? { issues: error.issues } : {}),
          ...(error.details ? { details: error.details } : {}),
        },
      };
    case 'skill-pool':
      return {
        status: skillPoolStatus(error),
        body: {
          error: skillPoolCode(error),
          message: skillPoolMessage(error, message),
          ...(error.code === 'rate_limited' && error.headers?.['Retry-After']
            ? { retry_after_seconds: Number(error.headers['Retry-After']) }
            : {}),
        },
      };
    case 'ayaiay':
      return {
        status: ayaiayStatus(error),
        body: {
          error: {
            code: ayaiayCode(error),
            message,
            details: { ...error.details, ...(error.issues ? { issues: error.issues } : {}) },
          },
          // ayaiay-cli prints `detail` (else the raw body) for statuses other than 401, 403 and 404.
          ...(dialect.ayaiayCli ? { detail: message } : {}),
        },
      };
    case 'ai-toolkit':
      // aitk prints `error.message` (its real server nests the error); the documented envelope keeps
      // `error` a string, so only aitk's requests get the nested form, with `message` still beside it.
      if (dialect.aitkCli)
        return {
          status: error.status,
          body: {
            error: { code: error.code, message, status: error.status },
            message,
            ...(error.issues || error.details
              ? { details: { ...error.details, ...(error.issues ? { issues: error.issues } : {}) } }
              : {}),
          },
        };
      // AI Toolkit documents `{ error, message }`; field problems ride along as `details.issues`.
      return {
        status: error.status,
        body: {
          error: error.code,
          message,
          ...(error.issues || error.details
            ? { details: { ...error.details, ...(error.issues ? { issues: error.issues } : {}) } }
            : {}),
        },
      };
    case 'scim': {
      // RFC 7644 §3.12: the Error schema, `status` as a string, `scimType` where one applies.
      const status = error.code === 'validation_error' || error.code === 'invalid_json' ? 400 : error.status;
      const scimType =
        scimTypeOf(thrown) ??
        (error.code === 'conflict' ? 'uniqueness' : status === 400 ? 'invalidValue' : undefined);
      return {
        status,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: String(status),
          ...(scimType ? { scimType } : {}),
          detail: message,
        },
      };
    }
    case 'web':
      return {
        status: error.status,
        body: { error: error.code, message, ...(error.issues ? { issues: error.issues } : {}) },
      };
  }
}
