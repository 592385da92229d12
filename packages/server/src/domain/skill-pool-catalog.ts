/**
 * skill-pool's catalog over Agentry's packages and versions (the slug mapping is core/skill-pool.ts).
 * A skill is a package of kind skill, agent or command that the caller may read, in the `active`
 * state, with a published latest version; "latest" is the package's latest as on every other surface
 * (the highest published release), so all surfaces agree on it.
 */
import {
  AgentryError,
  packageNameOfSlug,
  parseFrontmatter,
  type SkillPoolKind,
  type SkillPoolSkill,
  slugOfPackageName,
} from '@agentry/core';
import { readArchive } from '@agentry/core/scanner';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database, Package, Version } from '../db/schema.js';
import type { Viewer } from './access.js';
import { searchPackages } from './search.js';
import type { SemanticEngine } from './semantic-search.js';
import { readBlob } from './versions.js';
import { visibleTo } from './visibility.js';

/** The slug of `p.name` in SQL (`@org/name` → `org__name`), for matching and ordering. */
export const slugSql = sql<string>`(CASE WHEN p.scope IS NULL THEN p.name ELSE p.scope || '__' || substr(p.name, length(p.scope) + 3) END)`;

function catalogRows(db: Kysely<Database>, tenantId: string, kind: SkillPoolKind, viewer: Viewer) {
  return db
    .selectFrom('packages as p')
    .innerJoin('versions as v', 'v.id', 'p.latest_version_id')
    .where('p.tenant_id', '=', tenantId)
    .where('p.kind', '=', kind)
    .where('p.status', '=', 'active')
    .where('v.status', '=', 'published')
    .where((eb) => visibleTo(eb, viewer))
    .select([
      'p.id as package_id',
      'p.name',
      'p.kind',
      'p.tags',
      'v.id as version_id',
      'v.version',
      'v.description',
      'v.manifest',
      'v.published_at',
      'v.created_at',
    ]);
}

type CatalogRow = Awaited<ReturnType<ReturnType<typeof catalogRows>['execute']>>[number];

export function skillOfRow(row: CatalogRow, similarity?: number): SkillPoolSkill {
  const whenToUse = (row.manifest as { when_to_use?: unknown }).when_to_use;
  return {
    slug: slugOfPackageName(row.name),
    name: row.name,
    kind: row.kind as SkillPoolKind,
    version: row.version,
    description: row.description,
    ...(typeof whenToUse === 'string' ? { when_to_use: whenToUse } : {}),
    tags: row.tags,
    status: 'published',
    created_at: (row.published_at ?? row.created_at).toISOString(),
    ...(similarity === undefined ? {} : { similarity }),
  };
}

export interface ListSkillsInput {
  tenantId: string;
  viewer: Viewer;
  kind: SkillPoolKind;
  query?: string | undefined;
  tags: string[];
  limit: number;
  semantic?: string | undefined;
  minSimilarity: number;
}

/**
 * Keyword mode: case-insensitive substring of slug or description, where `%` and `_` are wildcards
 * as in skill-pool's ILIKE (a backslash is only a character), ordered by slug. Semantic mode (it wins
 * over `query`): the shared semantic search, by similarity, with `similarity` on each row.
 */
export async function listSkills(
  db: Kysely<Database>,
  engine: SemanticEngine,
  input: ListSkillsInput,
): Promise<SkillPoolSkill[]> {
  const tags = input.tags.map((tag) => tag.toLowerCase());
  const semantic = input.semantic?.trim();
  if (semantic) {
    let result: Awaited<ReturnType<typeof searchPackages>>;
    try {
      result = await searchPackages(
        db,
        {
          tenantId: input.tenantId,
          viewer: input.viewer,
          kinds: [input.kind],
          tags,
          semantic,
          minSimilarity: input.minSimilarity,
          limit: input.limit,
          offset: 0,
        },
        engine,
      );
    } catch (error) {
      if (error instanceof AgentryError && error.code === 'not_implemented') {
        throw new AgentryError('bad_request', {
          message: 'semantic search is not enabled on this server (no embedder configured)',
        });
      }
      throw error;
    }
    if (result.hits.length === 0) return [];
    const rows = await catalogRows(db, input.tenantId, input.kind, input.viewer)
      .where(
        'p.id',
        'in',
        result.hits.map((hit) => hit.id),
      )
      .execute();
    const byId = new Map(rows.map((row) => [row.package_id, row]));
    return result.hits.flatMap((hit) => {
      const row = byId.get(hit.id);
      return row ? [skillOfRow(row, hit.similarity ?? 0)] : [];
    });
  }
  const pattern = `%${(input.query ?? '').replace(/\\/g, '\\\\').replace(/\0/g, '')}%`;
  const rows = await catalogRows(db, input.tenantId, input.kind, input.viewer)
    .$if(Boolean(input.query), (qb) =>
      qb.where((eb) =>
        eb.or([
          eb(slugSql, 'ilike', pattern),
          eb('p.name', 'ilike', pattern),
          eb('v.description', 'ilike', pattern),
        ]),
      ),
    )
    .$if(tags.length > 0, (qb) => qb.where(sql<SqlBool>`p.tags @> ${sql.val(tags)}::text[]`))
    .orderBy(slugSql)
    .limit(input.limit)
    .execute();
  return rows.map((row) => skillOfRow(row));
}

export interface FoundSkill {
  pkg: Package;
  version: Version;
  skill: SkillPoolSkill;
}

/** The latest published version of (slug, kind) the viewer may read; `not_found` otherwise. */
export async function requireSkill(
  db: Kysely<Database>,
  tenantId: string,
  slug: string,
  kind: SkillPoolKind,
  viewer: Viewer,
): Promise<FoundSkill> {
  const name = packageNameOfSlug(slug);
  const row = name
    ? await catalogRows(db, tenantId, kind, viewer).where('p.name', '=', name).executeTakeFirst()
    : undefined;
  if (!row)
    throw new AgentryError('package_not_found', { message: 'not found', details: { name: name ?? slug } });
  const [pkg, version] = await Promise.all([
    db.selectFrom('packages').selectAll().where('id', '=', row.package_id).executeTakeFirstOrThrow(),
    db.selectFrom('versions').selectAll().where('id', '=', row.version_id).executeTakeFirstOrThrow(),
  ]);
  return { pkg, version, skill: skillOfRow(row) };
}

/** The stored bundle of a version (the bytes every surface serves). */
export async function readBundle(blobs: BlobStore, version: Version, maxBytes: number): Promise<Buffer> {
  const bytes = await readBlob(blobs, version.blob_key, maxBytes);
  if (!bytes) throw new AgentryError('blob_not_found', { message: 'not found' });
  return bytes;
}

/** SKILL.md of a stored bundle, or undefined when it has none (an agent or command may not). */
export function skillMdOf(bundle: Buffer): string | undefined {
  const read = readArchive(bundle);
  if (read.fatal) throw new AgentryError('bad_request', { message: 'the stored bundle is not readable' });
  return read.files.get('SKILL.md')?.content.toString('utf8');
}

/** The embedded SKILL.md frontmatter the seed document promises on `GET /v1/skills/{slug}`. */
export function frontmatterOf(skillMd: string | undefined): Record<string, unknown> {
  return skillMd === undefined ? {} : parseFrontmatter(skillMd).data;
}
