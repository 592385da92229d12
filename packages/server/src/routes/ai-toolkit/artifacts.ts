/** AI Toolkit artifacts: list, search, create, read, stats (ai-toolkit-api.txt, "Artifacts"). */
import { AgentryError, artifactKinds } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { weeklyDownloads } from '../../domain/downloads.js';
import { findOrg } from '../../domain/orgs.js';
import { reservePackage } from '../../domain/package-register.js';
import { searchPackages } from '../../domain/search.js';
import { requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import {
  Artifact,
  aitkErrors,
  artifactOfHit,
  artifactOfPackage,
  json,
  resolveArtifact,
  ScopeName,
  typeFilter,
} from './common.js';

const Page = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  type: typeFilter,
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/artifacts',
  tags: ['ai-toolkit'],
  summary: 'List public artifacts, newest first',
  request: { query: Page },
  responses: {
    200: json(
      z.object({ data: z.array(Artifact), total: z.number().int(), page: z.number().int() }),
      'A page of artifacts',
    ),
    ...aitkErrors(422, 429),
  },
});

const search = createRoute({
  method: 'get',
  path: '/api/v1/artifacts/search',
  tags: ['ai-toolkit'],
  summary: 'Full-text search',
  request: {
    query: z.object({
      q: z.string().min(1).max(200),
      type: typeFilter,
      tool: z.string().max(50).optional(),
      page: z.coerce.number().int().min(1).max(10_000).default(1),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: json(z.object({ data: z.array(Artifact), total: z.number().int() }), 'Matches, best first'),
    ...aitkErrors(422, 429),
  },
});

const name = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'Lower-case letters, digits and hyphens.')
  .max(100);

const create = createRoute({
  method: 'post',
  path: '/api/v1/artifacts',
  tags: ['ai-toolkit'],
  summary: 'Register an artifact (its versions are published with POST …/versions)',
  ...requiresAuth('skills:publish'),
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            name,
            type: z.enum(artifactKinds),
            description: z.string().trim().min(1).max(500),
            visibility: z.enum(['public', 'private', 'team']).default('public'),
            keywords: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
            tool_targets: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
            team: z
              .string()
              .max(39)
              .optional()
              .openapi({ description: 'Team slug: the artifact is team/name' }),
            toolTargets: z
              .array(z.string().trim().min(1).max(50))
              .max(20)
              .optional()
              .openapi({ description: "aitk's spelling of tool_targets" }),
            scope: z
              .string()
              .max(64)
              .optional()
              .openapi({ description: "aitk: the caller's username, or a team slug (then as team)" }),
          }),
        },
      },
    },
  },
  responses: {
    201: json(z.object({ data: Artifact }), 'Created'),
    ...aitkErrors(401, 403, 404, 409, 422, 429),
  },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/artifacts/{scope}/{name}',
  tags: ['ai-toolkit'],
  summary: 'An artifact',
  request: { params: ScopeName },
  responses: { 200: json(z.object({ data: Artifact }), 'The artifact'), ...aitkErrors(404, 429) },
});

const stats = createRoute({
  method: 'get',
  path: '/api/v1/artifacts/{scope}/{name}/stats',
  tags: ['ai-toolkit'],
  summary: 'Download statistics: total and per week (last 12 weeks)',
  request: { params: ScopeName },
  responses: {
    200: json(
      z.object({
        total_downloads: z.number().int(),
        weekly: z.array(z.object({ week_start: z.string(), downloads: z.number().int() })),
      }),
      'Statistics',
    ),
    ...aitkErrors(404, 429),
  },
});

export function aitkArtifactRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const result = await searchPackages(deps.db, {
      tenantId: c.get('tenant').id,
      viewer: viewerOf(c),
      kinds: query.type ? [query.type] : undefined,
      visibility: ['public'],
      sort: 'updated',
      limit: query.limit,
      offset: (query.page - 1) * query.limit,
    });
    return c.json({ data: result.hits.map(artifactOfHit), total: result.total, page: query.page }, 200);
  });

  app.openapi(search, async (c) => {
    const query = c.req.valid('query');
    const result = await searchPackages(deps.db, {
      tenantId: c.get('tenant').id,
      viewer: viewerOf(c),
      q: query.q,
      kinds: query.type ? [query.type] : undefined,
      tools: query.tool ? [query.tool] : undefined,
      sort: 'relevance',
      limit: query.limit,
      offset: (query.page - 1) * query.limit,
    });
    return c.json({ data: result.hits.map(artifactOfHit), total: result.total }, 200);
  });

  app.openapi(create, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const tenantId = c.get('tenant').id;
    // aitk names the owner as `scope`: the caller's username (their own name) or a team's slug.
    const team = body.team ?? (body.scope && body.scope !== principal.user.username ? body.scope : undefined);
    if (team && !(await findOrg(deps.db, tenantId, team))) {
      throw new AgentryError('org_not_found', { message: `No team ${team}.`, details: { org: team } });
    }
    const pkg = await reservePackage(deps.db, {
      tenantId,
      viewer: { userId: principal.user.id, scopes: principal.scopes },
      name: team ? `@${team}/${body.name}` : body.name,
      kind: body.type,
      visibility: body.visibility,
      description: body.description,
      keywords: body.keywords,
      toolTargets: body.tool_targets.length > 0 ? body.tool_targets : (body.toolTargets ?? []),
    });
    return c.json({ data: artifactOfPackage(pkg, principal.user.username) }, 201);
  });

  app.openapi(get, async (c) => {
    const { scope, name } = c.req.valid('param');
    const found = await resolveArtifact(deps.db, c.get('tenant').id, scope, name, viewerOf(c));
    return c.json({ data: artifactOfPackage(found.pkg, found.publisher) }, 200);
  });

  app.openapi(stats, async (c) => {
    const { scope, name } = c.req.valid('param');
    const found = await resolveArtifact(deps.db, c.get('tenant').id, scope, name, viewerOf(c));
    return c.json(
      {
        total_downloads: Number(found.pkg.downloads_total),
        weekly: await weeklyDownloads(deps.db, found.pkg.id),
      },
      200,
    );
  });
  return app;
}
