/**
 * Who is calling. API paths (/api, /v1) authenticate with `Authorization: Bearer <token>` only (any of
 * the token prefixes in core/tokens.ts, on every surface); web pages
 * with the session cookie only. Keeping cookies off the API means no API route can be driven by a
 * cross-site form, and keeping tokens off pages means a leaked token never gets a browser session.
 */
import { AgentryError, hasTokenPrefix, scopeAllows, type TokenScope } from '@agentry/core';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { scopesOfTenantRole } from '../domain/access.js';
import { authenticateApiToken } from '../domain/api-tokens.js';
import { verifyAccessToken } from '../domain/oauth.js';
import { verifySessionJwt } from '../domain/session-jwt.js';
import { findSessionById, findSessionUser } from '../domain/sessions.js';
import { findTenantRole } from '../domain/users.js';
import type { AppEnv, Principal } from './context.js';
import { type Surface, surfaceOf } from './surfaces.js';

export const sessionCookie = 'agentry_session';

export function authenticate(db: Kysely<Database>, secret: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get('tenant');
    const surface = surfaceOf(c.req.path);
    // The token endpoint authenticates clients itself (client_secret_basic / _post).
    if (c.req.path === '/oauth/token') return next();
    if (surface !== 'web') {
      const principal = await principalOfApiRequest(db, secret, tenant.id, surface, {
        authorization: c.req.header('authorization'),
        apiToken: c.req.header('x-api-token'),
      });
      if (principal === 'invalid') c.set('authFailed', true);
      else if (principal) c.set('principal', principal);
    } else {
      const cookie = getCookie(c, sessionCookie);
      const session = cookie ? await findSessionUser(db, tenant.id, cookie) : undefined;
      if (session) c.set('principal', await sessionPrincipal(db, tenant.id, session));
    }
    await next();
  };
}

/** A web session acts with the powers of the user's tenant role. */
async function sessionPrincipal(
  db: Kysely<Database>,
  tenantId: string,
  session: { sessionId: string; user: Principal['user'] },
): Promise<Principal> {
  const role = await findTenantRole(db, tenantId, session.user.id);
  return {
    user: session.user,
    scopes: scopesOfTenantRole(role),
    via: 'session',
    sessionId: session.sessionId,
  };
}

/**
 * API credentials: `Authorization: Bearer <token>` everywhere; AI Toolkit also documents
 * `X-API-Token: <token>`, and AI Toolkit and skill-pool take `Authorization: Bearer <web-session JWT>`
 * (see domain/session-jwt.ts): skill-pool's portal calls the API with a signed-in user's session.
 */
async function principalOfApiRequest(
  db: Kysely<Database>,
  secret: string,
  tenantId: string,
  surface: Surface,
  headers: { authorization: string | undefined; apiToken: string | undefined },
): Promise<Principal | 'invalid' | undefined> {
  const bearer =
    headers.authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization)?.[1];
  if (headers.authorization !== undefined && !bearer) return 'invalid';
  const raw = bearer ?? (surface === 'ai-toolkit' ? headers.apiToken?.trim() : undefined);
  if (raw === undefined) return undefined;
  if (surface === 'ayaiay' && bearer && !hasTokenPrefix(bearer)) {
    // A bot's OAuth access token acts as the user who created its client, with the token's scopes.
    const bot = await verifyAccessToken(db, secret, tenantId, bearer);
    return bot
      ? { user: bot.user, scopes: bot.scopes, via: 'token', tokenId: `oauth:${bot.client.client_id}` }
      : 'invalid';
  }
  if (surface === 'skill-pool' && bearer?.startsWith('sps_')) {
    // skill-pool's SSO session (minted by the OIDC callback or the SAML ACS), as its portal sends it.
    const session = await findSessionUser(db, tenantId, bearer);
    return session ? sessionPrincipal(db, tenantId, session) : 'invalid';
  }
  if ((surface === 'ai-toolkit' || surface === 'skill-pool') && bearer && !hasTokenPrefix(bearer)) {
    const claims = await verifySessionJwt(secret, bearer);
    const session =
      claims && claims.tid === tenantId ? await findSessionById(db, tenantId, claims.sid) : undefined;
    return session ? sessionPrincipal(db, tenantId, session) : 'invalid';
  }
  const found = await authenticateApiToken(db, tenantId, raw);
  if (!found) return 'invalid';
  return {
    user: found.user,
    scopes: found.token.scopes as TokenScope[],
    via: 'token',
    tokenId: found.token.id,
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
    throw new AgentryError('token_lacks_scope', {
      message: `This token lacks the ${scope} scope.`,
      details: { scope },
    });
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
