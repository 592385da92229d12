/** Version rows: semver parts for ordering, latest-version bookkeeping, and reading blobs back. */
import type { Readable } from 'node:stream';
import { AgentryError } from '@agentry/core';
import type { Kysely, Transaction } from 'kysely';
import semver from 'semver';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database, Version } from '../db/schema.js';

export function semverParts(version: string) {
  const parsed = semver.parse(version);
  if (!parsed)
    throw new AgentryError('validation_error', {
      issues: [{ path: ['version'], message: 'Invalid semver string.' }],
    });
  return {
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease.length ? parsed.prerelease.join('.') : null,
  };
}

/**
 * The version `latest` resolves to: the highest published release, or the highest published pre-release
 * when there is no release. Yanked versions are never latest but stay downloadable by exact version.
 */
export function pickLatest(versions: string[]): string | undefined {
  const sorted = semver.rsort([...versions]);
  return sorted.find((v) => semver.prerelease(v) === null) ?? sorted[0];
}

/** Recomputes `latest` and the facts search reads from it (verdict, score, deprecation). */
export async function refreshLatestVersion(trx: Transaction<Database> | Kysely<Database>, packageId: string) {
  const rows = await trx
    .selectFrom('versions')
    .select(['id', 'version', 'verdict', 'audit_score', 'deprecated_message'])
    .where('package_id', '=', packageId)
    .where('status', '=', 'published')
    .execute();
  const latest = pickLatest(rows.map((row) => row.version));
  const row = rows.find((r) => r.version === latest);
  await trx
    .updateTable('packages')
    .set({
      latest_version: row?.version ?? null,
      latest_version_id: row?.id ?? null,
      latest_verdict: row?.verdict ?? null,
      latest_audit_score: row?.audit_score ?? null,
      deprecated: row?.deprecated_message != null,
    })
    .where('id', '=', packageId)
    .execute();
}

/** Published (or yanked, still downloadable) version of a package, by exact version string. */
export function findVisibleVersion(
  db: Kysely<Database>,
  packageId: string,
  version: string,
): Promise<Version | undefined> {
  return db
    .selectFrom('versions')
    .selectAll()
    .where('package_id', '=', packageId)
    .where('version', '=', version)
    .where('status', 'in', ['published', 'yanked'])
    .executeTakeFirst();
}

export async function readBlob(blobs: BlobStore, key: string, maxBytes: number): Promise<Buffer | undefined> {
  const stream: Readable | undefined = await blobs.get(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new AgentryError('payload_too_large', { details: { maxBytes } });
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

export function tarballKey(tenantId: string, versionId: string): string {
  return `tarballs/${tenantId}/${versionId}.tgz`;
}
