/**
 * The shell code of an artifact for the stage 2 rules: whole scripts, the shell blocks and inline code
 * spans of Markdown files, and the command lines of agent configurations (shell-config.ts), with
 * comments blanked; and the hits of a rule's patterns over it, each pattern run only over segments that
 * contain its required literals.
 */
import { blankText, lineOfOffset, lineStarts } from '../../line-map.js';
import { type Gate, type LiteralHits, LiteralIndex } from '../../literals.js';
import type { Capability, Hit, ScanContext } from '../../rule.js';
import type { Severity } from '../../types.js';
import { configCommandLines, configExt } from './shell-config.js';
import { capHits, hitAt, leadingSpace, observe, staticFiles } from './support.js';

export interface ShellSegment {
  path: string;
  /** 1-based line of the file on which the segment's text starts. */
  firstLine: number;
  /** The shell code with comments blanked (offsets unchanged). */
  code: string;
  /** An inline code span in Markdown prose rather than a script or a fenced block. */
  inline: boolean;
  /** A command line rebuilt from a configuration file: its offsets are not the file's columns. */
  synthetic?: boolean;
  starts: number[];
}

const shellFenceLanguages = new Set([
  '',
  'sh',
  'bash',
  'shell',
  'zsh',
  'console',
  'shell-session',
  'shellsession',
  'terminal',
]);
const fenceOpen = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`{]*)/;
const inlineSpan = /`([^`\n]+)`/g;

/**
 * The shell source with comments blanked. A `#` starts a comment at the start of a word outside quotes;
 * quotes are tracked so that `"#"` and `$#` are left alone.
 */
export function maskShell(src: string): string {
  const out: string[] = [];
  let copied = 0;
  let quote = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 && quote === 34) i += 1;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 92) {
      i += 1;
      continue;
    }
    if (c === 39 || c === 34) {
      quote = c;
      continue;
    }
    if (c === 35) {
      const prev = i === 0 ? 10 : src.charCodeAt(i - 1);
      // start of a word: line start, whitespace or an operator character
      if (
        prev === 10 ||
        prev === 32 ||
        prev === 9 ||
        prev === 59 ||
        prev === 38 ||
        prev === 124 ||
        prev === 40
      ) {
        let end = src.indexOf('\n', i);
        if (end === -1) end = src.length;
        out.push(src.slice(copied, i), blankText(src.slice(i, end)));
        copied = end;
        i = end - 1;
      }
    }
  }
  out.push(src.slice(copied));
  return out.join('');
}

function segment(path: string, firstLine: number, text: string, inline: boolean): ShellSegment {
  const code = inline ? text : maskShell(text);
  return { path, firstLine, code, inline, starts: lineStarts(code) };
}

