/**
 * The rule contract. Every rule lives in its own file under rules/<stage>/, has a stable id, a default
 * severity and a check over the scan context, and is listed in rules/index.ts. Every rule has a positive
 * and a negative fixture under packages/core/test/fixtures/scanner/<rule-id>/.
 */
import type { ArtifactKind } from '../names.js';
import type { Permissions } from '../permissions.js';
import type { ArchiveEntry } from './archive.js';
import type { Severity, StageName } from './types.js';

export interface Hit {
  message: string;
  file?: string;
  line?: number;
  /** A short excerpt of what matched; rules that see secrets mask them before returning. */
  evidence?: string;
  /** Overrides the rule's default severity for this hit (e.g. a weaker pattern). */
  severity?: Severity;
}

/** Capabilities the code was seen to use, for the declared-versus-observed check. */
export type Capability = 'network' | 'subprocess' | 'filesystem';

export interface Observation {
  capability: Capability;
  file: string;
  line?: number;
  evidence?: string;
}

export interface ScanContext {
  files: ReadonlyMap<string, ArchiveEntry>;
  kind: ArtifactKind;
  /** The manifest's declared permissions; undefined when scanning a folder without a manifest. */
  permissions: Permissions | undefined;
  /** The file's text when it is valid UTF-8 without NUL bytes; undefined for binary content. */
  textOf(path: string): string | undefined;
  /** Paths of text files, sorted. */
  textFiles(): string[];
  /** Test, example, fixture and documentation paths, where code findings are downgraded. */
  isExamplePath(path: string): boolean;
  /** Stage 2 rules record capability use here; the `undeclared_*` rules read it afterwards. */
  observations: Observation[];
  /** Per-scan memo for derived data several rules share (e.g. a parsed AST per file). */
  cache: Map<string, unknown>;
  /** Package names an operator added to the shipped known-malicious list (`ecosystem:name`). */
  knownMalicious: ReadonlySet<string>;
}

export interface Rule {
  id: string;
  stage: StageName;
  severity: Severity;
  /** One line for documentation and SARIF. */
  title: string;
  check(ctx: ScanContext): Hit[];
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** The trimmed source line at a 1-based line number, cut to a readable length. */
export function lineText(text: string, line: number, max = 160): string {
  const value = text.split('\n')[line - 1]?.trim() ?? '';
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
