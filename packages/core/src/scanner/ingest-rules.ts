/**
 * The stage-0 findings that readArchive() produces, described like the rules of the later stages so
 * SARIF output and documentation can list them. Detection lives in archive.ts, because these checks
 * must run while the archive is read, before any file exists.
 */
import type { Severity } from './types.js';

export interface RuleDescriptor {
  id: string;
  stage: 'ingest';
  severity: Severity;
  title: string;
}

const describe = (id: string, severity: Severity, title: string): RuleDescriptor => ({
  id,
  stage: 'ingest',
  severity,
  title,
});

export const ingestRules: RuleDescriptor[] = [
  describe('archive_corrupt', 'critical', 'The upload is not a readable gzip-compressed tar archive'),
  describe('archive_malformed', 'high', 'Parts of the tar archive are malformed'),
  describe('size_exceeded', 'critical', 'The archive or its unpacked content exceeds the size limits'),
  describe('compression_bomb', 'critical', 'The archive expands more than the allowed compression ratio'),
  describe('too_many_files', 'critical', 'The archive has more entries than allowed'),
  describe('file_too_large', 'high', 'A single file exceeds the per-file size limit'),
  describe('path_absolute', 'critical', 'An entry has an absolute path'),
  describe('path_traversal', 'critical', 'An entry path climbs out of the archive with ..'),
  describe('path_backslash', 'critical', 'An entry path contains a backslash'),
  describe('path_control_char', 'critical', 'An entry path contains control characters'),
  describe('archive_link', 'high', 'A symbolic or hard link in the archive'),
  describe('archive_special_file', 'critical', 'A device, FIFO or other special file in the archive'),
  describe('duplicate_path', 'critical', 'The same path appears twice'),
  describe('case_duplicate_path', 'high', 'Two paths differ only in letter case'),
  describe('blocked_file_type', 'critical', 'A binary or compiled file type that artifacts may not ship'),
];
