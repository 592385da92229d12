/**
 * skill-pool's runtime sign-in (skill-pool-wire §6.12): OIDC start and callback, the discovery flags
 * the portal's login page reads, and log-out. The callback answers 303 to `return_to` with
 * `?token=sps_…&tenant=<slug>` as the real server does, and also sets this site's session cookie; a
 * start with `response=cookie` (the web page's button) leaves the token out of the URL. `return_to`
 * must be a relative path on this site (the real server accepts any URL, which leaks the session).
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../../app-deps.js';
import {
  beginOidcSignIn,
  checkReturnTo,
  createOidcClients,
  finishOidcSignIn,
  oidcStateCookie,
  oidcStateSeconds,
  openOidcState,
  sealOidcState,
} from '../../domain/oidc.js';
import { deleteSessionById } from '../../domain/sessions.js';
import {
  findOidcConfig,
  findSamlConfig,
  oidcRedirectUri,
  openClientSecret,
} from '../../domain/sso-config.js';
import { completeSsoSignIn, ssoSessionHours } from '../../domain/sso-login.js';
import { requirePrincipal, sessionCookie } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { rotateCsrfCookie } from '../../http/csrf.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';
import { ssoUrlsOf } from './sso-admin.js';

const TenantParam = z.object({
  tenant: z.string().openapi({ description: 'Tenant slug (used when no header or subdomain names one)' }),
});
const redirectResponse = (description: string) => ({
  description,
  headers: { Location: { schema: { type: 'string' as const } } },
});

const discoverOidc = createRoute({
  method: 'get',
  path: '/v1/auth/oidc/discover',
  tags,
  summary: 'Whether OIDC sign-in is configured for this tenant (the login page asks)',
  responses: { 200: json(z.object({ enabled: z.boolean(), display_name: z.string().nullable() }), 'Flag') },
});
const discoverSaml = createRoute({
  method: 'get',
  path: '/v1/auth/saml/discover',
  tags,
  summary: 'Whether SAML sign-in is configured for this tenant',
  responses: { 200: json(z.object({ enabled: z.boolean(), display_name: z.string().nullable() }), 'Flag') },
});
const oidcStart = createRoute({
  method: 'get',
  path: '/v1/auth/oidc/{tenant}/start',
  tags,
  summary: 'Redirect to the IdP: authorization code with PKCE (S256), state and nonce',
  request: {
    params: TenantParam,
    query: z.object({
      return_to: z
        .string()
        .max(2000)
        .optional()
        .openapi({ description: 'A relative path on this site (default /)' }),
      response: z.enum(['query', 'cookie']).optional().openapi({
        description:
          '`query` (default) appends ?token=sps_…&tenant= to return_to; `cookie` only sets the session cookie',
      }),
    }),
  },
  responses: { 307: redirectResponse('To the identity provider'), ...spErrors(400, 401) },
});
const oidcCallback = createRoute({
  method: 'get',
  path: '/v1/auth/oidc/{tenant}/callback',
  tags,
  summary: 'The IdP returns here: the code is exchanged, the ID token validated, a 14-day session minted',
  request: { params: TenantParam },
  responses: {
    303: redirectResponse('To return_to (with ?token=sps_…&tenant=…)'),
    ...spErrors(400, 401, 403, 409),
  },
});
const logout = createRoute({
  method: 'post',
  path: '/v1/auth/logout',
  tags,
  summary: 'End the calling session (an API token is left alone)',
  ...requiresAuth(),
  responses: { 204: { description: 'Ended' }, ...spErrors(401) },
});

export function ssoAuthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const secure = deps.config.publicUrl.startsWith('https:');
  const oidc = createOidcClients({ privateOrigins: deps.config.ssoPrivateOrigins });

  /** The session cookie for this site's pages (the same session the token names). */
  const signInBrowser = (c: Context<AppEnv>, token: string) => {
    setCookie(c, sessionCookie, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/',
      maxAge: ssoSessionHours * 3600,
    });
    rotateCsrfCookie(c, secure);
  };

  /** 303 to return_to, with skill-pool's `token` and `tenant` parameters unless the start asked for cookie only. */
  const finish = (c: Context<AppEnv>, returnTo: string, token: string, mode: 'query' | 'cookie') => {
    signInBrowser(c, token);
    if (mode === 'cookie') return c.redirect(returnTo, 303);
    const url = new URL(returnTo, deps.config.publicUrl);
    url.searchParams.set('token', token);
    url.searchParams.set('tenant', c.get('tenant').slug);
    return c.redirect(`${url.pathname}${url.search}${url.hash}`, 303);
  };

  const oidcConfigOf = async (c: Context<AppEnv>) => {
    const row = await findOidcConfig(deps.db, c.get('tenant').id);
    if (!row)
      throw new AgentryError('sso_not_configured', { message: 'OIDC is not configured for this tenant.' });
    let clientSecret: string;
    try {
      clientSecret = openClientSecret(deps.secret, row);
    } catch {
      throw new AgentryError('sso_login_failed', {
        message:
          'The stored client secret cannot be opened (SECRET_KEY changed?); an admin must enter it again.',
      });
    }
    const config = await oidc.configFor(
      row.tenant_id,
      {
        issuerUrl: row.issuer_url,
        clientId: row.client_id,
        clientSecret,
      },
      row.updated_at.toISOString(),
    );
    return { row, config };
  };

  app.openapi(discoverOidc, async (c) => {
    const row = await findOidcConfig(deps.db, c.get('tenant').id);
    return c.json({ enabled: Boolean(row), display_name: row?.display_name ?? null }, 200);
  });
  app.openapi(discoverSaml, async (c) => {
    const row = await findSamlConfig(deps.db, c.get('tenant').id);
    return c.json({ enabled: Boolean(row), display_name: row?.display_name ?? null }, 200);
  });

  app.openapi(oidcStart, async (c) => {
    const query = c.req.valid('query');
    const returnTo = checkReturnTo(query.return_to, deps.config.publicUrl);
    const { config } = await oidcConfigOf(c);
    const { url, state } = await beginOidcSignIn(config, {
      tenantId: c.get('tenant').id,
      redirectUri: oidcRedirectUri(ssoUrlsOf(c, deps)),
      returnTo: query.response === 'cookie' ? `cookie:${returnTo}` : returnTo,
    });
    setCookie(c, oidcStateCookie, sealOidcState(deps.secret, state), {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/v1/auth/oidc',
      maxAge: oidcStateSeconds,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(url.href, 307);
  });

  app.openapi(oidcCallback, async (c) => {
    const tenant = c.get('tenant');
    const state = openOidcState(deps.secret, getCookie(c, oidcStateCookie), tenant.id);
    deleteCookie(c, oidcStateCookie, { path: '/v1/auth/oidc', secure });
    const { row, config } = await oidcConfigOf(c);
    const callbackUrl = new URL(oidcRedirectUri(ssoUrlsOf(c, deps)));
    callbackUrl.search = new URL(c.req.url).search;
    const claims = await finishOidcSignIn(config, { callbackUrl, state });
    const signIn = await completeSsoSignIn(deps.db, {
      tenantId: tenant.id,
      defaultRole: row.default_role,
      identity: {
        protocol: 'oidc',
        issuer: claims.issuer,
        subject: claims.subject,
        email: claims.email,
        emailVerified: claims.emailVerified,
        displayName: claims.name,
        groups: claims.groups,
      },
      ip: c.get('clientIp'),
      userAgent: c.req.header('user-agent'),
    });
    c.header('Cache-Control', 'no-store');
    const cookieOnly = state.returnTo.startsWith('cookie:');
    return finish(
      c,
      cookieOnly ? state.returnTo.slice(7) : state.returnTo,
      signIn.sessionToken,
      cookieOnly ? 'cookie' : 'query',
    );
  });

  app.openapi(logout, async (c) => {
    const principal = requirePrincipal(c);
    if (principal.via === 'session' && principal.sessionId) {
      await deleteSessionById(deps.db, c.get('tenant').id, principal.sessionId);
    }
    return c.body(null, 204);
  });
  return app;
}
