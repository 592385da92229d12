/**
 * Stage 3 text preparation shared by the injection rules: which files are prompt-like, the normalised
 * text (invisible characters removed, NFKC, common Cyrillic/Greek look-alikes folded to Latin) kept
 * line-aligned with the original, code blanked out, and the prose-context tests used for suppression.
 * Everything is computed once per file and kept in the scan context's cache.
 */
import type { ScanContext } from '../../rule.js';
import { redactSecrets } from '../secrets/detect.js';

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

/** Characters that render as nothing and are used to split words past a pattern. */
const invisible =
  /[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|\u034f|\ufe00|\ufe01|\ufe02|\ufe03|\ufe04|\ufe05|\ufe06|\ufe07|\ufe08|\ufe09|\ufe0a|\ufe0b|\ufe0c|\ufe0d|\ufe0e|\ufe0f/g;

/** Look-alikes NFKC leaves alone: Cyrillic and Greek letters that render like Latin ones. */
const confusables: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  ԁ: 'd',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԛ: 'q',
  ԝ: 'w',
  А: 'A',
  В: 'B',
  Е: 'E',
  І: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ѕ: 'S',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  Ζ: 'Z',
};
const confusableClass = new RegExp(`[${Object.keys(confusables).join('')}]`, 'g');

/** NFKC with invisible characters dropped and look-alikes folded; applied per line so lines stay aligned. */
export function normalizeLine(line: string): string {
  return line
    .replace(invisible, '')
    .normalize('NFKC')
    .replace(confusableClass, (char) => confusables[char] ?? char);
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

const fenceLine = /^ {0,3}(`{3,}|~{3,})([^\n]*)$/gm;
const backtickRun = /`+/g;
/** Longest inline code span considered; keeps pairing of backtick runs linear on pathological lines. */
const maxInlineSpan = 1000;

/** Offsets where each line of a text starts. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

interface Fence {
  start: number;
  end: number;
  char: string;
  length: number;
  bare: boolean;
}

/** Fenced code blocks: ``` or ~~~, closed by a bare fence of the same character at least as long. */
function fencedBlocks(norm: string): [number, number][] {
  const ranges: [number, number][] = [];
  if (!norm.includes('```') && !norm.includes('~~~')) return ranges;
  const fences: Fence[] = [];
  fenceLine.lastIndex = 0;
  for (let m = fenceLine.exec(norm); m !== null; m = fenceLine.exec(norm)) {
    const run = m[1] ?? '';
    const rest = m[2] ?? '';
    // A backtick fence's info string may not contain backticks (CommonMark).
    if (run[0] === '`' && rest.includes('`')) continue;
    fences.push({
      start: m.index,
      end: m.index + m[0].length,
      char: run[0] ?? '',
      length: run.length,
      bare: rest.trim() === '',
    });
  }
  // Longest bare fence of each character from index j on: an opener longer than that can never close,
  // which keeps pairing linear however many fence lines a hostile file has.
  const longestAfter = {
    '`': new Array<number>(fences.length + 1).fill(0),
    '~': new Array<number>(fences.length + 1).fill(0),
  };
  for (let j = fences.length - 1; j >= 0; j--) {
    const fence = fences[j];
    for (const char of ['`', '~'] as const) {
      const next = longestAfter[char][j + 1] ?? 0;
      longestAfter[char][j] = fence?.bare && fence.char === char ? Math.max(next, fence.length) : next;
    }
  }
  for (let i = 0; i < fences.length; i++) {
    const open = fences[i];
    if (!open) continue;
    if ((longestAfter[open.char === '~' ? '~' : '`'][i + 1] ?? 0) < open.length) continue;
    let close: Fence | undefined;
    let j = i + 1;
    for (; j < fences.length; j++) {
      const candidate = fences[j];
      if (candidate?.bare && candidate.char === open.char && candidate.length >= open.length) {
        close = candidate;
        break;
      }
    }
    if (!close) continue;
    ranges.push([open.start, close.end]);
    i = j;
  }
  return ranges;
}

/** Inline code spans: a run of n backticks closed by the next run of exactly n on the same line. */
function inlineSpans(norm: string, blocks: readonly [number, number][]): [number, number][] {
  const spans: [number, number][] = [];
  if (!norm.includes('`')) return spans;
  let block = 0;
  let lineEnd = -1;
  backtickRun.lastIndex = 0;
  for (let m = backtickRun.exec(norm); m !== null; m = backtickRun.exec(norm)) {
    const start = m.index;
    while (block < blocks.length && (blocks[block]?.[1] ?? 0) <= start) block += 1;
    const inBlock = blocks[block];
    if (inBlock && inBlock[0] <= start) {
      backtickRun.lastIndex = inBlock[1];
      continue;
    }
    const ticks = m[0].length;
    if (lineEnd < start) {
      lineEnd = norm.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = norm.length;
    }
    const limit = Math.min(lineEnd, start + maxInlineSpan);
    let search = start + ticks;
    while (search < limit) {
      const next = norm.indexOf('`', search);
      if (next < 0 || next >= limit) break;
      let end = next;
      while (norm.charCodeAt(end) === 96) end += 1;
      if (end - next === ticks) {
        spans.push([start, end]);
        backtickRun.lastIndex = end;
        break;
      }
      search = end;
    }
  }
  return spans;
}

/** The text with every character but line breaks replaced by a space, built from runs of spaces. */
function blank(text: string): string {
  let out = '';
  let from = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
    out += `${' '.repeat(newline - from)}\n`;
    from = newline + 1;
  }
  return out + ' '.repeat(text.length - from);
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
      parts.push(norm.slice(at, start), blank(norm.slice(start, end)));
      at = end;
    }
    parts.push(norm.slice(at));
    visible = parts.join('');
  }
  return { norm, visible, lineStarts: lineStartsOf(norm) };
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
  const starts = prepared.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
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

