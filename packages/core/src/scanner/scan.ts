/**
 * The scan pipeline over one archive. Stage 0 (ingest) reads the archive; stages 1–5 run their rules
 * from rules/index.ts. Stages are independent: a rule that throws marks its stage `error` while the
 * other rules and stages still run. Only an unreadable archive stops the later stages, as there are then
 * no files to look at.
 */
import { computeIntegrity } from '../integrity.js';
import type { ArtifactKind } from '../names.js';
import type { Permissions } from '../permissions.js';
import { type ArchiveEntry, readArchive } from './archive.js';
import { readArchiveManifest } from './archive-manifest.js';
import { createScanContext } from './context.js';
import { type ArchiveLimits, defaultArchiveLimits } from './limits.js';
import type { Rule, ScanContext } from './rule.js';
import { rules as allRules } from './rules/index.js';
import { type Finding, type ScanReport, type Severity, type StageStatus, stageNames } from './types.js';
import { computeAuditScore, decideVerdict, summarise } from './verdict.js';

export interface ScanOptions {
  kind?: ArtifactKind;
  description?: string;
  permissions?: Permissions;
  limits?: ArchiveLimits;
  /** Rules to run (default: all); tests pass a subset. */
  rules?: readonly Rule[];
  /** Extra known-malicious packages (`npm:name`, `pypi:name`) from the operator's configuration. */
  knownMalicious?: readonly string[];
  /**
   * Fill kind, description and permissions that are not given from the manifest inside the archive
   * (`readArchiveManifest`), as a publish of the same archive would declare them.
   */
  manifestFromArchive?: boolean;
}

export interface ScanResult {
  report: ScanReport;
  /** The safe files, for the caller to index or serve; empty when stage 0 was fatal. */
  files: Map<string, ArchiveEntry>;
}

const lowerBy2: Record<Severity, Severity> = {
  critical: 'medium',
  high: 'low',
  medium: 'low',
  low: 'info',
  info: 'info',
};

/**
 * Code in tests, examples and docs rarely runs on a user's machine: static findings there drop two
 * levels and secrets become informational (placeholders in examples are the common false positive).
 */
function adjustForPath(ctx: ScanContext, rule: Rule, severity: Severity, file: string | undefined): Severity {
  if (!file || !ctx.isExamplePath(file)) return severity;
  if (rule.stage === 'static') return lowerBy2[severity];
  if (rule.stage === 'secrets') return 'info';
  return severity;
}

function statusOf(findings: Finding[]): StageStatus {
  return findings.some((f) => f.severity === 'critical' || f.severity === 'high') ? 'failed' : 'ok';
}

/** Runs the rules of stages 1–5 over a context; exported for folder scans that have no archive. */
export function runRules(ctx: ScanContext, rules: readonly Rule[] = allRules) {
  const findings: Finding[] = [];
  const stages: Partial<Record<`stage${number}`, StageStatus>> = {};
  stageNames.forEach((stage, index) => {
    if (index === 0) return;
    const stageRules = rules.filter((rule) => rule.stage === stage);
    if (stageRules.length === 0) {
      stages[`stage${index}`] = 'skipped';
      return;
    }
    const found: Finding[] = [];
    let crashed = false;
    for (const rule of stageRules) {
      try {
        for (const hit of rule.check(ctx)) {
          found.push({
            stage,
            severity: adjustForPath(ctx, rule, hit.severity ?? rule.severity, hit.file),
            rule: rule.id,
            message: hit.message,
            ...(hit.file === undefined ? {} : { file: hit.file }),
            ...(hit.line === undefined ? {} : { line: hit.line }),
            ...(hit.evidence === undefined ? {} : { evidence: hit.evidence }),
          });
        }
      } catch {
        crashed = true;
      }
    }
    findings.push(...found);
    stages[`stage${index}`] = crashed ? 'error' : statusOf(found);
  });
  return { findings, stages };
}

export function scanArchive(bytes: Uint8Array, given: ScanOptions = {}): ScanResult {
  const archive = readArchive(bytes, given.limits ?? defaultArchiveLimits);
  const options = given.manifestFromArchive ? { ...readArchiveManifest(archive.files), ...given } : given;
  const kind = options.kind ?? 'skill';
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
    const ctx = createScanContext(
      archive.files,
      kind,
      options.permissions,
      new Set(options.knownMalicious ?? []),
    );
    const ran = runRules(ctx, options.rules);
    findings.push(...ran.findings);
    Object.assign(stages, ran.stages);
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
