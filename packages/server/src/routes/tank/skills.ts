/** Reading artifacts on the Tank surface: metadata, versions, one version, and its files. */
import { AgentryError } from '@agentry/core';
import { TankSkill, TankVersionDetail, TankVersionList } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import type { Package } from '../../db/schema.js';
import { listFindings, listVisibleVersions, publisherName } from '../../domain/catalog.js';
import { countRecentDownloads } from '../../domain/downloads.js';
import { fileSandboxCsp, readArtifactFile } from '../../domain/files.js';
import { cached, requireReadablePackageCached } from '../../domain/hot-reads.js';
import { findVisibleVersion } from '../../domain/versions.js';
import { viewerOf } from '../../http/auth.js';
import { etagOf, notModified } from '../../http/conditional.js';
import type { AppEnv } from '../../http/context.js';
import { jsonContent, NameParam, tankErrors, VersionParams } from './schemas.js';
import { buildDownloadUrl, downloadUrlExpiry } from './tarballs.js';

const Skill = TankSkill.meta({ id: 'Skill' });
const VersionDetail = TankVersionDetail.meta({ id: 'VersionDetail' });

const notModifiedResponse = { description: 'Not modified: the ETag sent in If-None-Match still matches' };

const getSkill = createRoute({
  method: 'get',
  path: '/api/v1/skills/{name}',
  tags: ['skills'],
  summary: 'Artifact metadata and its latest version',
  request: { params: NameParam },
  responses: { 200: jsonContent(Skill, 'Metadata'), 304: notModifiedResponse, ...tankErrors(401, 404, 429) },
});

const getVersions = createRoute({
  method: 'get',
  path: '/api/v1/skills/{name}/versions',
  tags: ['skills'],
  summary: 'Every published version, newest first',
  request: { params: NameParam },
  responses: {
    200: jsonContent(TankVersionList, 'Versions'),
    304: notModifiedResponse,
    ...tankErrors(401, 404, 429),
  },
});

const getVersion = createRoute({
  method: 'get',
  path: '/api/v1/skills/{name}/{version}',
  tags: ['skills'],
  summary: 'One version: permissions, scan results, integrity and a download URL valid for one hour',
  request: { params: VersionParams },
  responses: {
    200: jsonContent(VersionDetail, 'Version'),
    304: notModifiedResponse,
    ...tankErrors(401, 404, 429),
  },
});

/** Tank's `auditStatus` vocabulary over our scan status (its CLI shows a score only when `completed`). */
function auditStatusOf(status: string | null): string {
  if (status === 'error') return 'scan-failed';
  return status ?? 'pending';
}

