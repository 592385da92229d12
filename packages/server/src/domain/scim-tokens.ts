/**
 * SCIM bearer tokens: one tenant each, separate from API tokens (they authenticate only the SCIM
 * endpoints, and an API token never authenticates SCIM unless it holds tenant:admin). `scim_` + 32
 * random bytes; only the SHA-256 is stored, and the raw value is shown once.
 */
import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ScimToken } from '../db/scim-schema.js';
import { recordAudit } from './audit.js';
import { hashSecret } from './secrets.js';

export const scimTokenPrefix = 'scim_';
const scimTokenPattern = /^scim_[A-Za-z0-9_-]{43}$/;

export function isScimToken(raw: string): boolean {
  return scimTokenPattern.test(raw);
}

export async function createScimToken(
  db: Kysely<Database>,
  input: { tenantId: string; name: string; createdBy?: string | null | undefined },
): Promise<{ token: string; record: ScimToken }> {
  const token = `${scimTokenPrefix}${randomBytes(32).toString('base64url')}`;
  const record = await db
    .insertInto('scim_tokens')
    .values({
      tenant_id: input.tenantId,
      name: input.name.trim().slice(0, 100) || 'scim',
      prefix: token.slice(0, 12),
      token_hash: hashSecret(token),
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'scim_token.created',
    actorUserId: input.createdBy ?? null,
    targetType: 'scim_token',
    targetId: record.id,
  });
  return { token, record };
}

export function listScimTokens(db: Kysely<Database>, tenantId: string): Promise<ScimToken[]> {
  return db
    .selectFrom('scim_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeScimToken(
  db: Kysely<Database>,
  input: { tenantId: string; id: string; actorUserId?: string | undefined },
): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) return false;
  const result = await db
    .updateTable('scim_tokens')
    .set({ revoked_at: sql`now()` })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'scim_token.revoked',
    actorUserId: input.actorUserId ?? null,
    targetType: 'scim_token',
    targetId: input.id,
  });
  return true;
}

/** The live token's row (and so its tenant); undefined for anything else. */
export async function authenticateScimToken(
  db: Kysely<Database>,
  raw: string,
): Promise<ScimToken | undefined> {
  if (!isScimToken(raw)) return undefined;
  const row = await db
    .selectFrom('scim_tokens')
    .selectAll()
    .where('token_hash', '=', hashSecret(raw))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('scim_tokens').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  return row;
}
