/**
 * AI Toolkit versions: `POST …/versions` (multipart: version, tarball, changelog) through the same
 * publish pipeline and scan as Tank's two-phase publish, `GET …/versions` (newest first: aitk installs
 * `data[0]` and checks a publish there) and `GET …/versions/:version/download`. aitk uploads the archive
 * as `file` (with `metadata`, `dependencies` and `readme` fields whose content its packed
 * aitk-artifact.json also holds, so they are accepted and not needed).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentryError, issuesFromZod, type Manifest, manifestSchema } from '@agentry/core';
import { readArchive } from '@agentry/core/scanner';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import semver from 'semver';
import type { AppDeps } from '../../app-deps.js';
import { canReadPackage, canWritePackage } from '../../domain/access.js';
import { listVisibleVersions } from '../../domain/catalog.js';
import { cached } from '../../domain/hot-reads.js';
import { publishArchive } from '../../domain/publish.js';
import { publishDepsOf } from '../../domain/publish-deps.js';
import { requireScope, viewerOf } from '../../http/auth.js';
import { serveTarball } from '../../http/conditional.js';
import type { AppEnv } from '../../http/context.js';
import { receiveMultipart } from '../../http/multipart-upload.js';
import { requiresAuth } from '../../http/route-auth.js';
import { aitkErrors, json, resolveArtifact, ScopeName } from './common.js';

const ArtifactVersion = z
  .object({
    id: z.string(),
    artifact_id: z.string(),
    version: z.string(),
    changelog: z.string().nullable(),
    integrity: z.string(),
    size_bytes: z.number().int(),
    verdict: z.string(),
    audit_score: z.number().int(),
    status: z.literal('published'),
  })
  .openapi('AitkArtifactVersion');

const publish = createRoute({
  method: 'post',
  path: '/api/v1/artifacts/{scope}/{name}/versions',
  tags: ['ai-toolkit'],
  summary:
    'Publish a version from a tarball (multipart/form-data: version, tarball (or file, as aitk sends it), changelog)',
  ...requiresAuth('skills:publish'),
  request: { params: ScopeName },
  responses: {
    201: json(z.object({ data: ArtifactVersion }), 'Published'),
    ...aitkErrors(400, 401, 403, 404, 409, 413, 422, 429),
  },
});

const VersionListItem = z.object({
  id: z.string(),
  version: z.string(),
  changelog: z.string().nullable(),
  integrity: z.string().nullable(),
  size_bytes: z.number().int().nullable(),
  verdict: z.string().nullable(),
  audit_score: z.number().int().nullable(),
  deprecated: z.string().nullable(),
  published_at: z.string().nullable(),
  publishedAt: z.string().nullable().openapi({ description: 'aitk reads camelCase: as published_at' }),
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/artifacts/{scope}/{name}/versions',
  tags: ['ai-toolkit'],
  summary: 'Published versions, newest first (semver descending), without yanked ones',
  request: { params: ScopeName },
  responses: { 200: json(z.object({ data: z.array(VersionListItem) }), 'Versions'), ...aitkErrors(404, 429) },
});

const download = createRoute({
  method: 'get',
  path: '/api/v1/artifacts/{scope}/{name}/versions/{version}/download',
  tags: ['ai-toolkit'],
  summary: 'The tarball of a version',
  request: { params: ScopeName.extend({ version: z.string().max(64) }) },
  responses: {
    200: {
      description: 'The gzipped tarball',
      content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    206: { description: 'The byte range asked for with Range' },
    304: { description: 'Not modified: If-None-Match holds the ETag (the integrity)' },
    416: { description: 'The Range asked for lies beyond the tarball' },
    ...aitkErrors(404, 429),
  },
});

/** aitk-artifact.json inside the tarball, if any: its permissions and dependencies join the manifest. */
function archiveManifest(bytes: Buffer): Record<string, unknown> {
  const file = readArchive(bytes).files.get('aitk-artifact.json');
  if (!file) return {};
  try {
    const parsed = JSON.parse(file.content.toString('utf8')) as Record<string, unknown>;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['tarball', 'aitk-artifact.json'], message: 'Not valid JSON.' }],
    });
  }
}

function field(form: Record<string, unknown>, key: string): string | undefined {
  const value = form[key];
  return typeof value === 'string' ? value : undefined;
}

