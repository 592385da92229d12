/**
 * SCIM 2.0 provisioning of a tenant (RFC 7643/7644): Users are the tenant's members (their id is the
 * account id), Groups map to tenant roles. An identity provider creates members (linking an existing
 * account by email, or creating one), deactivates them (`active: false`: tokens, sessions and OAuth
 * clients in the tenant end at once, nothing authenticates as them there) and deletes them (the same,
 * and the membership goes). A member's role follows the highest role of the mapped groups they are in
 * (`viewer` when none), recomputed whenever their groups change; the identity provider is the authority.
 */
import { AgentryError, type TenantRole, tenantRoleAtLeast, tenantRoles } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ScimGroup } from '../db/scim-schema.js';
import { recordAudit } from './audit.js';
import { type FilterNode, matchesFilter, parseFilter, parsePatchPath, scimError } from './scim-filter.js';
import { revokeMemberCredentials } from './tenant-members.js';
import { usernamePattern } from './users.js';

export const scimSchemas = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export interface ScimContext {
  db: Kysely<Database>;
  tenantId: string;
  /** Absolute base of the SCIM endpoints as the client called them, for `meta.location`. */
  baseUrl: string;
  tokenId: string | null;
}

type Json = Record<string, unknown>;

// Users --------------------------------------------------------------------------------------------------

interface MemberRow {
  userId: string;
  username: string;
  email: string | null;
  displayName: string | null;
  created: Date;
  updated: Date;
  deactivated: Date | null;
  scimUserName: string | null;
  externalId: string | null;
  data: Json;
}

function memberRows(ctx: ScimContext) {
  return ctx.db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id as userId',
      'u.username',
      'u.email',
      'u.display_name as displayName',
      'm.created_at as created',
      'm.updated_at as updated',
      'm.deactivated_at as deactivated',
      'm.scim_user_name as scimUserName',
      'm.scim_external_id as externalId',
      'm.scim_data as data',
    ])
    .where('m.tenant_id', '=', ctx.tenantId);
}

