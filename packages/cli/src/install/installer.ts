/**
 * The install pipeline shared by install and update: read the project, resolve, check the policies
 * (`policy.ts`), plan every placement and removal (`place.ts`), and only then write — placements, then
 * agentry.lock, agentry.json and the state. A failure before the write phase leaves the project exactly
 * as it was. Which tools to write for is `tools.ts`; `--frozen`'s checks are `lock-drift.ts`; removal is
 * `remove.ts`.
 */
import type { Lockfile, ProjectManifest, Scope, ToolId } from '@agentry/core';
import semver from 'semver';
import { CliError } from '../cli-error.js';
import type { Registry } from '../registry.js';
import type { ArchiveCache } from './cache.js';
import { checkItem } from './drift.js';
import { frozenDrift } from './lock-drift.js';
import {
  applyPlan,
  createdDirsOf,
  finishPlan,
  PlacementPlan,
  pathsOf,
  planPlacement,
  planRemoval,
} from './place.js';
import { enforcePolicies, type PolicyOptions } from './policy.js';
import {
  type InstallState,
  type ProjectPaths,
  readLockfile,
  readProjectManifest,
  readState,
  writeLockfile,
  writeProjectManifest,
  writeState,
} from './project.js';
import {
  type ArtifactMetadata,
  lockEntryOf,
  type ProgressEvent,
  type ResolvedArtifact,
  resolveArtifacts,
} from './resolve.js';
import { chooseTools, type ToolChoice } from './tools.js';

export { lockClosure } from './lock-drift.js';
export { enforcePolicies, type PolicyOptions, trustSummary } from './policy.js';
export { type RemoveResult, runRemove } from './remove.js';
export { chooseTools, detectTools, type ToolChoice } from './tools.js';

export interface InstallRequest {
  registry: Registry;
  paths: ProjectPaths;
  /** Names to add, with their ranges (`undefined`: newest, saved as ^version). */
  add?: Record<string, string | undefined>;
  /** Names (or all) whose locked versions may move; with `latest`, their ranges move too. */
  unlock?: Set<string> | 'all';
  latest?: boolean;
  tools?: string[] | undefined;
  /** The user's default tools (agentry config set tools …). */
  configuredTools?: string[] | undefined;
  frozen?: boolean;
  force?: boolean;
  policy: PolicyOptions;
  onProgress?: (event: ProgressEvent) => void;
  /** Resolve and check only; write nothing. */
  dryRun?: boolean;
  /** The local archive cache (cache.ts); absent, every archive is downloaded. */
  cache?: ArchiveCache | undefined;
  /** The CLI command, sent to the registry with each download. */
  command?: string;
}

export interface InstalledItem {
  name: string;
  version: string;
  kind: string;
  status: 'added' | 'updated' | 'unchanged' | 'reinstalled';
  from?: string;
  tools: ToolId[];
  paths: string[];
  verdict: string | null;
}

export interface InstallResult {
  scope: Scope;
  root: string;
  tools: ToolId[];
  toolSource: ToolChoice['source'];
  installed: InstalledItem[];
  removed: { name: string; version: string; paths: string[] }[];
  warnings: string[];
  lockfile: string;
  dryRun: boolean;
}

/** What the project holds before the command: its files, read once. */
interface Project {
  existingManifest: ProjectManifest | undefined;
  manifest: ProjectManifest;
  lock: Lockfile | undefined;
  state: InstallState;
}

export async function runInstall(request: InstallRequest): Promise<InstallResult> {
  const { paths, registry } = request;
  const existingManifest = readProjectManifest(paths);
  const project: Project = {
    existingManifest,
    manifest: existingManifest ?? { dependencies: {} },
    lock: readLockfile(paths),
    state: readState(paths),
  };
  const { manifest, lock, state } = project;
  const choice = chooseTools(paths, request.tools, manifest, state, request.configuredTools);
  const warnings: string[] = [];
  if (choice.source === 'default') {
    warnings.push(
      'no agent tool found in this project: installing into the shared .agents/ layout (choose with --tool, or set "targets" in agentry.json)',
    );
  }
  const add = request.add ?? {};
  if (request.frozen) checkFrozenBeforeResolving(request, project);
  const { dependencies, moving, roots } = await wantedDependencies(request, project);
  const { resolved, checked } = await resolveChecked(request, project, dependencies, moving, roots, warnings);

  if (request.frozen) {
    const drift = frozenDrift(manifest, lock, resolved);
    if (drift.length > 0)
      throw new CliError(
        'lockfile_drift',
        `agentry.lock is out of date: ${drift[0]}`,
        'run agentry install without --frozen and commit agentry.lock',
        drift,
      );
  }
  for (const [name, range] of Object.entries(add)) {
    if (range === undefined) dependencies[name] = `^${resolved.get(name)?.version}`;
  }
  warnings.push(...(await enforceRemainingPolicies(request, project, resolved, checked, dependencies)));

  const { plan, installedItems, removed, emptyDirs } = planInstall(request, state, resolved, choice);
  finishPlan(plan);
  warnings.push(...plan.warnings);

  const nextLock: Lockfile = { lockfileVersion: 1, registry: registry.client.base, artifacts: {} };
  for (const artifact of resolved.values()) nextLock.artifacts[artifact.name] = lockEntryOf(artifact);
  if (!request.dryRun) {
    applyPlan(plan, emptyDirs);
    writeLockfile(paths, nextLock);
    if (existingManifest || Object.keys(dependencies).length > 0)
      writeProjectManifest(paths, { ...manifest, dependencies });
    writeState(paths, state);
  }
  return {
    scope: paths.scope,
    root: paths.root,
    tools: choice.tools,
    toolSource: choice.source,
    installed: installedItems,
    removed,
    warnings,
    lockfile: paths.lockfile,
    dryRun: request.dryRun === true,
  };
}

