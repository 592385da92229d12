/**
 * What a publish leaves behind when it does not finish. A refused or failed confirm removes its own
 * reservation, bytes and (when the reservation created it) the empty package, so nothing of a refused
 * archive is stored. A crash leaves a row in `scanning`; start-up turns those back into reservations
 * the publisher can confirm again (the bytes are kept), and the housekeeping sweep clears the rest.
 */
import { type Kysely, sql } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database, Version } from '../db/schema.js';

/** How long a recovered reservation waits for its publisher to confirm again. */
const recoveredWindowMs = 3600_000;

/**
 * Deletes an unpublished version, its uploaded bytes, and its package when this reservation created it
 * (same transaction, so the same `created_at`) and no other version exists. Never touches a published row.
 */
export async function discardReservation(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  version: Pick<Version, 'id' | 'package_id' | 'blob_key'>,
): Promise<void> {
  const discarded = await deps.db.transaction().execute(async (trx) => {
    // Compared in SQL: timestamps carry microseconds, a JavaScript Date only milliseconds.
    const origin = await trx
      .selectFrom('versions')
      .innerJoin('packages', 'packages.id', 'versions.package_id')
      .select(sql<boolean>`versions.created_at = packages.created_at`.as('same'))
      .where('versions.id', '=', version.id)
      .executeTakeFirst();
    const deleted = await trx
      .deleteFrom('versions')
      .where('id', '=', version.id)
      .where('status', 'in', ['pending-upload', 'scanning', 'failed'])
      .executeTakeFirst();
    // Published meanwhile (a concurrent retry won), or already gone: its bytes are not ours to delete.
    if (deleted.numDeletedRows === 0n) return false;
    if (!origin?.same) return true;
    await trx
      .deleteFrom('packages')
      .where('id', '=', version.package_id)
      .where('latest_version', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('versions').select('versions.id').whereRef('versions.package_id', '=', 'packages.id'),
          ),
        ),
      )
      .execute();
    return true;
  });
  if (!discarded) return;
  // After the commit: bytes without a row are garbage, a row without bytes would be a broken version.
  await deps.blobs.delete(version.blob_key).catch(() => {});
}

export interface RecoverOptions {
  /**
   * A confirm older than this has died (the scan time limit plus a margin). With one process on the
   * database (PGlite) every `scanning` row at start-up is from a process that died: pass 0.
   */
  stuckAfterMs: number;
}

/**
 * Start-up recovery: confirms interrupted by a crash (rows still `scanning`) become reservations again,
 * so the same publisher's retried confirm, or a new publish of that version, succeeds at once.
 */
export async function recoverInterruptedPublishes(
  db: Kysely<Database>,
  options: RecoverOptions,
): Promise<number> {
  const result = await db
    .updateTable('versions')
    .set({ status: 'pending-upload', upload_expires_at: new Date(Date.now() + recoveredWindowMs) })
    .where('status', '=', 'scanning')
    .where('scanned_at', '<=', new Date(Date.now() - options.stuckAfterMs))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A confirm that has been scanning this long has crashed; its row becomes `failed` and replaceable. */
const scanningTimeoutMs = 15 * 60_000;

/**
 * Clears what interrupted publishes left: expired pending uploads and failed rows (with their bytes)
 * are deleted, and confirms stuck in `scanning` (the process died mid-scan) become `failed`.
 */
export async function sweepStalePublishes(deps: { db: Kysely<Database>; blobs: BlobStore }): Promise<number> {
  await deps.db
    .updateTable('versions')
    .set({ status: 'failed' })
    .where('status', '=', 'scanning')
    .where('scanned_at', '<', new Date(Date.now() - scanningTimeoutMs))
    .execute();
  const stale = await deps.db
    .deleteFrom('versions')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending-upload'), eb('upload_expires_at', '<', new Date())]),
        eb.and([eb('status', '=', 'failed'), eb('created_at', '<', new Date(Date.now() - 86_400_000))]),
      ]),
    )
    .returning(['blob_key'])
    .execute();
  for (const row of stale) await deps.blobs.delete(row.blob_key).catch(() => {});
  await deps.db
    .deleteFrom('superseded_reservations')
    .where('created_at', '<', new Date(Date.now() - 86_400_000))
    .execute();
  // A package whose only versions were swept away was never published: remove the empty shell.
  await deps.db
    .deleteFrom('packages')
    .where('latest_version', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('versions').select('versions.id').whereRef('versions.package_id', '=', 'packages.id'),
        ),
      ),
    )
    .execute();
  return stale.length;
}
