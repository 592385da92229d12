/** A skill's history and graph: `GET /v1/skills/{slug}/versions` and `GET /v1/skills/{slug}/deps`. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { dependencyClosure, listSkillVersions, requireDependencyRoot } from '../../domain/skill-pool-deps.js';
import { viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { json, KindQuery, parseKind, spErrors, tags } from './common.js';

const SlugParam = z.object({ slug: z.string().min(1).max(300) });

const SkillVersion = z
  .object({
    version: z.string(),
    published_at: z.string(),
    published_by: z.string().optional().openapi({ description: "The publisher's email, when known" }),
    change_summary: z.string().openapi({ description: 'The description, cut to 200 characters' }),
    status: z.enum(['published', 'yanked', 'archived']),
  })
  .openapi('SkillPoolVersion');

const Dependency = z
  .object({ slug: z.string(), version_range: z.string(), depth: z.number().int().min(1).max(10) })
  .openapi('SkillPoolDependency');

const versions = createRoute({
  method: 'get',
  path: '/v1/skills/{slug}/versions',
  tags,
  summary: 'Every published version, newest first, at most 50',
  request: { params: SlugParam, query: z.object({ kind: KindQuery }) },
  responses: { 200: json(z.array(SkillVersion), 'Versions'), ...spErrors(400, 401, 404) },
});

const deps_ = createRoute({
  method: 'get',
  path: '/v1/skills/{slug}/deps',
  tags,
  summary: 'The transitive dependency closure (depth ≤ 10, cycle-safe, unpublished targets kept)',
  request: { params: SlugParam },
  responses: { 200: json(z.array(Dependency), 'Dependencies by depth, then slug'), ...spErrors(401, 404) },
});

export function skillVersionRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(versions, async (c) => {
    const rows = await listSkillVersions(
      deps.db,
      c.get('tenant').id,
      c.req.valid('param').slug,
      parseKind(c.req.valid('query').kind),
      viewerOf(c),
    );
    return c.json(rows, 200);
  });

  app.openapi(deps_, async (c) => {
    const tenantId = c.get('tenant').id;
    const viewer = viewerOf(c);
    const root = await requireDependencyRoot(deps.db, tenantId, c.req.valid('param').slug, viewer);
    return c.json(await dependencyClosure(deps.db, tenantId, root, viewer), 200);
  });

  return app;
}
