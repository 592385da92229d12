/**
 * Shared plumbing for the stage 2 (static) rules: which files are JS/TS, Python or shell, line lookups
 * without re-splitting the text, hits with evidence, capability observations, a Python masker that blanks
 * comments and string contents (so patterns never match prose), and the shell code of a file: a whole
 * script, the shell blocks and inline code spans of a Markdown file, or the command lines an agent
 * configuration starts (MCP servers, hooks). Everything derived from a file is memoised in `ctx.cache`,
 * so the many rules of the stage read and prepare each file once per scan.
 */
import { parse as parseYaml } from 'yaml';
import type { Permissions } from '../../../permissions.js';
import { fileGate, fileLiteralHits, type Gate, type LiteralHits, LiteralIndex } from '../../literals.js';
import { type Capability, type Hit, lineText, type ScanContext } from '../../rule.js';
import type { Severity } from '../../types.js';

export interface StaticFiles {
  js: string[];
  py: string[];
  sh: string[];
  md: string[];
}

const jsExt = /\.(?:js|mjs|cjs|jsx|ts|mts|cts|tsx)$/i;
const pyExt = /\.py$/i;
const shExt = /\.(?:sh|bash|zsh)$/i;
const mdExt = /\.(?:md|markdown|mdx)$/i;
const shShebang = /^#![ \t]*\S*?(?:\/|env[ \t]+(?:-\S+[ \t]+)*)(?:ba|z|da|k)?sh\b/;
const pyShebang = /^#![ \t]*\S*?(?:\/|env[ \t]+(?:-\S+[ \t]+)*)python[0-9.]*\b/;

/** The text files of the scan, by language; scripts without an extension are placed by their shebang. */
export function staticFiles(ctx: ScanContext): StaticFiles {
  const cached = ctx.cache.get('static:files') as StaticFiles | undefined;
  if (cached) return cached;
  const files: StaticFiles = { js: [], py: [], sh: [], md: [] };
  for (const path of ctx.textFiles()) {
    if (jsExt.test(path)) files.js.push(path);
    else if (pyExt.test(path)) files.py.push(path);
    else if (shExt.test(path)) files.sh.push(path);
    else if (mdExt.test(path)) files.md.push(path);
    else {
      const text = ctx.textOf(path) ?? '';
      if (!text.startsWith('#!')) continue;
      const first = text.slice(0, 200);
      if (shShebang.test(first)) files.sh.push(path);
      else if (pyShebang.test(first)) files.py.push(path);
    }
  }
  ctx.cache.set('static:files', files);
  return files;
}

/** Offsets at which each line of a text starts. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return starts;
}

/** Memoised line starts of a file. */
export function lineStartsOf(ctx: ScanContext, path: string): number[] {
  const key = `lines:${path}`;
  let starts = ctx.cache.get(key) as number[] | undefined;
  if (!starts) {
    starts = computeLineStarts(ctx.textOf(path) ?? '');
    ctx.cache.set(key, starts);
  }
  return starts;
}

/** 1-based line of an offset, by binary search over line starts. */
export function lineOfOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const evidenceMax = 160;

/**
 * The trimmed source line, cut to a readable length (lineText over just that line). On a long line —
 * minified code — and given the construct's 0-based column, the excerpt is the window around it.
 */
export function evidenceAt(ctx: ScanContext, path: string, line: number, column?: number): string {
  const text = ctx.textOf(path) ?? '';
  const starts = lineStartsOf(ctx, path);
  const start = starts[line - 1];
  if (start === undefined) return '';
  const end = starts[line] ?? text.length;
  if (column === undefined || end - start <= evidenceMax || column < evidenceMax / 2)
    return lineText(text.slice(start, end), 1, evidenceMax);
  const from = start + column - 40;
  const to = Math.min(end, from + evidenceMax - 2);
  return `…${text.slice(from, to).trim()}${to < end ? '…' : ''}`;
}

/** A source position: a 1-based line, or a line with the construct's 0-based column. */
export type At = number | { line: number; column?: number };

function position(at: At, column?: number): { line: number; column: number | undefined } {
  return typeof at === 'number' ? { line: at, column } : { line: at.line, column: at.column ?? column };
}

