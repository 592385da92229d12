/**
 * Surgical edits of files the user also edits: one named entry in a JSON/JSONC config, one TOML table,
 * one marked block in a Markdown file. Everything else in the file — other entries, comments,
 * formatting — is kept. A file that does not parse is refused (config_unreadable), never overwritten.
 */
import { isDeepStrictEqual } from 'node:util';
import { applyEdits, modify, type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { InstallError } from './install-error.js';

/**
 * Edits follow the file's own layout: a one-line file stays on one line (the entry goes in compact), and a
 * multi-line one gets its own indentation (tabs or N spaces) and line endings; two spaces when it has none.
 */
function formattingFor(text: string) {
  // An empty object (a file we are about to create, or a user's bare `{}`) has no layout to keep: indent it.
  if (/^\{\s*\}$/.test(text.trim()))
    return { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  if (!text.trim().includes('\n')) return {};
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t')
    ? { formattingOptions: { insertSpaces: false, tabSize: 1, eol } }
    : { formattingOptions: { insertSpaces: true, tabSize: indent.length, eol } };
}

export function readJsonConfig(text: string | undefined, path: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || !value || typeof value !== 'object' || Array.isArray(value)) {
    const reason = errors[0] ? printParseErrorCode(errors[0].error) : 'not an object';
    throw new InstallError(
      'config_unreadable',
      `${path} is not valid JSON (${reason}); it was left as it is`,
      `fix ${path} and run the command again`,
    );
  }
  return value as Record<string, unknown>;
}

function edit(text: string, path: (string | number)[], value: unknown): string {
  return applyEdits(text, modify(text, path, value, formattingFor(text)));
}

function getAt(root: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path)
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function startText(text: string | undefined, seed: Record<string, unknown>): string {
  if (text !== undefined && text.trim() !== '') return text;
  return `${JSON.stringify(seed, null, 2)}\n`;
}

/** Sets `key.name` to `value`, creating parents; other keys untouched. */
export function setJsonEntry(
  text: string | undefined,
  path: string,
  key: string[],
  name: string,
  value: unknown,
  seed: Record<string, unknown> = {},
): string {
  readJsonConfig(text, path);
  return edit(startText(text, seed), [...key, name], value);
}

/** Removes `key.name`, and `key` itself when that leaves it empty. */
export function removeJsonEntry(text: string, path: string, key: string[], name: string): string {
  const root = readJsonConfig(text, path);
  const parent = getAt(root, key);
  if (!parent || typeof parent !== 'object' || !(name in parent)) return text;
  let out = edit(text, [...key, name], undefined);
  const after = getAt(readJsonConfig(out, path), key);
  if (key.length > 0 && after && typeof after === 'object' && Object.keys(after).length === 0)
    out = edit(out, key, undefined);
  return out;
}

export function hasJsonEntry(text: string | undefined, path: string, key: string[], name: string): boolean {
  const parent = getAt(readJsonConfig(text, path), key);
  return !!parent && typeof parent === 'object' && name in parent;
}

/** Appends entries to the arrays under `key.<event>` (hook lists). */
export function addJsonListEntries(
  text: string | undefined,
  path: string,
  key: string[],
  events: Record<string, unknown[]>,
  seed: Record<string, unknown> = {},
): string {
  let out = startText(text, seed);
  for (const [event, entries] of Object.entries(events)) {
    const current = getAt(readJsonConfig(out, path), [...key, event]);
    const list = Array.isArray(current) ? current : [];
    const missing = entries.filter((entry) => !list.some((existing) => isDeepStrictEqual(existing, entry)));
    if (missing.length > 0) out = edit(out, [...key, event], [...list, ...missing]);
  }
  return out;
}

/** Removes exactly the given entries from `key.<event>` arrays, dropping emptied events and `key`. */
export function removeJsonListEntries(
  text: string,
  path: string,
  key: string[],
  events: Record<string, unknown[]>,
): string {
  let out = text;
  for (const [event, entries] of Object.entries(events)) {
    const current = getAt(readJsonConfig(out, path), [...key, event]);
    if (!Array.isArray(current)) continue;
    const kept = current.filter((existing) => !entries.some((entry) => isDeepStrictEqual(existing, entry)));
    if (kept.length === current.length) continue;
    out = edit(out, [...key, event], kept.length > 0 ? kept : undefined);
  }
  const parent = getAt(readJsonConfig(out, path), key);
  if (key.length > 0 && parent && typeof parent === 'object' && Object.keys(parent).length === 0)
    out = edit(out, key, undefined);
  return out;
}

/** True when two JSON/JSONC texts hold the same value (formatting and comments aside). */
export function sameJson(a: string | undefined, b: string | undefined, path: string): boolean {
  return isDeepStrictEqual(readJsonConfig(a, path), readJsonConfig(b, path));
}

// ---- TOML (Codex) ----

export function readTomlConfig(text: string | undefined, path: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new InstallError(
      'config_unreadable',
      `${path} is not valid TOML (${(error as Error).message.split('\n')[0]}); it was left as it is`,
      `fix ${path} and run the command again`,
    );
  }
}

