/**
 * Phase two of a publish: claim the reservation, check the uploaded bytes against the client's SHA-512,
 * scan them, and publish (`publish-record.ts`); a refused or failed confirm stores nothing.
 */
import {
  AgentryError,
  computeIntegrity,
  integrityEquals,
  type Manifest,
  type ScanReport,
} from '@agentry/core';
import { findUnsafeEntries } from '@agentry/core/scanner';
import { type Kysely, sql } from 'kysely';
import type { Database, Package, Version } from '../db/schema.js';
import { canWritePackage, type Viewer } from './access.js';
import { embedPackage } from './embeddings.js';
import { discardReservation } from './publish-cleanup.js';
import type { PublishDeps } from './publish-deps.js';
import { markPublished, storedReport } from './publish-record.js';
import { readBlob } from './versions.js';

export interface ConfirmInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  /** Optional: Tank's CLI confirms by versionId alone (seed 001); when given it must match. */
  packageId?: string | undefined;
  versionId: string;
  integrity: string;
  /** README text for a version whose publish request carried none (Tank's overview allows it here). */
  readme?: string | undefined;
}

export interface ConfirmResult {
  name: string;
  version: string;
  report: ScanReport;
}

async function loadForConfirm(
  db: Kysely<Database>,
  input: ConfirmInput,
): Promise<{ pkg: Package; version: Version }> {
  const version = await db
    .selectFrom('versions')
    .selectAll()
    .where('id', '=', input.versionId)
    .where('tenant_id', '=', input.tenantId)
    .executeTakeFirst();
  const pkg = version
    ? await db.selectFrom('packages').selectAll().where('id', '=', version.package_id).executeTakeFirst()
    : undefined;
  if (!version) {
    const superseded = await db
      .selectFrom('superseded_reservations')
      .select('version_id')
      .where('version_id', '=', input.versionId)
      .executeTakeFirst();
    if (superseded) {
      throw new AgentryError('version_exists', {
        message: 'A newer publish of this version replaced this reservation.',
      });
    }
  }
  if (!version || !pkg || (input.packageId !== undefined && pkg.id !== input.packageId))
    throw new AgentryError('upload_not_found', { details: { versionId: input.versionId } });
  if (version.published_by !== input.viewer.userId && !(await canWritePackage(db, pkg, input.viewer))) {
    throw new AgentryError('upload_not_found', { details: { versionId: input.versionId } });
  }
  return { pkg, version };
}

/** A refused confirm: the specific code, with the one field it concerns as the issue. */
function failConfirm(code: ConfirmRefusal, path: string, message: string, versionId: string): never {
  const options = { message, issues: [{ path: [path], message }] };
  if (code === 'upload_missing') throw new AgentryError(code, { ...options, details: { versionId } });
  throw new AgentryError(code, options);
}

type ConfirmRefusal = 'upload_missing' | 'integrity_mismatch' | 'archive_unreadable' | 'skill_md_missing';