function asJson(value: unknown): Json {
  if (typeof value === 'string') {
    try {
      return asJson(JSON.parse(value));
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

async function groupsOf(ctx: ScimContext, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, { value: string; display: string }[]>();
  const rows = await ctx.db
    .selectFrom('scim_group_members as gm')
    .innerJoin('scim_groups as g', 'g.id', 'gm.group_id')
    .select(['gm.user_id', 'g.id', 'g.display_name'])
    .where('g.tenant_id', '=', ctx.tenantId)
    .where('gm.user_id', 'in', userIds)
    .orderBy('g.display_name')
    .execute();
  const map = new Map<string, { value: string; display: string }[]>();
  for (const row of rows) {
    const list = map.get(row.user_id) ?? [];
    list.push({ value: row.id, display: row.display_name });
    map.set(row.user_id, list);
  }
  return map;
}

function userResource(ctx: ScimContext, row: MemberRow, groups: { value: string; display: string }[]): Json {
  const data = asJson(row.data);
  const userName = row.scimUserName ?? row.email ?? row.username;
  const emails = Array.isArray(data.emails)
    ? data.emails
    : row.email
      ? [{ value: row.email, primary: true, type: 'work' }]
      : [];
  const name = data.name ?? (row.displayName ? { formatted: row.displayName } : undefined);
  const { emails: _e, name: _n, ...rest } = data;
  return {
    schemas: [scimSchemas.user, ...(rest[scimSchemas.enterpriseUser] ? [scimSchemas.enterpriseUser] : [])],
    id: row.userId,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName,
    ...(name ? { name } : {}),
    displayName: (data.displayName as string | undefined) ?? row.displayName ?? row.username,
    ...rest,
    active: row.deactivated === null,
    emails,
    groups: groups.map((group) => ({ ...group, $ref: `${ctx.baseUrl}/Groups/${group.value}` })),
    meta: {
      resourceType: 'User',
      created: row.created.toISOString(),
      lastModified: row.updated.toISOString(),
      location: `${ctx.baseUrl}/Users/${row.userId}`,
    },
  };
}

async function loadUsers(ctx: ScimContext, userId?: string): Promise<Json[]> {
  let query = memberRows(ctx).orderBy('m.created_at').orderBy('u.username');
  if (userId !== undefined) {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return [];
    query = query.where('m.user_id', '=', userId);
  }
  const rows = (await query.execute()) as MemberRow[];
  const groups = await groupsOf(
    ctx,
    rows.map((row) => row.userId),
  );
  return rows.map((row) => userResource(ctx, row, groups.get(row.userId) ?? []));
}

export async function getScimUser(ctx: ScimContext, id: string): Promise<Json> {
  const [user] = await loadUsers(ctx, id);
  if (!user) throw new AgentryError('not_found', { message: `User ${id.slice(0, 40)} not found` });
  return user;
}

export interface ListQuery {
  filter?: string | undefined;
  startIndex?: string | undefined;
  count?: string | undefined;
}

export const maxResults = 200;

function listResponse(all: Json[], query: ListQuery): Json {
  const filter: FilterNode | undefined = query.filter?.trim() ? parseFilter(query.filter) : undefined;
  const matching = filter ? all.filter((resource) => matchesFilter(resource, filter)) : all;
  const start = Math.max(1, Number.parseInt(query.startIndex ?? '1', 10) || 1);
  const parsedCount = Number.parseInt(query.count ?? '', 10);
  const count = Number.isNaN(parsedCount) ? 100 : Math.min(maxResults, Math.max(0, parsedCount));
  const page = matching.slice(start - 1, start - 1 + count);
  return {
    schemas: [scimSchemas.list],
    totalResults: matching.length,
    startIndex: start,
    itemsPerPage: page.length,
    Resources: page,
  };
}

export async function listScimUsers(ctx: ScimContext, query: ListQuery): Promise<Json> {
  return listResponse(await loadUsers(ctx), query);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `true`/`false`, or Entra's `"True"`/`"False"` strings; anything else is invalidValue. */
function booleanOf(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  throw scimError('invalidValue', `${what} must be a boolean`);
}

const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

function primaryEmail(body: Json): string | undefined {
  const emails = Array.isArray(body.emails) ? (body.emails as Json[]) : [];
  const chosen = emails.find((email) => email?.primary === true) ?? emails[0];
  const value = text(chosen?.value);
  if (value && emailPattern.test(value)) return value;
  const userName = text(body.userName);
  return userName && emailPattern.test(userName) ? userName : undefined;
}

function displayNameOf(body: Json): string | undefined {
  const name = asJson(body.name);
  return (
    text(body.displayName) ??
    text(name.formatted) ??
    (text([name.givenName, name.familyName].filter((part) => typeof part === 'string').join(' ')) ||
      undefined)
  );
}

/** The attributes kept per membership: everything sent but the ones stored in columns. */
function scimDataOf(body: Json): Json {
  const { schemas, id, meta, userName, externalId, active, groups, password, ...rest } = body;
  return rest;
}

async function uniqueUsername(db: Kysely<Database>, wanted: string): Promise<string> {
  const base =
    wanted
      .toLowerCase()
      .replace(/@.*$/, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32)
      .replace(/-+$/, '') || 'user';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const candidate = attempt === 0 ? base : `${base}-${attempt + 1}`;
    if (!usernamePattern.test(candidate)) continue;
    const taken = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', candidate)
      .executeTakeFirst();
    if (!taken) return candidate;
  }
  return `${base.slice(0, 24)}-${Math.random().toString(36).slice(2, 10)}`;
}

async function assertUserNameFree(ctx: ScimContext, userName: string, except?: string) {
  let query = ctx.db
    .selectFrom('tenant_members')
    .select('user_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) => eb(eb.fn('lower', ['scim_user_name']), '=', userName.toLowerCase()));
  if (except) query = query.where('user_id', '!=', except);
  if (await query.executeTakeFirst()) {
    throw scimError('uniqueness', `userName "${userName.slice(0, 80)}" is already provisioned`, 'conflict');
  }
}

async function audit(ctx: ScimContext, action: string, targetType: string, targetId: string, data?: Json) {
  await recordAudit(ctx.db, {
    tenantId: ctx.tenantId,
    action,
    targetType,
    targetId,
    data: { via: 'scim', scimToken: ctx.tokenId, ...data },
  });
}

/** POST /Users: links the account with this email, or creates one; joins the tenant as viewer. */
export async function createScimUser(ctx: ScimContext, body: Json): Promise<Json> {
  const userName = text(body.userName);
  if (!userName) throw scimError('invalidValue', 'userName is required');
  const active = body.active === undefined ? true : booleanOf(body.active, 'active');
  await assertUserNameFree(ctx, userName);
  const email = primaryEmail(body);
  const userId = await ctx.db.transaction().execute(async (trx) => {
    let user = email
      ? await trx
          .selectFrom('users')
          .select(['id'])
          .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
          .executeTakeFirst()
      : undefined;
    if (!user) {
      user = await trx
        .insertInto('users')
        .values({
          username: await uniqueUsername(trx, userName),
          email: email ?? null,
          display_name: displayNameOf(body)?.slice(0, 100) ?? null,
          password_hash: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    }
    const existing = await trx
      .selectFrom('tenant_members')
      .select(['scim_user_name'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (existing?.scim_user_name) {
      throw scimError('uniqueness', 'this account is already provisioned in this tenant', 'conflict');
    }
    const values = {
      scim_user_name: userName,
      scim_external_id: text(body.externalId) ?? null,
      scim_data: JSON.stringify(scimDataOf(body)),
      deactivated_at: active ? null : new Date(),
      updated_at: sql<Date>`now()`,
    };
    if (existing) {
      await trx
        .updateTable('tenant_members')
        .set(values)
        .where('tenant_id', '=', ctx.tenantId)
        .where('user_id', '=', user.id)
        .execute();
    } else {
      await trx
        .insertInto('tenant_members')
        .values({ tenant_id: ctx.tenantId, user_id: user.id, role: 'viewer', ...values })
        .execute();
    }
    if (!active) await revokeMemberCredentials(trx, ctx.tenantId, user.id);
    return user.id;
  });
  await audit(ctx, 'scim.user_created', 'user', userId, { userName, active });
  return getScimUser(ctx, userId);
}

async function requireMemberRow(ctx: ScimContext, id: string): Promise<MemberRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AgentryError('not_found', { message: 'User not found' });
  const row = (await memberRows(ctx).where('m.user_id', '=', id).executeTakeFirst()) as MemberRow | undefined;
  if (!row) throw new AgentryError('not_found', { message: `User ${id} not found` });
  return row;
}

interface UserState {
  userName: string;
  externalId: string | null;
  active: boolean;
  data: Json;
}

async function saveUser(ctx: ScimContext, row: MemberRow, next: UserState) {
  if (next.userName.toLowerCase() !== (row.scimUserName ?? '').toLowerCase()) {
    await assertUserNameFree(ctx, next.userName, row.userId);
  }
  const wasActive = row.deactivated === null;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tenant_members')
      .set({
        scim_user_name: next.userName,
        scim_external_id: next.externalId,
        scim_data: JSON.stringify(next.data),
        deactivated_at: next.active ? null : (row.deactivated ?? new Date()),
        updated_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', row.userId)
      .execute();
    if (!next.active) await revokeMemberCredentials(trx, ctx.tenantId, row.userId);
  });
  if (wasActive !== next.active) {
    await audit(ctx, next.active ? 'scim.user_reactivated' : 'scim.user_deactivated', 'user', row.userId);
  }
}

function stateOf(row: MemberRow): UserState {
  return {
    userName: row.scimUserName ?? row.email ?? row.username,
    externalId: row.externalId,
    active: row.deactivated === null,
    data: { ...asJson(row.data) },
  };
}

/** PUT /Users/{id}: the resource as sent replaces what the identity provider set before. */
export async function replaceScimUser(ctx: ScimContext, id: string, body: Json): Promise<Json> {
  const row = await requireMemberRow(ctx, id);
  const userName = text(body.userName);
  if (!userName) throw scimError('invalidValue', 'userName is required');
  await saveUser(ctx, row, {
    userName,
    externalId: text(body.externalId) ?? null,
    active: body.active === undefined ? true : booleanOf(body.active, 'active'),
    data: scimDataOf(body),
  });
  return getScimUser(ctx, id);
}

interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

export function patchOperations(body: Json): PatchOperation[] {
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.includes(scimSchemas.patch)) {
    throw scimError('invalidSyntax', `schemas must include ${scimSchemas.patch}`);
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimError('invalidSyntax', 'Operations must be a non-empty array');
  }
  return operations.map((raw) => {
    const operation = asJson(raw);
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw scimError('invalidSyntax', `op must be add, replace or remove`);
    }
    const path =
      typeof operation.path === 'string' && operation.path.trim() ? operation.path.trim() : undefined;
    if (op === 'remove' && !path) throw scimError('noTarget', 'remove needs a path');
    return { op, ...(path ? { path } : {}), value: operation.value };
  });
}

/** Sets (or removes) `path` in a plain resource object; multi-valued filters pick or create an element. */
function applyToObject(target: Json, op: string, path: string, value: unknown) {
  const parsed = parsePatchPath(path);
  const [head, ...tail] = parsed.attr;
  if (!head) throw scimError('invalidPath', 'empty path');
  const keyOf = (object: Json, name: string) =>
    Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
  if (parsed.filter) {
    const key = keyOf(target, head);
    const list = Array.isArray(target[key]) ? [...(target[key] as Json[])] : [];
    const filter = parsed.filter;
    const matching = list.filter((element) => matchesFilter(element, filter));
    if (op === 'remove') {
      target[key] = parsed.sub
        ? list.map((element) => {
            if (!matchesFilter(element, filter)) return element;
            const { [keyOf(element, parsed.sub as string)]: _gone, ...kept } = element;
            return kept;
          })
        : list.filter((element) => !matchesFilter(element, filter));
      return;
    }
    if (matching.length === 0) {
      // `emails[type eq "work"].value` on a user without a work email: create that element.
      const seed: Json = {};
      if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.length === 1) {
        seed[filter.path[0] as string] = filter.value;
      }
      const element = parsed.sub ? { ...seed, [parsed.sub]: value } : { ...seed, ...asJson(value) };
      if (element.type === 'work' && list.length === 0) element.primary = true;
      target[key] = [...list, element];
      return;
    }
    target[key] = list.map((element) =>
      matchesFilter(element, filter)
        ? parsed.sub
          ? { ...element, [keyOf(element, parsed.sub)]: value }
          : { ...element, ...asJson(value) }
        : element,
    );
    return;
  }
  let object = target;
  const segments = [head, ...tail];
  for (const segment of segments.slice(0, -1)) {
    const key = keyOf(object, segment);
    const next = asJson(object[key]);
    object[key] = next;
    object = next;
  }
  const last = keyOf(object, segments[segments.length - 1] as string);
  if (op === 'remove') delete object[last];
  else if (op === 'add' && Array.isArray(object[last]) && Array.isArray(value)) {
    object[last] = [...(object[last] as unknown[]), ...value];
  } else object[last] = value;
}

/** PATCH /Users/{id}: PatchOp with Okta's and Entra's forms (path-less value objects, "False" strings). */
export async function patchScimUser(ctx: ScimContext, id: string, body: Json): Promise<Json> {
  const row = await requireMemberRow(ctx, id);
  const state = stateOf(row);
  const apply = (op: string, path: string, value: unknown) => {
    const name = path.toLowerCase();
    if (name === 'active') {
      state.active = op === 'remove' ? false : booleanOf(value, 'active');
    } else if (name === 'username') {
      const userName = text(value);
      if (!userName) throw scimError('invalidValue', 'userName must be a non-empty string');
      state.userName = userName;
    } else if (name === 'externalid') {
      state.externalId = op === 'remove' ? null : (text(value) ?? null);
    } else if (
      name === 'id' ||
      name === 'schemas' ||
      name === 'meta' ||
      name === 'groups' ||
      name === 'password'
    ) {
      // Read-only or not kept (groups change through /Groups): ignored, as RFC 7644 allows for readOnly.
    } else {
      applyToObject(state.data, op, path, value);
    }
  };
  for (const operation of patchOperations(body)) {
    if (operation.path) {
      apply(operation.op, operation.path, operation.value);
      continue;
    }
    // No path: the value is an object of attributes; Entra sends dotted keys ("name.givenName").
    const value = asJson(operation.value);
    if (Object.keys(value).length === 0)
      throw scimError('invalidValue', 'a path-less operation needs an object value');
    for (const [key, item] of Object.entries(value)) {
      if (
        key.toLowerCase().startsWith('urn:') &&
        !key.includes(':User:') &&
        item &&
        typeof item === 'object'
      ) {
        for (const [inner, innerValue] of Object.entries(item as Json))
          apply(operation.op, `${key}:${inner}`, innerValue);
      } else if (
        key.toLowerCase() === 'name' &&
        item &&
        typeof item === 'object' &&
        operation.op !== 'replace'
      ) {
        for (const [inner, innerValue] of Object.entries(item as Json))
          apply(operation.op, `name.${inner}`, innerValue);
      } else apply(operation.op, key, item);
    }
  }
  await saveUser(ctx, row, state);
  return getScimUser(ctx, id);
}

/** DELETE /Users/{id}: deactivation, then the membership goes (the account stays for other tenants). */
export async function deleteScimUser(ctx: ScimContext, id: string): Promise<void> {
  const row = await requireMemberRow(ctx, id);
  await ctx.db.transaction().execute(async (trx) => {
    await revokeMemberCredentials(trx, ctx.tenantId, row.userId);
    await trx
      .deleteFrom('scim_group_members')
      .where('user_id', '=', row.userId)
      .where(
        'group_id',
        'in',
        trx.selectFrom('scim_groups').select('id').where('tenant_id', '=', ctx.tenantId),
      )
      .execute();
    await trx
      .deleteFrom('tenant_members')
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', row.userId)
      .execute();
  });
  await audit(ctx, 'scim.user_deleted', 'user', row.userId);
}

// Groups -------------------------------------------------------------------------------------------------

const roleWords: Record<string, TenantRole> = {
  admin: 'admin',
  admins: 'admin',
  administrator: 'admin',
  administrators: 'admin',
  curator: 'curator',
  curators: 'curator',
  publisher: 'publisher',
  publishers: 'publisher',
  viewer: 'viewer',
  viewers: 'viewer',
  reader: 'viewer',
  readers: 'viewer',
};

/** The role a group's name implies ("Agentry Admins" → admin), the highest when several; none otherwise. */
export function roleOfGroupName(displayName: string): TenantRole | null {
  let best: TenantRole | null = null;
  for (const word of displayName.toLowerCase().split(/[^a-z]+/)) {
    const role = roleWords[word];
    if (role && (!best || tenantRoleAtLeast(role, best))) best = role;
  }
  return best;
}

/** Sets each member's role to the highest role of their mapped groups, or viewer when they have none. */
export async function recomputeRoles(db: Kysely<Database>, tenantId: string, userIds: string[]) {
  for (const userId of new Set(userIds)) {
    const rows = await db
      .selectFrom('scim_group_members as gm')
      .innerJoin('scim_groups as g', 'g.id', 'gm.group_id')
      .select('g.role')
      .where('g.tenant_id', '=', tenantId)
      .where('gm.user_id', '=', userId)
      .where('g.role', 'is not', null)
      .execute();
    let role: TenantRole = 'viewer';
    for (const row of rows) if (row.role && tenantRoleAtLeast(row.role, role)) role = row.role;
    await db
      .updateTable('tenant_members')
      .set({ role, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('role', '!=', role)
      .execute();
  }
}

async function groupMembers(ctx: ScimContext, groupIds: string[]) {
  const map = new Map<string, { value: string; display: string }[]>();
  if (groupIds.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('scim_group_members as gm')
    .innerJoin('tenant_members as m', (join) =>
      join.onRef('m.user_id', '=', 'gm.user_id').on('m.tenant_id', '=', ctx.tenantId),
    )
    .innerJoin('users as u', 'u.id', 'gm.user_id')
    .select(['gm.group_id', 'gm.user_id', 'm.scim_user_name', 'u.email', 'u.username'])
    .where('gm.group_id', 'in', groupIds)
    .orderBy('u.username')
    .execute();
  for (const row of rows) {
    const list = map.get(row.group_id) ?? [];
    list.push({ value: row.user_id, display: row.scim_user_name ?? row.email ?? row.username });
    map.set(row.group_id, list);
  }
  return map;
}

function groupResource(
  ctx: ScimContext,
  group: ScimGroup,
  members: { value: string; display: string }[],
): Json {
  return {
    schemas: [scimSchemas.group],
    id: group.id,
    displayName: group.display_name,
    ...(group.external_id ? { externalId: group.external_id } : {}),
    members: members.map((member) => ({
      ...member,
      $ref: `${ctx.baseUrl}/Users/${member.value}`,
      type: 'User',
    })),
    'urn:agentry:scim:group': { role: group.role },
    meta: {
      resourceType: 'Group',
      created: group.created_at.toISOString(),
      lastModified: group.updated_at.toISOString(),
      location: `${ctx.baseUrl}/Groups/${group.id}`,
    },
  };
}

async function loadGroups(ctx: ScimContext, groupId?: string): Promise<Json[]> {
  let query = ctx.db
    .selectFrom('scim_groups')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('display_name');
  if (groupId !== undefined) {
    if (!/^[0-9a-f-]{36}$/i.test(groupId)) return [];
    query = query.where('id', '=', groupId);
  }
  const groups = await query.execute();
  const members = await groupMembers(
    ctx,
    groups.map((group) => group.id),
  );
  return groups.map((group) => groupResource(ctx, group, members.get(group.id) ?? []));
}

export async function getScimGroup(ctx: ScimContext, id: string): Promise<Json> {
  const [group] = await loadGroups(ctx, id);
  if (!group) throw new AgentryError('not_found', { message: `Group ${id.slice(0, 40)} not found` });
  return group;
}

export async function listScimGroups(ctx: ScimContext, query: ListQuery): Promise<Json> {
  return listResponse(await loadGroups(ctx), query);
}

/** The member ids in a `members` value that are members of this tenant (others are ignored). */
async function memberIdsOf(ctx: ScimContext, value: unknown): Promise<string[]> {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const ids = list
    .map((item) => (typeof item === 'string' ? item : text(asJson(item).value)))
    .filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id))
    .map((id) => id.toLowerCase());
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('tenant_members')
    .select('user_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('user_id', 'in', ids)
    .execute();
  return rows.map((row) => row.user_id);
}

async function requireGroup(ctx: ScimContext, id: string): Promise<ScimGroup> {
  const group = /^[0-9a-f-]{36}$/i.test(id)
    ? await ctx.db
        .selectFrom('scim_groups')
        .selectAll()
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!group) throw new AgentryError('not_found', { message: `Group ${id.slice(0, 40)} not found` });
  return group;
}

async function assertGroupNameFree(ctx: ScimContext, displayName: string, except?: string) {
  let query = ctx.db
    .selectFrom('scim_groups')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) => eb(eb.fn('lower', ['display_name']), '=', displayName.toLowerCase()));
  if (except) query = query.where('id', '!=', except);
  if (await query.executeTakeFirst()) {
    throw scimError('uniqueness', `group "${displayName.slice(0, 80)}" already exists`, 'conflict');
  }
}

async function setGroupMembers(ctx: ScimContext, groupId: string, add: string[], remove: string[] | 'all') {
  const before = (
    await ctx.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', groupId).execute()
  ).map((row) => row.user_id);
  if (remove === 'all')
    await ctx.db.deleteFrom('scim_group_members').where('group_id', '=', groupId).execute();
  else if (remove.length > 0) {
    await ctx.db
      .deleteFrom('scim_group_members')
      .where('group_id', '=', groupId)
      .where('user_id', 'in', remove)
      .execute();
  }
  if (add.length > 0) {
    await ctx.db
      .insertInto('scim_group_members')
      .values(add.map((userId) => ({ group_id: groupId, user_id: userId })))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
  }
  const touched = [...add, ...(remove === 'all' ? before : remove)];
  await recomputeRoles(ctx.db, ctx.tenantId, touched);
  await ctx.db
    .updateTable('scim_groups')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', groupId)
    .execute();
}

export async function createScimGroup(ctx: ScimContext, body: Json): Promise<Json> {
  const displayName = text(body.displayName);
  if (!displayName) throw scimError('invalidValue', 'displayName is required');
  await assertGroupNameFree(ctx, displayName);
  const group = await ctx.db
    .insertInto('scim_groups')
    .values({
      tenant_id: ctx.tenantId,
      display_name: displayName.slice(0, 256),
      external_id: text(body.externalId) ?? null,
      role: roleOfGroupName(displayName),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await setGroupMembers(ctx, group.id, await memberIdsOf(ctx, body.members), []);
  await audit(ctx, 'scim.group_created', 'scim_group', group.id, { displayName, role: group.role });
  return getScimGroup(ctx, group.id);
}

export async function replaceScimGroup(ctx: ScimContext, id: string, body: Json): Promise<Json> {
  const group = await requireGroup(ctx, id);
  const displayName = text(body.displayName) ?? group.display_name;
  if (displayName !== group.display_name) await assertGroupNameFree(ctx, displayName, group.id);
  await ctx.db
    .updateTable('scim_groups')
    .set({ display_name: displayName.slice(0, 256), external_id: text(body.externalId) ?? null })
    .where('id', '=', group.id)
    .execute();
  await setGroupMembers(ctx, group.id, await memberIdsOf(ctx, body.members), 'all');
  return getScimGroup(ctx, group.id);
}

/** PATCH /Groups/{id}: members add/remove/replace (Okta, Entra), displayName and externalId. */
export async function patchScimGroup(ctx: ScimContext, id: string, body: Json): Promise<void> {
  const group = await requireGroup(ctx, id);
  for (const operation of patchOperations(body)) {
    const pairs: [string, unknown, PatchPath | undefined][] = [];
    if (operation.path) {
      const parsed = parsePatchPath(operation.path);
      pairs.push([(parsed.attr[0] ?? '').toLowerCase(), operation.value, parsed]);
    } else {
      for (const [key, value] of Object.entries(asJson(operation.value)))
        pairs.push([key.toLowerCase(), value, undefined]);
    }
    for (const [attr, value, parsed] of pairs) {
      if (attr === 'members') {
        if (operation.op === 'add') await setGroupMembers(ctx, group.id, await memberIdsOf(ctx, value), []);
        else if (operation.op === 'replace')
          await setGroupMembers(ctx, group.id, await memberIdsOf(ctx, value), 'all');
        else if (parsed?.filter) {
          const everyone = (
            await ctx.db
              .selectFrom('scim_group_members')
              .select('user_id')
              .where('group_id', '=', group.id)
              .execute()
          ).map((row) => ({ value: row.user_id }));
          const filter = parsed.filter;
          const gone = everyone
            .filter((member) => matchesFilter(member, filter))
            .map((member) => member.value);
          await setGroupMembers(ctx, group.id, [], gone);
        } else if (value === undefined || value === null) await setGroupMembers(ctx, group.id, [], 'all');
        else await setGroupMembers(ctx, group.id, [], await memberIdsOf(ctx, value));
      } else if (attr === 'displayname') {
        const displayName = text(value);
        if (!displayName) throw scimError('invalidValue', 'displayName must be a non-empty string');
        await assertGroupNameFree(ctx, displayName, group.id);
        await ctx.db
          .updateTable('scim_groups')
          .set({ display_name: displayName.slice(0, 256), updated_at: sql<Date>`now()` })
          .where('id', '=', group.id)
          .execute();
      } else if (attr === 'externalid') {
        await ctx.db
          .updateTable('scim_groups')
          .set({
            external_id: operation.op === 'remove' ? null : (text(value) ?? null),
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', group.id)
          .execute();
      } else if (attr === 'id' || attr === 'schemas' || attr === 'meta') {
        // read-only: ignored
      } else {
        throw scimError('invalidPath', `Groups have no attribute "${attr.slice(0, 60)}" to change`);
      }
    }
  }
}

export async function deleteScimGroup(ctx: ScimContext, id: string): Promise<void> {
  const group = await requireGroup(ctx, id);
  const members = (
    await ctx.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', group.id).execute()
  ).map((row) => row.user_id);
  await ctx.db.deleteFrom('scim_groups').where('id', '=', group.id).execute();
  await recomputeRoles(ctx.db, ctx.tenantId, members);
  await audit(ctx, 'scim.group_deleted', 'scim_group', group.id, { displayName: group.display_name });
}

/** A tenant admin maps a group to a role (or none); its members' roles follow at once. */
export async function setScimGroupRole(
  db: Kysely<Database>,
  input: { tenantId: string; groupId: string; role: string; actorUserId: string },
): Promise<void> {
  const role = input.role === '' || input.role === 'none' ? null : input.role;
  if (role !== null && !(tenantRoles as readonly string[]).includes(role)) {
    throw new AgentryError('bad_request', {
      message: `role must be one of ${tenantRoles.join(', ')} or none`,
    });
  }
  const result = await db
    .updateTable('scim_groups')
    .set({ role: role as TenantRole | null, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.groupId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new AgentryError('not_found', { message: 'No such group.' });
  const members = (
    await db
      .selectFrom('scim_group_members')
      .select('user_id')
      .where('group_id', '=', input.groupId)
      .execute()
  ).map((row) => row.user_id);
  await recomputeRoles(db, input.tenantId, members);
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'scim.group_role_set',
    actorUserId: input.actorUserId,
    targetType: 'scim_group',
    targetId: input.groupId,
    data: { role },
  });
}

export function listScimGroupRows(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('scim_groups as g')
    .leftJoin('scim_group_members as gm', 'gm.group_id', 'g.id')
    .select(['g.id', 'g.display_name', 'g.role', (eb) => eb.fn.count<string>('gm.user_id').as('members')])
    .where('g.tenant_id', '=', tenantId)
    .groupBy(['g.id', 'g.display_name', 'g.role'])
    .orderBy('g.display_name')
    .execute();
}

type PatchPath = ReturnType<typeof parsePatchPath>;
