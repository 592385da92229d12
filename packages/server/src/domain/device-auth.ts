/**
 * Tank's CLI login: `start` issues a poll token (5 minutes, stored hashed); a logged-in user approves or
 * denies it in the browser; `exchange` turns an approved token into an API key exactly once.
 * Tank's real CLI speaks a dialect of the same flow: it sends a random `state` to `start` and polls
 * with the session's id (`sessionCode`) plus that state instead of the poll token. Both name one row.
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

const sessionCodePattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startDeviceLogin(
  db: Kysely<Database>,
  tenantId: string,
  deviceName: string | undefined,
  state?: string,
) {
  const pollToken = `poll_${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('device_codes')
    .values({
      tenant_id: tenantId,
      poll_token_hash: hashSecret(pollToken),
      state_hash: state ? hashSecret(state) : null,
      device_name: deviceName ?? null,
      expires_at: new Date(Date.now() + pollTokenSeconds * 1000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { pollToken, sessionCode: row.id, expiresIn: pollTokenSeconds };
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
  | { status: 'approved'; apiKey: string; scopes: TokenScope[]; userId: string };

/** The documented poll token, or Tank CLI's session code with the state it sent to `start`. */
export type DeviceLoginKey = { pollToken: string } | { sessionCode: string; state: string };

function isWellFormed(key: DeviceLoginKey): boolean {
  return 'pollToken' in key
    ? pollTokenPattern.test(key.pollToken)
    : sessionCodePattern.test(key.sessionCode) && key.state.length > 0;
}

/** 410 `poll_token_expired` for unknown, expired, denied or already used tokens. */
export async function exchangeDeviceLogin(
  db: Kysely<Database>,
  tenantId: string,
  key: DeviceLoginKey,
): Promise<ExchangeResult> {
  const expired = () => new AgentryError('poll_token_expired');
  if (!isWellFormed(key)) throw expired();
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('device_codes').selectAll().where('tenant_id', '=', tenantId);
    // A session code alone never suffices: the state is known only to the CLI that started the login
    // (a session started without one cannot be exchanged this way).
    query =
      'pollToken' in key
        ? query.where('poll_token_hash', '=', hashSecret(key.pollToken))
        : query.where('id', '=', key.sessionCode).where('state_hash', '=', hashSecret(key.state));
    const row = await query.forUpdate().executeTakeFirst();
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
    return { status: 'approved' as const, apiKey: token, scopes, userId: row.user_id };
  });
}

export async function deleteExpiredDeviceLogins(db: Kysely<Database>): Promise<void> {
  await db
    .deleteFrom('device_codes')
    .where('expires_at', '<', new Date(Date.now() - 3_600_000))
    .execute();
}
