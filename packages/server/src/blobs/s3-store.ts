/**
 * BlobStore on S3-compatible storage (AWS S3, MinIO, R2, …). Keys live under the prefix of
 * `s3://bucket/prefix`; clients upload and download through presigned URLs.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertBlobKey, type BlobInfo, type BlobStore } from './blob-store.js';

export interface S3StoreOptions {
  /** `s3://bucket` or `s3://bucket/some/prefix`. */
  location: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

/**
 * put() buffers its body rather than using @aws-sdk/lib-storage: artifacts are at most tens of MB, a
 * buffer gives PutObject a known Content-Length (no flexible-checksum trouble with unknown lengths),
 * lets us refuse oversized bodies before sending anything, and keeps IfNoneMatch on a single request.
 * This cap bounds memory when the caller passes no maxBytes.
 */
const bufferCapBytes = 256 * 1024 * 1024;
/** A health check must answer even when the endpoint silently drops packets. */
const pingTimeoutMs = 5000;

export function parseS3Location(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/?#]+)(\/[^?#]*)?$/.exec(url.trim());
  const bucket = match?.[1];
  if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`invalid S3 location "${url}": expected s3://bucket or s3://bucket/prefix`);
  }
  const prefix = (match[2] ?? '').split('/').filter(Boolean).join('/');
  return { bucket, prefix };
}

function readStatus(error: unknown): { name: string; status: number | undefined } {
  if (!(error instanceof Error)) return { name: '', status: undefined };
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return { name: error.name, status: metadata?.httpStatusCode };
}

/** Resolves to undefined instead of rejecting when S3 says the object does not exist. */
async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    const { name, status } = readStatus(error);
    if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') return undefined;
    throw error;
  }
}

async function collectBody(body: Buffer | Readable, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(body)) {
    if (body.length > maxBytes) throw new AgentryError('payload_too_large');
    return body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const part = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += part.length;
    if (size > maxBytes) {
      body.destroy();
      throw new AgentryError('payload_too_large');
    }
    chunks.push(part);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The SDK prints a multi-line NodeVersionSupportWarning on Node < 22 when a client is created: its releases
 * after January 2027 will need Node 22. The SDK here is pinned (package.json) to versions whose engines
 * accept Node 20, which this server supports, so at start-up the warning reads as a fault that is not there.
 * Only that warning is turned off, through the SDK's own switch, and only unless the operator set it.
 */
function silenceSdkNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export function createS3Store(options: S3StoreOptions): BlobStore {
  const { bucket, prefix } = parseS3Location(options.location);
  silenceSdkNodeVersionWarning();
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    // Without an access key id the SDK default chain (env, profile, instance role) applies.
    credentials: options.accessKeyId
      ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey ?? '' }
      : undefined,
    // Many S3-compatible servers reject the SDK's default CRC trailers; only send checksums S3 demands.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  function toObjectKey(key: string): string {
    assertBlobKey(key);
    return prefix ? `${prefix}/${key}` : key;
  }

  return {
    kind: 's3',

    async put(key, body, putOptions = {}): Promise<BlobInfo> {
      const Key = toObjectKey(key);
      const bytes = await collectBody(body, putOptions.maxBytes ?? bufferCapBytes);
      const { contentType: ContentType } = putOptions;
      // IfNoneMatch makes the write create-only on servers that support it (S3 since 2024, MinIO).
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key,
        Body: bytes,
        ContentType,
        IfNoneMatch: '*',
      });
      try {
        const result = await client.send(command);
        // Single-part S3 ETags are the quoted MD5; the fallback covers servers that omit the header.
        const etag = result.ETag ?? `"${createHash('md5').update(bytes).digest('hex')}"`;
        return { size: bytes.length, etag };
      } catch (error) {
        const { name, status } = readStatus(error);
        const exists = status === 412 || name === 'PreconditionFailed';
        throw exists ? new AgentryError('upload_complete', { cause: error }) : error;
      }
    },

    async get(key, range) {
      const result = await unlessMissing(
        client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: toObjectKey(key),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        ),
      );
      if (!result) return undefined;
      // In Node the SDK's body is an http.IncomingMessage; anything else means a misconfigured handler.
      if (!(result.Body instanceof Readable)) throw new Error('S3 GetObject returned a non-stream body');
      return result.Body;
    },

    async head(key) {
      const result = await unlessMissing(
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: toObjectKey(key) })),
      );
      return result && { size: result.ContentLength ?? 0, etag: result.ETag ?? '' };
    },

    async delete(key) {
      // S3 already answers 204 for a missing key; some compatible servers answer 404 instead.
      await unlessMissing(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: toObjectKey(key) })));
    },

    // A presigned PUT cannot bound the body size (that needs a presigned POST policy), so callers
    // check head().size against maxBytes after the upload and delete oversized objects.
    async createUploadUrl(key, { expiresInSeconds, contentType: ContentType }) {
      const command = new PutObjectCommand({ Bucket: bucket, Key: toObjectKey(key), ContentType });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },

    async createDownloadUrl(key, { expiresInSeconds, filename }) {
      // Quotes and line breaks would break out of the header value S3 echoes back.
      const safeName = filename?.replace(/["\\\r\n]/g, '_');
      const disposition = safeName ? `attachment; filename="${safeName}"` : undefined;
      const Key = toObjectKey(key);
      const command = new GetObjectCommand({ Bucket: bucket, Key, ResponseContentDisposition: disposition });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },

    async ping() {
      const abortSignal = AbortSignal.timeout(pingTimeoutMs);
      await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal });
    },
  };
}
