/** `GET /api/v1/search`: Tank's documented search, plus filters and sorts shared with the other surfaces. */
import { artifactKinds } from '@agentry/core';
import { TankSearchPage } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { cached, searchTag } from '../../domain/hot-reads.js';
import { searchPackages, searchSorts } from '../../domain/search.js';
import { viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { jsonContent, tankErrors } from './schemas.js';

const csv = (allowed?: readonly string[]) =>
  z
    .string()
    .max(1000)
    .optional()
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : undefined,
    )
    .refine((values) => !allowed || !values || values.every((v) => allowed.includes(v)), {
      message: allowed ? `Each value must be one of ${allowed.join(', ')}.` : 'Invalid list.',
    })
    // No stored value can hold NUL (PostgreSQL text cannot), and binding one would fail the query.
    .refine((values) => !values?.some((v) => v.includes('\0')), { message: 'Values cannot contain NUL.' });

const SearchQuery = z.object({
  q: z
    .string()
    .max(10_000)
    .optional()
    .openapi({ description: 'Matched against name, description and readme.' }),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  kind: csv(artifactKinds).openapi({ type: 'string', description: 'Comma-separated kinds.' }),
  tool: csv().openapi({ type: 'string', description: 'Comma-separated agent tools; any may match.' }),
  tags: csv().openapi({ type: 'string', description: 'Comma-separated tags; all must match.' }),
  verdict: csv(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL']).openapi({ type: 'string' }),
  visibility: csv(['public', 'private', 'team']).openapi({ type: 'string' }),
  sort: z
    .enum(searchSorts)
    .optional()
    .openapi({ description: 'Default: relevance with a query, downloads without.' }),
  semantic: z
    .string()
    .max(10_000)
    .optional()
    .transform((value) => (value?.trim() ? value : undefined))
    .openapi({
      type: 'string',
      description:
        'Rank by meaning: cosine similarity between this text and each artifact (takes precedence over q; filters apply). 501 NOT_IMPLEMENTED when the server has no embedder or no pgvector.',
    }),
  min_similarity: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .openapi({ description: 'With semantic: leave out results below this similarity (0..1).' }),
});

const search = createRoute({
  method: 'get',
  path: '/api/v1/search',
  tags: ['search'],
  summary: 'Ranked search over the artifacts the caller may see',
  request: { query: SearchQuery },
  responses: {
    200: jsonContent(TankSearchPage.meta({ id: 'SearchResponse' }), 'Results'),
    ...tankErrors(401, 422, 429, 501),
  },
});

export function tankSearchRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(search, async (c) => {
    const query = c.req.valid('query');
    const viewer = viewerOf(c);
    const tenantId = c.get('tenant').id;
    // Anonymous answers depend only on the query and the public catalogue: cached until any package
    // changes (see domain/hot-reads.ts). Signed-in viewers may see private artifacts, so they always query.
    const run = () =>
      searchPackages(
        deps.db,
        {
          tenantId,
          viewer,
          q: query.q,
          kinds: query.kind,
          tools: query.tool,
          tags: query.tags,
          verdicts: query.verdict,
          visibility: query.visibility as ('public' | 'private' | 'team')[] | undefined,
          sort: query.sort,
          limit: query.limit,
          offset: (query.page - 1) * query.limit,
          semantic: query.semantic,
          minSimilarity: query.min_similarity,
        },
        { embedder: deps.embedder, vector: deps.vector },
      );
    const result = viewer.userId
      ? await run()
      : ((await cached(deps.cache, `search:${tenantId}:${JSON.stringify(query)}`, async () => ({
          tag: searchTag,
          value: await run(),
        }))) as Awaited<ReturnType<typeof run>>);
    return c.json(
      {
        results: result.hits.map((hit) => ({
          name: hit.name,
          description: hit.description,
          visibility: hit.visibility,
          latestVersion: hit.latestVersion,
          auditScore: hit.auditScore,
          publisher: hit.publisher,
          downloads: hit.downloads,
          stars: hit.stars,
          updatedAt: hit.updatedAt.toISOString(),
          kind: hit.kind,
          verdict: hit.verdict,
          deprecated: hit.deprecated,
          ...(hit.similarity === undefined ? {} : { similarity: hit.similarity }),
        })),
        page: query.page,
        limit: query.limit,
        total: result.total,
      },
      200,
    );
  });
  return app;
}
