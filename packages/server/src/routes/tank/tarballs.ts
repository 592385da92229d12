/**
 * Tarball downloads behind the `downloadUrl` of a version: a URL signed by this server for one hour.
 * It counts the download (in memory, written in batches), then serves the bytes (filesystem store: ETag,
 * immutable caching, ranges, small tarballs from memory) or redirects to a short-lived presigned URL (S3).
 * A warm download touches no table: the version lookup is served from the read cache.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import { buildSignedBlobUrl, verifySignedBlobRequest } from '../../blobs/signed-url.js';
import { findDownloadable } from '../../domain/hot-reads.js';
import { matchesIfNoneMatch, serveTarball } from '../../http/conditional.js';
import type { AppEnv } from '../../http/context.js';

const route = 'api/v1/tarballs';
export const downloadUrlSeconds = 3600;

/**
 * At least an hour from now, rounded up to the next five minutes: the URL, and so the metadata answer
 * holding it, stays the same for five minutes and can be cached and revalidated by ETag.
 */
export function downloadUrlExpiry(nowMs = Date.now()): number {
  const step = 300;
  return Math.ceil((Math.floor(nowMs / 1000) + downloadUrlSeconds) / step) * step;
}

export function buildDownloadUrl(
  deps: Pick<AppDeps, 'config' | 'secret'>,
  versionId: string,
  filename: string,
  expiresAt = downloadUrlExpiry(),
): string {
  return buildSignedBlobUrl(deps.config.publicUrl, deps.secret, {
    method: 'GET',
    key: versionId,
    expiresAt,
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
    const version = await findDownloadable(deps, versionId);
    const remaining = Math.max(0, grant.expiresAt - Math.floor(Date.now() / 1000));
    // `agentry install --dry-run` fetches bytes to check them but installs nothing: not a download.
    const count = () => {
      if (c.req.header('agentry-dry-run') !== '1') deps.downloads.record(version.package_id, version.id);
    };
    if (deps.blobs.kind === 's3') {
      if (version.integrity) c.header('ETag', `"${version.integrity}"`);
      if (version.integrity && matchesIfNoneMatch(c.req.header('if-none-match'), `"${version.integrity}"`)) {
        return c.body(null, 304);
      }
      count();
      const url = await deps.blobs.createDownloadUrl(version.blob_key, {
        expiresInSeconds: 300,
        ...(grant.filename ? { filename: grant.filename } : {}),
      });
      return c.redirect(url, 307);
    }
    return serveTarball(c, deps, {
      blobKey: version.blob_key,
      integrity: version.integrity,
      size: version.size_bytes,
      cacheControl: `private, max-age=${remaining}, immutable`,
      contentDisposition: grant.filename
        ? `attachment; filename="${grant.filename.replace(/["\\\r\n]/g, '_')}"`
        : undefined,
      // A revalidation (304) is not a download.
      onServe: count,
    });
  });
  return app;
}
