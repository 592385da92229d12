/**
 * Two-phase publish. `initiatePublish` validates and reserves name@version as `pending-upload` and hands
 * out an upload URL; `confirmPublish` checks the uploaded bytes against the client's SHA-512, scans
 * them, and publishes in one transaction. A version is visible only once `published`, so a crash at any
 * point leaves at most an invisible row, which `sweepStalePublishes` clears.
 */
import {
  AgentryError,
  computeIntegrity,
  findPermissionEscalation,
  findUnsafeEntries,
  foldSearchText,
  integrityEquals,
  type Manifest,
  type Permissions,
  parseArtifactName,
  type ScanReport,
} from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import semver from 'semver';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database, Package, Version } from '../db/schema.js';
import type { ScanPool } from '../scanning/scan-pool.js';
import { canWritePackage, type Viewer } from './access.js';
import { recordAudit } from './audit.js';
import { type EmbeddingDeps, embedPackage } from './embeddings.js';
import { findOrg, findOrgRole } from './orgs.js';
import { discardReservation } from './publish-cleanup.js';
import { readBlob, refreshLatestVersion, semverParts, tarballKey } from './versions.js';

export const uploadWindowSeconds = 3600;
/** A confirm that has been scanning this long has crashed; its row becomes `failed` and replaceable. */
const scanningTimeoutMs = 15 * 60_000;

export interface PublishDeps extends EmbeddingDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  maxUploadBytes: number;
  scanner: ScanPool;
}

/** The publish dependencies out of the app's. */
export function publishDepsOf(deps: {
  db: Kysely<Database>;
  blobs: BlobStore;
  config: { maxUploadBytes: number };
  scanner: ScanPool;
  embedder?: EmbeddingDeps['embedder'];
  vector?: EmbeddingDeps['vector'];
  logger?: EmbeddingDeps['logger'];
}): PublishDeps {
  return {
    db: deps.db,
    blobs: deps.blobs,
    maxUploadBytes: deps.config.maxUploadBytes,
    scanner: deps.scanner,
    embedder: deps.embedder,
    vector: deps.vector,
    logger: deps.logger,
  };
}

export interface InitiateInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  manifest: Manifest;
  readme?: string | undefined;
}

