/**
 * HTTP validators and byte ranges for immutable tarballs and for metadata: strong ETags, 304 on a
 * matching If-None-Match, 206 for one satisfiable Range, 416 for an unsatisfiable one.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { ByteRange } from '../blobs/blob-store.js';
import { sizeOf } from '../hot-cache.js';
import type { AppEnv } from './context.js';

/** Whether an If-None-Match header matches `etag` (a list, `*`, and weak forms compare weakly, RFC 9110). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/**
 * One range of a `bytes=` header within `size` bytes: undefined means serve the whole (absent, several
 * ranges, or not bytes); null means unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

/** A strong ETag of a response body (metadata is rendered JSON). */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** Sets a metadata answer's ETag (revalidated on every use); true when the client's copy is current (304). */
export function notModified(c: Context<AppEnv>, etag: string, shared = true): boolean {
  c.header('ETag', etag);
  // Answers about a private artifact must never sit in a shared cache.
  c.header('Cache-Control', shared ? 'no-cache' : 'private, no-cache');
  return matchesIfNoneMatch(c.req.header('if-none-match'), etag);
}

export interface TarballAnswer {
  blobKey: string;
  integrity: string | null;
  size: number | null;
  cacheControl: string;
  contentDisposition?: string | undefined;
  /** Called once the bytes are going out (not for 304): download counting. */
  onServe?: () => void;
}

/**
 * Serves tarball bytes with validators: from memory when small enough to be kept in the read cache
 * (bytes under a blob key never change, so those entries need no invalidation), else streamed.
 */
export async function serveTarball(
  c: Context<AppEnv>,
  deps: Pick<AppDeps, 'blobs' | 'cache' | 'config'>,
  answer: TarballAnswer,
): Promise<Response> {
  // The integrity is a strong validator of these immutable bytes.
  const etag = answer.integrity ? `"${answer.integrity}"` : undefined;
  c.header('Cache-Control', answer.cacheControl);
  c.header('Accept-Ranges', 'bytes');
  if (etag) {
    c.header('ETag', etag);
    if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  }
  c.header('Content-Type', 'application/gzip');
  if (answer.contentDisposition) c.header('Content-Disposition', answer.contentDisposition);

  const memoryKey = `blob:${answer.blobKey}`;
  let bytes = deps.cache.get<Buffer>(memoryKey);
  const limit = deps.config.hotCacheTarballKb * 1024;
  if (!bytes && answer.size !== null && answer.size <= limit && deps.cache.enabled) {
    const generation = deps.cache.generation();
    const stream = await deps.blobs.get(answer.blobKey);
    if (!stream) throw new AgentryError('not_found');
    bytes = await collect(stream, limit);
    if (bytes) deps.cache.set(memoryKey, answer.blobKey, bytes, sizeOf(bytes), generation);
  }
  const size = bytes?.length ?? answer.size;
  // If-Range with another validator means the client's partial copy is stale: send it all.
  const ifRange = c.req.header('if-range');
  const range =
    size === null || (ifRange !== undefined && ifRange !== etag)
      ? undefined
      : parseRange(c.req.header('range'), size);
  if (range === null) {
    // Range failures are plain HTTP (no surface's error catalogue knows them), as on any file server.
    c.header('Content-Range', `bytes */${size}`);
    return c.body(null, 416);
  }
  answer.onServe?.();
  const status = range ? 206 : 200;
  if (range) c.header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  if (size !== null) c.header('Content-Length', String(range ? range.end - range.start + 1 : size));
  if (bytes) {
    const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
    return c.body(
      new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>,
      status,
    );
  }
  const stream = await deps.blobs.get(answer.blobKey, range ?? undefined);
  if (!stream) throw new AgentryError('not_found');
  return c.body(Readable.toWeb(stream as Readable) as ReadableStream, status);
}

async function collect(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const part = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += part.length;
    if (size > limit) {
      // Larger than recorded: serve it by streaming instead of keeping it.
      stream.destroy();
      return undefined;
    }
    chunks.push(part);
  }
  return Buffer.concat(chunks);
}
