/** ayaiay's pack catalog: stats, list and search, a pack, its versions and their contents, my packs, import from git. */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import semver from 'semver';
import type { AppDeps } from '../../app-deps.js';
import { canReadPackage } from '../../domain/access.js';
import { listVisibleVersions } from '../../domain/catalog.js';
import { downloadsByVersion } from '../../domain/downloads.js';
import { cached } from '../../domain/hot-reads.js';
import { findOrgById } from '../../domain/orgs.js';
import { importPack } from '../../domain/pack-import.js';
import { findPackRows, listMyPackIds, packContents, packStats } from '../../domain/packs.js';
import { publishDepsOf } from '../../domain/publish-deps.js';
import { searchPackages } from '../../domain/search.js';
import { requirePrincipal, requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { ayaiayErrors, cliPackOf, isAyaiayCli, json, Pack, packOf, packTypeOf } from './common.js';

const PackId = z.object({ pack_id: z.string().max(64) });
const Version = z.object({
  id: z.string(),
  pack_id: z.string(),
  version: z.string(),
  git_tag: z.string().nullable(),
  git_commit_sha: z.string().nullable(),
  changelog: z.string().nullable(),
  created_at: z.string(),
});
const Item = z.record(z.string(), z.unknown());

const routes = {
  stats: createRoute({
    method: 'get',
    path: '/api/v1/packs/stats',
    tags: ['ayaiay'],
    summary: 'Platform statistics',
    responses: {
      200: json(
        z.object({
          total_packs: z.number().int(),
          total_versions: z.number().int(),
          total_publishers: z.number().int(),
          total_agents: z.number().int(),
          total_instructions: z.number().int(),
          total_prompts: z.number().int(),
          total_mcp_servers: z.number().int(),
        }),
        'Counts over public packs',
      ),
      ...ayaiayErrors(429),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/v1/packs',
    tags: ['ayaiay'],
    summary: 'Public packs, with optional search',
    request: {
      query: z.object({
        query: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        q: z.string().max(200).optional().openapi({ description: 'ayaiay-cli: the same as query' }),
        page: z.coerce
          .number()
          .int()
          .min(1)
          .max(100_000)
          .optional()
          .openapi({ description: 'ayaiay-cli: 1-based page; offset = (page - 1) × per_page' }),
        per_page: z.coerce
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .openapi({ description: 'ayaiay-cli: the same as limit' }),
        type: z
          .enum(['agent', 'instruction', 'prompt'])
          .optional()
          .openapi({ description: 'ayaiay-cli: only packs of this pack_type' }),
        tags: z
          .string()
          .max(500)
          .optional()
          .openapi({ description: 'ayaiay-cli: comma-separated tags, all required' }),
      }),
    },
    responses: {
      200: json(
        z.object({
          packs: z.array(Pack),
          total: z.number().int(),
          limit: z.number().int(),
          offset: z.number().int(),
          results: z.array(Pack).optional().openapi({ description: 'ayaiay-cli: the same list' }),
          items: z.array(Pack).optional().openapi({ description: 'ayaiay-cli: the same list' }),
          page: z.number().int().optional(),
          per_page: z.number().int().optional(),
        }),
        'Packs (ayaiay-cli, by its User-Agent, also gets results, items, page and per_page, and packs with pack_type, latest_version, repository_url, tags and downloads)',
      ),
      ...ayaiayErrors(400, 429),
    },
  }),
  me: createRoute({
    method: 'get',
    path: '/api/v1/packs/me',
    tags: ['ayaiay'],
    summary: 'Packs the caller publishes',
    ...requiresAuth(),
    responses: {
      200: json(z.object({ packs: z.array(Pack), total: z.number().int() }), 'My packs'),
      ...ayaiayErrors(401, 429),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/v1/packs/{pack_id}',
    tags: ['ayaiay'],
    summary: 'A pack',
    request: { params: PackId },
    responses: { 200: json(Pack, 'The pack'), ...ayaiayErrors(404, 429) },
  }),
  versions: createRoute({
    method: 'get',
    path: '/api/v1/packs/{pack_id}/versions',
    tags: ['ayaiay'],
    summary:
      'Versions of a pack, oldest first; newest first with published_at, downloads and digest for ayaiay-cli (it installs versions[0])',
    request: { params: PackId },
    responses: { 200: json(z.object({ versions: z.array(Version) }), 'Versions'), ...ayaiayErrors(404, 429) },
  }),
  version: createRoute({
    method: 'get',
    path: '/api/v1/packs/{pack_id}/versions/{version}',
    tags: ['ayaiay'],
    summary:
      'A version with its manifest and the contents of every agent, instruction, prompt and MCP server',
    request: { params: PackId.extend({ version: z.string().max(64) }) },
    responses: {
      200: json(
        Version.omit({ changelog: true, created_at: true }).extend({
          manifest: Item,
          agents: z.array(Item),
          instructions: z.array(Item),
          prompts: z.array(Item),
          mcp_servers: z.array(Item),
        }),
        'The version',
      ),
      ...ayaiayErrors(404, 429),
    },
  }),
  import: createRoute({
    method: 'post',
    path: '/api/v1/packs/import',
    tags: ['ayaiay'],
    summary: 'Import a pack from a git repository at a tag (scanned like every publish)',
    ...requiresAuth('skills:publish'),
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              repo_url: z.string().min(1).max(500),
              publisher_id: z.string().max(64),
              git_tag: z.string().min(1).max(100),
            }),
          },
        },
      },
    },
    responses: {
      200: json(
        z.object({
          pack_id: z.string(),
          version_id: z.string(),
          status: z.literal('imported'),
          message: z.string(),
        }),
        'Imported',
      ),
      ...ayaiayErrors(400, 401, 403, 404, 409, 413, 429),
    },
  }),
};

