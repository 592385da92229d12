/** The scanner's vocabulary, shared by the server (confirm, POST /api/v1/scan) and `agentry scan`. */
export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];

/** Stage ids in pipeline order: stage0 … stage5 in Tank's response. */
export const stageNames = ['ingest', 'structure', 'static', 'injection', 'secrets', 'supply_chain'] as const;
export type StageName = (typeof stageNames)[number];

/** ok: ran without high or critical findings; failed: ran and found some; error: crashed; skipped: not run. */
export type StageStatus = 'ok' | 'failed' | 'error' | 'skipped';

export interface Finding {
  stage: StageName;
  severity: Severity;
  /** Stable rule id, e.g. `archive_link`. */
  rule: string;
  message: string;
  file?: string;
  line?: number;
  /** A short excerpt; secrets are masked before they get here. */
  evidence?: string;
}

export type Verdict = 'PASS' | 'PASS_WITH_NOTES' | 'FLAGGED' | 'FAIL';

export interface ArchiveFile {
  path: string;
  size: number;
  sha256: string;
  /** Unix permission bits as stored in the archive. */
  mode: number;
}

export interface ScanReport {
  verdict: Verdict;
  auditScore: number;
  summary: Record<'critical' | 'high' | 'medium' | 'low', number>;
  findings: Finding[];
  stages: Record<`stage${0 | 1 | 2 | 3 | 4 | 5}`, StageStatus>;
  /** sha512 SRI of the archive bytes. */
  integrity: string;
  archiveBytes: number;
  unpackedBytes: number;
  files: ArchiveFile[];
}
