/** Read models of artifacts as the Tank surface shows them; other surfaces reuse the same lookups. */
import type { Kysely } from 'kysely';
import type { Database, Package, Version } from '../db/schema.js';
import { hitColumns, type SearchHit, toHit } from './search.js';

/** Who published: the org of a scoped name, otherwise the publishing user. */
export async function publisherName(db: Kysely<Database>, pkg: Package): Promise<string> {
  if (pkg.scope) return pkg.scope;
  const user = await db
    .selectFrom('users')
    .select('username')
    .where('id', '=', pkg.publisher_id)
    .executeTakeFirst();
  return user?.username ?? 'unknown';
}

/** Published and yanked versions, newest publication first. */
export function listVisibleVersions(db: Kysely<Database>, packageId: string): Promise<Version[]> {
  return db
    .selectFrom('versions')
    .selectAll()
    .where('package_id', '=', packageId)
    .where('status', 'in', ['published', 'yanked'])
    .orderBy('published_at', 'desc')
    .orderBy('major', 'desc')
    .orderBy('minor', 'desc')
    .orderBy('patch', 'desc')
    .execute();
}

export function listFindings(db: Kysely<Database>, versionId: string) {
  return db
    .selectFrom('scan_findings')
    .select(['stage', 'severity', 'rule', 'message', 'file', 'line', 'evidence'])
    .where('version_id', '=', versionId)
    .orderBy('id')
    .execute();
}

/** Whose artifacts a listing shows: an org's (scoped names) or a user's own unscoped ones. */
export type ArtifactOwner = { orgId: string } | { userId: string };

/**
 * Artifacts of one org or user, most downloaded first, as search hits. Profile pages show only public
 * ones (`publicOnly`); the dashboard shows a user everything they publish, privately or through orgs.
 */
export async function listArtifactsOf(
  db: Kysely<Database>,
  tenantId: string,
  owners: readonly ArtifactOwner[],
  options: { publicOnly: boolean; limit: number },
): Promise<SearchHit[]> {
  if (owners.length === 0) return [];
  let query = db
    .selectFrom('packages as p')
    .leftJoin('users as u', 'u.id', 'p.publisher_id')
    .select(hitColumns)
    .where('p.tenant_id', '=', tenantId)
    .where('p.latest_version_id', 'is not', null)
    .where((eb) =>
      eb.or(
        owners.map((owner) =>
          'orgId' in owner
            ? eb('p.org_id', '=', owner.orgId)
            : eb.and([eb('p.publisher_id', '=', owner.userId), eb('p.scope', 'is', null)]),
        ),
      ),
    );
  if (options.publicOnly) query = query.where('p.visibility', '=', 'public').where('p.status', '=', 'active');
  const rows = await query
    .orderBy('p.downloads_total', 'desc')
    .orderBy('p.name')
    .limit(options.limit)
    .execute();
  return rows.map((row) => toHit(row, 0));
}

/**
 * Public, published artifacts per kind: the home page's counts. The same rows an anonymous search sees,
 * counted once; at 100,000 artifacts this GROUP BY is the slowest part of the home page, so callers cache it.
 */
export async function countPublicByKind(
  db: Kysely<Database>,
  tenantId: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('packages')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .where('latest_version_id', 'is not', null)
    .where('visibility', '=', 'public')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}
