/**
 * npm manifests for the stage 5 rules: every package.json of the artifact and the packages pinned in its
 * npm lockfiles, with the lines they are declared on.
 */
import semver from 'semver';
import { lineInText } from '../../line-map.js';
import type { ScanContext } from '../../rule.js';
import {
  basename,
  type Dependency,
  type DependencyGroup,
  escapeRegExp,
  isRecord,
  isVendored,
  type LockedPackage,
  memo,
  type SpecKind,
} from './dependency.js';

/** Classifies an npm version specifier. */
export function classifyNpmSpec(rawSpec: string): { kind: SpecKind; version?: string } {
  const spec = rawSpec.trim();
  if (spec === '' || spec === '*' || spec === 'x' || spec === 'X') return { kind: 'any' };
  if (spec.startsWith('workspace:')) return { kind: 'workspace' };
  if (/^(file:|link:|portal:|\.{1,2}\/|\/|~\/)/.test(spec)) return { kind: 'path' };
  if (/^(git\+|git:|git@|github:|gitlab:|bitbucket:|gist:)/i.test(spec)) return { kind: 'git' };
  if (/^https?:\/\//i.test(spec)) return { kind: /\.git(#.*)?$/i.test(spec) ? 'git' : 'url' };
  // GitHub shorthand `user/repo` or `user/repo#ref`.
  if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) return { kind: 'git' };
  const exact = semver.valid(spec, { loose: true });
  if (exact) return { kind: 'exact', version: exact };
  let range: semver.Range;
  try {
    range = new semver.Range(spec, { loose: true });
  } catch {
    // A dist-tag: npm's tag names are URL-safe words that are not ranges.
    return /^[a-z][\w.-]*$/i.test(spec) ? { kind: 'tag' } : { kind: 'invalid' };
  }
  let bounded = true;
  for (const comparators of range.set) {
    if (comparators.some((c) => c.value === '')) return { kind: 'any' };
    const hasUpper = comparators.some((c) => c.operator === '<' || c.operator === '<=' || c.operator === '');
    if (!hasUpper) bounded = false;
  }
  return { kind: bounded ? 'range' : 'unbounded' };
}

const npmSections: [string, DependencyGroup][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
  ['peerDependencies', 'peer'],
];

export interface PackageJson {
  file: string;
  text: string;
  json: Record<string, unknown>;
}

/** 1-based line of `"key":` in JSON text, searching from an offset; 1 when not found. */
function lineOfKey(text: string, key: string, from = 0): { line: number; offset: number } {
  const pattern = new RegExp(`"${escapeRegExp(key)}"\\s*:`, 'g');
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? { line: lineInText(text, match.index), offset: match.index } : { line: 1, offset: from };
}

/** Every parsable package.json of the artifact (shipped node_modules included; callers filter). */
export function packageJsons(ctx: ScanContext): PackageJson[] {
  return memo(ctx, 'supply_chain:package_json', () => {
    const found: PackageJson[] = [];
    for (const file of ctx.textFiles()) {
      if (basename(file) !== 'package.json') continue;
      const text = ctx.textOf(file);
      if (text === undefined) continue;
      try {
        const json: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
        if (isRecord(json)) found.push({ file, text, json });
      } catch {
        // Unparsable JSON: nothing to read.
      }
    }
    return found;
  });
}

/** The line of a key inside a top-level section of a package.json. */
export function lineInSection(manifest: PackageJson, section: string, key: string): number {
  const start = lineOfKey(manifest.text, section);
  return lineOfKey(manifest.text, key, start.offset).line;
}

export function npmDependencies(manifest: PackageJson): Dependency[] {
  const found: Dependency[] = [];
  for (const [section, group] of npmSections) {
    const block = manifest.json[section];
    if (!isRecord(block)) continue;
    const sectionAt = lineOfKey(manifest.text, section);
    // Keys appear in the text in the order JSON.parse returns them: each search starts after the
    // previous key, so a large manifest is read once, not once per dependency.
    let searchFrom = sectionAt.offset;
    for (const [declared, value] of Object.entries(block)) {
      const at = lineOfKey(manifest.text, declared, searchFrom);
      if (at.line > 1) searchFrom = at.offset + 1;
      if (typeof value !== 'string') continue;
      let name = declared;
      let spec = value;
      // An alias installs another package: `"lodash": "npm:lodahs@^4"` installs lodahs.
      const alias = /^npm:((?:@[^/@]+\/)?[^@]+)(?:@(.*))?$/.exec(value.trim());
      if (alias?.[1]) {
        name = alias[1];
        spec = alias[2] ?? '';
      }
      const classified = classifyNpmSpec(spec);
      found.push({
        ecosystem: 'npm',
        name,
        spec,
        ...classified,
        group,
        file: manifest.file,
        line: at.line,
        raw: `"${declared}": "${value}"`,
      });
    }
  }
  return found;
}

/** Packages pinned in package-lock.json / npm-shrinkwrap.json (lockfile v1, v2 and v3). */
export function lockedPackages(ctx: ScanContext): LockedPackage[] {
  return memo(ctx, 'supply_chain:locked', () => {
    const found: LockedPackage[] = [];
    for (const file of ctx.textFiles()) {
      const name = basename(file);
      if ((name !== 'package-lock.json' && name !== 'npm-shrinkwrap.json') || isVendored(file)) continue;
      const text = ctx.textOf(file);
      if (text === undefined) continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        continue;
      }
      if (!isRecord(json)) continue;
      const add = (pkg: string, version: unknown, key: string) => {
        if (typeof version !== 'string' || pkg === '') return;
        found.push({ name: pkg, version, file, key });
      };
      if (isRecord(json.packages)) {
        for (const [path, entry] of Object.entries(json.packages)) {
          if (!isRecord(entry) || !path.includes('node_modules/')) continue;
          const pkg =
            typeof entry.name === 'string' ? entry.name : path.slice(path.lastIndexOf('node_modules/') + 13);
          add(pkg, entry.version, path);
        }
      } else {
        const walk = (deps: unknown, depth: number) => {
          if (!isRecord(deps) || depth > 50) return;
          for (const [pkg, entry] of Object.entries(deps)) {
            if (!isRecord(entry)) continue;
            add(pkg, entry.version, pkg);
            walk(entry.dependencies, depth + 1);
          }
        };
        walk(json.dependencies, 0);
      }
    }
    return found;
  });
}

/** The line of a locked package in its lockfile (searched only for the few that are reported). */
export function lockedLine(ctx: ScanContext, locked: LockedPackage): number {
  const text = ctx.textOf(locked.file);
  return text === undefined ? 1 : lineOfKey(text, locked.key).line;
}
