/**
 * Single files of a published version, read back out of its tarball. Archives were checked at confirm,
 * and recently read ones are kept in a small memory cache (bounded by bytes) so browsing a version's
 * files does not re-read the blob each time.
 */
import { AgentryError } from '@agentry/core';
import { type ArchiveEntry, readArchive } from '@agentry/core/scanner';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { Version } from '../db/schema.js';
import { readBlob } from './versions.js';

const cacheBudgetBytes = 64 * 1024 * 1024;
const cache = new Map<string, { files: Map<string, ArchiveEntry>; bytes: number }>();
let cachedBytes = 0;

function remember(versionId: string, files: Map<string, ArchiveEntry>) {
  const bytes = [...files.values()].reduce((sum, file) => sum + file.size, 0);
  if (bytes > cacheBudgetBytes / 4) return;
  while (cachedBytes + bytes > cacheBudgetBytes && cache.size > 0) {
    const oldest = cache.keys().next().value as string;
    cachedBytes -= cache.get(oldest)?.bytes ?? 0;
    cache.delete(oldest);
  }
  cache.set(versionId, { files, bytes });
  cachedBytes += bytes;
}

async function filesOf(
  deps: { blobs: BlobStore; config: Config },
  version: Version,
): Promise<Map<string, ArchiveEntry>> {
  const hit = cache.get(version.id);
  if (hit) {
    // Re-insert to mark as most recently used.
    cache.delete(version.id);
    cache.set(version.id, hit);
    return hit.files;
  }
  const bytes = await readBlob(deps.blobs, version.blob_key, deps.config.maxUploadBytes);
  if (!bytes)
    throw new AgentryError('blob_not_found', {
      message: 'The tarball of this version is missing from storage.',
    });
  const { files } = readArchive(bytes);
  remember(version.id, files);
  return files;
}

const textTypes: Record<string, string> = {
  md: 'text/markdown',
  markdown: 'text/markdown',
  json: 'application/json',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  toml: 'text/plain',
  txt: 'text/plain',
  csv: 'text/csv',
};
const imageTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  // SVG can hold script, so it is served only with fileSandboxCsp (no script, no fetches, a sandbox):
  // as an <img> in a README it renders, and opened on its own nothing in it runs.
  svg: 'image/svg+xml',
};

/**
 * The Content-Security-Policy of every response carrying an artifact's own bytes. Nothing may run or be
 * fetched; inline styles are allowed because SVG images use them to draw, and they cannot run code.
 */
export const fileSandboxCsp = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/**
 * A Content-Type browsers will not execute: HTML and scripts are served as text/plain, known images
 * (SVG too, under fileSandboxCsp) as themselves, and anything binary as an attachment.
 */
export function safeContentType(path: string, content: Buffer): { contentType: string; attachment: boolean } {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  const image = imageTypes[ext];
  if (image) return { contentType: image, attachment: false };
  const looksBinary = content.subarray(0, 8000).includes(0);
  if (looksBinary) return { contentType: 'application/octet-stream', attachment: true };
  return { contentType: `${textTypes[ext] ?? 'text/plain'}; charset=utf-8`, attachment: false };
}

export async function readArtifactFile(
  deps: { blobs: BlobStore; config: Config },
  version: Version,
  path: string,
) {
  const files = await filesOf(deps, version);
  const file = files.get(path.replace(/^\/+/, ''));
  if (!file)
    throw new AgentryError('file_not_found', {
      message: `No file "${path.slice(0, 200)}" in this version.`,
      details: { path: path.slice(0, 200) },
    });
  return { content: file.content, ...safeContentType(file.path, file.content) };
}
