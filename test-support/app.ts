/**
 * An app over a real database (PGlite or PostgreSQL, per run) and a real filesystem blob store, driven
 * in-process with app.request(). Helpers create users and tokens through the domain modules.
 */
import { join } from 'node:path';
import type { TenantRole, TokenScope } from '@agentry/core';
import pino from 'pino';
import { createApp } from '../packages/server/src/app.js';
import type { AppDeps } from '../packages/server/src/app-deps.js';
import { createFsStore } from '../packages/server/src/blobs/fs-store.js';
import { type Config, loadConfig } from '../packages/server/src/config.js';
import { createApiToken } from '../packages/server/src/domain/api-tokens.js';
import { createDownloadCounter } from '../packages/server/src/domain/downloads.js';
import { listenForInvalidations } from '../packages/server/src/domain/hot-reads.js';
import { createTenantCache, ensureTenant } from '../packages/server/src/domain/tenants.js';
import { createUser, setTenantRole } from '../packages/server/src/domain/users.js';
import type { Embedder } from '../packages/server/src/embedders/embedder.js';
import { createHotCache } from '../packages/server/src/hot-cache.js';
import { createMetrics } from '../packages/server/src/metrics.js';
import { createRateLimiter, type RateLimiter } from '../packages/server/src/rate-limits.js';
import { createScanPool } from '../packages/server/src/scanning/scan-pool.js';
import { openTestDatabase, type TestDatabase } from './db.js';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  database: TestDatabase;
  defaultTenantId: string;
  /** app.request with a base URL so Host-based tenant resolution sees a host. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  limiter?: RateLimiter;
  /** Text embedder for semantic search (default none, as with EMBEDDER=off). */
  embedder?: Embedder;
}

export const testSecret = 'test-secret-key-that-is-long-enough-0123456789';

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const config: Config = loadConfig({
    DATA_DIR: database.dataDir,
    PUBLIC_URL: 'http://registry.test',
    ...options.env,
  });
  const tenant = await ensureTenant(database.db, config.defaultTenant, 'Default');
  // The production read cache and its invalidation, so every test exercises them.
  const cache = createHotCache({ maxEntries: config.hotCacheEntries, maxBytes: config.hotCacheMb * 1048576 });
  const invalidations = await listenForInvalidations(database, cache);
  const deps: AppDeps = {
    config,
    db: database.db,
    dbKind: database.kind,
    vector: database.vector,
    blobs: createFsStore({
      root: join(database.dataDir, 'blobs'),
      publicUrl: config.publicUrl,
      secret: testSecret,
    }),
    secret: testSecret,
    logger: pino({ level: 'silent' }),
    limiter: options.limiter ?? createRateLimiter(),
    metrics: createMetrics(),
    tenants: createTenantCache(database.db, 0),
    scanner: createScanPool({ size: 1, timeoutMs: config.scanTimeoutMs, knownMalicious: [] }),
    embedder: options.embedder,
    cache,
    cacheSync: () => invalidations.sync(),
    // Tests call deps.downloads.flush() before reading counts; the timer never fires in a test's time.
    downloads: createDownloadCounter(database.db, { flushMs: 3_600_000 }),
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    database,
    defaultTenantId: tenant.id,
    request: (path, init) => Promise.resolve(app.request(new URL(path, config.publicUrl).toString(), init)),
    close: async () => {
      await deps.scanner.close();
      await deps.downloads.close();
      await invalidations.close();
      await database.close();
    },
  };
}

let counter = 0;

export interface TestUser {
  id: string;
  username: string;
  token: string;
  tokenId: string;
}

/** A user who is a member of the tenant, holding a token with the given scopes. */
export async function createTestUser(
  deps: AppDeps,
  tenantId: string,
  options: { scopes?: TokenScope[]; role?: TenantRole; username?: string; password?: string } = {},
): Promise<TestUser> {
  counter += 1;
  const username = options.username ?? `user${process.pid}x${counter}`;
  const user = await createUser(deps.db, {
    username,
    email: `${username}@example.test`,
    password: options.password,
  });
  await setTenantRole(deps.db, tenantId, user.id, options.role ?? 'publisher');
  const { token, record } = await createApiToken(deps.db, {
    tenantId,
    userId: user.id,
    name: 'test',
    scopes: options.scopes ?? ['skills:read', 'skills:publish'],
  });
  return { id: user.id, username, token, tokenId: record.id };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
