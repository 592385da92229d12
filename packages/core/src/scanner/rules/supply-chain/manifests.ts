/**
 * Shared reading of dependency manifests for the stage-5 rules: package.json (and npm lockfiles for
 * pinned versions), requirements*.txt and pyproject.toml ([project] dependencies and optional
 * dependencies, [dependency-groups], Poetry's dependency tables). Parsing is deliberately forgiving:
 * a file that cannot be read yields no dependencies, never an exception. Results are memoised in the
 * scan context's cache because four rules read them.
 */
import semver from 'semver';
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

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const dirname = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '');

/** node_modules folders shipped inside an artifact are not its declared dependencies. */
function isVendored(path: string): boolean {
  return /(^|\/)node_modules\//.test(path);
}

/** PEP 503 normalisation: case-insensitive, runs of `-`, `_` and `.` are one `-`. */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// -------------------------------------------------------------------------------------------------
// npm

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The newline offsets of the text looked up last (lookups come file by file). */
let indexedText: string | undefined;
let newlineOffsets: number[] = [];

/**
 * 1-based line of an offset, by binary search over the text's newline offsets (built once per text):
 * rules look up many lines in large manifests and lockfiles, and a linear count each time would make
 * a hostile upload quadratic.
 */
export function lineOfOffset(text: string, offset: number): number {
  if (indexedText !== text) {
    newlineOffsets = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlineOffsets.push(i);
    indexedText = text;
  }
  let low = 0;
  let high = newlineOffsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((newlineOffsets[mid] ?? 0) < offset) low = mid + 1;
    else high = mid;
  }
  return low + 1;
}

