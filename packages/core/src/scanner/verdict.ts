/** Tank's verdict rules and audit score, each point of the score tied to a check that ran. */
import type { Finding, ScanReport, StageStatus, Verdict } from './types.js';

export function summarise(findings: Finding[]): ScanReport['summary'] {
  const summary = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) if (f.severity !== 'info') summary[f.severity] += 1;
  return summary;
}

/** Any critical or 4+ high → FAIL; 1–3 high → FLAGGED; medium or low only → PASS_WITH_NOTES; else PASS. */
export function decideVerdict(findings: Finding[]): Verdict {
  const s = summarise(findings);
  if (s.critical > 0 || s.high >= 4) return 'FAIL';
  if (s.high > 0) return 'FLAGGED';
  if (s.medium + s.low > 0) return 'PASS_WITH_NOTES';
  return 'PASS';
}

export interface ScoreInput {
  findings: Finding[];
  stages: ScanReport['stages'];
  hasReadme: boolean;
  readmeLength: number;
  hasDescription: boolean;
  declaresPermissions: boolean;
  fileCount: number;
  archiveBytes: number;
}

const ran = (status: StageStatus) => status === 'ok' || status === 'failed';

/**
 * Audit score 0–10 from Tank's documented checks. Unlike Tank's legacy formula, no point is given
 * unconditionally: "no high or critical findings" needs the code and content stages to have run, and
 * "permissions match usage" needs the static stage's declared-versus-observed check to have run clean.
 */
export function computeAuditScore(input: ScoreInput): number {
  let score = 0;
  if (input.hasReadme) score += 1;
  if (input.hasDescription) score += 1;
  if (input.declaresPermissions) score += 1;
  const serious = input.findings.some((f) => f.severity === 'critical' || f.severity === 'high');
  const contentStagesRan = ran(input.stages.stage0) && ran(input.stages.stage1);
  if (contentStagesRan && !serious) score += 2;
  const undeclared = input.findings.some((f) => f.rule.startsWith('undeclared_'));
  if (ran(input.stages.stage2) && !undeclared) score += 2;
  if (input.fileCount < 100) score += 1;
  if (input.readmeLength > 50) score += 1;
  if (input.archiveBytes < 5 * 1024 * 1024) score += 1;
  return Math.max(0, Math.min(10, score));
}

/**
 * The one explanation of the audit score, shown beside it on the web and in `agentry info` and the
 * install prompt (docs/scanner.md says the same).
 */
export const auditScoreExplanation =
  'The audit score (0–10) counts checks passed: a README or SKILL.md (1), a description (1), declared permissions (1), no high or critical findings (2), code using only what it declares (2), fewer than 100 files (1), a README over 50 characters (1), an archive under 5 MB (1). The verdict comes from the findings alone.';
