/**
 * What the stage 5 rules know about a dependency, whichever manifest declared it, and the helpers the
 * manifest readers (npm-manifests.ts, python-manifests.ts) share.
 */
import type { ScanContext } from '../../rule.js';

export type Ecosystem = 'npm' | 'pypi';

/**
 * How a dependency's version is chosen:
 * - exact: one version (`1.2.3`, `==1.2.3`);
 * - range: bounded above (`^1.2.3`, `~1.2`, `1.x`, `>=1,<2`, `~=1.4`);
 * - unbounded: a lower bound only (`>=1.0`);
 * - any: no version at all (`*`, `x`, `""`, a bare requirement line);
 * - tag: an npm dist-tag (`latest`, `next`);
 * - git, url, path: fetched from outside the registry;
 * - workspace: a sibling package of a monorepo;
 * - invalid: unparsable.
 */
export type SpecKind =
  | 'exact'
  | 'range'
  | 'unbounded'
  | 'any'
  | 'tag'
  | 'git'
  | 'url'
  | 'path'
  | 'workspace'
  | 'invalid';

export type DependencyGroup = 'prod' | 'dev' | 'peer' | 'optional';

export interface Dependency {
  ecosystem: Ecosystem;
  /** The package that gets installed (for an npm alias `x: npm:y@1`, that is `y`). */
  name: string;
  /** The version specifier as written (for an alias, the part after `y@`). */
  spec: string;
  kind: SpecKind;
  /** The exact version when kind is `exact`. */
  version?: string;
  group: DependencyGroup;
  file: string;
  line: number;
  /** The dependency as written, for evidence. */
  raw: string;
}

export interface LockedPackage {
  name: string;
  version: string;
  file: string;
  /** The lockfile key of the entry; `lockedLine` turns it into a line number when needed. */
  key: string;
}

export const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const dirname = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '');

/** node_modules folders shipped inside an artifact are not its declared dependencies. */
export function isVendored(path: string): boolean {
  return /(^|\/)node_modules\//.test(path);
}

/** PEP 503 normalisation: case-insensitive, runs of `-`, `_` and `.` are one `-`. */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A value computed once per scan, kept in the scan context's cache. */
export function memo<T>(ctx: ScanContext, key: string, compute: () => T): T {
  if (ctx.cache.has(key)) return ctx.cache.get(key) as T;
  const value = compute();
  ctx.cache.set(key, value);
  return value;
}