/** `--frozen` adds nothing, and starts only from an agentry.lock that agrees with agentry.json. */
function checkFrozenBeforeResolving(request: InstallRequest, { manifest, lock }: Project): void {
  if (Object.keys(request.add ?? {}).length > 0) {
    throw new CliError(
      'usage',
      '--frozen installs exactly what agentry.lock says; it cannot add or remove',
      'drop --frozen, or the names',
    );
  }
  const base = request.registry.client.base;
  const drift = frozenDrift(manifest, lock);
  if (lock && lock.registry !== base) drift.unshift(`agentry.lock is from ${lock.registry}, not ${base}`);
  if (drift.length > 0)
    throw new CliError(
      'lockfile_drift',
      `agentry.json and agentry.lock disagree: ${drift[0]}`,
      'run agentry install without --frozen and commit agentry.lock',
      drift,
    );
}

/** What the project asks for after this command, the names allowed to move, and where resolving starts. */
async function wantedDependencies(request: InstallRequest, { existingManifest, manifest, lock }: Project) {
  const add = request.add ?? {};
  const dependencies = { ...manifest.dependencies };
  const unlock = request.unlock ?? new Set<string>();
  const moving = new Set<string>(Object.keys(add));
  if (request.latest) {
    const names = unlock === 'all' ? Object.keys(dependencies) : [...unlock];
    for (const name of names) {
      if (!(name in dependencies))
        throw new CliError(
          'not_installed',
          `${name} is not a dependency in ${request.paths.manifest}`,
          'agentry list shows what is installed',
        );
      const newest = await newestVersion(request.registry, name);
      dependencies[name] = `^${newest}`;
      moving.add(name);
    }
  }
  for (const [name, range] of Object.entries(add)) dependencies[name] = range ?? '*';
  // With no manifest yet, a lockfile alone still says what to install.
  const roots: Record<string, string> =
    !existingManifest && lock && Object.keys(add).length === 0
      ? Object.fromEntries(Object.values(lock.artifacts).map((entry) => [entry.name, entry.version]))
      : dependencies;
  return { dependencies, moving, roots };
}

/**
 * Resolves and downloads. Policies are checked on each artifact's metadata before its bytes are
 * fetched, one question at a time: a refused install downloads (and so counts) nothing. `checked`
 * names the artifacts whose policies passed that way.
 */
