/**
 * A skill's bytes: `GET /v1/skills/{slug}/bundle.tar.gz` (307 to a 5-minute presigned URL on S3, the
 * bytes on the filesystem store or with `bytes=true`) and `GET /v1/skills/{slug}/skill-md`. Both need a
 * credential and record a usage event (download, view) without letting a failure there fail the read.
 */
import { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { readBundle, requireSkill, skillMdOf } from '../../domain/skill-pool-catalog.js';
import { recordUsage } from '../../domain/skill-pool-usage.js';
import { requirePrincipal, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { bestEffort, KindQuery, parseKind, spErrors, tags } from './common.js';

export const presignSeconds = 300;

const SlugParam = z.object({ slug: z.string().min(1).max(300) });

const bundle = createRoute({
  method: 'get',
  path: '/v1/skills/{slug}/bundle.tar.gz',
  tags,
  summary: 'The latest bundle: 307 to a presigned URL (S3) or the gzip bytes (filesystem, or bytes=true)',
  ...requiresAuth(),
  request: {
    params: SlugParam,
    query: z.object({
      kind: KindQuery,
      bytes: z.string().optional().openapi({ description: '`true` streams the bytes from any store' }),
    }),
  },
  responses: {
    200: {
      description: 'The bundle',
      content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    307: { description: 'Redirect to a presigned URL valid for 300 seconds' },
    ...spErrors(400, 401, 404),
  },
});

const skillMd = createRoute({
  method: 'get',
  path: '/v1/skills/{slug}/skill-md',
  tags,
  summary: 'The raw SKILL.md (frontmatter and body) of the latest version',
  ...requiresAuth(),
  request: { params: SlugParam, query: z.object({ kind: KindQuery }) },
  responses: {
    200: { description: 'SKILL.md', content: { 'text/plain': { schema: z.string() } } },
    ...spErrors(400, 401, 404),
  },
});

function parseBytesFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new AgentryError('bad_request', { message: 'bytes must be `true` or `false`' });
}

export function skillFileRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(bundle, async (c) => {
    const principal = requirePrincipal(c);
    const query = c.req.valid('query');
    const kind = parseKind(query.kind);
    const stream = parseBytesFlag(query.bytes);
    const tenantId = c.get('tenant').id;
    const found = await requireSkill(deps.db, tenantId, c.req.valid('param').slug, kind, viewerOf(c));
    await bestEffort(c, 'download event', () =>
      recordUsage(deps, {
        tenantId,
        packageId: found.pkg.id,
        versionId: found.version.id,
        event: 'download',
        userId: principal.user.id,
        tokenId: principal.tokenId ?? null,
      }),
    );
    const filename = `${found.skill.slug}.tar.gz`;
    if (deps.blobs.kind === 's3' && !stream) {
      const url = await deps.blobs.createDownloadUrl(found.version.blob_key, {
        expiresInSeconds: presignSeconds,
        filename,
      });
      c.header('Cache-Control', 'no-store');
      return c.redirect(url, 307);
    }
    const body = await deps.blobs.get(found.version.blob_key);
    if (!body) throw new AgentryError('blob_not_found', { message: 'not found' });
    c.header('Content-Type', 'application/gzip');
    c.header('Content-Disposition', `attachment; filename="${filename}"`);
    if (found.version.size_bytes !== null) c.header('Content-Length', String(found.version.size_bytes));
    return c.body(Readable.toWeb(body as Readable) as ReadableStream, 200);
  });

  app.openapi(skillMd, async (c) => {
    const principal = requirePrincipal(c);
    const tenantId = c.get('tenant').id;
    const kind = parseKind(c.req.valid('query').kind);
    const found = await requireSkill(deps.db, tenantId, c.req.valid('param').slug, kind, viewerOf(c));
    const text = skillMdOf(await readBundle(deps.blobs, found.version, deps.config.maxUploadBytes));
    if (text === undefined)
      throw new AgentryError('file_not_found', {
        message: 'the bundle has no SKILL.md',
        details: { path: 'SKILL.md' },
      });
    await bestEffort(c, 'view event', () =>
      recordUsage(deps, {
        tenantId,
        packageId: found.pkg.id,
        versionId: found.version.id,
        event: 'view',
        userId: principal.user.id,
        tokenId: principal.tokenId ?? null,
      }),
    );
    return c.text(text, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  return app;
}
