/**
 * Lifecycle without curl: `yank` (cargo's `yank [--undo]`), `deprecate`/`undeprecate` (npm's `deprecate
 * <name>[@range] <message>`: every version the range matches, all versions without one) and `visibility`
 * (npm's `access set status=…`). Each needs a token with skills:publish on the artifact.
 */
import { TankDeprecationState, TankVisibility, TankVisibilityState, TankYankState } from '@agentry/core/api';
import semver from 'semver';
import { jsonBody } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Paint } from '../format.js';
import { clean } from '../format.js';
import { type CommandContext, requireToken } from './context.js';
import { splitSpec } from './search.js';

const enc = encodeURIComponent;

export interface YankResult {
  name: string;
  version: string;
  yanked: boolean;
  reason?: string | undefined;
}

export async function runYank(
  ctx: CommandContext,
  spec: string,
  options: { reason?: string | undefined; undo?: boolean | undefined } = {},
): Promise<YankResult> {
  const { name, range: version } = splitSpec(spec);
  if (!version || !semver.valid(version))
    throw new CliError('usage', `yank needs an exact version: ${spec}`, `e.g. agentry yank ${name}@1.2.0`);
  if (options.undo && options.reason) throw new CliError('usage', '--reason goes with a yank, not --undo');
  requireToken(ctx);
  const result = await ctx.client.request(
    `/api/v1/skills/${enc(name)}/${enc(version)}/yank`,
    TankYankState,
    options.undo
      ? { method: 'DELETE' }
      : { method: 'POST', ...jsonBody(options.reason ? { reason: options.reason } : {}) },
  );
  return { ...result, ...(options.reason ? { reason: options.reason } : {}) };
}

export function formatYank(result: YankResult): string {
  return result.yanked
    ? `yanked ${clean(result.name)}@${result.version}${result.reason ? ` (${clean(result.reason)})` : ''}: no range resolves to it any more; lockfiles that pin it still install it`
    : `restored ${clean(result.name)}@${result.version}`;
}

export interface DeprecateResult {
  name: string;
  range: string | null;
  message: string | null;
  versions: string[];
}

/** The message on every version `name[@range]` matches (prereleases included), or cleared with null. */
export async function runDeprecate(
  ctx: CommandContext,
  spec: string,
  message: string | null,
): Promise<DeprecateResult> {
  const { name, range } = splitSpec(spec);
  if (range && semver.validRange(range) === null)
    throw new CliError('usage', `"${range}" is not a version or semver range`, `e.g. ${name}@"<2.0.0"`);
  if (message !== null && !message.trim())
    throw new CliError(
      'usage',
      'the deprecation message is empty',
      `agentry deprecate ${spec} "use x instead"`,
    );
  requireToken(ctx);
  const { versions } = await ctx.registry.getVersions(name);
  const matched = versions
    .map((v) => v.version)
    .filter((v) => !range || semver.satisfies(v, range, { includePrerelease: true }));
  if (matched.length === 0)
    throw new CliError(
      'no_matching_version',
      `no version of ${name} matches ${range}`,
      `agentry info ${name}`,
    );
  for (const version of matched) {
    await ctx.client.request(
      `/api/v1/skills/${enc(name)}/${enc(version)}/deprecate`,
      TankDeprecationState,
      message === null ? { method: 'DELETE' } : { method: 'POST', ...jsonBody({ message }) },
    );
  }
  return { name, range: range ?? null, message, versions: matched };
}

export function formatDeprecate(result: DeprecateResult, paint: Paint): string {
  const what = result.versions.length === 1 ? result.versions[0] : `${result.versions.length} versions`;
  return result.message === null
    ? `${clean(result.name)}: deprecation removed from ${what}`
    : `${clean(result.name)}: ${what} deprecated — ${paint('yellow', clean(result.message))}\n  ${result.versions.join(', ')}`;
}

export const visibilities = TankVisibility.options;
export type Visibility = TankVisibility;
export type VisibilityResult = TankVisibilityState;

export async function runVisibility(
  ctx: CommandContext,
  name: string,
  value: string,
): Promise<VisibilityResult> {
  if (!(visibilities as readonly string[]).includes(value))
    throw new CliError('usage', `visibility is public, private or team, not ${value}`);
  if (value === 'team' && !name.startsWith('@'))
    throw new CliError('usage', 'team visibility needs a scoped name (@team/name)');
  requireToken(ctx);
  return ctx.client.request(`/api/v1/skills/${enc(name)}`, TankVisibilityState, {
    method: 'PATCH',
    ...jsonBody({ visibility: value }),
  });
}

const visibilityMeaning: Record<Visibility, string> = {
  public: 'anyone can find and install it',
  private: 'only its publisher (and, for an org artifact, the org) can see it',
  team: 'only members of the owning org can see it',
};

export function formatVisibility(result: VisibilityResult): string {
  return `${clean(result.name)} is now ${result.visibility}: ${visibilityMeaning[result.visibility]}`;
}
