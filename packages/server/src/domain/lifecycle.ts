/**
 * Deprecating and yanking versions. Bytes of a published version are never deleted: a yanked version
 * is no longer `latest` and not offered to ranges, but stays downloadable by its exact version so
 * existing lockfiles keep working.
 */
import { AgentryError } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database, Package } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { findVisibleVersion, refreshLatestVersion } from './versions.js';

export interface LifecycleChange {
  tenantId: string;
  pkg: Package;
  version: string;
  actorId: string;
}

async function versionOf(db: Kysely<Database>, change: LifecycleChange) {
  const row = await findVisibleVersion(db, change.pkg.id, change.version);
  if (!row)
    throw new AgentryError('version_not_found', {
      message: `${change.pkg.name}@${change.version} does not exist.`,
      details: { name: change.pkg.name, version: change.version },
    });
  return row;
}

export async function setYanked(
  db: Kysely<Database>,
  change: LifecycleChange,
  yanked: boolean,
  reason?: string,
) {
  const row = await versionOf(db, change);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('versions')
      .set(
        yanked
          ? { status: 'yanked', yanked_at: sql`now()`, yank_reason: reason ?? null }
          : { status: 'published', yanked_at: null, yank_reason: null },
      )
      .where('id', '=', row.id)
      .execute();
    await refreshLatestVersion(trx, change.pkg.id);
    await recordAudit(trx, {
      tenantId: change.tenantId,
      action: yanked ? 'version.yank' : 'version.unyank',
      actorUserId: change.actorId,
      targetType: 'version',
      targetId: row.id,
      data: { name: change.pkg.name, version: row.version, reason: reason ?? null },
    });
  });
  return { name: change.pkg.name, version: row.version, yanked };
}

export async function setDeprecated(db: Kysely<Database>, change: LifecycleChange, message: string | null) {
  const row = await versionOf(db, change);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('versions').set({ deprecated_message: message }).where('id', '=', row.id).execute();
    await refreshLatestVersion(trx, change.pkg.id);
    await recordAudit(trx, {
      tenantId: change.tenantId,
      action: message === null ? 'version.undeprecate' : 'version.deprecate',
      actorUserId: change.actorId,
      targetType: 'version',
      targetId: row.id,
      data: { name: change.pkg.name, version: row.version, message },
    });
  });
  return { name: change.pkg.name, version: row.version, deprecated: message };
}

export type Visibility = 'public' | 'private' | 'team';

/**
 * Who may see an artifact: `public`, `private` (its publisher and, for an org's artifact, the org), or
 * `team` (members of the owning org; a scoped name only). It applies to every version at once, as
 * `npm access set status=…` does.
 */
export async function setVisibility(
  db: Kysely<Database>,
  change: Omit<LifecycleChange, 'version'>,
  visibility: Visibility,
) {
  if (visibility === 'team' && !change.pkg.scope) {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['visibility'], message: 'Team visibility needs a scoped name (@team/name).' }],
    });
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('packages')
      .set({ visibility, updated_at: sql`now()` })
      .where('id', '=', change.pkg.id)
      .execute();
    await recordAudit(trx, {
      tenantId: change.tenantId,
      action: 'package.visibility',
      actorUserId: change.actorId,
      targetType: 'package',
      targetId: change.pkg.id,
      data: { name: change.pkg.name, from: change.pkg.visibility, to: visibility },
    });
  });
  return { name: change.pkg.name, visibility };
}
