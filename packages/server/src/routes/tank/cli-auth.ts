/**
 * Tank's CLI auth flow: `start` → the user approves at `authUrl` in a browser → `exchange` returns the
 * API key once. The consent page uses the web session and CSRF protection like every other form.
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import {
  cliTokenScopes,
  decideDeviceLogin,
  exchangeDeviceLogin,
  findPendingDeviceLogin,
  startDeviceLogin,
} from '../../domain/device-auth.js';
import type { AppEnv } from '../../http/context.js';
import { issueCsrfField, verifyCsrfField } from '../../http/csrf.js';
import { renderConsentPage, renderConsentResult } from '../../web/cli-consent.js';
import { jsonContent, tankErrors } from './schemas.js';

const start = createRoute({
  method: 'post',
  path: '/api/v1/cli-auth/start',
  tags: ['cli-auth'],
  summary: 'Begin the CLI login: a poll token and the browser URL to approve it (5 minutes)',
  request: {
    body: {
      required: false,
      content: {
        'application/json': { schema: z.object({ deviceName: z.string().trim().max(100).optional() }) },
      },
    },
  },
  responses: {
    200: jsonContent(
      z.object({ pollToken: z.string(), authUrl: z.string(), expiresIn: z.number().int() }),
      'Started',
    ),
    ...tankErrors(400, 422, 429),
  },
});

const exchange = createRoute({
  method: 'post',
  path: '/api/v1/cli-auth/exchange',
  tags: ['cli-auth'],
  summary: 'Exchange an approved poll token for an API key (single use)',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ pollToken: z.string().max(200) }) } },
    },
  },
  responses: {
    200: jsonContent(z.object({ apiKey: z.string(), scopes: z.array(z.string()) }), 'Approved'),
    202: jsonContent(z.object({ status: z.literal('pending') }), 'Not approved yet'),
    ...tankErrors(400, 410, 422, 429),
  },
});

export function tankCliAuthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const secure = deps.config.publicUrl.startsWith('https:');

  /** Tenants on their own subdomain approve on that host, so the browser's session matches. */
  const authUrlFor = (c: Context<AppEnv>, pollToken: string) => {
    const tenant = c.get('tenant');
    const base = new URL(deps.config.publicUrl);
    if (deps.config.baseDomain && tenant.slug !== deps.config.defaultTenant)
      base.host = `${tenant.slug}.${deps.config.baseDomain}`;
    return `${base.origin}${base.pathname.replace(/\/$/, '')}/api/v1/cli-auth/authorize?token=${encodeURIComponent(pollToken)}`;
  };

  app.openapi(start, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { deviceName?: unknown };
    const deviceName =
      typeof body.deviceName === 'string' ? body.deviceName.trim().slice(0, 100) || undefined : undefined;
    const { pollToken, expiresIn } = await startDeviceLogin(deps.db, c.get('tenant').id, deviceName);
    return c.json({ pollToken, authUrl: authUrlFor(c, pollToken), expiresIn }, 200);
  });

  app.openapi(exchange, async (c) => {
    const result = await exchangeDeviceLogin(deps.db, c.get('tenant').id, c.req.valid('json').pollToken);
    if (result.status === 'pending') return c.json({ status: 'pending' as const }, 202);
    return c.json({ apiKey: result.apiKey, scopes: result.scopes }, 200);
  });

  app.get('/api/v1/cli-auth/authorize', async (c) => {
    const token = c.req.query('token') ?? '';
    const principal = c.get('principal');
    if (!principal) {
      return c.redirect(
        `/login?next=${encodeURIComponent(`/api/v1/cli-auth/authorize?token=${encodeURIComponent(token)}`)}`,
        303,
      );
    }
    const pending = await findPendingDeviceLogin(deps.db, c.get('tenant').id, token);
    if (!pending) {
      return c.html(
        renderConsentResult(
          principal.user,
          'Request expired',
          'This sign-in request has expired or was already used. Run agentry login again.',
        ),
        410,
      );
    }
    return c.html(
      renderConsentPage({
        user: principal.user,
        csrf: issueCsrfField(c, deps.secret, secure),
        token,
        deviceName: pending.device_name,
        // What the key will carry: the CLI scopes the user's tenant role allows.
        scopes: cliTokenScopes.filter((scope) => principal.scopes.includes(scope)),
      }),
    );
  });

  app.post('/api/v1/cli-auth/authorize', async (c) => {
    const form = await c.req.parseBody().catch(() => {
      throw new AgentryError('bad_request', { message: 'The form could not be read.' });
    });
    verifyCsrfField(c, deps.secret, form.csrf);
    const principal = c.get('principal');
    if (!principal) throw new AgentryError('unauthorized', { message: 'Log in first.' });
    const approve = form.decision === 'approve';
    const decided = await decideDeviceLogin(
      deps.db,
      c.get('tenant').id,
      String(form.token ?? ''),
      principal.user.id,
      approve,
    );
    if (!decided) {
      return c.html(
        renderConsentResult(
          principal.user,
          'Request expired',
          'This sign-in request has expired or was already used. Run agentry login again.',
        ),
        410,
      );
    }
    return c.html(
      approve
        ? renderConsentResult(
            principal.user,
            'CLI authorized',
            'You can close this tab and return to your terminal.',
          )
        : renderConsentResult(principal.user, 'Request denied', 'The command line was not given access.'),
    );
  });
  return app;
}
