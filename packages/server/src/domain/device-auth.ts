/**
 * Tank's CLI login: `start` issues a poll token (5 minutes, stored hashed); a logged-in user approves or
 * denies it in the browser; `exchange` turns an approved token into an API key exactly once.
 */
import { randomBytes } from 'node:crypto';
import { AgentryError, type TokenScope } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { scopesOfTenantRole } from './access.js';
import { createApiToken } from './api-tokens.js';
import { recordAudit } from './audit.js';
import { hashSecret } from './secrets.js';
import { findTenantRole } from './users.js';

export const pollTokenSeconds = 300;
export const cliTokenScopes: TokenScope[] = ['skills:read', 'skills:publish'];
const cliTokenDays = 90;
const pollTokenPattern = /^poll_[A-Za-z0-9_-]{43}$/;

export async function startDeviceLogin(
  db: Kysely<Database>,
  tenantId: string,
  deviceName: string | undefined,
) {
  const pollToken = `poll_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('device_codes')
    .values({
      tenant_id: tenantId,
      poll_token_hash: hashSecret(pollToken),
      device_name: deviceName ?? null,
      expires_at: new Date(Date.now() + pollTokenSeconds * 1000),
    })
    .execute();
  return { pollToken, expiresIn: pollTokenSeconds };
}

/** The live (pending, unexpired) request behind a poll token, for the consent page. */
export async function findPendingDeviceLogin(db: Kysely<Database>, tenantId: string, pollToken: string) {
  if (!pollTokenPattern.test(pollToken)) return undefined;
  return db
    .selectFrom('device_codes')
    .selectAll()
    .where('poll_token_hash', '=', hashSecret(pollToken))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function decideDeviceLogin(
  db: Kysely<Database>,
  tenantId: string,
  pollToken: string,
  userId: string,
  approve: boolean,
): Promise<boolean> {
  if (!pollTokenPattern.test(pollToken)) return false;
  const result = await db
    .updateTable('device_codes')
    .set({ status: approve ? 'approved' : 'denied', user_id: userId })
    .where('poll_token_hash', '=', hashSecret(pollToken))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type ExchangeResult =
  | { status: 'pending' }
  | { status: 'approved'; apiKey: string; scopes: TokenScope[] };

/** 410 `poll_token_expired` for unknown, expired, denied or already used tokens. */
export async function exchangeDeviceLogin(
  db: Kysely<Database>,
  tenantId: string,
  pollToken: string,
): Promise<ExchangeResult> {
  const expired = () => new AgentryError('poll_token_expired');
  if (!pollTokenPattern.test(pollToken)) throw expired();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('device_codes')
      .selectAll()
      .where('poll_token_hash', '=', hashSecret(pollToken))
      .where('tenant_id', '=', tenantId)
      .forUpdate()
      .executeTakeFirst();
    if (
      !row ||
      row.expires_at.getTime() <= Date.now() ||
      row.status === 'denied' ||
      row.status === 'consumed'
    )
      throw expired();
    if (row.status === 'pending' || !row.user_id) return { status: 'pending' as const };
    // The key carries no more than the approving user's tenant role allows (a viewer gets read only;
    // someone no longer in the tenant gets nothing).
    const allowed = scopesOfTenantRole(await findTenantRole(trx, tenantId, row.user_id));
    const scopes = cliTokenScopes.filter((scope) => allowed.includes(scope));
    if (scopes.length === 0) throw expired();
    await trx.updateTable('device_codes').set({ status: 'consumed' }).where('id', '=', row.id).execute();
    const { token, record } = await createApiToken(trx, {
      tenantId,
      userId: row.user_id,
      name: `CLI${row.device_name ? `: ${row.device_name.slice(0, 80)}` : ''}`,
      scopes,
      expiresAt: new Date(Date.now() + cliTokenDays * 86_400_000),
    });
    await recordAudit(trx, {
      tenantId,
      action: 'token.create',
      actorUserId: row.user_id,
      targetType: 'token',
      targetId: record.id,
      data: { via: 'cli-auth' },
    });
    return { status: 'approved' as const, apiKey: token, scopes };
  });
}

export async function deleteExpiredDeviceLogins(db: Kysely<Database>): Promise<void> {
  await db
    .deleteFrom('device_codes')
    .where('expires_at', '<', new Date(Date.now() - 3_600_000))
    .execute();
}