/** A hit at a position (the column picks the evidence window on long, minified lines). */
export function hitAt(
  ctx: ScanContext,
  file: string,
  at: At,
  message: string,
  severity?: Severity,
  column?: number,
): Hit {
  const where = position(at, column);
  return {
    message,
    file,
    line: where.line,
    evidence: evidenceAt(ctx, file, where.line, where.column),
    ...(severity ? { severity } : {}),
  };
}

/** Records that the code uses a capability, for the `undeclared_*` rules that run after. */
export function observe(
  ctx: ScanContext,
  capability: Capability,
  file: string,
  at: At,
  column?: number,
): void {
  const where = position(at, column);
  ctx.observations.push({
    capability,
    file,
    line: where.line,
    evidence: evidenceAt(ctx, file, where.line, where.column),
  });
}

/** Whether the manifest's permissions declare a capability; the `undeclared_*` rules use the same test. */
export function declares(permissions: Permissions | undefined, capability: Capability): boolean {
  if (!permissions) return false;
  if (capability === 'network') return (permissions.network?.outbound ?? []).length > 0;
  if (capability === 'subprocess') return permissions.subprocess === true;
  return (permissions.filesystem?.read ?? []).length > 0 || (permissions.filesystem?.write ?? []).length > 0;
}

const declaredAs: Record<Capability, string> = {
  network: 'permissions.network.outbound',
  subprocess: 'permissions.subprocess',
  filesystem: 'permissions.filesystem',
};

/**
 * A capability rule's hits once the manifest declares that capability: hits at the rule's default
 * severity (the code uses the network, starts a program) become low notes, since installers are told
 * through the permissions and the note only shows where. Hits that carry their own severity (a command
 * line run through a shell, a credential file) keep it: declaring a capability does not make them safe.
 */
export function lowerWhenDeclared(ctx: ScanContext, capability: Capability, hits: Hit[]): Hit[] {
  if (!declares(ctx.permissions, capability)) return hits;
  return hits.map((hit) =>
    hit.severity === undefined
      ? { ...hit, severity: 'low', message: `${hit.message} Declared in ${declaredAs[capability]}.` }
      : hit,
  );
}

/** Hits reported per rule and file; the last one kept says how many more there were. */
export const maxHitsPerFile = 10;

/** Sorts one file's hits by line and keeps the first `maxHitsPerFile`. */
export function capHits(hits: Hit[]): Hit[] {
  hits.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (hits.length <= maxHitsPerFile) return hits;
  const kept = hits.slice(0, maxHitsPerFile);
  const last = kept[kept.length - 1];
  if (last) last.message += ` (${hits.length - maxHitsPerFile} more like this in the file)`;
  return kept;
}

/**
 * Credential files and stores whose reading by an artifact is a classic exfiltration step. Public keys
 * (`~/.ssh/id_ed25519.pub`, `~/.ssh/*.pub`) are meant to be shared and do not count.
 */
export const credentialPath =
  /(?:^|[/\\~])\.ssh(?:[/\\](?![\w.*-]*\.pub(?![\w.-]))|$)|\bid_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub(?![\w.-]))|\.aws[/\\](?:credentials|config)\b|\.npmrc\b|\.netrc\b|\.pypirc\b|(?:^|[/\\~])\.env(?:\.[\w-]+)?(?:$|[/\\])|\.git-credentials\b|\.docker[/\\]config\.json\b|\.kube[/\\]config\b|\.gnupg\b|keychain/i;

// ---------------------------------------------------------------------------------------------------
// Python

const pyInteresting = /[#'"]/g;
/**
 * The text with every character but line breaks replaced by a space (same length, same lines). Built
 * from runs of spaces: a regex replacing each character in turn made this the stage's largest cost.
 */
function blank(text: string): string {
  let out = '';
  let from = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
    out += `${' '.repeat(newline - from)}\n`;
    from = newline + 1;
  }
  return out + ' '.repeat(text.length - from);
}

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
      out.push(src.slice(copied, at), blank(src.slice(at, end)));
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
    out.push(src.slice(copied, open), blank(src.slice(open, contentEnd)));
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