async function resolveChecked(
  request: InstallRequest,
  { manifest, lock, state }: Project,
  dependencies: Record<string, string>,
  moving: Set<string>,
  roots: Record<string, string>,
  warnings: string[],
) {
  const unlock = request.unlock ?? new Set<string>();
  const checked = new Set<string>();
  let asking = Promise.resolve();
  const beforeDownload = (artifact: ArtifactMetadata) => {
    const installed = state.artifacts[artifact.name];
    if (
      installed?.version === artifact.version &&
      artifact.detail.integrity &&
      installed.integrity === artifact.detail.integrity
    )
      return Promise.resolve();
    const turn = asking.then(async () => {
      warnings.push(...(await enforcePolicies([artifact], { ...manifest, dependencies }, request.policy)));
      checked.add(`${artifact.name}@${artifact.version}`);
    });
    asking = turn.catch(() => {});
    return turn;
  };
  const resolved = await resolveArtifacts({
    registry: request.registry,
    roots,
    lock,
    unlock: unlock === 'all' ? 'all' : new Set([...unlock, ...moving]),
    beforeDownload,
    cache: request.cache,
    command: request.command ?? 'install',
    dryRun: request.dryRun === true,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  return { resolved, checked };
}

/** The policies of every new or changed artifact the download hook did not already check. */
function enforceRemainingPolicies(
  request: InstallRequest,
  { manifest, state }: Project,
  resolved: Map<string, ResolvedArtifact>,
  checked: Set<string>,
  dependencies: Record<string, string>,
): Promise<string[]> {
  const fresh = [...resolved.values()].filter((artifact) => {
    const installed = state.artifacts[artifact.name];
    return (
      !installed ||
      installed.version !== artifact.version ||
      installed.integrity !== artifact.payload.integrity
    );
  });
  const unchecked = fresh.filter((artifact) => !checked.has(`${artifact.name}@${artifact.version}`));
  return enforcePolicies(unchecked, { ...manifest, dependencies }, request.policy);
}

/** Plans removals first (so their paths are free), then placements; updates `state.artifacts`. */
function planInstall(
  request: InstallRequest,
  state: InstallState,
  resolved: Map<string, ResolvedArtifact>,
  choice: ToolChoice,
) {
  const { paths } = request;
  const add = request.add ?? {};
  const plan = new PlacementPlan(paths, state);
  const removed: InstallResult['removed'] = [];
  const emptyDirs: string[] = [];
  for (const [name, installed] of Object.entries(state.artifacts)) {
    if (resolved.has(name)) continue;
    planRemoval(plan, installed.placements);
    emptyDirs.push(...createdDirsOf(installed.placements));
    removed.push({ name, version: installed.version, paths: pathsOf(installed.placements) });
  }
  const installedItems: InstalledItem[] = [];
  const nextArtifacts: InstallState['artifacts'] = {};
  for (const artifact of resolved.values()) {
    const previous = state.artifacts[artifact.name];
    // --tool applies to the names given (and new dependencies), or to everything when no names are.
    const explicit =
      choice.source === 'flag' && (Object.keys(add).length === 0 || artifact.name in add || !previous);
    const tools = explicit || !previous?.tools?.length ? choice.tools : previous.tools;
    if (previous && isUnchanged(request, artifact, previous, tools)) {
      nextArtifacts[artifact.name] = previous;
      installedItems.push(itemOf(artifact, 'unchanged', tools, previous.placements));
      continue;
    }
    if (previous) {
      planRemoval(plan, previous.placements);
      emptyDirs.push(...createdDirsOf(previous.placements));
    }
    const placements = planPlacement(plan, artifact.payload, tools, { force: request.force === true });
    nextArtifacts[artifact.name] = {
      version: artifact.version,
      kind: artifact.payload.kind,
      integrity: artifact.payload.integrity,
      tools,
      placements,
    };
    const status = !previous ? 'added' : previous.version === artifact.version ? 'reinstalled' : 'updated';
    installedItems.push({
      ...itemOf(artifact, status, tools, placements),
      ...(previous && status === 'updated' ? { from: previous.version } : {}),
    });
  }
  state.artifacts = nextArtifacts;
  return { plan, installedItems, removed, emptyDirs };
}

/** Unchanged only if version, bytes and tools are the same and every placed file is still exactly as installed. */
function isUnchanged(
  request: InstallRequest,
  artifact: ResolvedArtifact,
  previous: InstallState['artifacts'][string],
  tools: ToolId[],
): boolean {
  const sameTools = [...(previous.tools ?? [])].sort().join() === [...tools].sort().join();
  // An edited file is put back.
  const intact = previous.placements.every(
    (item) => checkItem(request.paths.base, artifact.name, item, artifact.files).length === 0,
  );
  return (
    // Two versions can have byte-identical tarballs (the version lives in the registry, not the
    // archive): the version must match too, or an update would be reported as unchanged.
    previous.version === artifact.version &&
    previous.integrity === artifact.payload.integrity &&
    sameTools &&
    intact &&
    !request.force
  );
}

function itemOf(
  artifact: ResolvedArtifact,
  status: InstalledItem['status'],
  tools: ToolId[],
  placements: { path: string }[],
): InstalledItem {
  return {
    name: artifact.name,
    version: artifact.version,
    kind: artifact.payload.kind,
    status,
    tools,
    paths: pathsOf(placements),
    verdict: artifact.detail.verdict,
  };
}

async function newestVersion(registry: Registry, name: string): Promise<string> {
  const { versions } = await registry.getVersions(name);
  const newest = versions
    .filter((v) => !v.yanked && semver.valid(v.version) && !semver.prerelease(v.version))
    .map((v) => v.version)
    .sort(semver.rcompare)[0];
  if (!newest)
    throw new CliError('no_matching_version', `${name} has no released version`, `agentry info ${name}`);
  return newest;
}
