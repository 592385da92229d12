export {
  type ArchiveEntry,
  blockedExtensions,
  findUnsafeEntries,
  type ReadArchiveResult,
  readArchive,
  unsafeArchiveRules,
} from './archive.js';
export { type ArchiveManifest, readArchiveManifest } from './archive-manifest.js';
export { createScanContext } from './context.js';
export { ingestRules, type RuleDescriptor } from './ingest-rules.js';
export { type ArchiveLimits, defaultArchiveLimits } from './limits.js';
export {
  type Capability,
  type Hit,
  lineAt,
  lineText,
  type Observation,
  type Rule,
  type ScanContext,
} from './rule.js';
export { rules } from './rules/index.js';
export { renderRulesTable } from './rules-doc.js';
export { runRules, type ScanOptions, type ScanResult, scanArchive } from './scan.js';
export * from './types.js';
export { auditScoreExplanation, computeAuditScore, decideVerdict, summarise } from './verdict.js';
