/**
 * AI Toolkit auth: `POST /api/v1/auth/cli-token` (from a web session's JWT) and `GET /api/v1/auth/verify`
 * (an API token). `GET /auth/session-token` hands a logged-in browser the session JWT that AI Toolkit's
 * API accepts as `Authorization: Bearer` — a same-origin read, so another site cannot obtain it.
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { createApiToken } from '../../domain/api-tokens.js';
import { issueSessionJwt, sessionJwtSeconds } from '../../domain/session-jwt.js';
import { requirePrincipal } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { aitkErrors, isAitkCli, json } from './common.js';

/** AI Toolkit's CLI tokens live a year. */
const cliTokenDays = 365;

const cliToken = createRoute({
  method: 'post',
  path: '/api/v1/auth/cli-token',
  tags: ['ai-toolkit'],
  summary: 'Create an API token for the CLI (needs a web-session JWT)',
  ...requiresAuth(),
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(100) }) } },
    },
  },
  responses: {
    201: json(z.object({ token: z.string(), id: z.string() }), 'The token, shown once'),
    ...aitkErrors(401, 403, 422, 429),
  },
});

const verify = createRoute({
  method: 'get',
  path: '/api/v1/auth/verify',
  tags: ['ai-toolkit'],
  summary: 'Whether an API token (X-API-Token or Bearer) is valid',
  ...requiresAuth(),
  responses: {
    200: json(
      z.object({
        valid: z.literal(true),
        user_id: z.string(),
        data: z
          .object({ authenticated: z.literal(true), userId: z.string(), username: z.string() })
          .optional()
          .openapi({ description: 'For aitk (User-Agent node), which reads data.userId and data.username' }),
      }),
      'Valid',
    ),
    ...aitkErrors(401, 429),
  },
});

export function aitkAuthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(cliToken, async (c) => {
    const principal = requirePrincipal(c);
    if (principal.via !== 'session') {
      throw new AgentryError('session_required', {
        message: 'CLI tokens are created from a web session (Authorization: Bearer <session JWT>).',
      });
    }
    const scopes = principal.scopes.filter((scope) => scope === 'skills:read' || scope === 'skills:publish');
    if (scopes.length === 0)
      throw new AgentryError('tenant_role_required', {
        message: 'Your role in this tenant grants no API access.',
        details: { required: 'viewer' },
      });
    const { token, record } = await createApiToken(deps.db, {
      tenantId: c.get('tenant').id,
      userId: principal.user.id,
      name: c.req.valid('json').name,
      scopes,
      expiresAt: new Date(Date.now() + cliTokenDays * 86_400_000),
    });
    return c.json({ token, id: record.id }, 201);
  });

  app.openapi(verify, (c) => {
    const principal = requirePrincipal(c);
    const valid = { valid: true as const, user_id: principal.user.id };
    if (!isAitkCli(c)) return c.json(valid, 200);
    return c.json(
      {
        ...valid,
        data: { authenticated: true as const, userId: principal.user.id, username: principal.user.username },
      },
      200,
    );
  });

  // A web page (cookie session), not an API path: it hands the session's JWT to same-origin scripts.
  app.get('/auth/session-token', async (c) => {
    const principal = c.get('principal');
    if (!principal?.sessionId) throw new AgentryError('unauthorized', { message: 'Log in first.' });
    c.header('Cache-Control', 'no-store');
    const token = await issueSessionJwt(deps.secret, {
      sid: principal.sessionId,
      tid: c.get('tenant').id,
      sub: principal.user.id,
    });
    return c.json({ token, expires_in: sessionJwtSeconds }, 200);
  });
  return app;
}
