/**
 * Where artifact bytes live. Two implementations: the local filesystem (default, URLs signed by this
 * server) and S3-compatible storage (presigned URLs). Keys are relative paths such as
 * `tarballs/<tenant>/<version-id>.tgz`; `assertBlobKey` refuses anything that could escape a prefix.
 */
import type { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';

export interface BlobInfo {
  size: number;
  /** Strong validator of the stored bytes (quoted, as in an ETag header). */
  etag: string;
}

/** Inclusive offsets, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface UploadUrlOptions {
  expiresInSeconds: number;
  maxBytes: number;
  contentType?: string;
}

export interface DownloadUrlOptions {
  expiresInSeconds: number;
  /** Suggested file name for Content-Disposition. */
  filename?: string;
}

export interface BlobStore {
  readonly kind: 'fs' | 's3';
  /** Stores bytes under `key`, replacing nothing: a second write to a key fails with `upload_complete`. */
  put(
    key: string,
    body: Buffer | Readable,
    options?: { maxBytes?: number; contentType?: string },
  ): Promise<BlobInfo>;
  /** The bytes (or the inclusive byte range asked for), or undefined when the key does not exist. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  head(key: string): Promise<BlobInfo | undefined>;
  delete(key: string): Promise<void>;
  createUploadUrl(key: string, options: UploadUrlOptions): Promise<string>;
  createDownloadUrl(key: string, options: DownloadUrlOptions): Promise<string>;
  /** Throws when the store cannot be reached (used by the health check). */
  ping(): Promise<void>;
}

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function assertBlobKey(key: string): void {
  if (
    key.length > 512 ||
    !keyPattern.test(key) ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new AgentryError('bad_request', { message: `Invalid blob key "${key.slice(0, 80)}".` });
  }
}
