/** Read models of artifacts as the Tank surface shows them; other surfaces reuse the same lookups. */
import type { Kysely } from 'kysely';
import type { Database, Package, Version } from '../db/schema.js';

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
