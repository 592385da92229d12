/**
 * Where a project's install lives. Project scope: `agentry.json` and `agentry.lock` at the project root
 * (the nearest folder up from the cwd holding agentry.json, else the cwd) and placements relative to
 * it. User scope (-g): the same files in `~/.agentry/`, placements relative to the home directory.
 * `.agentry/state.json` records what was placed where, so `remove` takes away exactly that.
 */
import { existsSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  type Lockfile,
  lockfileSchema,
  type ProjectManifest,
  projectManifestSchema,
  type Scope,
  serializeLockfile,
  serializeProjectManifest,
  type ToolId,
} from '@agentry/core';
import { CliError } from '../cli-error.js';
import { writeFileAtomic } from './fs-util.js';

export interface ProjectPaths {
  scope: Scope;
  /** Folder holding agentry.json and agentry.lock. */
  root: string;
  /** Folder placements are relative to. */
  base: string;
  manifest: string;
  lockfile: string;
  state: string;
}

export function locateProject(scope: Scope, cwd: string, home: string): ProjectPaths {
  if (scope === 'user') {
    const root = join(home, '.agentry');
    return {
      scope,
      root,
      base: home,
      manifest: join(root, 'agentry.json'),
      lockfile: join(root, 'agentry.lock'),
      state: join(root, 'state.json'),
    };
  }
  let dir = resolve(cwd);
  let root = dir;
  for (;;) {
    if (existsSync(join(dir, 'agentry.json'))) {
      root = dir;
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return {
    scope,
    root,
    base: root,
    manifest: join(root, 'agentry.json'),
    lockfile: join(root, 'agentry.lock'),
    state: join(root, '.agentry', 'state.json'),
  };
}

function readJson(path: string, code: 'invalid_manifest' | 'invalid_lockfile'): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(
      code,
      `${path} is not valid JSON: ${(error as Error).message}`,
      `fix or delete ${path}`,
    );
  }
}

export function readProjectManifest(paths: ProjectPaths): ProjectManifest | undefined {
  if (!existsSync(paths.manifest)) return undefined;
  const parsed = projectManifestSchema.safeParse(readJson(paths.manifest, 'invalid_manifest'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      'invalid_manifest',
      `${paths.manifest}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      'see docs/cli.md for the agentry.json format',
    );
  }
  return parsed.data;
}

export function writeProjectManifest(paths: ProjectPaths, manifest: ProjectManifest): void {
  writeFileAtomic(paths.manifest, serializeProjectManifest(manifest));
}

export function readLockfile(paths: ProjectPaths): Lockfile | undefined {
  if (!existsSync(paths.lockfile)) return undefined;
  const parsed = lockfileSchema.safeParse(readJson(paths.lockfile, 'invalid_lockfile'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      'invalid_lockfile',
      `${paths.lockfile}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      'delete agentry.lock and run agentry install to recreate it',
    );
  }
  return parsed.data;
}

export function writeLockfile(paths: ProjectPaths, lock: Lockfile): void {
  writeFileAtomic(paths.lockfile, serializeLockfile(lock));
}

export type PlacedItem =
  /** A copied folder; `root` is its folder in the archive, `files` the SHA-256 of each file in it. */
  | {
      type: 'dir';
      tools: ToolId[];
      path: string;
      root: string;
      files: Record<string, string>;
      createdDirs: string[];
    }
  | { type: 'file'; tools: ToolId[]; path: string; sha256: string; createdDirs: string[] }
  | { type: 'block'; tools: ToolId[]; path: string; id: string; sha256: string; createdDirs: string[] }
  | {
      type: 'entry';
      tools: ToolId[];
      path: string;
      format: 'json' | 'toml';
      key: string[];
      name: string;
      value: unknown;
      createdDirs: string[];
    }
  | {
      type: 'list-entries';
      tools: ToolId[];
      path: string;
      key: string[];
      events: Record<string, unknown[]>;
      createdDirs: string[];
    };

export interface InstalledArtifact {
  version: string;
  kind: string;
  integrity: string;
  /** The tools it was placed for. */
  tools: ToolId[];
  placements: PlacedItem[];
}

export interface InstallState {
  stateVersion: 1;
  artifacts: Record<string, InstalledArtifact>;
  /** Content of shared files before Agentry first edited them (null: the file did not exist). */
  originals: Record<string, string | null>;
}

export function readState(paths: ProjectPaths): InstallState {
  if (!existsSync(paths.state)) return { stateVersion: 1, artifacts: {}, originals: {} };
  try {
    const parsed = JSON.parse(readFileSync(paths.state, 'utf8')) as InstallState;
    return { stateVersion: 1, artifacts: parsed.artifacts ?? {}, originals: parsed.originals ?? {} };
  } catch (error) {
    throw new CliError(
      'invalid_lockfile',
      `${paths.state} is not valid JSON: ${(error as Error).message}`,
      'delete it and run agentry install',
    );
  }
}

/** Writes the state; with nothing installed and nothing to restore, removes it (and its folder, if empty). */
export function writeState(paths: ProjectPaths, state: InstallState): void {
  if (Object.keys(state.artifacts).length === 0 && Object.keys(state.originals).length === 0) {
    rmSync(paths.state, { force: true });
    try {
      rmdirSync(dirname(paths.state));
    } catch {
      // Not empty (hook or MCP files of something else), or already gone.
    }
    return;
  }
  writeFileAtomic(paths.state, `${JSON.stringify(state, null, 2)}\n`);
  if (paths.scope === 'project') ignoreState(paths);
}

/**
 * `.agentry/state.json` is this machine's record of what was placed where; agentry.json and agentry.lock
 * are what a team commits. In a git project it is added to `.gitignore` once (never twice, never elsewhere).
 */
export function ignoreState(paths: Pick<ProjectPaths, 'root'>): void {
  const gitignore = join(paths.root, '.gitignore');
  if (!existsSync(gitignore) && !existsSync(join(paths.root, '.git'))) return;
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
  const lines = current.split(/\r?\n/).map((line) => line.trim());
  if (
    lines.some((line) =>
      ['.agentry', '.agentry/', '/.agentry/', '.agentry/state.json', '/.agentry/state.json'].includes(line),
    )
  )
    return;
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  const separator = current === '' || current.endsWith('\n') ? '' : eol;
  writeFileAtomic(gitignore, `${current}${separator}.agentry/state.json${eol}`);
}
