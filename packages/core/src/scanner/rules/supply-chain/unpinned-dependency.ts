/**
 * `unpinned_dependency`: a dependency whose version is not fixed at all: `*`, `x`, an empty spec, a
 * dist-tag such as `latest`, a lower bound only (`>=1.0`), an unparsable spec, a requirements line
 * without a version, or a source outside the registry (git, GitHub shorthand, http tarballs, `file:`
 * and local paths), which also bypasses the registry's integrity and malware checks. Peer
 * dependencies are only checked for outside sources (`*` is normal there); npm workspaces are skipped.
 * Bounded ranges (`^1.2`, `~=1.4`) are the separate, low `loose_version_range` rule. A git or URL source
 * not pinned to a commit is high, as run-time installs from outside the registry are in
 * `dynamic_install`: whoever controls that branch or URL decides what gets installed, unscanned.
 */
import type { Rule } from '../../rule.js';
import type { Dependency, SpecKind } from './dependency.js';
import { dependenciesOf } from './manifests.js';

const outside: ReadonlySet<SpecKind> = new Set(['git', 'url', 'path']);
const unpinned: ReadonlySet<SpecKind> = new Set(['any', 'tag', 'unbounded', 'invalid', 'git', 'url', 'path']);
/** A full commit hash (`#<sha>`, `@<sha>`, Poetry's `rev = "<sha>"`) makes a git source immutable. */
const commitPin = /(?:[#@]|\brev\s*=\s*["']|\bcommit=)[0-9a-f]{40}\b/i;

function movingSource(dep: Dependency): boolean {
  return (dep.kind === 'git' || dep.kind === 'url') && !commitPin.test(`${dep.spec} ${dep.raw}`);
}

function reason(dep: Dependency): string {
  switch (dep.kind) {
    case 'any':
      return dep.spec.trim() === '' ? 'has no version' : `accepts any version ("${dep.spec}")`;
    case 'tag':
      return `follows the moving tag "${dep.spec}"`;
    case 'unbounded':
      return `has no upper bound ("${dep.spec}")`;
    case 'invalid':
      return `has a version that cannot be parsed ("${dep.spec.slice(0, 80)}")`;
    case 'git':
      return `is fetched from git (${dep.spec.slice(0, 100)}), outside the registry and its checks`;
    case 'url':
      return `is fetched from a URL (${dep.spec.slice(0, 100)}), outside the registry and its checks`;
    default:
      return `is taken from a local path (${dep.spec.slice(0, 100)})`;
  }
}

export const unpinnedDependency: Rule = {
  id: 'unpinned_dependency',
  stage: 'supply_chain',
  severity: 'medium',
  title: 'A dependency is not pinned to a version, or comes from outside the registry',
  check: (ctx) =>
    dependenciesOf(ctx)
      .filter((dep) => unpinned.has(dep.kind) && (dep.group !== 'peer' || outside.has(dep.kind)))
      .map((dep) => ({
        message: `${dep.ecosystem === 'npm' ? 'npm' : 'PyPI'} dependency "${dep.name}" ${reason(dep)}${movingSource(dep) ? ', and no commit pins what it resolves to' : ''}.`,
        file: dep.file,
        line: dep.line,
        evidence: dep.raw.slice(0, 160),
        ...(movingSource(dep) ? { severity: 'high' as const } : {}),
      })),
};