/** 1-based line of `"key":` in JSON text, searching from an offset; 1 when not found. */
function lineOfKey(text: string, key: string, from = 0): { line: number; offset: number } {
  const pattern = new RegExp(`"${escapeRegExp(key)}"\\s*:`, 'g');
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? { line: lineOfOffset(text, match.index), offset: match.index } : { line: 1, offset: from };
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

function npmDependencies(manifest: PackageJson): Dependency[] {
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

// -------------------------------------------------------------------------------------------------
// PyPI

/** Classifies a PEP 440 specifier set (`>=1.0,<2`, `==1.2.3`, `~=1.4`, or empty). */
export function classifyPep440(rawSpec: string): { kind: SpecKind; version?: string } {
  const spec = rawSpec
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  if (spec === '') return { kind: 'any' };
  const clauses = spec
    .split(',')
    .map((clause) => clause.trim())
    .filter(Boolean);
  let hasUpper = false;
  for (const clause of clauses) {
    const match = /^(===|==|~=|!=|<=|>=|<|>)\s*(\S+)$/.exec(clause);
    if (!match) return { kind: 'invalid' };
    const [, op, version = ''] = match;
    if ((op === '==' || op === '===') && !version.includes('*')) {
      if (clauses.length === 1) return { kind: 'exact', version };
      hasUpper = true;
    }
    if (op === '<' || op === '<=' || op === '~=' || (op === '==' && version.includes('*'))) hasUpper = true;
  }
  return { kind: hasUpper ? 'range' : 'unbounded' };
}

/** Classifies a Poetry constraint (`^1.2`, `~1.2`, `1.2.3` meaning ==, `*`, or PEP 440). */
export function classifyPoetry(rawSpec: string): { kind: SpecKind; version?: string } {
  const spec = rawSpec.trim();
  if (spec === '' || spec === '*') return { kind: 'any' };
  if (/^[\^~](?!=)/.test(spec)) return { kind: 'range' };
  if (/^\d[\w.+!-]*(\.\*)?$/.test(spec))
    return spec.includes('*') ? { kind: 'range' } : { kind: 'exact', version: spec };
  return classifyPep440(spec.replace(/\s*\|\|\s*/g, ','));
}

/** A PEP 508 requirement: `name[extras] specifiers ; markers` or `name @ url`. */
export function parseRequirement(
  text: string,
): { name: string; spec: string; kind: SpecKind; version?: string } | undefined {
  const withoutMarker = text.split(';')[0]?.trim() ?? '';
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/.exec(withoutMarker);
  if (!match?.[1]) return undefined;
  const name = match[1];
  const rest = (match[3] ?? '').trim();
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim();
    return {
      name,
      spec: url,
      kind: /^git\+|\.git(@|#|$)/i.test(url) ? 'git' : /^file:/i.test(url) ? 'path' : 'url',
    };
  }
  return { name, spec: rest, ...classifyPep440(rest) };
}

function requirementsDependencies(file: string, text: string): Dependency[] {
  const found: Dependency[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    // Line continuations join the next lines; the first line is reported.
    const parts = [lines[i] ?? ''];
    while ((parts[parts.length - 1] ?? '').endsWith('\\') && i + 1 < lines.length) {
      parts[parts.length - 1] = (parts[parts.length - 1] ?? '').slice(0, -1);
      parts.push(lines[i + 1] ?? '');
      i += 1;
    }
    const line = parts
      .join(' ')
      .replace(/(^|\s)#.*$/, '')
      .trim();
    if (line === '') continue;
    const push = (dep: Omit<Dependency, 'ecosystem' | 'group' | 'file' | 'line' | 'raw'>) =>
      found.push({ ecosystem: 'pypi', group: 'prod', file, line: lineNo, raw: line.slice(0, 160), ...dep });
    // Editable installs and bare URLs or paths.
    const editable = /^(?:-e|--editable)\s*=?\s*(\S+)/.exec(line);
    const target =
      editable?.[1] ?? (/^(git\+|https?:|file:|\.{0,2}\/)/i.test(line) ? line.split(/\s+/)[0] : undefined);
    if (target !== undefined) {
      if (target === '.' || target === './') continue;
      const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(target)?.[1];
      const fromFile = /\/([A-Za-z0-9._]+?)-\d[^/]*\.(whl|tar\.gz|zip)$/i.exec(target)?.[1];
      const kind: SpecKind = /^git\+/i.test(target) ? 'git' : /^https?:/i.test(target) ? 'url' : 'path';
      push({ name: egg ?? fromFile ?? target, spec: target, kind });
      continue;
    }
    // Other options (-r, -c, -i, --index-url, --hash lines, …) name no package.
    if (line.startsWith('-')) continue;
    const requirement = parseRequirement(line.replace(/\s--\S+.*$/, ''));
    if (requirement) push(requirement);
  }
  return found;
}

// A minimal TOML reading: tables, `key = "string"`, `key = { inline = "table" }` on one line, and
// arrays of strings that may span lines. Anything else in a section of interest is skipped.

interface TomlString {
  value: string;
  line: number;
}

/** Strings of a TOML array starting at `start` (just after `[`); returns them and where it ended. */
function readTomlArray(text: string, start: number): { items: TomlString[]; end: number } | undefined {
  const items: TomlString[] = [];
  let i = start;
  let depth = 1;
  while (i < text.length && depth > 0) {
    const ch = text[i];
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      const from = i + quote.length;
      let j = from;
      let value = '';
      while (j < text.length && !text.startsWith(quote, j)) {
        if (ch === '"' && text[j] === '\\' && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (!triple && text[j] === '\n') return undefined;
        value += text[j];
        j += 1;
      }
      if (j >= text.length) return undefined;
      if (depth === 1) items.push({ value, line: lineOfOffset(text, i) });
      i = j + quote.length;
      continue;
    }
    if (ch === '[' || ch === '{') depth += 1;
    if (ch === ']' || ch === '}') depth -= 1;
    i += 1;
  }
  return depth === 0 ? { items, end: i } : undefined;
}

function unquote(value: string): string | undefined {
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:#.*)?$/.exec(value);
  return match ? (match[1] ?? match[2] ?? '') : undefined;
}

function inlineTableField(table: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|[{,\\s])${escapeRegExp(key)}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|'[^']*')`).exec(
    table,
  );
  return match?.[1] === undefined ? undefined : unquote(match[1]);
}

function pyprojectDependencies(file: string, text: string): Dependency[] {
  const found: Dependency[] = [];
  const lines = text.split('\n');
  let table = '';
  let offset = 0;
  const lineStarts: number[] = [];
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header?.[1]) {
      table = header[1].replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
      continue;
    }
    const assignment = /^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!assignment?.[1]) continue;
    const key = assignment[1].replace(/^["']|["']$/g, '');
    const value = assignment[2] ?? '';
    const pep508Array =
      (table === 'project' && key === 'dependencies') ||
      table === 'project.optional-dependencies' ||
      table === 'dependency-groups';
    if (pep508Array && value.trimStart().startsWith('[')) {
      const start = (lineStarts[i] ?? 0) + line.indexOf('[', line.indexOf('=')) + 1;
      const array = readTomlArray(text, start);
      if (!array) continue;
      const group: DependencyGroup =
        table === 'project' ? 'prod' : table === 'dependency-groups' ? 'dev' : 'optional';
      for (const item of array.items) {
        const requirement = parseRequirement(item.value);
        if (requirement)
          found.push({ ecosystem: 'pypi', group, file, line: item.line, raw: item.value, ...requirement });
      }
      // Skip the lines the array spanned.
      while (i + 1 < lines.length && (lineStarts[i + 1] ?? Number.POSITIVE_INFINITY) < array.end) i += 1;
      continue;
    }
    const poetry = /^tool\.poetry\.(dependencies|dev-dependencies|group\.[^.]+\.dependencies)$/.exec(table);
    if (!poetry || key.toLowerCase() === 'python') continue;
    const group: DependencyGroup = table === 'tool.poetry.dependencies' ? 'prod' : 'dev';
    const push = (spec: string, classified: { kind: SpecKind; version?: string }) =>
      found.push({
        ecosystem: 'pypi',
        name: key,
        spec,
        ...classified,
        group,
        file,
        line: i + 1,
        raw: line.trim(),
      });
    const plain = unquote(value);
    if (plain !== undefined) {
      push(plain, classifyPoetry(plain));
      continue;
    }
    if (value.trim().startsWith('{')) {
      const git = inlineTableField(value, 'git');
      const url = inlineTableField(value, 'url');
      const path = inlineTableField(value, 'path');
      const version = inlineTableField(value, 'version');
      if (git !== undefined) push(git, { kind: 'git' });
      else if (url !== undefined) push(url, { kind: 'url' });
      else if (path !== undefined) push(path, { kind: 'path' });
      else if (version !== undefined) push(version, classifyPoetry(version));
      else push('', { kind: 'any' });
    }
  }
  return found;
}

