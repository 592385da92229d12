/**
 * A tenant's public skills as Agent Skills discovery documents (core/skills-discovery.ts): the v0.1
 * index with file lists and the v0.2.0 index with one archive per skill. Only unscoped artifacts of
 * kind `skill` whose name is an Agent Skills name are listed: a scoped name (`@acme/review`, slug
 * `acme__review`) is not one, and listing it under another name would let whoever owns that other
 * name take it over. Archives are packed once per version (skill files at the root, as discovery
 * requires; an upload's wrapping folder was stripped at ingest) and stored with their digest.
 */
import {
  AgentryError,
  canStoreInTar,
  type DiscoveryIndexV1,
  type DiscoveryIndexV2,
  discoverySchemaV2,
  isAgentSkillName,
  isDiscoveryFilePath,
  orderDiscoveryFiles,
  sha256Digest,
  writeTarGz,
} from '@agentry/core';
import { readArchive } from '@agentry/core/scanner';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { readBlob } from './versions.js';

interface Deps {
  db: Kysely<Database>;
  blobs: BlobStore;
  config: Config;
}

export interface DiscoverableSkill {
  name: string;
  description: string;
  versionId: string;
  version: string;
  blobKey: string;
  /** Listed files, SKILL.md first, each with its SHA-256 hex. */
  files: { path: string; sha256: string }[];
  archive?: { sha256: string; blobKey: string };
}

/** Archives packed per index request at most; the rest are listed once a later request has packed them. */
const maxArchivesPerRequest = 100;

function listedFiles(files: { path: string; sha256: string }[] | null) {
  const usable = (files ?? []).filter((f) => isDiscoveryFilePath(f.path) && canStoreInTar(f.path));
  if (!usable.some((f) => f.path === 'SKILL.md')) return undefined;
  return orderDiscoveryFiles(usable, (f) => f.path).map(({ path, sha256 }) => ({ path, sha256 }));
}

/** Public, unscoped skills of the tenant with a listable name, a description and a root SKILL.md. */
export async function listDiscoverableSkills(
  db: Kysely<Database>,
  tenantId: string,
  name?: string,
): Promise<DiscoverableSkill[]> {
  const rows = await db
    .selectFrom('packages as p')
    .innerJoin('versions as v', 'v.id', 'p.latest_version_id')
    .leftJoin('skill_archives as a', 'a.version_id', 'v.id')
    .select([
      'p.name',
      'p.description',
      'v.id as version_id',
      'v.version',
      'v.blob_key',
      'v.files',
      'a.sha256 as archive_sha256',
      'a.blob_key as archive_key',
    ])
    .where('p.tenant_id', '=', tenantId)
    .where('p.kind', '=', 'skill')
    .where('p.visibility', '=', 'public')
    .where('p.status', '=', 'active')
    .where('p.scope', 'is', null)
    .where('v.status', '=', 'published')
    .$if(name !== undefined, (qb) => qb.where('p.name', '=', name as string))
    .orderBy('p.name')
    .execute();
  const skills: DiscoverableSkill[] = [];
  for (const row of rows) {
    const description = row.description.trim().slice(0, 1024);
    const files = listedFiles(row.files);
    if (!isAgentSkillName(row.name) || description.length === 0 || !files) continue;
    skills.push({
      name: row.name,
      description,
      versionId: row.version_id,
      version: row.version,
      blobKey: row.blob_key,
      files,
      ...(row.archive_sha256 && row.archive_key
        ? { archive: { sha256: row.archive_sha256, blobKey: row.archive_key } }
        : {}),
    });
  }
  return skills;
}

/** Packs and stores the discovery archive of one version (once; a second caller reuses the stored bytes). */
async function packArchive(deps: Deps, tenantId: string, skill: DiscoverableSkill) {
  const blobKey = `skill-archives/${tenantId}/${skill.versionId}.tar.gz`;
  let bytes = await readBlob(deps.blobs, blobKey, deps.config.maxUploadBytes);
  if (!bytes) {
    const tarball = await readBlob(deps.blobs, skill.blobKey, deps.config.maxUploadBytes);
    if (!tarball) return undefined;
    const listed = new Set(skill.files.map((f) => f.path));
    const { files } = readArchive(tarball);
    bytes = writeTarGz(
      new Map([...files].filter(([path]) => listed.has(path)).map(([path, entry]) => [path, entry.content])),
    );
    try {
      await deps.blobs.put(blobKey, bytes, { contentType: 'application/gzip' });
    } catch (error) {
      // Another request packed it first: serve what was stored, so the digest describes those bytes.
      if (!(error instanceof AgentryError && error.code === 'upload_complete')) throw error;
      bytes = (await readBlob(deps.blobs, blobKey, deps.config.maxUploadBytes)) ?? bytes;
    }
  }
  const sha256 = sha256Digest(bytes).slice('sha256:'.length);
  await deps.db
    .insertInto('skill_archives')
    .values({
      version_id: skill.versionId,
      tenant_id: tenantId,
      sha256,
      size_bytes: bytes.length,
      blob_key: blobKey,
    })
    .onConflict((oc) => oc.column('version_id').doNothing())
    .execute();
  return { sha256, blobKey };
}

export function indexV1(skills: DiscoverableSkill[]): DiscoveryIndexV1 {
  return {
    skills: skills.map((s) => ({
      name: s.name,
      description: s.description,
      files: s.files.map((f) => f.path),
    })),
  };
}

/** The v0.2.0 index; archives not packed yet are packed now (a bounded number per request). */
export async function indexV2(
  deps: Deps,
  tenantId: string,
  skills: DiscoverableSkill[],
): Promise<DiscoveryIndexV2> {
  let packed = 0;
  const entries: DiscoveryIndexV2['skills'] = [];
  for (const skill of skills) {
    let archive = skill.archive;
    if (!archive && packed < maxArchivesPerRequest) {
      packed += 1;
      archive = await packArchive(deps, tenantId, skill);
    }
    if (!archive) continue;
    entries.push({
      name: skill.name,
      type: 'archive',
      description: skill.description,
      // Root-relative: a tenant reached through its own host name resolves it against that host.
      url: `/.well-known/agent-skills/${skill.name}@${skill.version}.tar.gz`,
      digest: `sha256:${archive.sha256}`,
      files: skill.files.map((f) => ({ path: f.path, digest: `sha256:${f.sha256}` })),
    });
  }
  return { $schema: discoverySchemaV2, version: '0.2.0', skills: entries };
}

/** The stored archive of `name` (at `version`, else the latest), packing it on first request. */
export async function readSkillArchive(
  deps: Deps,
  tenantId: string,
  name: string,
  version: string | undefined,
): Promise<{ bytes: Buffer; sha256: string; version: string } | undefined> {
  const [skill] = await listDiscoverableSkills(deps.db, tenantId, name);
  // Only the version the index lists: older ones may have been yanked since.
  if (!skill || (version !== undefined && version !== skill.version)) return undefined;
  const archive = skill.archive ?? (await packArchive(deps, tenantId, skill));
  if (!archive) return undefined;
  const bytes = await readBlob(deps.blobs, archive.blobKey, deps.config.maxUploadBytes);
  return bytes ? { bytes, sha256: archive.sha256, version: skill.version } : undefined;
}