/** The header lines our stringified table starts with, e.g. `[mcp_servers.demo` for `.../env` too. */
function tableHeader(key: string[], name: string): string {
  const sample = stringifyToml(nest([...key, name], { x: 1 }));
  const header = sample.split('\n').find((line) => line.startsWith('['));
  return (header ?? '').replace(/\]$/, '');
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, part) => ({ [part]: inner }), value) as Record<string, unknown>;
}

function withoutTable(text: string, header: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('[')) skipping = trimmed === `${header}]` || trimmed.startsWith(`${header}.`);
    if (!skipping) out.push(line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

export function setTomlTable(
  text: string | undefined,
  path: string,
  key: string[],
  name: string,
  value: Record<string, unknown>,
): string {
  readTomlConfig(text, path);
  const base = withoutTable(text ?? '', tableHeader(key, name)).replace(/\s*$/, '');
  const block = stringifyToml(nest([...key, name], value)).trim();
  const out = `${base ? `${base}\n\n` : ''}${block}\n`;
  readTomlConfig(out, path);
  return out;
}

export function removeTomlTable(text: string, path: string, key: string[], name: string): string {
  readTomlConfig(text, path);
  const out = withoutTable(text, tableHeader(key, name));
  const trimmed = out.replace(/\s*$/, '');
  return trimmed === '' ? '' : `${trimmed}\n`;
}

export function hasTomlTable(text: string | undefined, path: string, key: string[], name: string): boolean {
  const parent = getAt(readTomlConfig(text, path), key);
  return !!parent && typeof parent === 'object' && name in parent;
}

export function sameToml(a: string | undefined, b: string | undefined, path: string): boolean {
  return isDeepStrictEqual(readTomlConfig(a, path), readTomlConfig(b, path));
}

// ---- Marked Markdown blocks (AGENTS.md, GEMINI.md) ----

const begin = (id: string) => `<!-- agentry:begin ${id} -->`;
const end = (id: string) => `<!-- agentry:end ${id} -->`;

function blockPattern(id: string): RegExp {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\n*${literal(begin(id))}[\\s\\S]*?${literal(end(id))}\\n?`);
}

export function setMarkdownBlock(text: string | undefined, id: string, body: string): string {
  const block = `${begin(id)}\n${body.trim()}\n${end(id)}\n`;
  const current = text ?? '';
  if (blockPattern(id).test(current))
    return current.replace(blockPattern(id), (m) => (m.startsWith('\n') ? `\n\n${block}` : block));
  const base = current.replace(/\s*$/, '');
  return base ? `${base}\n\n${block}` : block;
}

export function removeMarkdownBlock(text: string, id: string): string {
  const out = text.replace(blockPattern(id), '\n');
  const trimmed = out.replace(/\s*$/, '');
  return trimmed === '' ? '' : `${trimmed}\n`;
}

export function hasMarkdownBlock(text: string | undefined, id: string): boolean {
  return blockPattern(id).test(text ?? '');
}
