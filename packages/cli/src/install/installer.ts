/**
 * The install pipeline shared by install, update and remove: read the project, resolve, check the
 * policies, plan every placement and removal, and only then write — placements, then agentry.lock,
 * agentry.json and the state. A failure before the write phase leaves the project exactly as it was.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  describePermissions,
  exceedsBudget,
  installTargets,
  isToolId,
  type Lockfile,
  type ProjectManifest,
  type Scope,
  type ToolId,
  toolIds,
  verdictRank,
} from '@agentry/core';
import semver from 'semver';
import { CliError } from '../cli-error.js';
import { clean } from '../format.js';
import type { Registry } from '../registry.js';
import type { ArchiveCache } from './cache.js';
import { checkItem } from './drift.js';
import { applyPlan, createdDirsOf, finishPlan, PlacementPlan, planPlacement, planRemoval } from './place.js';
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

export interface ToolChoice {
  tools: ToolId[];
  source: 'flag' | 'manifest' | 'installed' | 'config' | 'detected' | 'default';
}

/**
 * --tool, then agentry.json `targets`, then the tools already installed into, then the user's `tools`
 * (agentry config), then detection, then .agents/.
 */
export function chooseTools(
  paths: ProjectPaths,
  requested: string[] | undefined,
  manifest: ProjectManifest | undefined,
  state: InstallState,
  configured: string[] = [],
): ToolChoice {
  if (requested && requested.length > 0) {
    const list = requested
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean);
    if (list.includes('all')) return { tools: [...toolIds], source: 'flag' };
    const unknown = list.filter((value) => !isToolId(value));
    if (unknown.length > 0)
      throw new CliError(
        'usage',
        `unknown tool ${unknown.join(', ')}`,
        `tools: ${toolIds.join(', ')}, or all`,
      );
    return { tools: [...new Set(list as ToolId[])], source: 'flag' };
  }
  if (manifest?.targets && manifest.targets.length > 0)
    return { tools: manifest.targets, source: 'manifest' };
  const installed = new Set(Object.values(state.artifacts).flatMap((a) => a.tools ?? []));
  if (installed.size > 0)
    return { tools: toolIds.filter((tool) => installed.has(tool)), source: 'installed' };
  const fromConfig = configured.filter(isToolId);
  if (fromConfig.length > 0) return { tools: fromConfig, source: 'config' };
  const detected = detectTools(paths.base, paths.scope);
  if (detected.length > 0) return { tools: detected, source: 'detected' };
  return { tools: ['agents'], source: 'default' };
}

export function detectTools(base: string, scope: Scope): ToolId[] {
  return toolIds.filter((tool) =>
    installTargets[tool].detect[scope].some((path) => existsSync(join(base, path))),
  );
}

/**
 * What a person needs to decide on an artifact below the project's minimum: each finding (rule,
 * file:line, message) and the declared permissions, as `agentry info` shows them.
 */
export function trustSummary(detail: ArtifactMetadata['detail']): string {
  const findings = (detail.findings ?? []).filter((f) => f.severity !== 'info');
  const lines = [
    `  findings (${findings.length}):`,
    ...findings.map(
      (f) =>
        `    ${f.severity.toUpperCase()} ${f.rule}${f.file ? ` ${clean(f.file)}${f.line ? `:${f.line}` : ''}` : ''} — ${clean(f.message)}`,
    ),
    '  permissions:',
  ];
  const permissions = describePermissions(detail.permissions);
  lines.push(
    ...(permissions.length > 0 ? permissions.map((line) => `    ${clean(line)}`) : ['    none declared']),
  );
  return lines.join('\n');
}

export interface PolicyOptions {
  yes: boolean;
  /** Asks the user; absent when there is no terminal to ask on. */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
}

