/**
 * Python manifests for the stage 5 rules: requirements*.txt and pyproject.toml ([project] dependencies and
 * optional dependencies, [dependency-groups], Poetry's dependency tables), read without a TOML parser.
 */
import { lineInText, lineStarts } from '../../line-map.js';
import { type Dependency, type DependencyGroup, escapeRegExp, type SpecKind } from './dependency.js';

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

export function requirementsDependencies(file: string, text: string): Dependency[] {
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
      if (depth === 1) items.push({ value, line: lineInText(text, i) });
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

export function pyprojectDependencies(file: string, text: string): Dependency[] {
  const found: Dependency[] = [];
  const lines = text.split('\n');
  let table = '';
  const starts = lineStarts(text);
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
      const start = (starts[i] ?? 0) + line.indexOf('[', line.indexOf('=')) + 1;
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
      while (i + 1 < lines.length && (starts[i + 1] ?? Number.POSITIVE_INFINITY) < array.end) i += 1;
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