function markdownShell(path: string, text: string): ShellSegment[] {
  if (!text.includes('`') && !text.includes('~~~')) return [];
  const lines = text.split('\n');
  const out: ShellSegment[] = [];
  let fence: { marker: string; language: string; from: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (fence) {
      const trimmed = line.trim();
      if (trimmed.startsWith(fence.marker) && trimmed.replace(/[`~]/g, '') === '') {
        if (shellFenceLanguages.has(fence.language) && i > fence.from) {
          out.push(segment(path, fence.from + 1, lines.slice(fence.from, i).join('\n'), false));
        }
        fence = undefined;
      }
      continue;
    }
    const open = fenceOpen.exec(line);
    if (open) {
      fence = { marker: open[1] ?? '```', language: (open[2] ?? '').toLowerCase(), from: i + 1 };
      continue;
    }
    if (!line.includes('`')) continue;
    inlineSpan.lastIndex = 0;
    for (let m = inlineSpan.exec(line); m; m = inlineSpan.exec(line)) {
      if ((m[1] ?? '').length > 8) out.push(segment(path, i + 1, m[1] ?? '', true));
    }
  }
  if (fence && shellFenceLanguages.has(fence.language) && fence.from < lines.length) {
    out.push(segment(path, fence.from + 1, lines.slice(fence.from).join('\n'), false));
  }
  return out;
}

/**
 * Shell scripts (whole), the shell blocks and inline code spans of Markdown files, and the command lines
 * of agent configuration files (MCP servers, hooks, Gemini `!{…}` injections).
 */
export function shellSegments(ctx: ScanContext): ShellSegment[] {
  const cached = ctx.cache.get('static:shell') as ShellSegment[] | undefined;
  if (cached) return cached;
  const files = staticFiles(ctx);
  const out: ShellSegment[] = [];
  for (const path of files.sh) out.push(segment(path, 1, ctx.textOf(path) ?? '', false));
  for (const path of files.md) out.push(...markdownShell(path, ctx.textOf(path) ?? ''));
  for (const path of ctx.textFiles()) {
    if (!configExt.test(path) || /(^|\/)(?:node_modules\/|package(?:-lock)?\.json$)/.test(path)) continue;
    for (const { line, command } of configCommandLines(path, ctx.textOf(path) ?? ''))
      out.push({ ...segment(path, line, command, false), synthetic: true });
  }
  ctx.cache.set('static:shell', out);
  return out;
}

/** The file line of an offset in a segment's code. */
export function segmentLine(seg: ShellSegment, offset: number): number {
  return seg.firstLine + lineOfOffset(seg.starts, offset) - 1;
}

/**
 * The literals the shell patterns need (see literals.ts), looked for once per segment of shell code: a
 * pattern runs only over segments that contain its literals.
 */
const shellLiterals = new LiteralIndex();
const shellGates = new WeakMap<RegExp, Gate>();
const segmentHits = new WeakMap<ShellSegment, { version: number; hits: LiteralHits }>();

function shellGate(pattern: RegExp): Gate {
  let gate = shellGates.get(pattern);
  if (!gate) {
    gate = shellLiterals.gate(pattern);
    shellGates.set(pattern, gate);
  }
  return gate;
}

function shellLiteralHits(seg: ShellSegment): LiteralHits {
  const known = segmentHits.get(seg);
  if (known && known.version === shellLiterals.version) return known.hits;
  const hits = shellLiterals.scan(seg.code);
  segmentHits.set(seg, { version: shellLiterals.version, hits });
  return hits;
}

/**
 * Runs global regexes over every shell segment (skipping inline spans unless asked) and turns matches
 * into hits grouped and capped per file. `describe` returns the message and optional severity, or
 * undefined to drop a match.
 */
export function shellHits(
  ctx: ScanContext,
  patterns: readonly RegExp[],
  describe: (
    match: RegExpExecArray,
    seg: ShellSegment,
  ) => { message: string; severity?: Severity } | undefined,
  options: { inline?: boolean; observe?: readonly Capability[] } = {},
): Hit[] {
  const byFile = new Map<string, Hit[]>();
  const seen = new Set<string>();
  const gates = patterns.map(shellGate);
  for (const seg of shellSegments(ctx)) {
    if (seg.inline && !options.inline) continue;
    const hits = shellLiteralHits(seg);
    for (let p = 0; p < patterns.length; p++) {
      const pattern = patterns[p] as RegExp;
      pattern.lastIndex = 0;
      if (!gates[p]?.open(hits)) continue;
      for (let m = pattern.exec(seg.code); m; m = pattern.exec(seg.code)) {
        if (m[0].length === 0) pattern.lastIndex += 1;
        const found = describe(m, seg);
        if (!found) continue;
        const offset = m.index + leadingSpace(m[0]);
        const line = segmentLine(seg, offset);
        const key = `${seg.path}\n${line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const column =
          seg.inline || seg.synthetic ? undefined : offset - (seg.starts[line - seg.firstLine] ?? 0);
        const list = byFile.get(seg.path) ?? [];
        list.push(hitAt(ctx, seg.path, line, found.message, found.severity, column));
        byFile.set(seg.path, list);
        for (const capability of options.observe ?? []) observe(ctx, capability, seg.path, line, column);
      }
    }
  }
  return [...byFile.values()].flatMap(capHits);
}
