/**
 * The lookups of the download and metadata routes, served from the read cache when warm (see
 * hot-cache.ts for how entries are invalidated). What is cached is what a package's rows say; who may
 * see a private package is still checked on every request by the caller.
 */
import { AgentryError } from '@agentry/core';
import type { Logger } from 'pino';
import type { AppDeps } from '../app-deps.js';
import type { Listener } from '../db/notifications.js';
import type { DatabaseHandle } from '../db/open.js';
import type { Package } from '../db/schema.js';
import { type HotCache, sizeOf } from '../hot-cache.js';
import { canReadPackage, findPackage, requireReadablePackage, type Viewer } from './access.js';

export const cacheChannel = 'agentry_cache';
/** Tag of cached search answers: any change to any package may change them. */
export const searchTag = 'search';

/** Drops a package's cached answers whenever the database announces a change to it (migration 0013). */
export function listenForInvalidations(
  database: Pick<DatabaseHandle, 'listen'>,
  cache: HotCache,
  logger?: Logger,
): Promise<Listener> {
  const wanted = cache.enabled;
  return database.listen(cacheChannel, {
    message: (packageId) => {
      cache.invalidate(packageId);
      cache.invalidate(searchTag);
    },
    live(live) {
      // Whatever was cached may have missed an invalidation while the listener was away.
      cache.clear();
      cache.enabled = wanted && live;
      if (!live) logger?.warn('cache invalidations interrupted: serving reads from the database');
    },
  });
}

/** A cached value, or `compute()` stored under the package's tag. */
export async function cached<T>(
  cache: HotCache,
  key: string,
  compute: () => Promise<{ tag: string; value: T } | undefined>,
): Promise<T | undefined> {
  const hit = cache.get<T>(key);
  if (hit !== undefined) return hit;
  const generation = cache.generation();
  const computed = await compute();
  if (!computed) return undefined;
  cache.set(key, computed.tag, computed.value, sizeOf(computed.value), generation);
  return computed.value;
}

/** A package as readers see it (published), by name; misses are not cached. */
export function findPackageCached(
  deps: Pick<AppDeps, 'db' | 'cache'>,
  tenantId: string,
  name: string,
): Promise<Package | undefined> {
  return cached(deps.cache, `pkg:${tenantId}:${name}`, async () => {
    const pkg = await findPackage(deps.db, tenantId, name);
    return pkg && { tag: pkg.id, value: pkg };
  });
}

/** `requireReadablePackage` over the cache: the access check itself runs on every call. */
export async function requireReadablePackageCached(
  deps: Pick<AppDeps, 'db' | 'cache'>,
  tenantId: string,
  name: string,
  viewer: Viewer,
): Promise<Package> {
  const pkg = await findPackageCached(deps, tenantId, name);
  if (pkg && (await canReadPackage(deps.db, pkg, viewer))) return pkg;
  // The uncached path builds the not_found answer (with suggestions the viewer may see).
  return requireReadablePackage(deps.db, tenantId, name, viewer);
}

export interface Downloadable {
  id: string;
  package_id: string;
  blob_key: string;
  integrity: string | null;
  size_bytes: number | null;
}

/** What a tarball download needs of a published (or yanked) version, by id. */
export async function findDownloadable(
  deps: Pick<AppDeps, 'db' | 'cache'>,
  versionId: string,
): Promise<Downloadable> {
  const found = await cached(deps.cache, `dl:${versionId}`, async () => {
    const row = await deps.db
      .selectFrom('versions')
      .select(['id', 'package_id', 'blob_key', 'integrity', 'size_bytes'])
      .where('id', '=', versionId)
      .where('status', 'in', ['published', 'yanked'])
      .executeTakeFirst();
    return row && { tag: row.package_id, value: row };
  });
  if (!found) throw new AgentryError('not_found');
  return found;
}
