/**
 * What a route asks of its caller, declared once in its route definition: `createRoute({ ...,
 * ...requiresAuth('skills:publish') })`. The declaration both documents the requirement in OpenAPI
 * (`security: [{ bearer: [scope] }]`) and installs a route middleware, which @hono/zod-openapi runs
 * before the route's validators. So on every surface a caller hears 401 (no or bad credentials), then 403
 * (missing scope), and only then about the shape of the body, and a route cannot document one thing
 * and check another.
 */
import type { TokenScope } from '@agentry/core';
import type { MiddlewareHandler } from 'hono';
import { requirePrincipal, requireScope } from './auth.js';
import type { AppEnv } from './context.js';

function gate(scope: TokenScope | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (scope) requireScope(c, scope);
    else requirePrincipal(c);
    await next();
  };
}

/**
 * A caller is required (401 without one); with `scope`, a caller holding that scope (403 without it).
 * Spread into `createRoute`; handlers still call requirePrincipal/requireScope to get the principal.
 */
export function requiresAuth(scope?: TokenScope): {
  security: { bearer: string[] }[];
  middleware: MiddlewareHandler<AppEnv>[];
} {
  return { security: [{ bearer: scope ? [scope] : [] }], middleware: [gate(scope)] };
}
