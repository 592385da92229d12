import type { Kysely } from 'kysely';
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
