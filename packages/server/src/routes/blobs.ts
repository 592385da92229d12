/**
 * The filesystem store's signed URLs: PUT uploads a blob once, GET downloads it. Every request must
 * carry a valid, unexpired signature for its method, key and size cap (see blobs/signed-url.ts).
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { assertBlobKey } from '../blobs/blob-store.js';
import { verifySignedBlobRequest } from '../blobs/signed-url.js';
import type { AppEnv } from '../http/context.js';

function contentTypeOf(key: string): string {
  return /\.(tgz|tar\.gz)$/.test(key) ? 'application/gzip' : 'application/octet-stream';
}

/**
 * Header values are bytes, so a name outside printable ASCII (which would throw and answer 500) goes in
 * `filename*` (RFC 6266), next to an ASCII fallback; quotes, backslashes and line breaks never pass.
 */
function contentDispositionOf(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (fallback === filename) return `attachment; filename="${filename}"`;
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Keys are `<kind>/<tenant id>/…`: a signed URL handed out before its tenant was suspended serves
 * nothing afterwards (the same 404 as a missing blob).
 */
async function refuseSuspendedTenant(deps: AppDeps, key: string) {
  const tenantId = key.split('/')[1] ?? '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenantId)) return;
  const tenant = await deps.db
    .selectFrom('tenants')
    .select('suspended_at')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (tenant?.suspended_at) throw new AgentryError('not_found');
}

export function blobRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.put('/_blobs/:key{.+}', async (c) => {
    const key = c.req.param('key');
    assertBlobKey(key);
    const grant = verifySignedBlobRequest(deps.secret, 'PUT', key, (name) => c.req.query(name));
    await refuseSuspendedTenant(deps, key);
    const maxBytes = Math.min(grant.maxBytes ?? deps.config.maxUploadBytes, deps.config.maxUploadBytes);
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    if (declared > maxBytes) throw new AgentryError('payload_too_large', { details: { maxBytes } });
    const body = c.req.raw.body;
    if (!body) throw new AgentryError('bad_request', { message: 'The upload has no body.' });
    const info = await deps.blobs.put(key, Readable.fromWeb(body as NodeReadableStream<Uint8Array>), {
      maxBytes,
    });
    c.header('ETag', info.etag);
    return c.json({ size: info.size }, 200);
  });

  app.get('/_blobs/:key{.+}', async (c) => {
    const key = c.req.param('key');
    assertBlobKey(key);
    const grant = verifySignedBlobRequest(deps.secret, 'GET', key, (name) => c.req.query(name));
    await refuseSuspendedTenant(deps, key);
    const info = await deps.blobs.head(key);
    if (!info) throw new AgentryError('not_found');
    const remaining = Math.max(0, grant.expiresAt - Math.floor(Date.now() / 1000));
    // Bytes under a key never change, so a cached copy is good for as long as the URL is.
    c.header('Cache-Control', `private, max-age=${remaining}, immutable`);
    c.header('ETag', info.etag);
    if (c.req.header('if-none-match') === info.etag) return c.body(null, 304);
    const stream = await deps.blobs.get(key);
    if (!stream) throw new AgentryError('not_found');
    c.header('Content-Type', contentTypeOf(key));
    c.header('Content-Length', String(info.size));
    if (grant.filename) c.header('Content-Disposition', contentDispositionOf(grant.filename));
    return c.body(Readable.toWeb(stream as Readable) as ReadableStream);
  });

  return app;
}