export async function confirmPublish(deps: PublishDeps, input: ConfirmInput): Promise<ConfirmResult> {
  const { pkg, version } = await loadForConfirm(deps.db, input);
  if (
    version.status === 'published' &&
    version.integrity &&
    integrityEquals(version.integrity, input.integrity)
  ) {
    // A retried confirm of a publish that already went through answers the same result.
    return { name: pkg.name, version: version.version, report: await storedReport(deps.db, version) };
  }
  // The publisher's own retry may take over a confirm a crash left `scanning` (or a failed one).
  const ownRetry =
    version.published_by === input.viewer.userId &&
    (version.status === 'scanning' || version.status === 'failed');
  if (version.status !== 'pending-upload' && !ownRetry) {
    throw new AgentryError('version_exists', {
      message: `${pkg.name}@${version.version} is ${version.status}.`,
    });
  }
  // Claim the row: of two concurrent confirms only one moves it out of pending-upload.
  const claimed = await deps.db
    .updateTable('versions')
    .set({ status: 'scanning', scanned_at: sql`now()` })
    .where('id', '=', version.id)
    .where('status', '=', version.status)
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n) throw new AgentryError('version_exists');
  let keepPending = false;
  try {
    const bytes = await readBlob(deps.blobs, version.blob_key, deps.maxUploadBytes);
    if (!bytes) {
      keepPending = true;
      failConfirm(
        'upload_missing',
        'integrity',
        'Nothing was uploaded yet: PUT the tarball to uploadUrl first.',
        version.id,
      );
    }
    if (!integrityEquals(computeIntegrity(bytes), input.integrity)) {
      failConfirm(
        'integrity_mismatch',
        'integrity',
        'The integrity does not match the uploaded bytes.',
        version.id,
      );
    }
    const manifest = version.manifest as unknown as Manifest;
    const {
      report,
      hasSkillMd,
      readme: archiveReadme,
    } = await deps.scanner.scan({
      bytes,
      kind: manifest.kind,
      description: manifest.description,
      permissions: manifest.permissions,
    });
    // Checked here, for every surface and whatever the tenant's policy: such an archive is never stored.
    const unsafe = findUnsafeEntries(report.findings);
    if (unsafe.length > 0) throw unsafeArchiveError(unsafe);
    if (report.stages.stage0 === 'failed' && report.files.length === 0) {
      failConfirm(
        'archive_unreadable',
        'tarball',
        report.findings[0]?.message ?? 'The tarball could not be read.',
        version.id,
      );
    }
    if (manifest.kind === 'skill' && !hasSkillMd) {
      failConfirm(
        'skill_md_missing',
        'files',
        'A skill needs SKILL.md at the root of its archive.',
        version.id,
      );
    }
    if (report.verdict === 'FAIL' && (await refusesFailingScans(deps.db, input.tenantId))) {
      throw new AgentryError('scan_rejected', {
        details: { verdict: report.verdict, summary: report.summary, findings: report.findings.slice(0, 50) },
      });
    }
    const readme = version.readme ?? input.readme ?? archiveReadme;
    await markPublished(deps.db, {
      tenantId: input.tenantId,
      actorId: input.viewer.userId,
      pkg,
      version,
      manifest,
      report,
      readme,
    });
    // Best effort, after the commit: a failed embed is logged and never fails the publish.
    await embedPackage(deps, pkg.id);
    return { name: pkg.name, version: version.version, report };
  } catch (error) {
    // Whatever went wrong, the row leaves `scanning`: back to waiting for the upload that has not come,
    // or gone with its bytes (a refused or failed publish stores nothing; the client publishes again).
    if (keepPending) {
      await deps.db
        .updateTable('versions')
        .set({ status: 'pending-upload' })
        .where('id', '=', version.id)
        .where('status', '=', 'scanning')
        .execute()
        .catch(() => {});
    } else {
      await discardReservation(deps, version).catch(() => {});
    }
    // A concurrent retry of the same confirm may have published it meanwhile: answer as it did.
    if (error instanceof AgentryError && error.code === 'version_exists') {
      const again = await deps.db
        .selectFrom('versions')
        .selectAll()
        .where('id', '=', version.id)
        .executeTakeFirst();
      if (
        again?.status === 'published' &&
        again.integrity &&
        integrityEquals(again.integrity, input.integrity)
      )
        return { name: pkg.name, version: again.version, report: await storedReport(deps.db, again) };
    }
    throw error;
  }
}

/** `unsafe_archive` naming the first unsafe entry and its reason, with the others (up to 50) listed. */
function unsafeArchiveError(unsafe: ScanReport['findings']): AgentryError {
  const [first] = unsafe;
  const entries = unsafe.slice(0, 50).map((f) => ({
    ...(f.file === undefined ? {} : { entry: f.file }),
    reason: f.rule,
    message: f.message,
  }));
  return new AgentryError('unsafe_archive', {
    message: `The archive is unsafe to extract: ${first?.message ?? 'an entry was refused.'} Nothing was stored.`,
    details: { ...entries[0], entries },
  });
}

async function refusesFailingScans(db: Kysely<Database>, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenants')
    .select('refuse_failing_scans')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return row?.refuse_failing_scans === true;
}
