/** `star`/`unstar`, `token create|list|revoke` and `org create|list|info|add|remove`: Tank-surface calls. */
import {
  TankCreatedToken,
  TankOrg,
  TankOrgList,
  TankOrgMemberRemoved,
  TankOrgMembership,
  type TankTokenInfo,
  TankTokenList,
  TankTokenRevoked,
} from '@agentry/core/api';
import { jsonBody } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { clean, type Paint, table } from '../format.js';
import { type CommandContext, requireToken } from './context.js';

const enc = encodeURIComponent;

export async function runStar(
  ctx: CommandContext,
  name: string,
  on: boolean,
): Promise<{ name: string; starred: boolean; stars: number }> {
  requireToken(ctx);
  const answer = await ctx.registry.star(name, on);
  return { name, ...answer };
}

export function formatStar(result: { name: string; starred: boolean; stars: number }): string {
  return `${result.starred ? '★ starred' : '☆ unstarred'} ${result.name} (${result.stars} stars)`;
}

/** A token as listed; the raw value only right after `token create`. */
export type TokenInfo = TankTokenInfo & { token?: string };

const scopes = ['skills:read', 'skills:publish', 'skills:admin'];

export async function runTokenCreate(
  ctx: CommandContext,
  name: string,
  options: { scope?: string[]; expires?: string | undefined },
): Promise<TokenInfo> {
  requireToken(ctx);
  const wanted =
    options.scope && options.scope.length > 0
      ? options.scope.flatMap((s) => s.split(/[ ,]+/)).filter(Boolean)
      : ['skills:read'];
  const unknown = wanted.filter((scope) => !scopes.includes(scope));
  if (unknown.length > 0)
    throw new CliError('usage', `unknown scope ${unknown.join(', ')}`, `scopes: ${scopes.join(', ')}`);
  let expiresInDays: number | null = 90;
  if (options.expires !== undefined) {
    if (options.expires === 'never') expiresInDays = null;
    else {
      expiresInDays = Number(options.expires.replace(/d$/, ''));
      if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)
        throw new CliError('usage', '--expires takes days (1–3650) or never', 'e.g. --expires 30');
    }
  }
  return ctx.client.request('/api/v1/tokens', TankCreatedToken, {
    method: 'POST',
    ...jsonBody({ name, scopes: wanted, expiresInDays }),
  });
}

export async function runTokenList(ctx: CommandContext): Promise<{ tokens: TokenInfo[] }> {
  requireToken(ctx);
  return ctx.client.request('/api/v1/tokens', TankTokenList);
}

export async function runTokenRevoke(
  ctx: CommandContext,
  id: string,
): Promise<{ id: string; revoked: true }> {
  requireToken(ctx);
  return ctx.client.request(`/api/v1/tokens/${enc(id)}`, TankTokenRevoked, { method: 'DELETE' });
}

export function formatToken(token: TokenInfo): string {
  const lines = [
    `token ${clean(token.name)} (${token.id}) scopes ${token.scopes.join(' ')}, expires ${token.expiresAt ?? 'never'}`,
  ];
  if (token.token) lines.push('', token.token, '', 'This is the only time the token is shown; store it now.');
  return lines.join('\n');
}

export function formatTokens(result: { tokens: TokenInfo[] }): string {
  if (result.tokens.length === 0) return 'No tokens';
  return table(
    ['ID', 'NAME', 'PREFIX', 'SCOPES', 'EXPIRES', 'LAST USED', 'STATE'],
    result.tokens.map((t) => [
      t.id,
      clean(t.name),
      t.prefix,
      t.scopes.join(' '),
      t.expiresAt?.slice(0, 10) ?? 'never',
      t.lastUsedAt?.slice(0, 10) ?? '-',
      t.revokedAt ? 'revoked' : 'active',
    ]),
  );
}

const roles = ['owner', 'admin', 'member'];

export async function runOrgCreate(
  ctx: CommandContext,
  slug: string,
  name: string | undefined,
): Promise<TankOrg> {
  requireToken(ctx);
  return ctx.client.request('/api/v1/orgs', TankOrg, {
    method: 'POST',
    ...jsonBody({ slug, ...(name ? { name } : {}) }),
  });
}

export async function runOrgList(ctx: CommandContext): Promise<TankOrgList> {
  requireToken(ctx);
  return ctx.client.request('/api/v1/orgs', TankOrgList);
}

export function runOrgInfo(ctx: CommandContext, slug: string): Promise<TankOrg> {
  return ctx.client.request(`/api/v1/orgs/${enc(slug)}`, TankOrg);
}

export async function runOrgAdd(
  ctx: CommandContext,
  slug: string,
  username: string,
  role: string,
): Promise<{ username: string; role: string }> {
  requireToken(ctx);
  if (!roles.includes(role))
    throw new CliError('usage', `unknown role ${role}`, `roles: ${roles.join(', ')}`);
  const current = await ctx.client.request(`/api/v1/orgs/${enc(slug)}`, TankOrg);
  // Adding someone already in the org changes their role instead.
  if (current.members?.some((m) => m.username === username)) {
    return ctx.client.request(`/api/v1/orgs/${enc(slug)}/members/${enc(username)}`, TankOrgMembership, {
      method: 'PATCH',
      ...jsonBody({ role }),
    });
  }
  return ctx.client.request(`/api/v1/orgs/${enc(slug)}/members`, TankOrgMembership, {
    method: 'POST',
    ...jsonBody({ username, role }),
  });
}

export async function runOrgRemove(
  ctx: CommandContext,
  slug: string,
  username: string,
): Promise<{ username: string; removed: true }> {
  requireToken(ctx);
  return ctx.client.request(`/api/v1/orgs/${enc(slug)}/members/${enc(username)}`, TankOrgMemberRemoved, {
    method: 'DELETE',
  });
}

export function formatOrg(org: TankOrg, paint: Paint): string {
  const lines = [
    `${paint('bold', `@${org.slug}`)} ${clean(org.name)}${org.role ? ` (you: ${org.role})` : ''}`,
  ];
  if (org.members)
    lines.push(
      table(
        ['MEMBER', 'ROLE', 'JOINED'],
        org.members.map((m) => [clean(m.username), m.role, m.joinedAt.slice(0, 10)]),
      ),
    );
  return lines.join('\n');
}

export function formatOrgs(result: TankOrgList): string {
  if (result.orgs.length === 0) return 'You are in no orgs; agentry org create <slug> makes one';
  return table(
    ['ORG', 'NAME', 'ROLE'],
    result.orgs.map((o) => [`@${o.slug}`, clean(o.name), o.role]),
  );
}
