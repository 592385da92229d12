/**
 * AGENTRY_ADMIN_TOKEN: start-up ensures an `admin` user, an admin of the default tenant, holding that
 * exact token with every scope. The environment is the source of truth: a revoked or re-scoped copy of
 * the token is restored, so remove the variable to retire it.
 */
import { tokenScopes } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { createApiToken, parseScopes } from './api-tokens.js';
import { hashSecret } from './secrets.js';
import { createUser, findUserByUsername, setTenantRole } from './users.js';

export async function ensureAdminToken(db: Kysely<Database>, tenantId: string, raw: string): Promise<void> {
  // Processes of one deployment start together with the same token: serialise them, or the slower one
  // fails start-up on the unique username or token hash that the faster one has just inserted.
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(4242002)`.execute(trx);
    await ensureAdminTokenLocked(trx, tenantId, raw);
  });
}

async function ensureAdminTokenLocked(db: Kysely<Database>, tenantId: string, raw: string): Promise<void> {
  const admin = (await findUserByUsername(db, 'admin')) ?? (await createUser(db, { username: 'admin' }));
  await setTenantRole(db, tenantId, admin.id, 'admin');
  const existing = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hashSecret(raw))
    .executeTakeFirst();
  if (!existing) {
    await createApiToken(db, {
      tenantId,
      userId: admin.id,
      name: 'AGENTRY_ADMIN_TOKEN',
      scopes: tokenScopes,
      raw,
    });
    return;
  }
  await db
    .updateTable('api_tokens')
    .set({
      user_id: admin.id,
      tenant_id: tenantId,
      scopes: parseScopes(tokenScopes),
      revoked_at: null,
      expires_at: null,
    })
    .where('id', '=', existing.id)
    .execute();
}
