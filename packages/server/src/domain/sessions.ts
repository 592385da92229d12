/** Web sessions: a random cookie value, stored hashed, bound to one tenant, renewed on every log-in. */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, User } from '../db/schema.js';
import { generateSessionSecret, hashSecret } from './secrets.js';

/** Sessions minted by single sign-on carry skill-pool's format, `sps_` + 64 hex, usable as a Bearer too. */
export const ssoSessionPattern = /^sps_[0-9a-f]{64}$/;

export interface NewSession {
  tenantId: string;
  userId: string;
  ttlHours: number;
  userAgent?: string | undefined;
  ip?: string | undefined;
}

export async function createSession(
  db: Kysely<Database>,
  input: NewSession,
  secret = generateSessionSecret(),
): Promise<string> {
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

/** A session counts in its own tenant, for an enabled user whose membership there is not deactivated. */
function liveSession<
  T extends {
    session_tenant: string;
    disabled_at: Date | null;
    expires_at: Date;
    member_deactivated_at: Date | null;
  },
>(row: T | undefined, tenantId: string): row is T {
  return (
    row !== undefined &&
    row.session_tenant === tenantId &&
    !row.disabled_at &&
    !row.member_deactivated_at &&
    row.expires_at.getTime() > Date.now()
  );
}

export async function findSessionUser(
  db: Kysely<Database>,
  tenantId: string,
  secret: string,
): Promise<{ sessionId: string; user: User } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret) && !ssoSessionPattern.test(secret)) return undefined;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('tenant_members as m', (join) =>
      join.onRef('m.tenant_id', '=', 's.tenant_id').onRef('m.user_id', '=', 's.user_id'),
    )
    .selectAll('u')
    .select([
      's.id as session_id',
      's.tenant_id as session_tenant',
      's.expires_at',
      'm.deactivated_at as member_deactivated_at',
    ])
    .where('s.token_hash', '=', hashSecret(secret))
    .executeTakeFirst();
  if (!liveSession(row, tenantId)) return undefined;
  const { session_id, session_tenant, expires_at, member_deactivated_at, ...user } = row;
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
    .leftJoin('tenant_members as m', (join) =>
      join.onRef('m.tenant_id', '=', 's.tenant_id').onRef('m.user_id', '=', 's.user_id'),
    )
    .selectAll('u')
    .select([
      's.id as session_id',
      's.tenant_id as session_tenant',
      's.expires_at',
      'm.deactivated_at as member_deactivated_at',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!liveSession(row, tenantId)) return undefined;
  const { session_id, session_tenant, expires_at, member_deactivated_at, ...user } = row;
  return { sessionId: session_id, user };
}

/** Ends one session of a tenant (log-out by a Bearer session or the web). */
export async function deleteSessionById(
  db: Kysely<Database>,
  tenantId: string,
  sessionId: string,
): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).where('tenant_id', '=', tenantId).execute();
}
