/**
 * Tarball downloads behind the `downloadUrl` of a version: a URL signed by this server for one hour.
 * It counts the download, then streams the bytes (filesystem store, with ETag and immutable caching) or
 * redirects to a short-lived presigned URL (S3).
 */
import { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import { buildSignedBlobUrl, verifySignedBlobRequest } from '../../blobs/signed-url.js';
import { recordDownload } from '../../domain/downloads.js';
import type { AppEnv } from '../../http/context.js';

const route = 'api/v1/tarballs';
export const downloadUrlSeconds = 3600;

export function buildDownloadUrl(
  deps: Pick<AppDeps, 'config' | 'secret'>,
  versionId: string,
  filename: string,
): string {
  return buildSignedBlobUrl(deps.config.publicUrl, deps.secret, {
    method: 'GET',
    key: versionId,
    expiresAt: Math.floor(Date.now() / 1000) + downloadUrlSeconds,
    filename,
    route,
  });
}

export function tankTarballRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/api/v1/tarballs/:versionId', async (c) => {
    const versionId = c.req.param('versionId');
    const grant = verifySignedBlobRequest(
      deps.secret,
      'GET',
      versionId,
      (name) => c.req.query(name),
      undefined,
      route,
    );
    const version = await deps.db
      .selectFrom('versions')
      .select(['id', 'package_id', 'blob_key', 'integrity', 'size_bytes', 'status'])
      .where('id', '=', versionId)
      .where('status', 'in', ['published', 'yanked'])
      .executeTakeFirst();
    if (!version) throw new AgentryError('not_found');
    // The integrity is a strong validator of these immutable bytes.
    const etag = `"${version.integrity}"`;
    const remaining = Math.max(0, grant.expiresAt - Math.floor(Date.now() / 1000));
    c.header('ETag', etag);
    c.header('Cache-Control', `private, max-age=${remaining}, immutable`);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    await recordDownload(deps.db, version.package_id, version.id);
    if (deps.blobs.kind === 's3') {
      const url = await deps.blobs.createDownloadUrl(version.blob_key, {
        expiresInSeconds: 300,
        ...(grant.filename ? { filename: grant.filename } : {}),
      });
      return c.redirect(url, 307);
    }
    const stream = await deps.blobs.get(version.blob_key);
    if (!stream) throw new AgentryError('not_found');
    c.header('Content-Type', 'application/gzip');
    if (version.size_bytes !== null) c.header('Content-Length', String(version.size_bytes));
    if (grant.filename)
      c.header('Content-Disposition', `attachment; filename="${grant.filename.replace(/["\\\r\n]/g, '_')}"`);
    return c.body(Readable.toWeb(stream as Readable) as ReadableStream);
  });
  return app;
}
