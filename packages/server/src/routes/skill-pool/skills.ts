/**
 * skill-pool's catalog reads: `GET /v1/skills` (keyword or semantic search), `GET /v1/skills/{slug}`
 * (latest, with `kind` and the SKILL.md frontmatter) and the portal's `GET /v1/skills/{slug}/detail`.
 * Reads need no credential (as skill-pool's server); a caller sees what domain/access.ts lets it read.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import {
  frontmatterOf,
  listSkills,
  readBundle,
  requireSkill,
  skillMdOf,
} from '../../domain/skill-pool-catalog.js';
import { skillDetail } from '../../domain/skill-pool-deps.js';
import { viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { json, KindQuery, parseKind, spErrors, tags } from './common.js';

export const Skill = z
  .object({
    slug: z.string().openapi({ example: 'code-review', description: '`@org/name` is `org__name`' }),
    name: z.string().openapi({ description: 'The Agentry artifact name' }),
    kind: z.enum(['skill', 'agent', 'command']),
    version: z.string(),
    description: z.string(),
    when_to_use: z.string().optional(),
    tags: z.array(z.string()),
    status: z.enum(['published', 'archived']),
    created_at: z.string(),
    similarity: z.number().min(0).max(1).optional(),
  })
  .openapi('SkillPoolSkill');

const SlugParam = z.object({ slug: z.string().min(1).max(300) });

const ListQuery = z.object({
  query: z.string().max(500).optional(),
  tags: z.string().max(2000).optional().openapi({ description: 'Comma-separated; all must be present' }),
  limit: z.string().optional().openapi({ description: 'Default 50, clamped to 1..200' }),
  semantic: z.string().max(2000).optional(),
  min_similarity: z.string().optional().openapi({ description: '0..1, with semantic' }),
  kind: KindQuery,
});

const list = createRoute({
  method: 'get',
  path: '/v1/skills',
  tags,
  summary: 'List or search the catalog: latest published version per slug',
  request: { query: ListQuery },
  responses: { 200: json(z.array(Skill), 'Skills'), ...spErrors(400, 401) },
});

const getOne = createRoute({
  method: 'get',
  path: '/v1/skills/{slug}',
  tags,
  summary: 'The latest published version, with kind and the SKILL.md frontmatter',
  request: { params: SlugParam, query: z.object({ kind: KindQuery }) },
  responses: {
    200: json(Skill.extend({ frontmatter: z.record(z.string(), z.unknown()) }), 'The skill'),
    ...spErrors(400, 401, 404),
  },
});

const Edge = z.object({ slug: z.string(), version: z.string(), version_range: z.string() });
const detail = createRoute({
  method: 'get',
  path: '/v1/skills/{slug}/detail',
  tags,
  summary: "The portal's detail view: usage, direct requires and required-by",
  request: { params: SlugParam, query: z.object({ kind: KindQuery }) },
  responses: {
    200: json(
      Skill.omit({ when_to_use: true }).extend({
        when_to_use: z.string().nullable(),
        use_count: z.number().int(),
        last_used_at: z.string(),
        requires: z.array(Edge),
        required_by: z.array(Edge),
        merge_proposals: z.array(
          z.object({ draft_id: z.string(), draft_slug: z.string(), similarity: z.number() }),
        ),
      }),
      'Detail',
    ),
    ...spErrors(400, 401, 404),
  },
});

function clamp(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export function skillRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const skills = await listSkills(
      deps.db,
      { embedder: deps.embedder, vector: deps.vector },
      {
        tenantId: c.get('tenant').id,
        viewer: viewerOf(c),
        kind: parseKind(q.kind),
        query: q.query,
        tags: (q.tags ?? '')
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        limit: Math.trunc(clamp(q.limit, 50, 1, 200)),
        semantic: q.semantic,
        minSimilarity: clamp(q.min_similarity, 0, 0, 1),
      },
    );
    return c.json(skills, 200);
  });

  app.openapi(getOne, async (c) => {
    const { slug } = c.req.valid('param');
    const found = await requireSkill(
      deps.db,
      c.get('tenant').id,
      slug,
      parseKind(c.req.valid('query').kind),
      viewerOf(c),
    );
    const bundle = await readBundle(deps.blobs, found.version, deps.config.maxUploadBytes);
    return c.json({ ...found.skill, frontmatter: frontmatterOf(skillMdOf(bundle)) }, 200);
  });

  app.openapi(detail, async (c) => {
    const { slug } = c.req.valid('param');
    const viewer = viewerOf(c);
    const tenantId = c.get('tenant').id;
    const found = await requireSkill(deps.db, tenantId, slug, parseKind(c.req.valid('query').kind), viewer);
    return c.json(await skillDetail(deps.db, tenantId, found, viewer), 200);
  });

  return app;
}
