/**
 * Python for the stage 2 rules: the source with comments and string contents blanked (so patterns never
 * match prose), masked once per scan, and the hits of a rule's patterns over it.
 */
import { blankText, lineOfOffset } from '../../line-map.js';
import { fileGate, fileLiteralHits } from '../../literals.js';
import type { Capability, Hit, ScanContext } from '../../rule.js';
import type { Severity } from '../../types.js';
import { capHits, hitAt, leadingSpace, lineStartsOf, observe, staticFiles } from './support.js';

const pyInteresting = /[#'"]/g;

/**
 * The Python source with comments and the contents of string literals (quotes kept) replaced by spaces,
 * offsets and line breaks unchanged: patterns then match code only, and a literal argument shows as `"  "`.
 */
export function maskPython(src: string): string {
  const out: string[] = [];
  let copied = 0;
  pyInteresting.lastIndex = 0;
  for (let m = pyInteresting.exec(src); m; m = pyInteresting.exec(src)) {
    const at = m.index;
    if (src.charCodeAt(at) === 35 /* # */) {
      let end = src.indexOf('\n', at);
      if (end === -1) end = src.length;
      out.push(src.slice(copied, at), blankText(src.slice(at, end)));
      copied = end;
      pyInteresting.lastIndex = end;
      continue;
    }
    const quote = src[at] ?? '"';
    const triple = src.startsWith(quote.repeat(3), at);
    const open = at + (triple ? 3 : 1);
    let i = open;
    let close = -1;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === 92 /* \ */) {
        i += 2;
        continue;
      }
      if (!triple && c === 10) break;
      if (src[i] === quote && (!triple || src.startsWith(quote.repeat(3), i))) {
        close = i;
        break;
      }
      i += 1;
    }
    const contentEnd = close === -1 ? Math.min(i, src.length) : close;
    out.push(src.slice(copied, open), blankText(src.slice(open, contentEnd)));
    copied = contentEnd;
    pyInteresting.lastIndex = close === -1 ? contentEnd : close + (triple ? 3 : 1);
  }
  out.push(src.slice(copied));
  return out.join('');
}

export interface PythonSource {
  path: string;
  text: string;
  /** Comments and string contents blanked (see maskPython). */
  code: string;
}

/** The Python files whose raw text matches a rule's quick pre-filter, each masked once per scan. */
export function pythonSources(ctx: ScanContext, prefilter: RegExp): PythonSource[] {
  const out: PythonSource[] = [];
  // The pre-filter's required literals (see literals.ts) rule most files out without running it; a
  // global or sticky pre-filter keeps state between tests, so it always runs.
  const gate = prefilter.global || prefilter.sticky ? undefined : fileGate(prefilter);
  for (const path of staticFiles(ctx).py) {
    const text = ctx.textOf(path);
    if (text === undefined) continue;
    if (gate && !gate.open(fileLiteralHits(ctx, path))) continue;
    if (!prefilter.test(text)) continue;
    const key = `pymask:${path}`;
    let code = ctx.cache.get(key) as string | undefined;
    if (code === undefined) {
      code = maskPython(text);
      ctx.cache.set(key, code);
    }
    out.push({ path, text, code });
  }
  return out;
}

/** Index just past the parenthesis that closes the one at `open` (or a bounded distance on). */
export function closingParen(code: string, open: number, max = 4000): number {
  let depth = 0;
  const end = Math.min(code.length, open + max);
  for (let i = open; i < end; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth += 1;
    else if (c === 41 || c === 93 || c === 125) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return end;
}

/** Same as shellHits for Python: global regexes over the masked code of pre-filtered files. */
export function pythonHits(
  ctx: ScanContext,
  prefilter: RegExp,
  patterns: readonly RegExp[],
  describe: (
    match: RegExpExecArray,
    src: PythonSource,
  ) => { message: string; severity?: Severity } | undefined,
  capability?: Capability,
): Hit[] {
  const out: Hit[] = [];
  for (const src of pythonSources(ctx, prefilter)) {
    const hits: Hit[] = [];
    const lines = new Set<number>();
    const starts = lineStartsOf(ctx, src.path);
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(src.code); m; m = pattern.exec(src.code)) {
        if (m[0].length === 0) pattern.lastIndex += 1;
        const found = describe(m, src);
        if (!found) continue;
        const offset = m.index + leadingSpace(m[0]);
        const line = lineOfOffset(starts, offset);
        if (lines.has(line)) continue;
        lines.add(line);
        const column = offset - (starts[line - 1] ?? 0);
        hits.push(hitAt(ctx, src.path, line, found.message, found.severity, column));
        if (capability) observe(ctx, capability, src.path, line, column);
      }
    }
    out.push(...capHits(hits));
  }
  return out;
}
