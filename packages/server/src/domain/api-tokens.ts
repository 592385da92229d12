/**
 * API tokens: a prefix (`agt_`, or `spk_`/`tank_`/`aitk_` for the surfaces whose clients expect one) and
 * 32 random bytes, stored as a SHA-256 hash only, so checking one is a single indexed lookup whatever
 * its prefix. A token belongs to one user in one tenant and carries scopes and an optional expiry.
 */
import {
  AgentryError,
  isTokenScope,
  isWellFormedToken,
  type TokenPrefix,
  type TokenScope,
} from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { ApiToken, Database, User } from '../db/schema.js';
import { generateApiToken, hashSecret } from './secrets.js';

export interface NewApiToken {
  tenantId: string;
  userId: string;
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
  /** Only for AGENTRY_ADMIN_TOKEN: adopt a token value chosen by the operator. */
  raw?: string;
  /** The prefix of a minted token (default `agt_`). */
  prefix?: TokenPrefix;
}

export function parseScopes(scopes: readonly string[]): TokenScope[] {
  const unknown = scopes.filter((scope) => !isTokenScope(scope));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new AgentryError('validation_error', {
      issues: [
        {
          path: ['scopes'],
          message: unknown.length ? `Unknown scope ${unknown.join(', ')}.` : 'Give at least one scope.',
        },
      ],
    });
  }
  return [...new Set(scopes as TokenScope[])].sort();
}

export async function createApiToken(
  db: Kysely<Database>,
  input: NewApiToken,
): Promise<{ token: string; record: ApiToken }> {
  const token = input.raw ?? generateApiToken(input.prefix);
  const record = await db
    .insertInto('api_tokens')
    .values({
      tenant_id: input.tenantId,
      user_id: input.userId,
      name: input.name,
      prefix: token.slice(0, 12),
      token_hash: hashSecret(token),
      scopes: parseScopes(input.scopes),
      expires_at: input.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, record };
}

export interface TokenPrincipal {
  token: ApiToken;
  user: User;
}

/**
 * Resolves a bearer token for a tenant; undefined when it is malformed, unknown, revoked, expired,
 * issued for another tenant or its user is disabled. All of these are the same 401 to the caller.
 */
export async function authenticateApiToken(
  db: Kysely<Database>,
  tenantId: string,
  raw: string,
): Promise<TokenPrincipal | undefined> {
  if (!isWellFormedToken(raw)) return undefined;
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    // A member deactivated in this tenant (SCIM) authenticates with nothing there.
    .leftJoin('tenant_members as m', (join) =>
      join.onRef('m.tenant_id', '=', 't.tenant_id').onRef('m.user_id', '=', 't.user_id'),
    )
    .selectAll('t')
    .select([
      'u.username',
      'u.email',
      'u.display_name',
      'u.password_hash',
      'u.is_pro',
      'u.created_at as user_created_at',
      'u.disabled_at',
      'm.deactivated_at as member_deactivated_at',
    ])
    .where('t.token_hash', '=', hashSecret(raw))
    .executeTakeFirst();
  if (!row || row.tenant_id !== tenantId || row.revoked_at || row.disabled_at || row.member_deactivated_at)
    return undefined;
  if (row.expires_at && row.expires_at.getTime() <= Date.now()) return undefined;
  // last_used_at is written at most once a minute per token, so reads do not become writes.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  const {
    username,
    email,
    display_name,
    password_hash,
    is_pro,
    user_created_at,
    disabled_at,
    member_deactivated_at,
    ...token
  } = row;
  return {
    token,
    user: {
      id: token.user_id,
      username,
      email,
      display_name,
      password_hash,
      is_pro,
      created_at: user_created_at,
      disabled_at,
    },
  };
}

export function listApiTokens(db: Kysely<Database>, tenantId: string, userId: string): Promise<ApiToken[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes one of the user's tokens; false when no such live token exists. */
export async function revokeApiToken(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  tokenId: string,
) {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', tokenId)
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
