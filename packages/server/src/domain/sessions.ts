/** Web sessions: a random cookie value, stored hashed, bound to one tenant, renewed on every log-in. */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, User } from '../db/schema.js';
import { generateSessionSecret, hashSecret } from './secrets.js';

export interface NewSession {
  tenantId: string;
  userId: string;
  ttlHours: number;
  userAgent?: string | undefined;
  ip?: string | undefined;
}

export async function createSession(db: Kysely<Database>, input: NewSession): Promise<string> {
  const secret = generateSessionSecret();
  await db
    .insertInto('sessions')
    .values({
      tenant_id: input.tenantId,
      user_id: input.userId,
      token_hash: hashSecret(secret),
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      ip: input.ip ?? null,
      expires_at: new Date(Date.now() + input.ttlHours * 3_600_000),
    })
    .execute();
  return secret;
}

export async function findSessionUser(
  db: Kysely<Database>,
  tenantId: string,
  secret: string,
): Promise<{ sessionId: string; user: User } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select(['s.id as session_id', 's.tenant_id as session_tenant', 's.expires_at'])
    .where('s.token_hash', '=', hashSecret(secret))
    .executeTakeFirst();
  if (!row || row.session_tenant !== tenantId || row.disabled_at || row.expires_at.getTime() <= Date.now()) {
    return undefined;
  }
  const { session_id, session_tenant, expires_at, ...user } = row;
  return { sessionId: session_id, user };
}

export async function deleteSession(db: Kysely<Database>, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashSecret(secret)).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The user of a live session by its id (a session JWT names its session this way). */
export async function findSessionById(
  db: Kysely<Database>,
  tenantId: string,
  sessionId: string,
): Promise<{ sessionId: string; user: User } | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return undefined;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select(['s.id as session_id', 's.tenant_id as session_tenant', 's.expires_at'])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row || row.session_tenant !== tenantId || row.disabled_at || row.expires_at.getTime() <= Date.now()) {
    return undefined;
  }
  const { session_id, session_tenant, expires_at, ...user } = row;
  return { sessionId: session_id, user };
}
