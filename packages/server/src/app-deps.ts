import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BlobStore } from './blobs/blob-store.js';
import type { Config } from './config.js';
import type { DatabaseKind } from './db/open.js';
import type { Database } from './db/schema.js';
import type { DownloadCounter } from './domain/downloads.js';
import type { TenantCache } from './domain/tenants.js';
import type { Embedder } from './embedders/embedder.js';
import type { HotCache } from './hot-cache.js';
import type { Metrics } from './metrics.js';
import type { RateLimiter } from './rate-limits.js';
import type { ScanPool } from './scanning/scan-pool.js';

/** Everything a request handler may use, built once by the composition root (start.ts) or a test. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  dbKind: DatabaseKind;
  /** pgvector present: semantic search possible once an embedder is configured. */
  vector: boolean;
  blobs: BlobStore;
  /** Signing key for URLs, CSRF fields and cookies. */
  secret: string;
  logger: Logger;
  limiter: RateLimiter;
  metrics: Metrics;
  tenants: TenantCache;
  scanner: ScanPool;
  /** Answers of the download and metadata routes, invalidated through the database (hot-cache.ts). */
  cache: HotCache;
  /** Waits until this process has heard every invalidation committed so far (after a write request). */
  cacheSync: () => Promise<void>;
  /** Download counts, summed in memory and written in batches. */
  downloads: DownloadCounter;
  /** Text embedder for semantic search; absent with EMBEDDER=off. */
  embedder?: Embedder | undefined;
  /** The background job worker, woken after an enqueue (absent in tests that run jobs themselves). */
  jobs?: { wake(): void } | undefined;
}
