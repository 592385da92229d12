export { type ArchiveEntry, type ReadArchiveResult, readArchive } from './archive.js';
export { type ArchiveLimits, defaultArchiveLimits } from './limits.js';
export { type ScanOptions, type ScanResult, scanArchive } from './scan.js';
export * from './types.js';
export { computeAuditScore, decideVerdict, summarise } from './verdict.js';