const pyLiteralArg = /^\s*[rRuUbB]{0,2}("""|'''|"|')\s*\1\s*[,)]/;

/** Whether a masked Python call's first argument, starting at `from`, is a plain (non-f) string literal. */
export function isPythonLiteralArg(code: string, from: number): boolean {
  return pyLiteralArg.test(code.slice(from, from + 2000));
}

// ---------------------------------------------------------------------------------------------------
// Shell

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
        out.push(src.slice(copied, i), blank(src.slice(i, end)));
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
  return { path, firstLine, code, inline, starts: computeLineStarts(code) };
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

// Agent configuration: the programs MCP server entries and hooks start are shell code too.

const configExt = /\.(?:json|ya?ml|toml)$/i;
const configHint = /\b(?:command|cmd|bash)["']?\s*[:=]|!\{/;
const maxConfigBytes = 512 * 1024;
const shellProgram = /^(?:\S*\/)?(?:env\s+)?(?:ba|z|da|k|fi)?sh$/;

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/**
 * Command lines in a parsed configuration: `command` (or `cmd`) with `args` — MCP servers in every
 * client's format, docker-compose style lists, Kiro and Cursor hooks — and a hook's `bash` line
 * (Copilot). A shell started with `-c` contributes its script.
 */
function configCommands(value: unknown, out: string[], depth = 0): void {
  if (depth > 32 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) configCommands(item, out, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const command = record.command ?? record.cmd;
  const list = typeof command === 'string' ? [command] : (stringList(command) ?? []);
  const argv = [...list, ...(stringList(record.args) ?? [])];
  const [program, ...rest] = argv;
  if (program !== undefined) {
    const script = rest.findIndex((arg) => /^-[a-z]*c$/.test(arg));
    if (shellProgram.test(program) && script >= 0 && rest[script + 1] !== undefined)
      out.push(rest[script + 1] ?? '');
    else out.push([program, ...rest.map(quoteArg)].join(' '));
  }
  if (typeof record.bash === 'string') out.push(record.bash);
  for (const key of Object.keys(record)) configCommands(record[key], out, depth + 1);
}

/** `command = "…"` with the `args = [...]` after it, in TOML (Codex's `[mcp_servers.x]`), without a parser. */
function tomlCommands(text: string, out: string[]): void {
  const command = /^[ \t]*command[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*$/gm;
  for (let m = command.exec(text); m; m = command.exec(text)) {
    const value = m[1] ?? '""';
    const program = value.startsWith("'") ? value.slice(1, -1) : safeJson(value);
    if (typeof program !== 'string') continue;
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2000);
    const args = /^[ \t]*args[ \t]*=[ \t]*(\[[^\n]*\])[ \t]*$/m.exec(after.split(/^\s*\[/m)[0] ?? '');
    configCommands({ command: program, args: args ? safeJson(args[1] ?? '[]') : [] }, out);
  }
  // Gemini CLI custom commands run `!{…}` through the shell before the prompt is sent.
  const inject = /!\{([^}\n]{1,2000})\}/g;
  for (let m = inject.exec(text); m; m = inject.exec(text)) out.push(m[1] ?? '');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The line a command came from: where its text (as written, or JSON-escaped) first appears. */
function lineOfCommand(text: string, starts: readonly number[], command: string): number {
  const probes = [command, JSON.stringify(command).slice(1, -1), command.split(/\s+/)[0] ?? ''];
  for (const probe of probes) {
    if (probe.length < 2) continue;
    const at = text.indexOf(probe.slice(0, 200));
    if (at >= 0) return lineOfOffset(starts, at);
  }
  return 1;
}

function configShell(path: string, text: string): ShellSegment[] {
  if (text.length > maxConfigBytes || !configHint.test(text)) return [];
  const commands: string[] = [];
  if (/\.toml$/i.test(path)) tomlCommands(text, commands);
  else {
    let parsed: unknown;
    try {
      parsed = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    } catch {
      return [];
    }
    configCommands(parsed, commands);
  }
  const starts = computeLineStarts(text);
  return commands
    .filter((command) => command.trim() !== '')
    .map((command) => ({
      ...segment(path, lineOfCommand(text, starts, command), command.replace(/\n/g, ' '), false),
      synthetic: true,
    }));
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
    out.push(...configShell(path, ctx.textOf(path) ?? ''));
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

function leadingSpace(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === ';')) i++;
  return i;
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
