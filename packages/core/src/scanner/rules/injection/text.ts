/**
 * Stage 3 text preparation shared by the injection rules: which files are prompt-like, the normalised
 * text (invisible characters removed, NFKC, common Cyrillic/Greek look-alikes folded to Latin) kept
 * line-aligned with the original (normalize.ts) and code blanked out (code-spans.ts); the prose-context
 * tests used for suppression are in prose.ts.
 * Everything is computed once per file and kept in the scan context's cache.
 */
import { blankText, lineOfOffset as lineOfStarts, lineStarts } from '../../line-map.js';
import type { ScanContext } from '../../rule.js';
import { redactSecrets } from '../secrets/detect.js';
import { fencedBlocks, inlineSpans } from './code-spans.js';
import { normalizeLine } from './normalize.js';

const promptExtensions = /\.(md|mdx|mdc|markdown|txt|prompt)$/i;
const promptBasenames = /^(\.cursorrules|\.windsurfrules|\.clinerules|\.github\/copilot-instructions\.md)$/i;
/** YAML and JSON count when they are likely to carry prompt text (agent, command, prompt or hook definitions). */
const structuredExtensions = /\.(ya?ml|json|jsonc|toml)$/i;
const promptishPath =
  /(^|\/)(prompts?|agents?|commands?|instructions?|hooks?|personas?|system|rules)([-_./]|$)/i;
const promptishKinds = new Set(['agent', 'command', 'prompt', 'instruction', 'hook']);

/** Paths stage 3 reads: Markdown and plain-text prompts, plus YAML/JSON prompt definitions. */
export function promptFiles(ctx: ScanContext): string[] {
  const cached = ctx.cache.get('injection:files');
  if (cached) return cached as string[];
  const out = ctx.textFiles().filter((path) => {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (promptExtensions.test(path) || promptBasenames.test(base)) return true;
    if (!structuredExtensions.test(path)) return false;
    if (/(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|[^/]*\.lock)$/i.test(path)) return false;
    return promptishPath.test(path) || promptishKinds.has(ctx.kind);
  });
  ctx.cache.set('injection:files', out);
  return out;
}

export interface PreparedText {
  /** The normalised text, line-aligned with the file (line n of `norm` is line n of the file). */
  norm: string;
  /** `norm` with fenced code blocks and inline code spans replaced by spaces (same length, same lines). */
  visible: string;
  /** Offsets in `norm` where each line starts. */
  lineStarts: number[];
  /** Offsets of the straight double quotes in `visible`, filled in when first needed. */
  doubleQuotes?: number[];
  /** Per line (index line − 1), the headings the line sits under, filled in when first needed. */
  headingPaths?: string[];
}

const nonAscii = /[\u0080-\uffff]/;

/** Normalises a file's text and blanks its code, keeping every offset's line the same. */
export function prepareText(text: string): PreparedText {
  const norm = nonAscii.test(text)
    ? text
        .split('\n')
        .map((line) => (nonAscii.test(line) ? normalizeLine(line) : line))
        .join('\n')
    : text;
  const blocks = fencedBlocks(norm);
  const ranges = [...blocks, ...inlineSpans(norm, blocks)].sort((x, y) => x[0] - y[0]);
  let visible = norm;
  if (ranges.length > 0) {
    const parts: string[] = [];
    let at = 0;
    for (const [start, end] of ranges) {
      if (start < at) continue;
      parts.push(norm.slice(at, start), blankText(norm.slice(start, end)));
      at = end;
    }
    parts.push(norm.slice(at));
    visible = parts.join('');
  }
  return { norm, visible, lineStarts: lineStarts(norm) };
}

/** The prepared form of a prompt file, memoised in the scan context. */
export function preparedOf(ctx: ScanContext, path: string): PreparedText | undefined {
  const key = `injection:prep:${path}`;
  const cached = ctx.cache.get(key);
  if (cached) return cached as PreparedText;
  const text = ctx.textOf(path);
  if (text === undefined) return undefined;
  const prepared = prepareText(text);
  ctx.cache.set(key, prepared);
  return prepared;
}

/** 1-based line of an offset in `norm` (binary search over line starts). */
export function lineOfOffset(prepared: PreparedText, offset: number): number {
  return lineOfStarts(prepared.lineStarts, offset);
}

export function lineBounds(prepared: PreparedText, line: number): [number, number] {
  const start = prepared.lineStarts[line - 1] ?? 0;
  const next = prepared.lineStarts[line];
  return [start, next === undefined ? prepared.norm.length : next - 1];
}

/** The trimmed line around a match, cut to about 160 characters, with any recognisable secret masked. */
export function snippet(prepared: PreparedText, start: number, end: number): string {
  const line = lineOfOffset(prepared, start);
  const [from, to] = lineBounds(prepared, line);
  const text = prepared.norm.slice(from, to);
  const trimmed = text.trim();
  if (trimmed.length <= 160) return redactSecrets(trimmed);
  const at = Math.max(0, start - from - 60);
  const cut = text.slice(at, Math.max(at + 160, Math.min(end - from, at + 200))).trim();
  return redactSecrets(`${at > 0 ? '…' : ''}${cut}…`);
}
