/**
 * skill-pool's profile tokens: a user's personal `spk_` tokens for the CLI. They are ordinary API
 * tokens (one table, one SHA-256 lookup, accepted on every surface); what is particular is the wire
 * shape, the space-separated scope string, and that a caller mints only scopes it holds itself (the
 * real server lets a viewer mint `skills:publish`; we do not).
 */
import { AgentryError, scopeAllows, type TenantRole, type TokenScope } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { ApiToken, Database } from '../db/schema.js';
import { scopesOfTenantRole } from './access.js';
import { createApiToken, revokeApiToken } from './api-tokens.js';
import { recordAudit } from './audit.js';

export const profileScopes = ['skills:read', 'skills:publish', 'tenant:admin'] as const;

export interface ProfileToken {
  id: string;
  label: string;
  /** The seed document's names for the same fields. */
  name: string;
  prefix: string;
  scopes: string;
  scope: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function profileTokenOf(token: ApiToken): ProfileToken {
  const scopes = token.scopes.join(' ');
  return {
    id: token.id,
    label: token.name,
    name: token.name,
    prefix: token.prefix,
    scopes,
    scope: scopes,
    created_at: token.created_at.toISOString(),
    last_used_at: token.last_used_at?.toISOString() ?? null,
    revoked_at: token.revoked_at?.toISOString() ?? null,
  };
}

/** `scopes` as a space-joined string or an array whose entries may hold several space-joined scopes. */
export function parseProfileScopes(value: string | string[] | undefined): TokenScope[] {
  const entries = (Array.isArray(value) ? value : [value ?? ''])
    .flatMap((entry) => entry.split(/\s+/))
    .filter(Boolean);
  if (entries.length === 0)
    throw new AgentryError('bad_request', { message: 'at least one scope is required' });
  for (const entry of entries) {
    if (!(profileScopes as readonly string[]).includes(entry)) {
      throw new AgentryError('bad_request', {
        message: `unknown scope \`${entry.slice(0, 40)}\`; allowed: ${profileScopes.join(', ')}`,
      });
    }
  }
  return [...new Set(entries as TokenScope[])].sort();
}

export interface MintInput {
  tenantId: string;
  userId: string;
  label: string | undefined;
  scopes: string | string[] | undefined;
  /** What the caller's credential may do, and the user's role now: a token never exceeds either. */
  callerScopes: readonly TokenScope[];
  role: TenantRole | undefined;
  actorTokenId: string | null;
}

export async function mintProfileToken(db: Kysely<Database>, input: MintInput) {
  const label = (input.label ?? '').trim();
  if (label.length < 1 || label.length > 80) {
    throw new AgentryError('bad_request', { message: 'label must be 1..=80 characters' });
  }
  const scopes = parseProfileScopes(input.scopes);
  const roleScopes = scopesOfTenantRole(input.role);
  const beyond = scopes.filter(
    (scope) => !scopeAllows(input.callerScopes, scope) || !scopeAllows(roleScopes, scope),
  );
  if (beyond.length > 0) {
    throw new AgentryError('scope_not_grantable', {
      message: `you cannot grant ${beyond.join(', ')}`,
      details: { scopes: beyond },
    });
  }
  const { token, record } = await createApiToken(db, {
    tenantId: input.tenantId,
    userId: input.userId,
    name: label,
    scopes,
    prefix: 'spk_',
  });
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'profile.token.create',
    actorUserId: input.userId,
    actorTokenId: input.actorTokenId,
    targetType: 'api_token',
    targetId: record.id,
    data: { label, scopes },
  });
  return { ...profileTokenOf(record), raw_token: token };
}

/** Idempotent: revoking a revoked token is fine; false only when the user has no such token. */
export async function revokeProfileToken(
  db: Kysely<Database>,
  input: { tenantId: string; userId: string; tokenId: string; actorTokenId: string | null },
): Promise<boolean> {
  const owned = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('id', '=', input.tokenId)
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', '=', input.userId)
    .executeTakeFirst();
  if (!owned) return false;
  if (await revokeApiToken(db, input.tenantId, input.userId, input.tokenId)) {
    await recordAudit(db, {
      tenantId: input.tenantId,
      action: 'profile.token.revoke',
      actorUserId: input.userId,
      actorTokenId: input.actorTokenId,
      targetType: 'api_token',
      targetId: input.tokenId,
    });
  }
  return true;
}
