/**
 * skill-pool's notification settings (`GET`/`PUT /v1/tenant/notifications`, tenant:admin) and the
 * inbox badge (`GET /v1/tenant/notifications/pending-count`, any caller): `{pending, count}`, since
 * the portal reads `pending` and the document promises `count`.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { countPendingDrafts } from '../../domain/drafts.js';
import { getNotificationSettings, updateNotificationSettings } from '../../domain/notifications.js';
import { requirePrincipal, requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';

const NotificationView = z
  .object({
    webhook_url: z.string().optional(),
    signing_enabled: z.boolean().openapi({ description: 'A webhook secret is set (it is never returned)' }),
  })
  .openapi('SkillPoolNotifications');

const NotificationChange = z
  .object({
    webhook_url: z.string().max(2000).nullable().optional().openapi({
      description: 'http(s) URL; absent or null keeps it, "" clears it',
      example: 'https://hooks.example.com/skill-pool',
    }),
    webhook_secret: z.string().max(500).nullable().optional().openapi({
      description: 'HMAC-SHA256 signing secret; absent or null keeps it, "" clears it',
    }),
  })
  .openapi('SkillPoolNotificationChange');

const getSettings = createRoute({
  method: 'get',
  path: '/v1/tenant/notifications',
  tags,
  summary: "The tenant's draft notification settings (the secret is never returned)",
  ...requiresAuth('tenant:admin'),
  responses: { 200: json(NotificationView, 'Settings'), ...spErrors(401, 403) },
});

const putSettings = createRoute({
  method: 'put',
  path: '/v1/tenant/notifications',
  tags,
  summary: 'Set the draft.created webhook (signed X-Skill-Pool-Signature: sha256=<hmac> with a secret)',
  ...requiresAuth('tenant:admin'),
  request: { body: { content: { 'application/json': { schema: NotificationChange } }, required: true } },
  responses: { 200: json(NotificationView, 'Settings'), ...spErrors(400, 401, 403) },
});

const pendingCount = createRoute({
  method: 'get',
  path: '/v1/tenant/notifications/pending-count',
  tags,
  summary: 'Pending drafts, for the inbox badge',
  ...requiresAuth(),
  responses: {
    200: json(z.object({ pending: z.number().int(), count: z.number().int() }), 'Pending drafts'),
    ...spErrors(401),
  },
});

export function notificationRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(getSettings, async (c) => {
    requireScope(c, 'tenant:admin');
    return c.json(await getNotificationSettings(deps.db, c.get('tenant').id), 200);
  });
  app.openapi(putSettings, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const body = c.req.valid('json');
    const view = await updateNotificationSettings(deps.db, deps.secret, {
      tenantId: c.get('tenant').id,
      actorUserId: principal.user.id,
      allowPrivateHosts: deps.config.webhookAllowPrivateHosts,
      change: { webhookUrl: body.webhook_url, webhookSecret: body.webhook_secret },
    });
    return c.json(view, 200);
  });
  app.openapi(pendingCount, async (c) => {
    requirePrincipal(c);
    const pending = await countPendingDrafts(deps.db, c.get('tenant').id);
    return c.json({ pending, count: pending }, 200);
  });
  return app;
}