// ---------------------------------------------------------------------------------------------------
// Prose context: is a match an example in documentation rather than an instruction?

/** Words that introduce an example or discuss an attack in the 40 characters before a match. */
export const proseCue =
  /\b(for example|for instance|such as|e\.g\b|i\.e\b|phrases? like|patterns? like|strings? like|text like|inputs? like|prompts? like|attacks? like|attempts? like|instructions? like|messages? like|payloads? like|injections? like|commands? like|requests? like|content like|things? like|something like|anything like|tricks? like|says|say|said|writes|claims?|reads|wording|phrasing|attackers?|adversar(y|ies|ial)|malicious|beware|watch out|look out|do not|don't|never|detects?|detecting|detection|flags?|flagged|blocks?|blocked|catch(es)?|recogni[sz]es?|rejects?|refuses?|warns?|warning|known as|called|injection|jailbreaks?|quoted|e\.g\.)\b/i;

/** Words that make a line (or the heading above it) a discussion of attacks. */
const discussion =
  /\b(injections?|jailbreaks?|attacks?|attackers?|malicious|adversarial|exploits?|phishing|red[- ]team(ing)?|patterns?|phrases?|payloads?|threats?|detect(s|ed|ion|or)?|signatures?|indicators?|examples?|hijack(s|ing)?|exfiltration|manipulation|scanners?|heuristics?)\b/i;

const listOrTable = /^\s*(?:[-*+]\s|\d+[.)]\s|\|)/;

export interface MatchContext {
  /** Inside quotes on its line ("…", '…', “…”, ‘…’, «…»). */
  quoted: boolean;
  /** Offset of the opening quote when quoted, else the match start. */
  quoteStart: number;
  /** A prose cue within the 40 characters before the quote or match. */
  cue: boolean;
  /** A list item or table row in a passage that discusses attacks. */
  discussingList: boolean;
  /** The line or the heading above it discusses attacks. */
  discussing: boolean;
  /** The line is longer than 60 characters (running prose). */
  longLine: boolean;
  /** A negation right before the match: "never run as root", "do not ignore …". */
  negated: boolean;
}

