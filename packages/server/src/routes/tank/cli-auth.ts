/**
 * Tank's CLI auth flow: `start` → the user approves at `authUrl` in a browser → `exchange` returns the
 * API key once. The consent page uses the web session and CSRF protection like every other form.
 * Two dialects share the routes, picked by the exchange body: the documented one (`pollToken`; 202 while
 * pending; `{apiKey, scopes}`) and Tank's real CLI (`sessionCode` + `state`; 400 while pending;
 * `{token, user:{name, email}}`). A `start` with `state` also answers the session's id as `sessionCode`.
 */
import { AgentryError } from '@agentry/core';
import { TankCliAuthApproved, TankCliAuthPending, TankCliAuthStarted } from '@agentry/core/api';
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
import { findUserById } from '../../domain/users.js';
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
        'application/json': {
          schema: z.object({
            deviceName: z.string().trim().max(100).optional(),
            state: z
              .string()
              .min(8)
              .max(256)
              .optional()
              .openapi({ description: 'Tank CLI dialect: a random value the CLI repeats on exchange' }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(TankCliAuthStarted, 'Started'),
    ...tankErrors(400, 422, 429),
  },
});

const exchange = createRoute({
  method: 'post',
  path: '/api/v1/cli-auth/exchange',
  tags: ['cli-auth'],
  summary:
    'Exchange an approved poll token for an API key (single use); Tank CLI dialect with sessionCode and state',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              pollToken: z.string().max(200).optional(),
              sessionCode: z.string().max(100).optional(),
              state: z.string().max(256).optional(),
            })
            .superRefine((body, ctx) => {
              if (body.sessionCode === undefined && body.pollToken === undefined)
                ctx.addIssue({ code: 'custom', path: ['pollToken'], message: 'Required.' });
              if (body.sessionCode !== undefined && body.state === undefined)
                ctx.addIssue({ code: 'custom', path: ['state'], message: 'Required with sessionCode.' });
            }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(
      TankCliAuthApproved,
      'Approved: `{apiKey, scopes}` for a poll token, `{token, user, scopes}` for a session code',
    ),
    202: jsonContent(TankCliAuthPending, 'Not approved yet (poll token)'),
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
    const body = (await c.req.json().catch(() => ({}))) as { deviceName?: unknown; state?: unknown };
    const deviceName =
      typeof body.deviceName === 'string' ? body.deviceName.trim().slice(0, 100) || undefined : undefined;
    let state: string | undefined;
    if (body.state !== undefined) {
      if (typeof body.state !== 'string' || body.state.length < 8 || body.state.length > 256)
        throw new AgentryError('validation_error', {
          issues: [{ path: ['state'], message: 'A string of 8 to 256 characters.' }],
        });
      state = body.state;
    }
    const { pollToken, sessionCode, expiresIn } = await startDeviceLogin(
      deps.db,
      c.get('tenant').id,
      deviceName,
      state,
    );
    const started = { pollToken, authUrl: authUrlFor(c, pollToken), expiresIn };
    // The documented answer stays exactly as documented; Tank's CLI (it sends `state`) also gets the id.
    return c.json(state ? { ...started, sessionCode } : started, 200);
  });

  app.openapi(exchange, async (c) => {
    const body = c.req.valid('json');
    const tenantId = c.get('tenant').id;
    if (body.sessionCode !== undefined) {
      // Tank's CLI: 400 is its only "keep polling" signal, and it reads `token` and `user`.
      const result = await exchangeDeviceLogin(deps.db, tenantId, {
        sessionCode: body.sessionCode,
        state: body.state ?? '',
      });
      if (result.status === 'pending') throw new AgentryError('authorization_pending');
      const user = await findUserById(deps.db, result.userId);
      return c.json(
        {
          token: result.apiKey,
          scopes: result.scopes,
          user: { name: user?.display_name ?? user?.username ?? null, email: user?.email ?? null },
        },
        200,
      );
    }
    const result = await exchangeDeviceLogin(deps.db, tenantId, { pollToken: body.pollToken ?? '' });
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
    // 401 before 403: without a session here there is nothing a CSRF field could be bound to.
    const principal = c.get('principal');
    if (!principal) throw new AgentryError('unauthorized', { message: 'Log in first.' });
    verifyCsrfField(c, deps.secret, form.csrf);
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
