/**
 * Rule fixtures: packages/core/test/fixtures/scanner/<rule-id>/{positive,negative}/ hold the files of an
 * artifact. An optional `_case.json` beside them sets the scan's `kind` and `permissions` and, for a
 * positive case, the `severity` expected; it is not part of the artifact.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ArtifactKind, Permissions, Severity } from '@agentry/core';
import { computeSha256 } from '@agentry/core';
import type { ArchiveEntry } from '@agentry/core/scanner';

export const fixturesRoot = join(import.meta.dirname, '..', 'fixtures', 'scanner');

export interface FixtureCase {
  files: Map<string, ArchiveEntry>;
  kind: ArtifactKind;
  permissions: Permissions | undefined;
  severity?: Severity;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

export function loadFixture(dir: string): FixtureCase {
  const files = new Map<string, ArchiveEntry>();
  let settings: { kind?: ArtifactKind; permissions?: Permissions; severity?: Severity } = {};
  for (const full of walk(dir)) {
    const path = relative(dir, full).split('\\').join('/');
    if (path === '_case.json') {
      settings = JSON.parse(readFileSync(full, 'utf8'));
      continue;
    }
    // `.keep` files only make empty fixture folders exist in git.
    if (path.endsWith('.keep')) continue;
    const content = readFileSync(full);
    files.set(path, { path, content, size: content.length, sha256: computeSha256(content), mode: 0o644 });
  }
  return {
    files,
    kind: settings.kind ?? 'skill',
    permissions: settings.permissions,
    ...(settings.severity ? { severity: settings.severity } : {}),
  };
}