export function ayaiayPackRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const tenantOf = (c: { get(key: 'tenant'): { id: string } }) => c.get('tenant').id;

  /** A pack the caller may read, or PACK_NOT_FOUND (missing and hidden look the same). */
  const readablePack = async (c: Parameters<typeof viewerOf>[0], id: string) => {
    const [row] = await findPackRows(deps.db, tenantOf(c), [id]);
    const pkg = row
      ? await deps.db.selectFrom('packages').selectAll().where('id', '=', row.id).executeTakeFirst()
      : undefined;
    if (!row || !pkg || !row.latest_version || !(await canReadPackage(deps.db, pkg, viewerOf(c)))) {
      throw new AgentryError('pack_not_found', {
        message: `Pack with ID '${id.slice(0, 64)}' not found`,
        details: { id: id.slice(0, 64) },
      });
    }
    return { row, pkg };
  };

  const versionView = (
    packId: string,
    v: { id: string; version: string; manifest: unknown; published_at?: Date | null; created_at: Date },
  ) => {
    const m = (v.manifest ?? {}) as Record<string, unknown>;
    const str = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      id: v.id,
      pack_id: packId,
      version: v.version,
      git_tag: str(m.git_tag),
      git_commit_sha: str(m.git_commit_sha),
      changelog: str(m.changelog),
      created_at: new Date(v.published_at ?? v.created_at).toISOString(),
    };
  };

  app.openapi(routes.stats, async (c) => c.json(await packStats(deps.db, tenantOf(c)), 200));

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    const cli = isAyaiayCli(c);
    const text = query.query ?? query.q;
    const limit = query.per_page ?? query.limit;
    const offset = query.page === undefined ? query.offset : (query.page - 1) * limit;
    const tags = (query.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    // pack_type is derived from contents, so a type filter is applied after the search: one search over
    // the candidates, then the page is cut from what remains.
    const filtered = query.type !== undefined;
    const result = await searchPackages(deps.db, {
      tenantId: tenantOf(c),
      viewer: viewerOf(c),
      q: text,
      kinds: ['pack'],
      visibility: ['public'],
      sort: text ? 'relevance' : 'updated',
      ...(tags.length > 0 ? { tags } : {}),
      limit: filtered ? 1000 : limit,
      offset: filtered ? 0 : offset,
    });
    let rows = await findPackRows(
      deps.db,
      tenantOf(c),
      result.hits.map((hit) => hit.id),
    );
    let total = result.total;
    if (query.type !== undefined) {
      rows = rows.filter((row) => packTypeOf(row) === query.type);
      total = rows.length;
    }
    if (filtered) rows = rows.slice(offset, offset + limit);
    const packs = rows.map((row) => (cli ? cliPackOf(row) : packOf(row)));
    const page = { packs, total, limit, offset };
    return c.json(
      cli
        ? { ...page, results: packs, items: packs, page: Math.floor(offset / limit) + 1, per_page: limit }
        : page,
      200,
    );
  });

  app.openapi(routes.me, async (c) => {
    const principal = requirePrincipal(c);
    const rows = await findPackRows(
      deps.db,
      tenantOf(c),
      await listMyPackIds(deps.db, tenantOf(c), principal.user.id),
    );
    return c.json({ packs: rows.map((row) => packOf(row)), total: rows.length }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const { row } = await readablePack(c, c.req.valid('param').pack_id);
    return c.json(isAyaiayCli(c) ? cliPackOf(row, true) : packOf(row, true), 200);
  });

  app.openapi(routes.versions, async (c) => {
    const { row } = await readablePack(c, c.req.valid('param').pack_id);
    const versions = await listVisibleVersions(deps.db, row.id);
    if (isAyaiayCli(c)) {
      // The CLI installs versions[0] as the latest: newest first by semver, with its field names.
      const downloads = await downloadsByVersion(deps.db, row.id);
      const newest = [...versions].sort((a, b) => semver.rcompare(a.version, b.version));
      return c.json(
        {
          versions: newest.map((v) => {
            const view = versionView(row.id, v);
            return {
              ...view,
              published_at: view.created_at,
              downloads: downloads.get(v.id) ?? 0,
              digest: v.integrity,
            };
          }),
        },
        200,
      );
    }
    const sorted = [...versions].sort(
      (a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime(),
    );
    return c.json({ versions: sorted.map((v) => versionView(row.id, v)) }, 200);
  });

  app.openapi(routes.version, async (c) => {
    const { pack_id, version } = c.req.valid('param');
    const { row } = await readablePack(c, pack_id);
    // The answer unpacks the tarball: cached until the pack changes (the access check above runs every time).
    const answer = await cached(deps.cache, `ayaiay:version:${row.id}:${version}`, async () => {
      const found = (await listVisibleVersions(deps.db, row.id)).find((v) => v.version === version);
      if (!found)
        throw new AgentryError('version_not_found', {
          message: `Pack ${row.name} has no version ${version}`,
          details: { name: row.name, version },
        });
      const contents = await packContents(
        { db: deps.db, blobs: deps.blobs, maxUploadBytes: deps.config.maxUploadBytes },
        found,
        row.name.replace(/^@[^/]+\//, ''),
      );
      const { changelog: _c, created_at: _d, ...head } = versionView(row.id, found);
      return { tag: row.id, value: { ...head, ...contents } };
    });
    if (isAyaiayCli(c)) {
      // PackVersion as the CLI validates it (`downloads` must not be null), beside the documented fields.
      const found = (await listVisibleVersions(deps.db, row.id)).find((v) => v.version === version);
      if (found) {
        const { changelog, created_at } = versionView(row.id, found);
        const downloads = (await downloadsByVersion(deps.db, row.id)).get(found.id) ?? 0;
        return c.json(
          {
            ...(answer as NonNullable<typeof answer>),
            published_at: created_at,
            changelog,
            downloads,
            digest: found.integrity,
          },
          200,
        );
      }
    }
    return c.json(answer as NonNullable<typeof answer>, 200);
  });

  app.openapi(routes.import, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const publisher = await findOrgById(deps.db, tenantOf(c), body.publisher_id);
    if (!publisher)
      throw new AgentryError('publisher_not_found', {
        message: `Publisher with ID '${body.publisher_id}' not found`,
        details: { id: body.publisher_id },
      });
    const result = await importPack(publishDepsOf(deps), {
      tenantId: tenantOf(c),
      viewer: { userId: principal.user.id, scopes: principal.scopes },
      publisher,
      repoUrl: body.repo_url,
      gitTag: body.git_tag,
      allowFileUrls: deps.config.importAllowFileUrls,
      allowPrivateHosts: deps.config.importAllowPrivateHosts,
    });
    return c.json(
      {
        pack_id: result.packId,
        version_id: result.versionId,
        status: 'imported' as const,
        message: `Pack imported successfully (${result.name}@${result.version}, ${result.commit.slice(0, 12)}, ${result.verdict})`,
      },
      200,
    );
  });
  return app;
}
