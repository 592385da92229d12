/**
 * `install`, `update`, `remove`, `outdated` and `list`: thin wrappers over the install pipeline
 * (install/installer.ts) that turn arguments into a request and results into text.
 */
import { installTargets, type Scope } from '@agentry/core';
import semver from 'semver';
import { CliError } from '../cli-error.js';
import { readUserConfig } from '../config-file.js';
import { clean, type Paint, table, verdictColour } from '../format.js';
import { cacheDir, createCache } from '../install/cache.js';
import { type InstallResult, type RemoveResult, runInstall, runRemove } from '../install/installer.js';
import { locateProject, readLockfile, readProjectManifest, readState } from '../install/project.js';
import type { ProgressEvent } from '../install/resolve.js';
import type { CommandContext } from './context.js';
import { splitSpec } from './search.js';

export interface InstallOptions {
  global?: boolean;
  tool?: string[] | undefined;
  frozen?: boolean;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
}

function projectOf(ctx: CommandContext, global: boolean | undefined) {
  return locateProject((global ? 'user' : 'project') as Scope, ctx.cwd, ctx.home);
}

function progressOf(ctx: CommandContext): ((event: ProgressEvent) => void) | undefined {
  if (!ctx.progress) return undefined;
  const report = ctx.progress;
  return (event) => {
    const width = 20;
    const filled = Math.round((event.done / Math.max(event.total, 1)) * width);
    report(
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total} ${event.name}@${event.version} (${Math.ceil(event.bytes / 1024)} KiB)`,
    );
  };
}

function checkName(name: string): void {
  if (!/^(@[a-z0-9-]+\/)?[a-z0-9-]+$/.test(name))
    throw new CliError(
      'usage',
      `"${name}" is not an artifact name`,
      'names look like my-skill or @org/my-skill',
    );
}

export function runInstallCommand(
  ctx: CommandContext,
  specs: string[],
  options: InstallOptions = {},
): Promise<InstallResult> {
  const add: Record<string, string | undefined> = {};
  for (const spec of specs) {
    const { name, range } = splitSpec(spec);
    checkName(name);
    if (range !== undefined && semver.validRange(range) === null)
      throw new CliError(
        'usage',
        `"${range}" is not a version or semver range`,
        'e.g. my-skill@1.2.0 or my-skill@^1.2',
      );
    add[name] = range;
  }
  const paths = projectOf(ctx, options.global);
  if (specs.length === 0 && !readProjectManifest(paths) && !readLockfile(paths)) {
    throw new CliError(
      'no_manifest',
      `no agentry.json or agentry.lock in ${paths.root}`,
      'agentry install <name> adds an artifact',
    );
  }
  return runInstall({
    registry: ctx.registry,
    paths,
    add,
    tools: options.tool,
    configuredTools: readUserConfig(ctx.env).tools,
    cache: createCache(cacheDir(ctx.env, ctx.home)),
    command: 'install',
    frozen: options.frozen === true,
    force: options.force === true,
    dryRun: options.dryRun === true,
    policy: { yes: options.yes === true, confirm: ctx.confirm },
    ...(progressOf(ctx) ? { onProgress: progressOf(ctx) } : {}),
  });
}

export function runUpdate(
  ctx: CommandContext,
  names: string[],
  options: InstallOptions & { latest?: boolean } = {},
): Promise<InstallResult> {
  const paths = projectOf(ctx, options.global);
  const manifest = readProjectManifest(paths);
  if (!manifest)
    throw new CliError(
      'no_manifest',
      `no agentry.json in ${paths.root}`,
      'agentry install <name> creates it',
    );
  const lock = readLockfile(paths);
  for (const name of names) {
    if (!(name in manifest.dependencies) && !lock?.artifacts[name])
      throw new CliError('not_installed', `${name} is not installed here`, 'agentry list shows what is');
  }
  return runInstall({
    registry: ctx.registry,
    paths,
    unlock: names.length > 0 ? new Set(names) : 'all',
    latest: options.latest === true,
    tools: options.tool,
    cache: createCache(cacheDir(ctx.env, ctx.home)),
    command: 'update',
    configuredTools: readUserConfig(ctx.env).tools,
    force: options.force === true,
    dryRun: options.dryRun === true,
    policy: { yes: options.yes === true, confirm: ctx.confirm },
    ...(progressOf(ctx) ? { onProgress: progressOf(ctx) } : {}),
  });
}

export function formatInstall(result: InstallResult, paint: Paint): string {
  const lines: string[] = [];
  const toolNames = result.tools.map((tool) => installTargets[tool].name).join(', ');
  lines.push(
    `${result.dryRun ? 'Would install' : 'Installed'} into ${toolNames} (${result.scope} scope, ${result.root})`,
  );
  for (const item of result.installed) {
    const mark =
      item.status === 'unchanged'
        ? paint('dim', '=')
        : item.status === 'added'
          ? paint('green', '+')
          : paint('cyan', '↑');
    const from = item.from ? ` (was ${item.from})` : '';
    lines.push(
      `${mark} ${paint('bold', item.name)}@${item.version}${from} ${item.kind} ${verdictColour(paint, item.verdict)}`,
    );
    if (item.status !== 'unchanged') for (const path of item.paths) lines.push(`    ${path}`);
  }
  for (const item of result.removed) lines.push(`${paint('red', '-')} ${item.name}@${item.version}`);
  for (const warning of result.warnings) lines.push(paint('yellow', `warning: ${warning}`));
  const changed = result.installed.filter((item) => item.status !== 'unchanged').length;
  lines.push(
    `${changed} changed, ${result.installed.length - changed} unchanged, ${result.removed.length} removed`,
  );
  return lines.join('\n');
}

export function runRemoveCommand(
  ctx: CommandContext,
  names: string[],
  options: { global?: boolean } = {},
): RemoveResult {
  if (names.length === 0) throw new CliError('usage', 'name what to remove', 'agentry remove <name>…');
  return runRemove(projectOf(ctx, options.global), names);
}

export function formatRemove(result: RemoveResult, paint: Paint): string {
  const lines = result.removed.map(
    (item) =>
      `${paint('red', '-')} ${item.name}@${item.version}\n${item.paths.map((p) => `    ${p}`).join('\n')}`,
  );
  lines.push(`${result.removed.length} removed, ${result.kept.length} still installed`);
  return lines.join('\n');
}

export interface OutdatedRow {
  name: string;
  current: string;
  wanted: string;
  latest: string;
  range: string | null;
  direct: boolean;
}

export async function runOutdated(
  ctx: CommandContext,
  options: { global?: boolean } = {},
): Promise<{ outdated: OutdatedRow[]; checked: number }> {
  const paths = projectOf(ctx, options.global);
  const lock = readLockfile(paths);
  if (!lock)
    throw new CliError('no_manifest', `no agentry.lock in ${paths.root}`, 'run agentry install first');
  const manifest = readProjectManifest(paths);
  const ranges = new Map<string, string[]>();
  for (const [name, range] of Object.entries(manifest?.dependencies ?? {})) ranges.set(name, [range]);
  for (const entry of Object.values(lock.artifacts)) {
    for (const [dep, range] of Object.entries(entry.dependencies))
      ranges.set(dep, [...(ranges.get(dep) ?? []), range]);
  }
  const rows: OutdatedRow[] = [];
  for (const entry of Object.values(lock.artifacts).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const { versions } = await ctx.registry.getVersions(entry.name);
    const released = versions
      .filter((v) => !v.yanked && semver.valid(v.version))
      .map((v) => v.version)
      .sort(semver.rcompare);
    const latest = released.find((v) => !semver.prerelease(v)) ?? entry.version;
    const own = ranges.get(entry.name) ?? [];
    const wanted = released.find((v) => own.every((range) => semver.satisfies(v, range))) ?? entry.version;
    if (wanted !== entry.version || latest !== entry.version) {
      rows.push({
        name: entry.name,
        current: entry.version,
        wanted,
        latest,
        range: manifest?.dependencies[entry.name] ?? null,
        direct: !!manifest?.dependencies[entry.name],
      });
    }
  }
  return { outdated: rows, checked: Object.keys(lock.artifacts).length };
}

export function formatOutdated(result: { outdated: OutdatedRow[]; checked: number }, paint: Paint): string {
  if (result.outdated.length === 0) return `All ${result.checked} artifacts are up to date`;
  const rows = result.outdated.map((row) => [
    row.direct ? paint('bold', row.name) : row.name,
    row.current,
    row.wanted === row.current ? row.wanted : paint('green', row.wanted),
    row.latest === row.wanted ? row.latest : paint('yellow', row.latest),
    row.range ?? '(dependency)',
  ]);
  return `${table(['NAME', 'CURRENT', 'WANTED', 'LATEST', 'RANGE'], rows)}\n\nagentry update moves to WANTED; agentry update --latest to LATEST`;
}

export interface ListRow {
  name: string;
  version: string;
  kind: string;
  direct: boolean;
  tools: string[];
  paths: string[];
  verdict: string | null;
}

export function runList(
  ctx: CommandContext,
  options: { global?: boolean } = {},
): { scope: Scope; root: string; artifacts: ListRow[] } {
  const paths = projectOf(ctx, options.global);
  const state = readState(paths);
  const lock = readLockfile(paths);
  const manifest = readProjectManifest(paths);
  const artifacts = Object.entries(state.artifacts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, installed]) => ({
      name,
      version: installed.version,
      kind: installed.kind,
      direct: !!manifest?.dependencies[name],
      tools: installed.tools,
      paths: [...new Set(installed.placements.map((item) => item.path))],
      verdict: lock?.artifacts[name]?.verdict ?? null,
    }));
  return { scope: paths.scope, root: paths.root, artifacts };
}

export function formatList(result: ReturnType<typeof runList>, paint: Paint): string {
  if (result.artifacts.length === 0) return `Nothing installed (${result.scope} scope, ${result.root})`;
  const lines = [`${result.root} (${result.scope} scope)`];
  for (const row of result.artifacts) {
    lines.push(
      `${paint('bold', clean(row.name))}@${row.version} ${row.kind}${row.direct ? '' : paint('dim', ' (dependency)')} ${verdictColour(paint, row.verdict)} → ${row.tools.join(', ')}`,
    );
    for (const path of row.paths) lines.push(`    ${path}`);
  }
  return lines.join('\n');
}
