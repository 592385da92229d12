/**
 * `agentry-server migrate` and `agentry-server admin …`: operator commands that open the database
 * directly. They take the data-directory lock like the server does, so they refuse to run beside a
 * server on the same embedded database instead of corrupting it.
 */
import { AgentryError, type TenantRole, tenantRoles } from '@agentry/core';
import type { Config } from '../config.js';
import { lockDataDir } from '../data-dir-lock.js';
import { type DatabaseHandle, openDatabase } from '../db/open.js';
import { createApiToken } from '../domain/api-tokens.js';
import { recordAudit } from '../domain/audit.js';
import { createScimToken } from '../domain/scim-tokens.js';
import { ensureTenant, findTenantBySlug, listTenants, setTenantSuspended } from '../domain/tenants.js';
import { createUser, findUserByUsername, setTenantRole } from '../domain/users.js';

async function withDatabase<T>(config: Config, run: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  // Only the embedded database needs the lock; PostgreSQL handles concurrent clients itself.
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir);
  try {
    const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await ensureTenant(handle.db, config.defaultTenant, 'Default');
      return await run(handle);
    } finally {
      await handle.close();
    }
  } finally {
    lock?.release();
  }
}

/** Opening the database applies pending migrations; this reports which. */
export function runMigrate(config: Config): Promise<{ applied: string[]; database: string }> {
  return withDatabase(config, async (handle) => ({ applied: handle.applied, database: handle.kind }));
}

async function tenantId(handle: DatabaseHandle, slug: string): Promise<string> {
  const tenant = await findTenantBySlug(handle.db, slug);
  if (!tenant) throw new AgentryError('tenant_resolution_failed', { message: `Unknown tenant "${slug}".` });
  return tenant.id;
}

export interface CreateUserInput {
  username: string;
  email?: string | undefined;
  password?: string | undefined;
  role: string;
  tenant: string;
}

export function runCreateUser(config: Config, input: CreateUserInput) {
  if (!(tenantRoles as readonly string[]).includes(input.role)) {
    throw new AgentryError('validation_error', {
      message: `--role must be one of ${tenantRoles.join(', ')}.`,
    });
  }
  return withDatabase(config, async (handle) => {
    const tenant = await tenantId(handle, input.tenant);
    const user = await createUser(handle.db, input);
    await setTenantRole(handle.db, tenant, user.id, input.role as TenantRole);
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      tenant: input.tenant,
      role: input.role,
    };
  });
}

export interface CreateTokenInput {
  username: string;
  scopes: string[];
  name: string;
  expiresInDays?: number | undefined;
  tenant: string;
}

export function runCreateToken(config: Config, input: CreateTokenInput) {
  return withDatabase(config, async (handle) => {
    const tenant = await tenantId(handle, input.tenant);
    const user = await findUserByUsername(handle.db, input.username);
    if (!user)
      throw new AgentryError('user_not_found', {
        message: `No user "${input.username}".`,
        details: { username: input.username },
      });
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const { token, record } = await createApiToken(handle.db, {
      tenantId: tenant,
      userId: user.id,
      name: input.name,
      scopes: input.scopes,
      expiresAt,
    });
    return {
      token,
      id: record.id,
      username: user.username,
      scopes: record.scopes,
      expiresAt: record.expires_at,
    };
  });
}

/** `admin tenant-policy`: whether the tenant refuses to publish versions whose scan verdict is FAIL. */
export function runTenantPolicy(
  config: Config,
  input: { tenant: string; refuseFailingScans?: boolean | undefined },
) {
  return withDatabase(config, async (handle) => {
    const id = await tenantId(handle, input.tenant);
    if (input.refuseFailingScans !== undefined) {
      await handle.db
        .updateTable('tenants')
        .set({ refuse_failing_scans: input.refuseFailingScans })
        .where('id', '=', id)
        .execute();
    }
    const row = await handle.db
      .selectFrom('tenants')
      .select('refuse_failing_scans')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { tenant: input.tenant, refuseFailingScans: row.refuse_failing_scans };
  });
}

/** `admin scim-token-create`: a tenant's SCIM bearer token for its identity provider, printed once. */
export function runScimTokenCreate(config: Config, input: { tenant: string; name: string }) {
  return withDatabase(config, async (handle) => {
    const id = await tenantId(handle, input.tenant);
    const { token, record } = await createScimToken(handle.db, { tenantId: id, name: input.name });
    return { token, id: record.id, tenant: input.tenant, name: record.name };
  });
}

/** `admin tenant create`: a new tenant, optionally with an existing account as its first admin. */
export function runTenantCreate(
  config: Config,
  input: { slug: string; name?: string | undefined; admin?: string | undefined },
) {
  return withDatabase(config, async (handle) => {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(input.slug)) {
      throw new AgentryError('validation_error', {
        message:
          'A tenant slug is 1–63 lower-case letters, digits or hyphens, not starting or ending with one.',
      });
    }
    if (await findTenantBySlug(handle.db, input.slug)) {
      throw new AgentryError('conflict', { message: `Tenant "${input.slug}" already exists.` });
    }
    const tenant = await ensureTenant(handle.db, input.slug, input.name?.trim() || input.slug);
    if (input.admin) {
      const user = await findUserByUsername(handle.db, input.admin);
      if (!user) throw new AgentryError('not_found', { message: `No user "${input.admin}".` });
      await setTenantRole(handle.db, tenant.id, user.id, 'admin');
    }
    await recordAudit(handle.db, {
      tenantId: tenant.id,
      action: 'tenant.created',
      targetType: 'tenant',
      targetId: tenant.id,
    });
    return { id: tenant.id, slug: tenant.slug, name: tenant.name, admin: input.admin ?? null };
  });
}

export function runTenantList(config: Config) {
  return withDatabase(config, (handle) => listTenants(handle.db));
}

/** `admin tenant suspend|unsuspend`: a suspended tenant answers as an unknown one and serves nothing. */
export function runTenantSuspend(config: Config, input: { slug: string; suspended: boolean }) {
  return withDatabase(config, async (handle) => {
    const tenant = await setTenantSuspended(handle.db, input.slug, input.suspended);
    return { slug: tenant.slug, suspended: tenant.suspended_at !== null, suspendedAt: tenant.suspended_at };
  });
}
