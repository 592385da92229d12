/**
 * Filesystem blob store under one root directory. Writes go to a temporary file and are linked into
 * place, so a reader never sees a partial blob and a key is written at most once (link fails on an
 * existing name where rename would silently replace it).
 */

import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import { assertBlobKey, type BlobInfo, type BlobStore } from './blob-store.js';
import { buildSignedBlobUrl } from './signed-url.js';

export interface FsStoreOptions {
  root: string;
  publicUrl: string;
  secret: string;
}

function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

export function createFsStore(options: FsStoreOptions): BlobStore {
  const pathOf = (key: string) => {
    assertBlobKey(key);
    return join(options.root, key);
  };
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  async function head(key: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(pathOf(key));
      return info.isFile() ? { size: info.size, etag: etagOf(info.size, info.mtimeMs) } : undefined;
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  return {
    kind: 'fs',
    async put(key, body, putOptions = {}) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.tmp-${randomBytes(8).toString('hex')}`);
      const handle = await open(temp, 'wx', 0o644);
      let size = 0;
      try {
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        for await (const chunk of source) {
          const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          size += bytes.length;
          if (putOptions.maxBytes !== undefined && size > putOptions.maxBytes) {
            throw new AgentryError('payload_too_large', { details: { maxBytes: putOptions.maxBytes } });
          }
          await handle.write(bytes);
        }
        await handle.sync();
        await handle.close();
        await link(temp, target).catch((error: unknown) => {
          throw isCode(error, 'EEXIST') ? new AgentryError('upload_complete') : error;
        });
      } finally {
        await handle.close().catch(() => {});
        await unlink(temp).catch(() => {});
      }
      const info = await head(key);
      if (!info) throw new Error(`blob ${key} vanished after write`);
      return info;
    },
    async get(key, range) {
      const path = pathOf(key);
      const handle = await open(path, 'r').catch((error: unknown) => {
        if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR') || isCode(error, 'EISDIR')) return undefined;
        throw error;
      });
      if (!handle) return undefined;
      // Opening a directory (the prefix of other keys) succeeds on Linux and fails only on read.
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        return undefined;
      }
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    head,
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async createUploadUrl(key, urlOptions) {
      assertBlobKey(key);
      return buildSignedBlobUrl(options.publicUrl, options.secret, {
        method: 'PUT',
        key,
        expiresAt: nowSeconds() + urlOptions.expiresInSeconds,
        maxBytes: urlOptions.maxBytes,
      });
    },
    async createDownloadUrl(key, urlOptions) {
      assertBlobKey(key);
      return buildSignedBlobUrl(options.publicUrl, options.secret, {
        method: 'GET',
        key,
        expiresAt: nowSeconds() + urlOptions.expiresInSeconds,
        ...(urlOptions.filename === undefined ? {} : { filename: urlOptions.filename }),
      });
    },
    async ping() {
      await mkdir(options.root, { recursive: true });
      const info = await stat(options.root);
      if (!info.isDirectory()) throw new Error(`${options.root} is not a directory`);
    },
  };
}
