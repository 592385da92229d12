/**
 * Shared plumbing for the stage 2 (static) rules: which files are JS/TS, Python or shell, line lookups
 * without re-splitting the text, hits with evidence, capability observations and the per-file cap. The
 * languages' own preparation is in python.ts (masking), shell.ts and shell-config.ts (the shell code of
 * scripts, Markdown and agent configurations) and js-*.ts (one parse and index per file). Everything
 * derived from a file is memoised in `ctx.cache`, so the many rules of the stage read and prepare each
 * file once per scan.
 */
import type { Permissions } from '../../../permissions.js';
import { lineStarts } from '../../line-map.js';
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

/** Memoised line starts of a file. */
export function lineStartsOf(ctx: ScanContext, path: string): number[] {
  const key = `lines:${path}`;
  let starts = ctx.cache.get(key) as number[] | undefined;
  if (!starts) {
    starts = lineStarts(ctx.textOf(path) ?? '');
    ctx.cache.set(key, starts);
  }
  return starts;
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

/** Length of the blank and `;` prefix of a match, so a hit points at the command itself. */
export function leadingSpace(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === ';')) i++;
  return i;
}
