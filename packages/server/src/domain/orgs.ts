/**
 * Orgs: the one namespace concept (Tank's orgs, AI Toolkit's teams, ayaiay's publishers). A scoped name
 * `@org/name` belongs to the org; owners and admins manage members, only owners manage owners, and an
 * org always keeps at least one owner.
 */
import { AgentryError, type OrgRole } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database, Org } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { findTenantRole, findUserByUsername } from './users.js';

export const orgSlugPattern = /^[a-z0-9]([a-z0-9-]{0,37}[a-z0-9])?$/;

export interface OrgMember {
  userId: string;
  username: string;
  displayName: string | null;
  role: OrgRole;
  joinedAt: Date;
}

export function findOrg(db: Kysely<Database>, tenantId: string, slug: string): Promise<Org | undefined> {
  return db
    .selectFrom('orgs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function findOrgRole(
  db: Kysely<Database>,
  orgId: string,
  userId: string,
): Promise<OrgRole | undefined> {
  const row = await db
    .selectFrom('org_members')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

export async function createOrg(
  db: Kysely<Database>,
  input: {
    tenantId: string;
    slug: string;
    name: string;
    ownerId: string;
    description?: string | undefined;
    websiteUrl?: string | undefined;
    githubOrg?: string | undefined;
  },
): Promise<Org> {
  return db.transaction().execute(async (trx) => {
    const org = await trx
      .insertInto('orgs')
      .values({
        tenant_id: input.tenantId,
        slug: input.slug,
        name: input.name,
        description: input.description ?? '',
        website_url: input.websiteUrl ?? null,
        github_org: input.githubOrg ?? null,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'slug']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!org) throw new AgentryError('conflict', { message: `The org "${input.slug}" already exists.` });
    await trx
      .insertInto('org_members')
      .values({ org_id: org.id, user_id: input.ownerId, role: 'owner' })
      .execute();
    await recordAudit(trx, {
      tenantId: input.tenantId,
      action: 'org.create',
      actorUserId: input.ownerId,
      targetType: 'org',
      targetId: org.id,
      data: { slug: org.slug },
    });
    return org;
  });
}

export function listOrgMembers(db: Kysely<Database>, orgId: string): Promise<OrgMember[]> {
  return db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id as userId',
      'u.username',
      'u.display_name as displayName',
      'm.role',
      'm.created_at as joinedAt',
    ])
    .where('m.org_id', '=', orgId)
    .orderBy('u.username')
    .execute();
}

export function listOrgsOfUser(db: Kysely<Database>, tenantId: string, userId: string) {
  return db
    .selectFrom('org_members as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select([
      'o.slug',
      'o.name',
      'o.description',
      'm.role',
      'o.created_at as createdAt',
      'm.created_at as joinedAt',
    ])
    .where('o.tenant_id', '=', tenantId)
    .where('m.user_id', '=', userId)
    .orderBy('o.slug')
    .execute();
}

/** Throws forbidden unless the actor may grant or take away `role` (owners for owners, admins for the rest). */
function assertCanManage(org: Org, actorRole: OrgRole | undefined, role: OrgRole) {
  if (actorRole === 'owner') return;
  if (actorRole === 'admin' && role !== 'owner') return;
  throw new AgentryError('org_role_required', {
    message: 'Only org owners and admins manage members; only owners manage owners.',
    details: { org: org.slug, required: role === 'owner' ? 'owner' : 'admin' },
  });
}

