/**
 * skill-pool usage: `POST /v1/usage` (the CLI reports a view or download; best effort, 202) and the
 * tenant admin's dashboards `GET /v1/tenant/usage/timeline`, `/v1/tenant/usage/top` and
 * `/v1/tenant/skills/decay`, over domain/skill-pool-usage.ts (which the web usage page renders too).
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { requireSkill } from '../../domain/skill-pool-catalog.js';
import {
  clampParam,
  decayCandidates,
  recordUsage,
  topSkills,
  usageTimeline,
} from '../../domain/skill-pool-usage.js';
import { requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { bestEffort, json, parseKind, spErrors, tags } from './common.js';

const UsageBody = z
  .object({
    skill_id: z.string().min(1).max(300).openapi({ description: 'The slug' }),
    kind: z.string().optional(),
    event: z.string().openapi({ description: '`view` or `download`' }),
    project_hash: z.string().max(256).optional(),
  })
  .openapi('SkillPoolUsageEvent');

const report = createRoute({
  method: 'post',
  path: '/v1/usage',
  tags,
  summary: 'Record a view or download of a skill (best effort; 202)',
  ...requiresAuth('skills:read'),
  request: { body: { required: true, content: { 'application/json': { schema: UsageBody } } } },
  responses: { 202: { description: 'Accepted' }, ...spErrors(400, 401, 403, 404) },
});

const Days = z.string().optional().openapi({ description: 'Window in days' });

const timeline = createRoute({
  method: 'get',
  path: '/v1/tenant/usage/timeline',
  tags,
  summary:
    'Views and downloads per UTC day, oldest first, missing days zero-filled (days 1..365, default 30)',
  ...requiresAuth('tenant:admin'),
  request: { query: z.object({ days: Days }) },
  responses: {
    200: json(
      z.array(
        z.object({
          day: z.string(),
          downloads: z.number().int(),
          views: z.number().int(),
          unique_skills: z.number().int(),
        }),
      ),
      'Days',
    ),
    ...spErrors(401, 403),
  },
});

const top = createRoute({
  method: 'get',
  path: '/v1/tenant/usage/top',
  tags,
  summary: 'The most used skills over a rolling window (days 1..365, default 30; limit 1..100, default 10)',
  ...requiresAuth('tenant:admin'),
  request: { query: z.object({ days: Days, limit: z.string().optional() }) },
  responses: {
    200: json(
      z.array(
        z.object({
          slug: z.string(),
          name: z.string(),
          downloads: z.number().int(),
          views: z.number().int(),
          total: z.number().int(),
        }),
      ),
      'By total, then slug',
    ),
    ...spErrors(401, 403),
  },
});

const decay = createRoute({
  method: 'get',
  path: '/v1/tenant/skills/decay',
  tags,
  summary:
    'Archive candidates: rarely used skills not used for a while (days 1..1825, max_uses 0..100, limit 1..1000)',
  ...requiresAuth('tenant:admin'),
  request: { query: z.object({ days: Days, max_uses: z.string().optional(), limit: z.string().optional() }) },
  responses: {
    200: json(
      z.array(
        z.object({
          slug: z.string(),
          name: z.string(),
          version: z.string(),
          description: z.string(),
          use_count: z.number().int(),
          last_used_at: z.string(),
          created_at: z.string(),
        }),
      ),
      'Oldest last use first',
    ),
    ...spErrors(401, 403),
  },
});

export function usageRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(report, async (c) => {
    const principal = requireScope(c, 'skills:read');
    const body = c.req.valid('json');
    if (body.event !== 'view' && body.event !== 'download') {
      throw new AgentryError('bad_request', {
        message: `event must be one of \`view\` or \`download\`, got \`${body.event.slice(0, 40)}\``,
      });
    }
    const event = body.event;
    const tenantId = c.get('tenant').id;
    const found = await requireSkill(deps.db, tenantId, body.skill_id, parseKind(body.kind), viewerOf(c));
    await bestEffort(c, 'usage event', () =>
      recordUsage(deps, {
        tenantId,
        packageId: found.pkg.id,
        versionId: found.version.id,
        event,
        userId: principal.user.id,
        tokenId: principal.tokenId ?? null,
        projectHash: body.project_hash ?? null,
      }),
    );
    return c.body(null, 202);
  });

  app.openapi(timeline, async (c) => {
    requireScope(c, 'tenant:admin');
    const days = clampParam(c.req.valid('query').days, 30, 1, 365);
    return c.json(await usageTimeline(deps.db, c.get('tenant').id, days), 200);
  });

  app.openapi(top, async (c) => {
    requireScope(c, 'tenant:admin');
    const query = c.req.valid('query');
    const rows = await topSkills(
      deps.db,
      c.get('tenant').id,
      clampParam(query.days, 30, 1, 365),
      clampParam(query.limit, 10, 1, 100),
    );
    return c.json(rows, 200);
  });

  app.openapi(decay, async (c) => {
    requireScope(c, 'tenant:admin');
    const query = c.req.valid('query');
    const rows = await decayCandidates(deps.db, c.get('tenant').id, {
      days: clampParam(query.days, 180, 1, 1825),
      maxUses: clampParam(query.max_uses, 3, 0, 100),
      limit: clampParam(query.limit, 200, 1, 1000),
    });
    return c.json(rows, 200);
  });

  return app;
}