export interface InitiateResult {
  skillId: string;
  versionId: string;
  uploadUrl: string;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

async function assertScopeMembership(db: Kysely<Database>, tenantId: string, scope: string, userId: string) {
  const org = await findOrg(db, tenantId, scope);
  if (!org || !(await findOrgRole(db, org.id, userId))) {
    throw new AgentryError('forbidden', {
      message: `Publishing under @${scope} needs membership of that org.`,
    });
  }
  return org;
}

export async function initiatePublish(deps: PublishDeps, input: InitiateInput): Promise<InitiateResult> {
  const { manifest, tenantId, viewer } = input;
  const name = parseArtifactName(manifest.name);
  if (!name)
    throw new AgentryError('validation_error', {
      issues: [{ path: ['manifest', 'name'], message: 'Invalid name.' }],
    });
  const org = name.scope
    ? await assertScopeMembership(deps.db, tenantId, name.scope, viewer.userId)
    : undefined;
  try {
    const reserved = await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('packages')
        .values({
          tenant_id: tenantId,
          name: name.full,
          scope: name.scope,
          org_id: org?.id ?? null,
          kind: manifest.kind,
          visibility: manifest.visibility,
          description: manifest.description,
          publisher_id: viewer.userId,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
        .execute();
      // Locking the package row serialises every publish of one name, on PGlite and PostgreSQL alike.
      const pkg = await trx
        .selectFrom('packages')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name.full)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (!(await canWritePackage(trx, pkg, viewer))) {
        // The same answer whether the name is public or private: a private name must not be revealed.
        throw new AgentryError('name_unavailable', { message: `The name "${name.full}" is not available.` });
      }
      const versions = await trx
        .selectFrom('versions')
        .selectAll()
        .where('package_id', '=', pkg.id)
        .execute();
      const existing = versions.find((v) => v.version === manifest.version);
      if (existing) {
        if (!isReplaceable(existing, viewer.userId)) {
          throw new AgentryError('version_exists', {
            message: `${name.full}@${manifest.version} already exists.`,
          });
        }
        await trx.deleteFrom('versions').where('id', '=', existing.id).execute();
        // A confirm still on its way for the replaced reservation (a racing publish) answers 409, not 404.
        await trx
          .insertInto('superseded_reservations')
          .values({ version_id: existing.id, package_id: pkg.id })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      assertNoEscalation(versions, manifest);
      const id = crypto.randomUUID();
      await trx
        .insertInto('versions')
        .values({
          id,
          tenant_id: tenantId,
          package_id: pkg.id,
          version: manifest.version,
          ...semverParts(manifest.version),
          status: 'pending-upload',
          manifest: JSON.stringify(manifest),
          permissions: JSON.stringify(manifest.permissions),
          dependencies: JSON.stringify(manifest.skills ?? {}),
          description: manifest.description,
          readme: input.readme ?? null,
          blob_key: tarballKey(tenantId, id),
          upload_expires_at: new Date(Date.now() + uploadWindowSeconds * 1000),
          published_by: viewer.userId,
        })
        .execute();
      return { packageId: pkg.id, versionId: id, replacedBlob: existing?.blob_key };
    });
    // After the commit, so a rolled-back publish never loses the bytes of the row it would have replaced.
    if (reserved.replacedBlob) await deps.blobs.delete(reserved.replacedBlob).catch(() => {});
    const uploadUrl = await deps.blobs.createUploadUrl(tarballKey(tenantId, reserved.versionId), {
      expiresInSeconds: uploadWindowSeconds,
      maxBytes: deps.maxUploadBytes,
      contentType: 'application/gzip',
    });
    return { skillId: reserved.packageId, versionId: reserved.versionId, uploadUrl };
  } catch (error) {
    // Two publishes of one new name can both miss the package row; the loser sees the unique index.
    if (isUniqueViolation(error)) throw new AgentryError('version_exists');
    throw error;
  }
}

/**
 * Only a published (or yanked) version is immutable. An unpublished row gives way to a failed or
 * expired reservation, and to its own publisher's retry (a crash or failed confirm must not block them);
 * anyone else still gets 409 while the reservation is live.
 */
function isReplaceable(existing: Version, userId: string): boolean {
  if (existing.status === 'published' || existing.status === 'yanked') return false;
  if (existing.status === 'failed' || existing.published_by === userId) return true;
  return existing.status === 'pending-upload' && (existing.upload_expires_at?.getTime() ?? 0) < Date.now();
}

/** Compares with the highest earlier published version (Tank's escalation rule, see core/permissions). */
function assertNoEscalation(versions: Version[], manifest: Manifest) {
  const earlier = versions
    .filter(
      (v) => (v.status === 'published' || v.status === 'yanked') && semver.lt(v.version, manifest.version),
    )
    .map((v) => v.version);
  const previousVersion = semver.rsort(earlier)[0];
  if (!previousVersion) return;
  const previous = versions.find((v) => v.version === previousVersion);
  const escalation = findPermissionEscalation(
    previousVersion,
    (previous?.permissions ?? {}) as Permissions,
    manifest.version,
    manifest.permissions,
  );
  if (!escalation) return;
  const list = escalation.added.map((change) => `${change.kind} ${change.value}`).join(', ');
  throw new AgentryError('validation_error', {
    message: `Permission escalation: ${list} needs a ${escalation.required} version bump after ${previousVersion}.`,
    issues: [
      {
        path: ['manifest', 'permissions'],
        message: `A ${escalation.bump} bump cannot add ${list}; publish a ${escalation.required} version.`,
      },
    ],
    details: { previousVersion, required: escalation.required, added: escalation.added },
  });
}

export interface ConfirmInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  /** Optional: Tank's CLI confirms by versionId alone (seed 001); when given it must match. */
  skillId?: string | undefined;
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
  if (!version || !pkg || (input.skillId !== undefined && pkg.id !== input.skillId))
    throw new AgentryError('not_found', { message: 'No such pending upload.' });
  if (version.published_by !== input.viewer.userId && !(await canWritePackage(db, pkg, input.viewer))) {
    throw new AgentryError('not_found', { message: 'No such pending upload.' });
  }
  return { pkg, version };
}