const openers: Record<string, string> = { '“': '”', '„': '“', '«': '»', '‘': '’', "'": "'" };

function isLetter(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

/** Finds an opening quote before `start` with its closing partner after `end`, on the same line. */
/** Index of the first element of a sorted array that is ≥ value. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Offsets of every straight double quote in the visible text, computed once per file. */
function doubleQuotes(prepared: PreparedText): number[] {
  if (prepared.doubleQuotes) return prepared.doubleQuotes;
  const out: number[] = [];
  for (let i = prepared.visible.indexOf('"'); i >= 0; i = prepared.visible.indexOf('"', i + 1)) out.push(i);
  prepared.doubleQuotes = out;
  return out;
}

function quoteAround(
  prepared: PreparedText,
  from: number,
  to: number,
  start: number,
  end: number,
): number | undefined {
  const text = prepared.visible;
  // Straight double quotes: inside when an odd number of them precede the match in its paragraph. A
  // quotation may run over a soft line break (wrapped Markdown), so the paragraph's lines around the
  // match count, up to three on either side.
  const quotes = doubleQuotes(prepared);
  const [paragraphFrom, paragraphTo] = paragraphAround(prepared, start);
  const first = lowerBound(quotes, paragraphFrom);
  const atStart = lowerBound(quotes, start);
  const count = atStart - first;
  const last = quotes[atStart - 1] ?? -1;
  if (count % 2 === 1) {
    const close = text.indexOf('"', end);
    if (close >= 0 && close < Math.min(Math.max(to, paragraphTo), end + 300)) return last;
  }
  for (let q = start - 1; q >= from && q >= start - 120; q--) {
    const char = text[q] ?? '';
    if (char === '”' || char === '»') return undefined;
    if (char === "'" || char === '’') {
      const before = isLetter(text[q - 1]);
      const after = isLetter(text[q + 1]);
      if (before && after) continue; // an apostrophe: don't, it's
      if (before) return undefined; // a closing quote ends an earlier quotation
    }
    const closing = openers[char];
    if (closing === undefined) continue;
    for (let c = end; c < to && c <= end + 160; c++) {
      const at = text[c];
      if (at !== closing && !(closing === "'" && at === '’')) continue;
      if ((at === "'" || at === '’') && isLetter(text[c + 1])) continue;
      return q;
    }
    return undefined;
  }
  return undefined;
}

/** Bounds of the lines of a match's paragraph: up to three non-blank lines on either side of its line. */
function paragraphAround(prepared: PreparedText, offset: number): [number, number] {
  const line = lineOfOffset(prepared, offset);
  const blank = (l: number) => {
    const [from, to] = lineBounds(prepared, l);
    return prepared.visible.slice(from, to).trim() === '';
  };
  let top = line;
  while (top > 1 && top > line - 3 && !blank(top - 1)) top -= 1;
  let bottom = line;
  const last = prepared.lineStarts.length;
  while (bottom < last && bottom < line + 3 && !blank(bottom + 1)) bottom += 1;
  return [lineBounds(prepared, top)[0], lineBounds(prepared, bottom)[1]];
}

const headingLine = /^\s{0,3}(#{1,6})\s/;

/**
 * The Markdown headings a line sits under: the nearest one and each enclosing one of a higher level
 * ("# Injection catalogue" above "## 1. Direct override"), so a section of a document about attacks is
 * read as part of it. Computed for all lines in one pass and kept on the prepared text.
 */
function headingsAbove(prepared: PreparedText, line: number): string {
  if (!prepared.headingPaths) {
    const paths: string[] = [];
    const open: string[] = [];
    let path = '';
    for (let l = 1; l <= prepared.lineStarts.length; l++) {
      paths.push(path);
      const [from, to] = lineBounds(prepared, l);
      const text = prepared.visible.slice(from, Math.min(to, from + 200));
      const level = headingLine.exec(text)?.[1]?.length;
      if (level === undefined) continue;
      open.length = Math.min(open.length, level - 1);
      open[level - 1] = text;
      path = open.filter((heading) => heading !== undefined).join('\n');
    }
    prepared.headingPaths = paths;
  }
  return prepared.headingPaths[line - 1] ?? '';
}

/** The lines above, through the current block and the paragraph before it (a table's header, a list's intro). */
function previousLines(prepared: PreparedText, line: number, max: number): string {
  const out: string[] = [];
  let gaps = 0;
  for (let l = line - 1; l >= 1 && l >= line - 60 && out.length < max; l--) {
    const [from, to] = lineBounds(prepared, l);
    const text = prepared.visible.slice(from, Math.min(to, from + 300));
    if (text.trim() === '') {
      if (out.length > 0) gaps += 1;
      if (gaps >= 2) break;
      continue;
    }
    out.push(text);
  }
  return out.join('\n');
}

const negation =
  /(?:^|\s)(?:not|never|avoid|without|[a-z]+n['’]t|(?:refuses?|refusing|declines?|unable|need|never)\s+to)(?:\s+[\p{L}]+)?$/u;

/** A negation within one word before the match: "never run as root", "does not run as root". */
function negatedBefore(text: string): boolean {
  return negation.test(text.toLowerCase().trim().split(/\s+/).slice(-4).join(' '));
}

export function matchContext(prepared: PreparedText, start: number, end: number): MatchContext {
  const text = prepared.visible;
  const line = lineOfOffset(prepared, start);
  const [from, to] = lineBounds(prepared, line);
  // Long lines are looked at around the match only, so the cost per match stays bounded.
  const lineText = text.slice(Math.max(from, start - 300), Math.min(to, end + 300));
  const q = quoteAround(prepared, from, to, start, end);
  const anchor = q ?? start;
  // The cue window is the 40 characters before the match; for a quotation, its whole sentence up to
  // 120 characters, so lists of quoted examples ('such as "A", "B" or "C"') share one cue.
  let before = text.slice(Math.max(0, anchor - (q === undefined ? 40 : 120)), anchor);
  const paragraph = before.lastIndexOf('\n\n');
  if (paragraph >= 0) before = before.slice(paragraph + 2);
  if (q !== undefined) {
    const sentence = /[!?]\s|\.\s+(?=[A-Z])/g;
    let cut = -1;
    for (let m = sentence.exec(before); m !== null; m = sentence.exec(before)) cut = m.index + m[0].length;
    if (cut >= 0) before = before.slice(cut);
  }
  const immediate = text.slice(Math.max(from, start - 30), start);
  const inList = listOrTable.test(text.slice(from, Math.min(to, from + 20)));
  const discussingHere =
    discussion.test(lineText) ||
    (from < start - 300 && discussion.test(text.slice(from, Math.min(to, from + 300)))) ||
    discussion.test(headingsAbove(prepared, line)) ||
    discussion.test(previousLines(prepared, line, inList ? 30 : 2));
  return {
    quoted: q !== undefined,
    quoteStart: anchor,
    cue: proseCue.test(before),
    discussingList: inList && discussingHere,
    discussing: discussingHere,
    longLine: to - from > 60 && text.slice(from, to).trim().length > 60,
    negated: negatedBefore(immediate),
  };
}

/**
 * Whether a match of this weight is documentation rather than an instruction. A quoted phrase with a
 * prose cue (or inside a passage about attacks) is an example whatever its weight; weak patterns
 * (weight ≤ 0.6) are also dropped on any prose signal.
 */
export function isProse(context: MatchContext, weight: number): boolean {
  if (context.quoted && (context.cue || context.discussing)) return true;
  if (weight <= 0.6 && (context.cue || context.quoted || context.discussingList || context.longLine))
    return true;
  return false;
}
