/** The rows of a published version: files, findings, verdict, the new `latest`, and the search columns. */
import { AgentryError, foldSearchText, type Manifest, type ScanReport } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database, Package, Version } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { refreshLatestVersion } from './versions.js';

export interface PublishScanned {
  tenantId: string;
  actorId: string;
  pkg: Package;
  version: Version;
  manifest: Manifest;
  report: ScanReport;
  readme: string | undefined;
}

/** One transaction: the version becomes visible together with its files, findings and the new `latest`. */
export async function markPublished(db: Kysely<Database>, input: PublishScanned): Promise<void> {
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