function failConfirm(path: string, message: string): never {
  throw new AgentryError('validation_error', { message, issues: [{ path: [path], message }] });
}

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
      failConfirm('integrity', 'Nothing was uploaded yet: PUT the tarball to uploadUrl first.');
    }
    if (!integrityEquals(computeIntegrity(bytes), input.integrity)) {
      failConfirm('integrity', 'The integrity does not match the uploaded bytes.');
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
      failConfirm('tarball', report.findings[0]?.message ?? 'The tarball could not be read.');
    }
    if (manifest.kind === 'skill' && !hasSkillMd) {
      failConfirm('files', 'A skill needs SKILL.md at the root of its archive.');
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

interface PublishScanned {
  tenantId: string;
  actorId: string;
  pkg: Package;
  version: Version;
  manifest: Manifest;
  report: ScanReport;
  readme: string | undefined;
}

/** One transaction: the version becomes visible together with its files, findings and the new `latest`. */
async function markPublished(db: Kysely<Database>, input: PublishScanned): Promise<void> {
  const { pkg, version, manifest, report, readme } = input;
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('versions')
      .set({
        status: 'published',
        integrity: report.integrity,
        size_bytes: report.archiveBytes,
        unpacked_bytes: report.unpackedBytes,
        file_count: report.files.length,
        files: JSON.stringify(report.files),
        readme: readme ?? null,
        published_at: sql`now()`,
        upload_expires_at: null,
        audit_score: report.auditScore,
        verdict: report.verdict,
        scan_status: scanStatusOf(report),
        scan_stages: JSON.stringify(report.stages),
        scanned_at: sql`now()`,
      })
      .where('id', '=', version.id)
      // Only the confirm holding the claim publishes; a retry that replaced this row has taken over.
      .where('status', '=', 'scanning')
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new AgentryError('version_exists');
    if (report.findings.length > 0) {
      await trx
        .insertInto('scan_findings')
        .values(
          report.findings.map((f) => ({
            version_id: version.id,
            stage: f.stage,
            severity: f.severity,
            rule: f.rule,
            message: f.message.slice(0, 2000),
            file: f.file ?? null,
            line: f.line ?? null,
            evidence: f.evidence?.slice(0, 500) ?? null,
          })),
        )
        .execute();
    }
    await refreshLatestVersion(trx, pkg.id);
    const latest = await trx
      .selectFrom('packages')
      .select('latest_version')
      .where('id', '=', pkg.id)
      .executeTakeFirstOrThrow();
    if (latest.latest_version === version.version) {
      // Package-level fields follow the latest version, so an old backport does not rewrite them.
      await trx
        .updateTable('packages')
        .set({
          kind: manifest.kind,
          visibility: manifest.visibility,
          description: manifest.description,
          keywords: manifest.keywords ?? [],
          repository: manifest.repository ?? null,
          readme: readme ?? null,
          ...searchColumns(pkg.name, manifest, readme),
        })
        .where('id', '=', pkg.id)
        .execute();
    }
    await trx.updateTable('packages').set({ updated_at: sql`now()` }).where('id', '=', pkg.id).execute();
    await recordAudit(trx, {
      tenantId: input.tenantId,
      action: 'version.publish',
      actorUserId: input.actorId,
      targetType: 'version',
      targetId: version.id,
      data: { name: pkg.name, version: version.version, verdict: report.verdict },
    });
  });
}