/** Refuses FAIL and over-budget artifacts; asks before anything worse than the project's minimum verdict. */
export async function enforcePolicies(
  artifacts: readonly ArtifactMetadata[],
  manifest: ProjectManifest,
  options: PolicyOptions,
): Promise<string[]> {
  const accepted: string[] = [];
  const minimum = manifest.minVerdict ?? 'PASS_WITH_NOTES';
  for (const artifact of artifacts) {
    const label = `${artifact.name}@${artifact.version}`;
    const verdict = artifact.detail.verdict;
    if (verdict === 'FAIL') {
      throw new CliError(
        'policy_refused',
        `${label} failed the registry's security scan (verdict FAIL)`,
        `agentry info ${label} shows the findings`,
        {
          name: artifact.name,
          verdict,
        },
      );
    }
    const over = exceedsBudget(artifact.detail.permissions ?? {}, manifest.permissions);
    if (over.length > 0) {
      throw new CliError(
        'policy_refused',
        `${label} declares permissions beyond the project budget in agentry.json: ${over.join('; ')}`,
        'widen "permissions" in agentry.json if you trust it',
        { name: artifact.name, exceeds: over },
      );
    }
    if (verdictRank(verdict) > verdictRank(minimum)) {
      const why = `${label} has verdict ${verdict ?? 'unknown'} (audit score ${artifact.detail.auditScore ?? '?'}), worse than the project minimum ${minimum}`;
      if (options.yes) {
        accepted.push(`${why}; accepted with --yes`);
        continue;
      }
      if (!options.confirm) {
        throw new CliError(
          'policy_refused',
          why,
          `review it with agentry info ${label}, then pass --yes to accept it`,
          { name: artifact.name, verdict },
        );
      }
      if (!(await options.confirm(`${why}.\n${trustSummary(artifact.detail)}\nInstall it anyway?`))) {
        throw new CliError('policy_refused', `${label} was not accepted`, undefined, {
          name: artifact.name,
          verdict,
        });
      }
      accepted.push(`${why}; accepted`);
    }
  }
  return accepted;
}

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

function emptyLock(registry: string): Lockfile {
  return { lockfileVersion: 1, registry, artifacts: {} };
}

/** Every difference between manifest, lockfile and what the registry now serves; empty when in sync. */
function frozenDrift(
  manifest: ProjectManifest,
  lock: Lockfile | undefined,
  resolved?: Map<string, ResolvedArtifact>,
): string[] {
  if (!lock) return ['agentry.lock does not exist'];
  const drift: string[] = [];
  const reach = new Set<string>();
  const queue = Object.keys(manifest.dependencies);
  for (const [name, range] of Object.entries(manifest.dependencies)) {
    const entry = lock.artifacts[name];
    if (!entry) drift.push(`${name} is in agentry.json but not in agentry.lock`);
    else if (!semverSatisfies(entry.version, range))
      drift.push(`${name}@${entry.version} in agentry.lock does not satisfy ${range} in agentry.json`);
  }
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reach.has(name)) continue;
    reach.add(name);
    const entry = lock.artifacts[name];
    if (!entry) continue;
    for (const [dep, range] of Object.entries(entry.dependencies)) {
      const locked = lock.artifacts[dep];
      if (!locked) drift.push(`${name} needs ${dep}, which agentry.lock lacks`);
      else if (!semverSatisfies(locked.version, range))
        drift.push(`${name} needs ${dep}@${range}; agentry.lock has ${locked.version}`);
      queue.push(dep);
    }
  }
  for (const name of Object.keys(lock.artifacts))
    if (!reach.has(name)) drift.push(`${name} is in agentry.lock but nothing needs it`);
  if (resolved) {
    for (const [name, artifact] of resolved) {
      const entry = lock.artifacts[name];
      if (entry && entry.version !== artifact.version)
        drift.push(`${name} resolves to ${artifact.version}, agentry.lock has ${entry.version}`);
      else if (
        entry &&
        JSON.stringify(Object.entries(entry.dependencies).sort()) !==
          JSON.stringify(Object.entries(artifact.dependencies).sort())
      ) {
        drift.push(
          `${name}@${entry.version} depends on other artifacts on the registry than agentry.lock says`,
        );
      }
    }
  }
  return drift;
}

function semverSatisfies(version: string, range: string): boolean {
  return semver.satisfies(version, range);
}

function pathsOf(items: { path: string }[]): string[] {
  return [...new Set(items.map((item) => item.path))];
}

