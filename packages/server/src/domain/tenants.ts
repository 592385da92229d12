import { AgentryError } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database, Tenant } from '../db/schema.js';

export async function ensureTenant(db: Kysely<Database>, slug: string, name = slug): Promise<Tenant> {
  await db
    .insertInto('tenants')
    .values({ slug, name })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
}

export function findTenantBySlug(db: Kysely<Database>, slug: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  suspendedAt: Date | null;
  members: number;
}

/** Every tenant with its member count: the operator's cross-tenant list (CLI and `GET /v1/tenants`). */
export async function listTenants(db: Kysely<Database>): Promise<TenantSummary[]> {
  const rows = await db
    .selectFrom('tenants as t')
    .leftJoin('tenant_members as m', 'm.tenant_id', 't.id')
    .select([
      't.id',
      't.slug',
      't.name',
      't.created_at',
      't.suspended_at',
      (eb) => eb.fn.count<string>('m.user_id').as('members'),
    ])
    .groupBy(['t.id', 't.slug', 't.name', 't.created_at', 't.suspended_at'])
    .orderBy('t.slug')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    createdAt: row.created_at,
    suspendedAt: row.suspended_at,
    members: Number(row.members),
  }));
}

/**
 * Suspends (or lifts the suspension of) a tenant. Other processes see it within their tenant cache's
 * lifetime (30 s); this one's cache is not this function's to clear.
 */
export async function setTenantSuspended(
  db: Kysely<Database>,
  slug: string,
  suspended: boolean,
): Promise<Tenant> {
  const tenant = await db
    .updateTable('tenants')
    .set({ suspended_at: suspended ? sql<Date>`coalesce(suspended_at, now())` : null })
    .where('slug', '=', slug)
    .returningAll()
    .executeTakeFirst();
  if (!tenant) throw new AgentryError('tenant_resolution_failed', { message: `Unknown tenant "${slug}".` });
  return tenant;
}

/**
 * Tenants are read on every request and change rarely, so lookups are cached briefly per process.
 * A tenant created on another node becomes visible here within `ttlMs`.
 */
export function createTenantCache(db: Kysely<Database>, ttlMs = 30_000) {
  const cache = new Map<string, { tenant: Tenant | undefined; until: number }>();
  return {
    async get(slug: string): Promise<Tenant | undefined> {
      const hit = cache.get(slug);
      if (hit && hit.until > Date.now()) return hit.tenant;
      const tenant = await findTenantBySlug(db, slug);
      // Misses are cached for less time, so a tenant created moments ago is found quickly.
      cache.set(slug, { tenant, until: Date.now() + (tenant ? ttlMs : Math.min(ttlMs, 2000)) });
      if (cache.size > 10_000) cache.clear();
      return tenant;
    },
    clear() {
      cache.clear();
    },
  };
}
export type TenantCache = ReturnType<typeof createTenantCache>;
