/**
 * The scan pipeline over one archive. Stages are independent: each runs in its own try, a crash marks
 * that stage `error` and the others still run. Only an unreadable archive (stage 0 fatal) stops the rest,
 * since there are then no files to look at.
 */
import { computeIntegrity } from '../integrity.js';
import type { ArtifactKind } from '../names.js';
import type { Permissions } from '../permissions.js';
import { type ArchiveEntry, readArchive } from './archive.js';
import { type ArchiveLimits, defaultArchiveLimits } from './limits.js';
import { checkStructure } from './structure.js';
import type { Finding, ScanReport, StageStatus } from './types.js';
import { computeAuditScore, decideVerdict, summarise } from './verdict.js';

export interface ScanOptions {
  kind?: ArtifactKind;
  description?: string;
  permissions?: Permissions;
  limits?: ArchiveLimits;
}

export interface ScanResult {
  report: ScanReport;
  /** The safe files, for the caller to index or serve; empty when stage 0 was fatal. */
  files: Map<string, ArchiveEntry>;
}

type Stage = (files: Map<string, ArchiveEntry>) => Finding[];

function statusOf(findings: Finding[]): StageStatus {
  return findings.some((f) => f.severity === 'critical' || f.severity === 'high') ? 'failed' : 'ok';
}

export function scanArchive(bytes: Uint8Array, options: ScanOptions = {}): ScanResult {
  const kind = options.kind ?? 'skill';
  const archive = readArchive(bytes, options.limits ?? defaultArchiveLimits);
  const findings: Finding[] = [...archive.findings];
  const stages: ScanReport['stages'] = {
    stage0: archive.fatal ? 'failed' : statusOf(archive.findings),
    stage1: 'skipped',
    stage2: 'skipped',
    stage3: 'skipped',
    stage4: 'skipped',
    stage5: 'skipped',
  };
  if (!archive.fatal) {
    const later: [keyof ScanReport['stages'], Stage][] = [
      ['stage1', (files) => checkStructure({ files, kind, unpackedBytes: archive.unpackedBytes })],
    ];
    for (const [id, run] of later) {
      try {
        const found = run(archive.files);
        findings.push(...found);
        stages[id] = statusOf(found);
      } catch {
        stages[id] = 'error';
      }
    }
  }
  const readme = archive.files.get('README.md') ?? archive.files.get('SKILL.md');
  const report: ScanReport = {
    verdict: decideVerdict(findings),
    auditScore: computeAuditScore({
      findings,
      stages,
      hasReadme: readme !== undefined,
      readmeLength: readme?.size ?? 0,
      hasDescription: (options.description ?? '').trim().length > 0,
      declaresPermissions: options.permissions !== undefined,
      fileCount: archive.files.size,
      archiveBytes: bytes.length,
    }),
    summary: summarise(findings),
    findings,
    stages,
    integrity: computeIntegrity(bytes),
    archiveBytes: bytes.length,
    unpackedBytes: archive.unpackedBytes,
    files: [...archive.files.values()]
      .map(({ path, size, sha256, mode }) => ({ path, size, sha256, mode }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  return { report, files: archive.files };
}