/** Names reachable from `roots` over the lockfile's dependencies. */
export function lockClosure(lock: Lockfile, roots: string[]): Set<string> {
  const reach = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reach.has(name) || !lock.artifacts[name]) continue;
    reach.add(name);
    queue.push(...Object.keys(lock.artifacts[name]?.dependencies ?? {}));
  }
  return reach;
}

export async function runInstall(request: InstallRequest): Promise<InstallResult> {
  const { paths, registry } = request;
  const existingManifest = readProjectManifest(paths);
  const manifest: ProjectManifest = existingManifest ?? { dependencies: {} };
  const lock = readLockfile(paths);
  const state = readState(paths);
  const choice = chooseTools(paths, request.tools, manifest, state, request.configuredTools);
  const warnings: string[] = [];
  if (choice.source === 'default') {
    warnings.push(
      'no agent tool found in this project: installing into the shared .agents/ layout (choose with --tool, or set "targets" in agentry.json)',
    );
  }
  const add = request.add ?? {};
  if (request.frozen) {
    if (Object.keys(add).length > 0) {
      throw new CliError(
        'usage',
        '--frozen installs exactly what agentry.lock says; it cannot add or remove',
        'drop --frozen, or the names',
      );
    }
    const drift = frozenDrift(manifest, lock);
    if (lock && lock.registry !== registry.client.base)
      drift.unshift(`agentry.lock is from ${lock.registry}, not ${registry.client.base}`);
    if (drift.length > 0)
      throw new CliError(
        'lockfile_drift',
        `agentry.json and agentry.lock disagree: ${drift[0]}`,
        'run agentry install without --frozen and commit agentry.lock',
        drift,
      );
  }

  // What the project asks for after this command.
  const dependencies = { ...manifest.dependencies };
  const unlock = request.unlock ?? new Set<string>();
  const moving = new Set<string>(Object.keys(add));
  if (request.latest) {
    const names = unlock === 'all' ? Object.keys(dependencies) : [...unlock];
    for (const name of names) {
      if (!(name in dependencies))
        throw new CliError(
          'not_installed',
          `${name} is not a dependency in ${paths.manifest}`,
          'agentry list shows what is installed',
        );
      const newest = await newestVersion(registry, name);
      dependencies[name] = `^${newest}`;
      moving.add(name);
    }
  }
  for (const [name, range] of Object.entries(add)) dependencies[name] = range ?? '*';
  // With no manifest yet, a lockfile alone still says what to install.
  const roots =
    !existingManifest && lock && Object.keys(add).length === 0
      ? Object.fromEntries(Object.values(lock.artifacts).map((entry) => [entry.name, entry.version]))
      : dependencies;

  // Policies are checked on each artifact's metadata before its bytes are fetched, one question at a
  // time: a refused install downloads (and so counts) nothing.
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
    registry,
    roots,
    lock,
    unlock: unlock === 'all' ? 'all' : new Set([...unlock, ...moving]),
    beforeDownload,
    cache: request.cache,
    command: request.command ?? 'install',
    dryRun: request.dryRun === true,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });

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

  const fresh = [...resolved.values()].filter((artifact) => {
    const installed = state.artifacts[artifact.name];
    return (
      !installed ||
      installed.version !== artifact.version ||
      installed.integrity !== artifact.payload.integrity
    );
  });
  const unchecked = fresh.filter((artifact) => !checked.has(`${artifact.name}@${artifact.version}`));
  warnings.push(...(await enforcePolicies(unchecked, { ...manifest, dependencies }, request.policy)));

  // Plan: removals first (so their paths are free), then placements.
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
    const sameTools = previous && [...(previous.tools ?? [])].sort().join() === [...tools].sort().join();
    // Unchanged only if every placed file is still exactly as installed; an edited one is put back.
    const intact = previous?.placements.every(
      (item) => checkItem(paths.base, artifact.name, item, artifact.files).length === 0,
    );
    if (
      previous &&
      // Two versions can have byte-identical tarballs (the version lives in the registry, not the
      // archive): the version must match too, or an update would be reported as unchanged.
      previous.version === artifact.version &&
      previous.integrity === artifact.payload.integrity &&
      sameTools &&
      intact &&
      !request.force
    ) {
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
  finishPlan(plan);
  warnings.push(...plan.warnings);

  const nextLock = emptyLock(registry.client.base);
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
