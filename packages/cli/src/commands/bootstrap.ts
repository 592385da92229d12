/**
 * `bootstrap`: which skills should this project start with? Detects the stack from the project's files
 * and its git remote, finds the registry's project for that remote (skill-pool's `GET
 * /v1/projects/resolve`), asks `GET /v1/bootstrap` for recommendations, shows them with the tier each
 * came from, and installs the ones the user accepts (every one with --yes) through the normal installer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SkillPoolBootstrap, SkillPoolProjectRef } from '@agentry/core/api';
import { RegistryError } from '../api-client.js';
import { clean, type Paint, table } from '../format.js';
import type { InstallResult } from '../install/installer.js';
import { detectStack } from '../stack-detect.js';
import { type CommandContext, requireToken } from './context.js';
import { formatInstall, runInstallCommand } from './install.js';

export interface BootstrapOptions {
  yes?: boolean;
  dryRun?: boolean;
  /** Stack tags instead of detecting them. */
  stack?: string[] | undefined;
  /** The registry project's slug instead of resolving the git remote. */
  project?: string | undefined;
  tool?: string[] | undefined;
}

type Tier = 'project' | 'curated' | 'tagged' | 'semantic';

export interface BootstrapResult {
  root: string;
  stack: string[];
  remote: string | null;
  project: { slug: string; name: string } | null;
  recommended: { slug: string; tier: Tier | null }[];
  accepted: string[];
  installed: InstallResult | null;
  /** Why nothing was installed, when nothing was. */
  note?: string;
}

/** The nearest folder from `cwd` up that holds `.git` or agentry.json; `cwd` when there is none. */
export function findProjectRoot(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, 'agentry.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}

export function readGitRemote(root: string): string | null {
  const git = spawnSync('git', ['config', '--get', 'remote.origin.url'], { cwd: root, encoding: 'utf8' });
  const remote = git.status === 0 ? git.stdout.trim() : '';
  return remote || null;
}

async function resolveProject(
  ctx: CommandContext,
  remote: string,
): Promise<{ slug: string; name: string } | null> {
  try {
    return await ctx.client.request(
      `/v1/projects/resolve?remote=${encodeURIComponent(remote)}`,
      SkillPoolProjectRef,
    );
  } catch (error) {
    // No project for this remote (404) or no way to ask: carry on with the stack alone.
    if (error instanceof RegistryError && (error.code === 'unreachable' || error.code === 'bad_response'))
      throw error;
    return null;
  }
}

function tierOf(answer: SkillPoolBootstrap, slug: string): Tier | null {
  for (const tier of ['project', 'curated', 'tagged', 'semantic'] as const) {
    if (answer.tier_breakdown?.[tier]?.includes(slug)) return tier;
  }
  return null;
}

export async function runBootstrap(
  ctx: CommandContext,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  requireToken(ctx);
  const root = findProjectRoot(ctx.cwd);
  const stack = options.stack ?? detectStack(root);
  const remote = options.project ? null : readGitRemote(root);
  const project = options.project
    ? { slug: options.project, name: options.project }
    : remote
      ? await resolveProject(ctx, remote)
      : null;
  const base = { root, stack, remote, project, accepted: [] as string[], installed: null };
  if (stack.length === 0 && !project) {
    return { ...base, recommended: [], note: 'no stack detected and no project for this remote' };
  }
  const query = new URLSearchParams({ debug: '1' });
  if (project) query.set('project', project.slug);
  if (stack.length > 0) query.set('stack', stack.join(','));
  const answer = await ctx.client.request(`/v1/bootstrap?${query}`, SkillPoolBootstrap);
  const recommended = answer.skills.map((slug) => ({ slug, tier: tierOf(answer, slug) }));
  const result = { ...base, project: answer.project ?? (options.project ? null : project), recommended };
  if (recommended.length === 0)
    return { ...result, note: 'the registry has no recommendations for this stack' };
  if (options.dryRun) return { ...result, note: 'dry run: nothing installed' };
  let accepted: string[];
  if (options.yes) accepted = recommended.map((item) => item.slug);
  else if (ctx.confirm) {
    accepted = [];
    for (const item of recommended) {
      if (await ctx.confirm(`Install ${item.slug}${item.tier ? ` (${item.tier})` : ''}?`))
        accepted.push(item.slug);
    }
  } else {
    return { ...result, note: 'not on a terminal: run with --yes to install the recommendations' };
  }
  if (accepted.length === 0) return { ...result, note: 'nothing accepted' };
  // Into the project found above, wherever in it the command ran.
  const installed = await runInstallCommand({ ...ctx, cwd: root }, accepted, {
    yes: options.yes,
    tool: options.tool,
  });
  return { ...result, accepted, installed };
}

export function formatBootstrap(result: BootstrapResult, paint: Paint): string {
  const lines = [
    `stack: ${result.stack.length > 0 ? result.stack.map(clean).join(', ') : '(none detected)'}`,
    `project: ${result.project ? `${clean(result.project.name)} (${clean(result.project.slug)})` : '(none)'}`,
  ];
  if (result.recommended.length > 0) {
    lines.push(
      '',
      table(
        ['SKILL', 'TIER', 'INSTALL'],
        result.recommended.map((item) => [
          clean(item.slug),
          item.tier ?? '',
          result.accepted.includes(item.slug) ? paint('green', 'yes') : paint('dim', 'no'),
        ]),
      ),
    );
  }
  if (result.installed) lines.push('', formatInstall(result.installed, paint));
  if (result.note) lines.push('', paint('dim', result.note));
  return lines.join('\n');
}
