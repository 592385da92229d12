/**
 * Markdown with optional YAML frontmatter, as every agent tool reads it. Parsing is lenient (a file
 * without frontmatter is all body) because installers must handle what authors actually publish.
 */
import { parse, stringify } from 'yaml';

export interface MarkdownDoc {
  data: Record<string, unknown>;
  body: string;
}

export function parseFrontmatter(text: string): MarkdownDoc {
  const clean = text.replace(/^\uFEFF/, '');
  const match = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(clean);
  if (!match) return { data: {}, body: clean };
  let data: unknown;
  try {
    data = parse(match[1] ?? '');
  } catch {
    return { data: {}, body: clean };
  }
  const record =
    data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return { data: record, body: clean.slice(match[0].length) };
}

export function renderFrontmatter(data: Record<string, unknown>, body: string): string {
  const keys = Object.keys(data).filter((key) => data[key] !== undefined);
  if (keys.length === 0) return body;
  const kept = Object.fromEntries(keys.map((key) => [key, data[key]]));
  return `---\n${stringify(kept, { lineWidth: 0 }).trimEnd()}\n---\n${body.startsWith('\n') ? '' : '\n'}${body}`;
}

/**
 * Dependencies a SKILL.md declares with `requires`: a list of `name` / `name@range` strings or a
 * mapping of name to range. Anything else is ignored rather than guessed at.
 */
export function readRequires(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const value = data.requires;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'string') continue;
      const at = item.lastIndexOf('@');
      if (at > 0) out[item.slice(0, at)] = item.slice(at + 1) || '*';
      else out[item] = '*';
    }
  } else if (value && typeof value === 'object') {
    for (const [name, range] of Object.entries(value as Record<string, unknown>)) {
      out[name] = typeof range === 'string' && range.trim() ? range.trim() : '*';
    }
  }
  return out;
}