// -------------------------------------------------------------------------------------------------

function memo<T>(ctx: ScanContext, key: string, compute: () => T): T {
  if (ctx.cache.has(key)) return ctx.cache.get(key) as T;
  const value = compute();
  ctx.cache.set(key, value);
  return value;
}

/** Every declared dependency of the artifact, from all the manifests it ships (not node_modules). */
export function dependenciesOf(ctx: ScanContext): Dependency[] {
  return memo(ctx, 'supply_chain:dependencies', () => {
    const found: Dependency[] = [];
    for (const manifest of packageJsons(ctx)) {
      if (!isVendored(manifest.file)) found.push(...npmDependencies(manifest));
    }
    for (const file of ctx.textFiles()) {
      if (isVendored(file)) continue;
      const name = basename(file).toLowerCase();
      const text = ctx.textOf(file);
      if (text === undefined) continue;
      try {
        if (/^requirements[\w.-]*\.txt$/.test(name)) found.push(...requirementsDependencies(file, text));
        else if (name === 'pyproject.toml') found.push(...pyprojectDependencies(file, text));
      } catch {
        // A manifest this reader cannot follow contributes nothing.
      }
    }
    return found;
  });
}

/** True when a lockfile sits beside this manifest (npm installs of the folder then use exact versions). */
export function hasLockfileBeside(ctx: ScanContext, file: string): boolean {
  const dir = dirname(file);
  return [
    'package-lock.json',
    'npm-shrinkwrap.json',
    'yarn.lock',
    'pnpm-lock.yaml',
    'bun.lockb',
    'bun.lock',
  ].some((lock) => ctx.files.has(`${dir}${lock}`));
}

export { isVendored };
