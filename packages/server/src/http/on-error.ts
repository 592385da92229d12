/** The one place where a thrown error becomes a response. */
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderErrorPage } from '../web/error-page.js';
import type { AppEnv } from './context.js';
import { clientDialectOf, renderError, surfaceOf } from './surfaces.js';

/** The catalogue codes a bare HTTP status from hono maps onto (none carries details). */
type HttpStatusCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type';

/** Maps whatever was thrown onto the catalogue; anything unknown is a 500 that gets logged. */
export function toAgentryError(error: unknown, c: Context<AppEnv>): AgentryError {
  if (error instanceof AgentryError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 400 && (c.req.header('content-type') ?? '').includes('json')) {
      return new AgentryError('invalid_json');
    }
    const byStatus: Record<number, HttpStatusCode> = {
      400: 'bad_request',
      401: 'unauthorized',
      403: 'forbidden',
      404: 'not_found',
      405: 'method_not_allowed',
      413: 'payload_too_large',
      415: 'unsupported_media_type',
    };
    const code = byStatus[error.status];
    if (code) return new AgentryError(code);
  }
  // Input the database cannot hold (a NUL byte, a malformed uuid, a value out of range) is the
  // client's mistake wherever it slipped past validation: a 400, never a 500.
  const pgCode = (error as { code?: unknown } | null)?.code;
  if (typeof pgCode === 'string' && clientDataErrors.has(pgCode))
    return new AgentryError('bad_request', { cause: error });
  return new AgentryError('internal_error', { cause: error });
}

/** PostgreSQL SQLSTATEs of class 22 (data exception) that client-supplied values can cause. */
const clientDataErrors = new Set(['22021', '22P02', '22001', '22003', '22007', '22008', '2201B', '54000']);

function hasUnreadBody(c: Context<AppEnv>, error: AgentryError): boolean {
  const declared =
    Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
  return declared && (error.status === 413 || !c.req.raw.bodyUsed);
}

export function respondWithError(c: Context<AppEnv>, thrown: unknown): Response {
  const error = toAgentryError(thrown, c);
  if (error.status >= 500) {
    c.get('log')?.error({ err: thrown }, 'request failed');
  }
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  // The specific catalogue code; the envelope carries the general one each surface documents.
  c.header('X-Agentry-Error-Code', error.code);
  // Answered before the body was read (a 413 on Content-Length, a full scan queue, a refused caller): on a
  // kept-alive connection the unread bytes would be parsed as the next request, so the connection closes.
  if (hasUnreadBody(c, error)) c.header('Connection', 'close');
  const surface = surfaceOf(c.req.path);
  const rendered = renderError(surface, error, clientDialectOf(c.req.header('user-agent')));
  const status = rendered.status as ContentfulStatusCode;
  if (surface === 'scim') {
    c.header('Content-Type', 'application/scim+json');
    return c.body(JSON.stringify(rendered.body), status);
  }
  if (surface === 'web' && (c.req.header('accept') ?? '').includes('text/html')) {
    return c.html(renderErrorPage(error), status);
  }
  return c.json(rendered.body, status);
}
