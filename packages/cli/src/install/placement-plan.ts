/**
 * A placement plan over one project: the operations to carry out in order, the planned text of every
 * shared config file, and the claims that keep two artifacts (or a user's own file) from sharing a path.
 * Nothing here writes; `apply-plan.ts` does, once every artifact is planned.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { type ArtifactKind, computeSha256, InstallError, type ToolId } from '@agentry/core';
import { CliError } from '../cli-error.js';
import { missingAncestors, readTextIfExists } from './fs-util.js';
import type { InstallState, PlacedItem, ProjectPaths } from './project.js';

export interface ArtifactPayload {
  name: string;
  version: string;
  kind: ArtifactKind;
  integrity: string;
  /** Archive files by path, and their modes (hook scripts keep their executable bit). */
  files: Map<string, Buffer>;
  modes: Map<string, number>;
}

export type Operation =
  | { type: 'dir'; path: string; files: Map<string, { bytes: Buffer; mode: number }> }
  | { type: 'file'; path: string; content: string }
  | { type: 'remove'; path: string };

/** Seeds for config files Agentry creates, so a new file looks like one the tool would write. */
export const configSeeds: Record<string, Record<string, unknown>> = {
  'opencode.json': { $schema: 'https://opencode.ai/config.json' },
  '.config/opencode/opencode.json': { $schema: 'https://opencode.ai/config.json' },
  '.cursor/hooks.json': { version: 1 },
};

/**
 * A plan over one project: operations in order, and the planned text of every shared config file it
 * touches (undefined: the file is to be absent).
 */
export class PlacementPlan {
  readonly operations: Operation[] = [];
  readonly configs = new Map<string, string | undefined>();
  readonly warnings: string[] = [];
  /** Paths (relative to base) that the plan frees, so a later placement may reuse them. */
  private readonly freed = new Set<string>();
  /** Paths (relative to base) the plan itself places, so two artifacts cannot claim one path. */
  private readonly claimed = new Map<string, string>();

  constructor(
    readonly paths: ProjectPaths,
    readonly state: InstallState,
  ) {}

  /** The absolute path; a path that would leave the base (a tampered state file) is refused. */
  abs(path: string): string {
    const full = resolve(this.paths.base, path);
    if (
      isAbsolute(path) ||
      (full !== this.paths.base && !full.startsWith(`${resolve(this.paths.base)}${sep}`))
    ) {
      throw new CliError(
        'invalid_lockfile',
        `refusing to touch ${path}: it is outside ${this.paths.base}`,
        'delete .agentry/state.json and run agentry install',
      );
    }
    return full;
  }

  configText(path: string): string | undefined {
    if (this.configs.has(path)) return this.configs.get(path);
    return readTextIfExists(this.abs(path));
  }

  setConfig(path: string, text: string | undefined): void {
    if (!(path in this.state.originals))
      this.state.originals[path] = readTextIfExists(this.abs(path)) ?? null;
    this.configs.set(path, text);
  }

  free(path: string): void {
    this.freed.add(path);
  }

  /** Refuses a path another artifact owns, or that exists without belonging to this artifact. */
  claim(path: string, artifact: string, force: boolean): void {
    const other = this.claimed.get(path);
    if (other && other !== artifact) {
      throw new CliError(
        'install_conflict',
        `${artifact} and ${other} both want ${path}`,
        'install one of them, or rename one',
      );
    }
    this.claimed.set(path, artifact);
    const owner = ownerOf(this.state, path);
    if (owner && owner !== artifact && !this.freed.has(path)) {
      throw new CliError(
        'install_conflict',
        `${path} belongs to ${owner}`,
        `run agentry remove ${owner} first`,
      );
    }
    if (!owner && !this.freed.has(path) && existsSync(this.abs(path)) && !force) {
      throw new CliError(
        'install_conflict',
        `${path} already exists and was not installed by agentry`,
        'move it away, or pass --force to replace it',
      );
    }
  }
}

function ownerOf(state: InstallState, path: string): string | undefined {
  for (const [name, installed] of Object.entries(state.artifacts)) {
    if (
      installed.placements.some((item) => (item.type === 'dir' || item.type === 'file') && item.path === path)
    )
      return name;
  }
  return undefined;
}

/** Runs a config edit; a config that cannot be read is `config_unreadable`. */
export function rethrowConfig<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InstallError) throw new CliError('config_unreadable', error.message, error.hint);
    throw error;
  }
}

/** A whole file the artifact owns, written atomically. */
export function planFile(
  plan: PlacementPlan,
  artifact: string,
  tool: ToolId,
  path: string,
  content: string,
  force: boolean,
): PlacedItem {
  plan.claim(path, artifact, force);
  const createdDirs = relDirs(plan, path);
  plan.operations.push({ type: 'file', path, content });
  return { type: 'file', tools: [tool], path, sha256: computeSha256(Buffer.from(content)), createdDirs };
}

/** Folders a write at `path` would create, relative to the base, so removal can take them away too. */
export function relDirs(plan: PlacementPlan, path: string): string[] {
  const base = plan.paths.base;
  return missingAncestors(base, plan.abs(path)).map((dir) => dir.slice(base.length + 1));
}