/** Folded copies of the searched text and the tag set, stored with the package for search. */
function searchColumns(name: string, manifest: Manifest, readme: string | undefined) {
  const tags = (manifest as { tags?: unknown }).tags;
  const extraTags = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  const tools = (manifest as { tools?: unknown }).tools;
  return {
    name_norm: foldSearchText(name),
    bare_norm: foldSearchText(name.replace(/^@[^/]+\//, '')),
    description_norm: foldSearchText(manifest.description),
    readme_norm: foldSearchText(readme ?? '').slice(0, 200_000),
    tags: [
      ...new Set(
        [...(manifest.keywords ?? []), ...extraTags].map((t) => t.toLowerCase().trim()).filter(Boolean),
      ),
    ].slice(0, 50),
    tool_targets: Array.isArray(tools)
      ? tools.filter((t): t is string => typeof t === 'string').slice(0, 20)
      : [],
  };
}

async function refusesFailingScans(db: Kysely<Database>, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenants')
    .select('refuse_failing_scans')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return row?.refuse_failing_scans === true;
}

function scanStatusOf(report: ScanReport): 'completed' | 'flagged' | 'failed' {
  if (report.verdict === 'FAIL') return 'failed';
  return report.verdict === 'FLAGGED' ? 'flagged' : 'completed';
}

/** The scan report of an already published version, rebuilt from its stored columns. */
export async function storedReport(db: Kysely<Database>, version: Version): Promise<ScanReport> {
  const findings = await db
    .selectFrom('scan_findings')
    .selectAll()
    .where('version_id', '=', version.id)
    .orderBy('id')
    .execute();
  const report = findings.map((f) => ({
    stage: f.stage as ScanReport['findings'][number]['stage'],
    severity: f.severity as ScanReport['findings'][number]['severity'],
    rule: f.rule,
    message: f.message,
    ...(f.file === null ? {} : { file: f.file }),
    ...(f.line === null ? {} : { line: f.line }),
    ...(f.evidence === null ? {} : { evidence: f.evidence }),
  }));
  const summary = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of report) if (f.severity !== 'info') summary[f.severity] += 1;
  return {
    verdict: version.verdict ?? 'PASS',
    auditScore: version.audit_score ?? 0,
    summary,
    findings: report,
    stages: (version.scan_stages ?? {}) as ScanReport['stages'],
    integrity: version.integrity ?? '',
    archiveBytes: version.size_bytes ?? 0,
    unpackedBytes: version.unpacked_bytes ?? 0,
    files: version.files ?? [],
  };
}

/**
 * Clears what interrupted publishes left: expired pending uploads and failed rows (with their bytes)
 * are deleted, and confirms stuck in `scanning` (the process died mid-scan) become `failed`.
 */
export async function sweepStalePublishes(deps: Pick<PublishDeps, 'db' | 'blobs'>): Promise<number> {
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

export interface PublishArchiveInput extends InitiateInput {
  bytes: Buffer;
}

/**
 * A one-shot publish (AI Toolkit's multipart upload): the same reserve → store → verify-and-scan steps
 * as the two-phase publish, with the server holding the bytes, so every surface publishes alike.
 */
export async function publishArchive(
  deps: PublishDeps,
  input: PublishArchiveInput,
): Promise<ConfirmResult & { packageId: string; versionId: string }> {
  if (input.bytes.length > deps.maxUploadBytes) {
    throw new AgentryError('payload_too_large', { details: { maxBytes: deps.maxUploadBytes } });
  }
  const reserved = await initiatePublish(deps, input);
  try {
    await deps.blobs.put(tarballKey(input.tenantId, reserved.versionId), input.bytes, {
      maxBytes: deps.maxUploadBytes,
      contentType: 'application/gzip',
    });
  } catch (error) {
    const row = await deps.db
      .selectFrom('versions')
      .selectAll()
      .where('id', '=', reserved.versionId)
      .executeTakeFirst();
    if (row) await discardReservation(deps, row).catch(() => {});
    throw error;
  }
  const result = await confirmPublish(deps, {
    tenantId: input.tenantId,
    viewer: input.viewer,
    skillId: reserved.skillId,
    versionId: reserved.versionId,
    integrity: computeIntegrity(input.bytes),
    readme: input.readme,
  });
  return { ...result, packageId: reserved.skillId, versionId: reserved.versionId };
}

export interface ReservePackageInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  name: string;
  kind: string;
  visibility: 'public' | 'private' | 'team';
  description: string;
  keywords: string[];
  toolTargets: string[];
}

/**
 * Registers an artifact before its first version (AI Toolkit's `POST /artifacts`). Readers see it only
 * once a version is published; its publisher sees it at once. An existing name is a conflict.
 */
export async function reservePackage(db: Kysely<Database>, input: ReservePackageInput): Promise<Package> {
  const name = parseArtifactName(input.name);
  if (!name)
    throw new AgentryError('validation_error', { issues: [{ path: ['name'], message: 'Invalid name.' }] });
  if (input.visibility === 'team' && !name.scope) {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['visibility'], message: 'Team visibility needs a team: pass "team".' }],
    });
  }
  const org = name.scope
    ? await assertScopeMembership(db, input.tenantId, name.scope, input.viewer.userId)
    : undefined;
  const inserted = await db
    .insertInto('packages')
    .values({
      tenant_id: input.tenantId,
      name: name.full,
      scope: name.scope,
      org_id: org?.id ?? null,
      kind: input.kind,
      visibility: input.visibility,
      description: input.description,
      keywords: input.keywords,
      tool_targets: input.toolTargets,
      tags: [...new Set(input.keywords.map((k) => k.toLowerCase().trim()).filter(Boolean))],
      publisher_id: input.viewer.userId,
      name_norm: foldSearchText(name.full),
      bare_norm: foldSearchText(name.bare),
      description_norm: foldSearchText(input.description),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) throw new AgentryError('conflict', { message: `"${name.full}" already exists.` });
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'package.create',
    actorUserId: input.viewer.userId,
    targetType: 'package',
    targetId: inserted.id,
    data: { name: name.full },
  });
  return inserted;
}
