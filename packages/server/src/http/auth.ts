/**
 * Who is calling. API paths (/api, /v1) authenticate with `Authorization: Bearer agt_…` only; web pages
 * with the session cookie only. Keeping cookies off the API means no API route can be driven by a
 * cross-site form, and keeping tokens off pages means a leaked token never gets a browser session.
 */
import { AgentryError, scopeAllows, type TokenScope } from '@agentry/core';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { scopesOfTenantRole } from '../domain/access.js';
import { authenticateApiToken } from '../domain/api-tokens.js';
import { findSessionUser } from '../domain/sessions.js';
import { findTenantRole } from '../domain/users.js';
import type { AppEnv, Principal } from './context.js';
import { surfaceOf } from './surfaces.js';

export const sessionCookie = 'agentry_session';

export function authenticate(db: Kysely<Database>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get('tenant');
    const authorization = c.req.header('authorization');
    if (surfaceOf(c.req.path) !== 'web') {
      if (authorization !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        const found = match?.[1] ? await authenticateApiToken(db, tenant.id, match[1]) : undefined;
        if (!found) {
          c.set('authFailed', true);
          return next();
        }
        c.set('principal', {
          user: found.user,
          scopes: found.token.scopes as TokenScope[],
          via: 'token',
          tokenId: found.token.id,
        });
      }
    } else {
      const secret = getCookie(c, sessionCookie);
      const session = secret ? await findSessionUser(db, tenant.id, secret) : undefined;
      if (session) {
        const role = await findTenantRole(db, tenant.id, session.user.id);
        // A web session acts with the powers of the user's tenant role.
        const scopes = scopesOfTenantRole(role);
        c.set('principal', { user: session.user, scopes, via: 'session', sessionId: session.sessionId });
      }
    }
    await next();
  };
}

/** Answers a bad bearer token with 401; runs after rate limiting so failed attempts are counted too. */
export function rejectFailedAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('authFailed')) throw new AgentryError('unauthorized');
    await next();
  };
}

/** The caller, or 401. */
export function requirePrincipal(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new AgentryError('unauthorized');
  return principal;
}

/** The caller holding `scope`, or 401 (nobody) / 403 (missing scope). */
export function requireScope(c: Context<AppEnv>, scope: TokenScope): Principal {
  const principal = requirePrincipal(c);
  if (!scopeAllows(principal.scopes, scope)) {
    throw new AgentryError('forbidden', { message: `This token lacks the ${scope} scope.` });
  }
  return principal;
}

/** The caller as the access rules see them (anonymous when nobody is authenticated). */
export function viewerOf(c: Context<AppEnv>): { userId: string | undefined; scopes: TokenScope[] } {
  const principal = c.get('principal');
  return principal
    ? { userId: principal.user.id, scopes: principal.scopes }
    : { userId: undefined, scopes: [] };
}
