/**
 * Tenant membership as tenant admins manage it: the member list, role changes, removal, and
 * deactivation (SCIM `active: false`). Removing or deactivating a member revokes, in that tenant and at
 * once, every API token, web session and OAuth client that acts as them; the last active admin can be
 * neither demoted nor removed by another admin (an identity provider can, see domain/scim.ts).
 */
import { AgentryError, type TenantRole, tenantRoles } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { findUserByLogin } from './users.js';

export interface TenantMember {
  userId: string;
  username: string;
  email: string | null;
  displayName: string | null;
  role: TenantRole;
  active: boolean;
  joinedAt: Date;
  /** Provisioned by an identity provider over SCIM. */
  scim: boolean;
}

export interface MemberActor {
  tenantId: string;
  actorUserId: string;
  actorTokenId?: string | undefined;
}

export function isTenantRole(value: unknown): value is TenantRole {
  return typeof value === 'string' && (tenantRoles as readonly string[]).includes(value);
}

function memberQuery(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id as userId',
      'u.username',
      'u.email',
      'u.display_name as displayName',
      'm.role',
      'm.deactivated_at',
      'm.created_at as joinedAt',
      'm.scim_user_name',
    ])
    .where('m.tenant_id', '=', tenantId);
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>['executeTakeFirstOrThrow']>>;

function toMember(row: MemberRow): TenantMember {
  return {
    userId: row.userId,
    username: row.username,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    active: row.deactivated_at === null,
    joinedAt: row.joinedAt,
    scim: row.scim_user_name !== null,
  };
}

/** Every member of the tenant, in the order they joined. */
export async function listTenantMembers(db: Kysely<Database>, tenantId: string): Promise<TenantMember[]> {
  const rows = await memberQuery(db, tenantId).orderBy('m.created_at').orderBy('u.username').execute();
  return rows.map(toMember);
}

export async function findTenantMember(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<TenantMember | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return undefined;
  const row = await memberQuery(db, tenantId).where('m.user_id', '=', userId).executeTakeFirst();
  return row ? toMember(row) : undefined;
}

async function requireMember(db: Kysely<Database>, tenantId: string, userId: string) {
  const member = await findTenantMember(db, tenantId, userId);
  if (!member) throw new AgentryError('not_found', { message: 'No such member in this tenant.' });
  return member;
}

async function activeAdminCount(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('tenant_members')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function refuseLastAdmin(db: Kysely<Database>, tenantId: string, member: TenantMember, what: string) {
  if (member.role === 'admin' && member.active && (await activeAdminCount(db, tenantId)) <= 1) {
    throw new AgentryError('bad_request', {
      message: `refusing to ${what} the last admin of this tenant`,
    });
  }
}

/** A tenant admin changes a member's role; demoting the last active admin is refused. */
export async function changeMemberRole(
  db: Kysely<Database>,
  actor: MemberActor,
  userId: string,
  role: unknown,
): Promise<TenantMember> {
  if (!isTenantRole(role)) {
    throw new AgentryError('bad_request', { message: `role must be one of ${tenantRoles.join(', ')}` });
  }
  const member = await requireMember(db, actor.tenantId, userId);
  if (member.role === role) return member;
  if (role !== 'admin') await refuseLastAdmin(db, actor.tenantId, member, 'demote');
  await db
    .updateTable('tenant_members')
    .set({ role, updated_at: sql`now()` })
    .where('tenant_id', '=', actor.tenantId)
    .where('user_id', '=', userId)
    .execute();
  await recordAudit(db, {
    tenantId: actor.tenantId,
    action: 'member.role_changed',
    actorUserId: actor.actorUserId,
    actorTokenId: actor.actorTokenId ?? null,
    targetType: 'user',
    targetId: userId,
    data: { from: member.role, to: role },
  });
  return { ...member, role };
}

/** A tenant admin adds an existing account (by username or email) with a role, or changes its role. */
export async function addTenantMember(
  db: Kysely<Database>,
  actor: MemberActor,
  login: string,
  role: unknown,
): Promise<TenantMember> {
  if (!isTenantRole(role)) {
    throw new AgentryError('bad_request', { message: `role must be one of ${tenantRoles.join(', ')}` });
  }
  const user = login.trim() ? await findUserByLogin(db, login) : undefined;
  if (!user || user.disabled_at) throw new AgentryError('not_found', { message: 'No such account.' });
  const existing = await findTenantMember(db, actor.tenantId, user.id);
  if (existing) return changeMemberRole(db, actor, user.id, role);
  await db
    .insertInto('tenant_members')
    .values({ tenant_id: actor.tenantId, user_id: user.id, role })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
    .execute();
  await recordAudit(db, {
    tenantId: actor.tenantId,
    action: 'member.added',
    actorUserId: actor.actorUserId,
    actorTokenId: actor.actorTokenId ?? null,
    targetType: 'user',
    targetId: user.id,
    data: { role },
  });
  return requireMember(db, actor.tenantId, user.id);
}

/**
 * Ends everything that acts as `userId` in the tenant, in one statement each: API tokens are revoked,
 * web sessions deleted (session JWTs name a session, so they die too), OAuth clients they created revoked.
 */
export async function revokeMemberCredentials(db: Kysely<Database>, tenantId: string, userId: string) {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  await db
    .updateTable('oauth_clients')
    .set({ revoked_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('created_by', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** A tenant admin removes a member: the membership goes and their credentials in the tenant end. */
export async function removeTenantMember(db: Kysely<Database>, actor: MemberActor, userId: string) {
  const member = await requireMember(db, actor.tenantId, userId);
  await refuseLastAdmin(db, actor.tenantId, member, 'remove');
  await db.transaction().execute(async (trx) => {
    await revokeMemberCredentials(trx, actor.tenantId, userId);
    await trx
      .deleteFrom('scim_group_members')
      .where('user_id', '=', userId)
      .where(
        'group_id',
        'in',
        trx.selectFrom('scim_groups').select('id').where('tenant_id', '=', actor.tenantId),
      )
      .execute();
    await trx
      .deleteFrom('tenant_members')
      .where('tenant_id', '=', actor.tenantId)
      .where('user_id', '=', userId)
      .execute();
  });
  await recordAudit(db, {
    tenantId: actor.tenantId,
    action: 'member.removed',
    actorUserId: actor.actorUserId,
    actorTokenId: actor.actorTokenId ?? null,
    targetType: 'user',
    targetId: userId,
  });
}

/** The wire form of a member (skill-pool's `GET /v1/tenant/members`). */
export function memberWire(member: TenantMember) {
  return {
    id: member.userId,
    username: member.username,
    email: member.email ?? '',
    ...(member.displayName ? { display_name: member.displayName } : {}),
    role: member.role,
    joined_at: member.joinedAt.toISOString(),
    active: member.active,
    scim_managed: member.scim,
  };
}
