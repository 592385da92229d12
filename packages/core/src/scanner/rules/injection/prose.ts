/**
 * Prose context for stage 3: is a match an example in documentation (quoted, introduced by "for example",
 * in a section about attacks, negated) rather than an instruction to the agent?
 */
import { lineBounds, lineOfOffset, type PreparedText } from './text.js';

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