export function tankSkillRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const readable = (c: Parameters<typeof viewerOf>[0], name: string) =>
    requireReadablePackageCached(deps, c.get('tenant').id, name, viewerOf(c));
  // The rendered answer of a package, cached under its id until the package changes (any change to its
  // row, versions or findings; download and star counts included, so they lag by one flush at most).
  const render = async <T>(key: string, pkg: Package, build: () => Promise<T>) =>
    (await cached(deps.cache, key, async () => {
      const value = await build();
      return { tag: pkg.id, value: { value, etag: etagOf(JSON.stringify(value)) } };
    })) as { value: T; etag: string };

  app.openapi(getSkill, async (c) => {
    const pkg = await readable(c, c.req.valid('param').name);
    const answer = await render(`skill:${pkg.id}`, pkg, async () => {
      const publisher = await publisherName(deps.db, pkg);
      return {
        name: pkg.name,
        description: pkg.description,
        visibility: pkg.visibility,
        kind: pkg.kind,
        latestVersion: pkg.latest_version,
        publisher: { name: publisher, displayName: publisher },
        stars: pkg.stars_count,
        downloads: pkg.downloads_total,
        keywords: pkg.keywords,
        repository: pkg.repository,
        createdAt: pkg.created_at.toISOString(),
        updatedAt: pkg.updated_at.toISOString(),
      };
    });
    if (notModified(c, answer.etag, pkg.visibility === 'public')) return c.body(null, 304);
    return c.json(answer.value, 200);
  });

  app.openapi(getVersions, async (c) => {
    const pkg = await readable(c, c.req.valid('param').name);
    const answer = await render(`versions:${pkg.id}`, pkg, async () => {
      const versions = await listVisibleVersions(deps.db, pkg.id);
      return {
        name: pkg.name,
        versions: versions.map((v) => ({
          version: v.version,
          publishedAt: v.published_at?.toISOString() ?? null,
          auditScore: v.audit_score,
          verdict: v.verdict,
          auditStatus: auditStatusOf(v.scan_status),
          yanked: v.status === 'yanked',
          deprecated: v.deprecated_message,
        })),
      };
    });
    if (notModified(c, answer.etag, pkg.visibility === 'public')) return c.body(null, 304);
    return c.json(answer.value, 200);
  });

  app.openapi(getVersion, async (c) => {
    const { name, version } = c.req.valid('param');
    const pkg = await readable(c, name);
    // The download URL inside changes every five minutes (downloadUrlExpiry), so is the cache key.
    const expiresAt = downloadUrlExpiry();
    const answer = await render(`version:${pkg.id}:${version}:${expiresAt}`, pkg, async () => {
      const row = await findVisibleVersion(deps.db, pkg.id, version);
      if (!row)
        throw new AgentryError('version_not_found', {
          message: `${name}@${version} does not exist.`,
          details: { name, version },
        });
      const [findings, downloads] = await Promise.all([
        listFindings(deps.db, row.id),
        countRecentDownloads(deps.db, { versionId: row.id }),
      ]);
      const manifest = row.manifest as { repository?: string };
      return {
        name: pkg.name,
        version: row.version,
        description: row.description,
        visibility: pkg.visibility,
        kind: pkg.kind,
        permissions: row.permissions,
        dependencies: row.dependencies,
        repository: manifest.repository ?? null,
        auditScore: row.audit_score,
        verdict: row.verdict,
        scanStatus: row.scan_status,
        auditStatus: auditStatusOf(row.scan_status),
        scanStages: row.scan_stages,
        findings: findings.map((f) => ({ ...f, rule: f.rule.toUpperCase() })),
        integrity: row.integrity,
        size: row.size_bytes,
        fileCount: row.file_count,
        files: (row.files ?? []).map(({ path, size, sha256 }) => ({ path, size, sha256 })),
        downloadUrl: buildDownloadUrl(
          deps,
          row.id,
          `${pkg.name.replace(/^@/, '').replace('/', '-')}-${row.version}.tgz`,
          expiresAt,
        ),
        downloads,
        publishedAt: row.published_at?.toISOString() ?? null,
        yanked: row.status === 'yanked',
        yankReason: row.yank_reason,
        deprecated: row.deprecated_message,
      };
    });
    if (notModified(c, answer.etag, pkg.visibility === 'public')) return c.body(null, 304);
    return c.json(answer.value, 200);
  });

  // Documented by hand in the registry below: the path parameter spans slashes, which the route
  // helper cannot express.
  app.get('/api/v1/skills/:name/:version/files/:path{.+}', async (c) => {
    const { name, version, path } = c.req.param();
    const pkg = await readable(c, name);
    const row = await findVisibleVersion(deps.db, pkg.id, version);
    if (!row) throw new AgentryError('version_not_found', { details: { name, version } });
    const file = await readArtifactFile(deps, row, path);
    c.header('Content-Type', file.contentType);
    c.header('Content-Length', String(file.content.length));
    // Uploaded bytes must never run in a browser: no sniffing, and a sandbox without scripts.
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', fileSandboxCsp);
    c.header('Cache-Control', 'public, max-age=300');
    if (file.attachment)
      c.header(
        'Content-Disposition',
        `attachment; filename="${path
          .split('/')
          .pop()
          ?.replace(/["\\\r\n]/g, '_')}"`,
      );
    return c.body(new Uint8Array(file.content));
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/skills/{name}/{version}/files/{path}',
    tags: ['skills'],
    summary: 'Raw bytes of one file of a version (served so that browsers never execute it)',
    request: { params: VersionParams.extend({ path: z.string().openapi({ example: 'SKILL.md' }) }) },
    responses: { 200: { description: 'The file' }, ...tankErrors(401, 404, 429) },
  });
  return app;
}