async function countOwners(db: Kysely<Database>, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('org_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface MemberChange {
  tenantId: string;
  org: Org;
  actorId: string;
  username: string;
  /** The new role; undefined removes the member. */
  role?: OrgRole;
}

/** Adds, re-roles or removes a member. Returns the member's new role, or undefined when removed. */
export async function changeOrgMember(
  db: Kysely<Database>,
  change: MemberChange,
): Promise<OrgRole | undefined> {
  return db.transaction().execute(async (trx) => {
    const actorRole = await findOrgRole(trx, change.org.id, change.actorId);
    if (!actorRole)
      throw new AgentryError('not_org_member', {
        message: 'Only members of the org can change it.',
        details: { org: change.org.slug },
      });
    const user = await findUserByUsername(trx, change.username);
    const current = user ? await findOrgRole(trx, change.org.id, user.id) : undefined;
    // Users are global but tenants are isolated: someone outside this tenant is unknown here (a current
    // member stays removable), so an org cannot take them in nor reveal that the name exists elsewhere.
    if (!user || (!current && !(await findTenantRole(trx, change.tenantId, user.id))))
      throw new AgentryError('user_not_found', {
        message: `No user "${change.username}".`,
        details: { username: change.username },
      });
    const selfLeaving = change.role === undefined && user.id === change.actorId;
    if (!selfLeaving) {
      assertCanManage(change.org, actorRole, change.role ?? current ?? 'member');
      if (current) assertCanManage(change.org, actorRole, current);
    }
    if (current === 'owner' && change.role !== 'owner' && (await countOwners(trx, change.org.id)) <= 1) {
      throw new AgentryError('conflict', {
        message: 'An org needs at least one owner; make someone else owner first.',
      });
    }
    if (change.role === undefined) {
      if (!current)
        throw new AgentryError('member_not_found', {
          message: `${change.username} is not a member.`,
          details: { org: change.org.slug, username: change.username },
        });
      await trx
        .deleteFrom('org_members')
        .where('org_id', '=', change.org.id)
        .where('user_id', '=', user.id)
        .execute();
    } else {
      await trx
        .insertInto('org_members')
        .values({ org_id: change.org.id, user_id: user.id, role: change.role })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role: change.role }))
        .execute();
    }
    await recordAudit(trx, {
      tenantId: change.tenantId,
      action:
        change.role === undefined ? 'org.member_remove' : current ? 'org.member_role' : 'org.member_add',
      actorUserId: change.actorId,
      targetType: 'org',
      targetId: change.org.id,
      data: { username: change.username, from: current ?? null, to: change.role ?? null },
    });
    return change.role;
  });
}

export interface OrgProfile {
  name?: string | undefined;
  description?: string | undefined;
  websiteUrl?: string | null | undefined;
  githubOrg?: string | null | undefined;
  avatarUrl?: string | null | undefined;
}

/** Changes an org's public profile; owners and admins only. */
export async function updateOrgProfile(
  db: Kysely<Database>,
  input: { tenantId: string; org: Org; actorId: string; profile: OrgProfile },
): Promise<Org> {
  const role = await findOrgRole(db, input.org.id, input.actorId);
  if (role !== 'owner' && role !== 'admin') {
    throw new AgentryError('org_role_required', {
      message: 'Only owners and admins change the profile.',
      details: { org: input.org.slug, required: 'admin' },
    });
  }
  const p = input.profile;
  const changes = {
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.websiteUrl !== undefined ? { website_url: p.websiteUrl } : {}),
    ...(p.githubOrg !== undefined ? { github_org: p.githubOrg } : {}),
    ...(p.avatarUrl !== undefined ? { avatar_url: p.avatarUrl } : {}),
  };
  // Nothing to change (an empty body): `UPDATE … SET` with no column is a syntax error, so answer as is.
  if (Object.keys(changes).length === 0) return input.org;
  const updated = await db
    .updateTable('orgs')
    .set(changes)
    .where('id', '=', input.org.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'org.update',
    actorUserId: input.actorId,
    targetType: 'org',
    targetId: input.org.id,
    data: { fields: Object.keys(p) },
  });
  return updated;
}

/** Orgs the user owns. */
export function listOwnedOrgs(db: Kysely<Database>, tenantId: string, userId: string): Promise<Org[]> {
  return db
    .selectFrom('orgs as o')
    .innerJoin('org_members as m', 'm.org_id', 'o.id')
    .selectAll('o')
    .where('o.tenant_id', '=', tenantId)
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'owner')
    .orderBy('o.slug')
    .execute();
}

export function findOrgById(db: Kysely<Database>, tenantId: string, id: string): Promise<Org | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(undefined);
  return db
    .selectFrom('orgs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}