export function aitkVersionRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const publishDeps = publishDepsOf(deps);

  app.openapi(publish, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const { scope, name } = c.req.valid('param');
    const tenantId = c.get('tenant').id;
    const viewer = { userId: principal.user.id, scopes: principal.scopes };
    const found = await resolveArtifact(deps.db, tenantId, scope, name, viewer);
    // The caller already sees this artifact, so refusing with 403 reveals nothing (unlike a publish by name).
    if (!(await canWritePackage(deps.db, found.pkg, viewer))) {
      throw new AgentryError('package_write_denied', {
        message: `You cannot publish versions of ${scope}/${name}.`,
        details: { name: found.pkg.name },
      });
    }
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
      throw new AgentryError('unsupported_media_type', {
        message: 'Send multipart/form-data with version and tarball.',
      });
    }
    // Streamed to disk, then read once: uploads are capped at MAX_UPLOAD_BYTES (plus form overhead).
    const upload = await receiveMultipart(c, {
      maxFileBytes: deps.config.maxUploadBytes,
      maxBodyBytes: deps.config.maxUploadBytes + 64 * 1024,
      tempDir: join(deps.config.dataDir, 'tmp'),
    });
    const form = upload.fields;
    let bytes: Buffer;
    try {
      // The documented field, or `file` as aitk sends it.
      const tarball = upload.files.tarball ?? upload.files.file;
      if (!tarball) {
        throw new AgentryError('validation_error', {
          issues: [{ path: ['tarball'], message: 'A .tgz file is required (field tarball or file).' }],
        });
      }
      bytes = await readFile(tarball.path);
    } finally {
      upload.cleanup();
    }
    const changelog = field(form, 'changelog')?.slice(0, 20_000) ?? null;
    const inner = archiveManifest(bytes);
    const pkg = found.pkg;
    const candidate = {
      name: pkg.name,
      version: field(form, 'version') ?? '',
      description: pkg.description || (typeof inner.description === 'string' ? inner.description : ''),
      visibility: pkg.visibility,
      kind: pkg.kind,
      permissions: inner.permissions ?? {},
      keywords: pkg.keywords,
      tools: pkg.tool_targets,
      ...(inner.dependencies && typeof inner.dependencies === 'object'
        ? {
            skills: Object.fromEntries(
              Object.entries(inner.dependencies as Record<string, string>).map(([dep, range]) => [
                dep.includes('/') && !dep.startsWith('@') ? `@${dep}` : dep,
                range,
              ]),
            ),
          }
        : {}),
      ...(typeof inner.license === 'string' ? { license: inner.license } : {}),
      ...(typeof inner.repository === 'string' ? { repository: inner.repository } : {}),
      ...(changelog ? { changelog } : {}),
    };
    const parsed = manifestSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new AgentryError('invalid_manifest', { issues: issuesFromZod(parsed.error.issues) });
    }
    const result = await publishArchive(publishDeps, {
      tenantId,
      viewer,
      manifest: parsed.data as Manifest,
      bytes,
    });
    const row = await deps.db
      .selectFrom('versions')
      .select(['integrity', 'size_bytes'])
      .where('id', '=', result.versionId)
      .executeTakeFirstOrThrow();
    return c.json(
      {
        data: {
          id: result.versionId,
          artifact_id: result.packageId,
          version: result.version,
          changelog,
          integrity: row.integrity ?? '',
          size_bytes: Number(row.size_bytes ?? bytes.length),
          verdict: result.report.verdict,
          audit_score: result.report.auditScore,
          status: 'published' as const,
        },
      },
      201,
    );
  });

  app.openapi(list, async (c) => {
    const { scope, name } = c.req.valid('param');
    const found = await resolveArtifact(deps.db, c.get('tenant').id, scope, name, viewerOf(c));
    const versions = (await listVisibleVersions(deps.db, found.pkg.id))
      .filter((v) => v.status === 'published')
      .sort((a, b) => semver.rcompare(a.version, b.version));
    return c.json(
      {
        data: versions.map((v) => {
          const publishedAt = v.published_at ? new Date(v.published_at).toISOString() : null;
          const changelog = (v.manifest as { changelog?: unknown } | null)?.changelog;
          return {
            id: v.id,
            version: v.version,
            changelog: typeof changelog === 'string' ? changelog : null,
            integrity: v.integrity,
            size_bytes: v.size_bytes === null ? null : Number(v.size_bytes),
            verdict: v.verdict,
            audit_score: v.audit_score,
            deprecated: v.deprecated_message,
            published_at: publishedAt,
            publishedAt,
          };
        }),
      },
      200,
    );
  });

  app.openapi(download, async (c) => {
    const { scope, name, version } = c.req.valid('param');
    const tenantId = c.get('tenant').id;
    const viewer = viewerOf(c);
    // Cached: the package row and the version's blob facts. The access check runs on every request.
    const found = await cached(deps.cache, `aitk:${tenantId}:${scope}/${name}@${version}`, async () => {
      const { pkg } = await resolveArtifact(deps.db, tenantId, scope, name, viewer);
      const row = await deps.db
        .selectFrom('versions')
        .select(['id', 'blob_key', 'integrity', 'size_bytes'])
        .where('package_id', '=', pkg.id)
        .where('version', '=', version)
        .where('status', 'in', ['published', 'yanked'])
        .executeTakeFirst();
      return row && { tag: pkg.id, value: { pkg, row } };
    });
    if (!found || !(await canReadPackage(deps.db, found.pkg, viewer))) {
      throw new AgentryError('version_not_found', {
        message: `${scope}/${name} has no version ${version}.`,
        details: { name: found?.pkg.name ?? `${scope}/${name}`, version },
      });
    }
    const { pkg, row } = found;
    return serveTarball(c, deps, {
      blobKey: row.blob_key,
      integrity: row.integrity,
      size: row.size_bytes,
      cacheControl: pkg.visibility === 'public' ? 'public, max-age=31536000, immutable' : 'private, no-cache',
      contentDisposition: `attachment; filename="${name}-${version}.tgz"`,
      onServe: () => deps.downloads.record(pkg.id, row.id),
    });
  });
  return app;
}
