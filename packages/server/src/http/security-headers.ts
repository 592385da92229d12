import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

/**
 * Defaults for every response. Pages use no inline script or style, so the CSP can forbid both;
 * routes serving untrusted bytes (files of artifacts) tighten it further with `sandbox`.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'DENY');
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.header(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
    }
  };
}
