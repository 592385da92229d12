/** Request id, client address, access log and metrics for every request. */
import { randomUUID } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from './context.js';
import { respondWithError } from './on-error.js';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

function clientAddress(c: Parameters<MiddlewareHandler<AppEnv>>[0], trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return c.req.header('x-test-client-ip') ?? '127.0.0.1';
  }
}

export function requestContext(
  logger: Logger,
  metrics: Metrics,
  trustProxy: boolean,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    const log = logger.child({ reqId: requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('clientIp', clientAddress(c, trustProxy));
    c.set('principal', undefined);
    c.set('authFailed', false);
    try {
      await next();
    } catch (error) {
      // Errors thrown by middleware before routing still get the surface's envelope.
      c.res = respondWithError(c, error);
    }
    c.header('X-Request-Id', requestId);
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) },
      'request',
    );
  };
}
