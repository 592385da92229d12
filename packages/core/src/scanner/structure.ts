/**
 * Stage 1, structure: the files each kind requires and the counts and sizes Tank documents
 * (fewer than 100 files, under 50 MB unpacked). The Unicode checks join this stage with the scanner issue.
 */
import type { ArtifactKind } from '../names.js';
import type { ArchiveEntry } from './archive.js';
import type { Finding } from './types.js';

export interface StructureInput {
  files: Map<string, ArchiveEntry>;
  kind: ArtifactKind;
  unpackedBytes: number;
}

export function checkStructure(input: StructureInput): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], rule: string, message: string, file?: string) =>
    findings.push({ stage: 'structure', severity, rule, message, ...(file === undefined ? {} : { file }) });
  if (input.kind === 'skill' && !input.files.has('SKILL.md')) {
    add('high', 'missing_skill_md', 'A skill needs a SKILL.md at the root of the archive.');
  }
  if (input.files.size === 0) add('high', 'empty_archive', 'The archive contains no files.');
  if (input.files.size >= 100)
    add('medium', 'many_files', `The archive has ${input.files.size} files; Tank expects fewer than 100.`);
  if (input.unpackedBytes >= 50 * 1024 * 1024)
    add('medium', 'large_archive', 'The archive unpacks to 50 MB or more.');
  return findings;
}
