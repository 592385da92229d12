/** `agentry remove`: from the lockfile alone, no registry needed. */
import type { Lockfile, Scope } from '@agentry/core';
import { CliError } from '../cli-error.js';
import { lockClosure } from './lock-drift.js';
import { applyPlan, createdDirsOf, finishPlan, PlacementPlan, pathsOf, planRemoval } from './place.js';
import {
  type ProjectPaths,
  readLockfile,
  readProjectManifest,
  readState,
  writeLockfile,
  writeProjectManifest,
  writeState,
} from './project.js';

export interface RemoveResult {
  scope: Scope;
  root: string;
  removed: { name: string; version: string; paths: string[] }[];
  kept: string[];
  lockfile: string;
}

/**
 * Removal works from the lockfile alone (no registry needed): the names leave agentry.json, and every
 * artifact no remaining dependency reaches leaves agentry.lock and the disk — each placed file and
 * config entry it added, and nothing else.
 */
export function runRemove(paths: ProjectPaths, names: string[]): RemoveResult {
  const manifest = readProjectManifest(paths);
  const lock = readLockfile(paths);
  const state = readState(paths);
  if (!manifest || !lock)
    throw new CliError(
      'no_manifest',
      `nothing is installed in ${paths.root}`,
      'agentry install <name> installs something',
    );
  const dependencies = { ...manifest.dependencies };
  for (const name of names) {
    if (!(name in dependencies)) {
      const why = lock.artifacts[name]
        ? 'is installed only as a dependency of another artifact'
        : 'is not installed';
      throw new CliError('not_installed', `${name} ${why}`, 'agentry list shows what is installed');
    }
    delete dependencies[name];
  }
  const keep = lockClosure(lock, Object.keys(dependencies));
  const plan = new PlacementPlan(paths, state);
  const removed: RemoveResult['removed'] = [];
  const emptyDirs: string[] = [];
  for (const [name, installed] of Object.entries(state.artifacts)) {
    if (keep.has(name)) continue;
    planRemoval(plan, installed.placements);
    emptyDirs.push(...createdDirsOf(installed.placements));
    removed.push({ name, version: installed.version, paths: pathsOf(installed.placements) });
    delete state.artifacts[name];
  }
  finishPlan(plan);
  applyPlan(plan, emptyDirs);
  const nextLock: Lockfile = {
    ...lock,
    artifacts: Object.fromEntries(Object.entries(lock.artifacts).filter(([name]) => keep.has(name))),
  };
  writeLockfile(paths, nextLock);
  writeProjectManifest(paths, { ...manifest, dependencies });
  writeState(paths, state);
  return { scope: paths.scope, root: paths.root, removed, kept: [...keep].sort(), lockfile: paths.lockfile };
}
