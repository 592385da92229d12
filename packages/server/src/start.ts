/**
 * The composition root: reads nothing from the environment itself (config is handed in), opens the
 * database, blob store and Redis, builds the app and listens. `close()` is the graceful shutdown.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { createApp } from './app.js';
import type { AppDeps } from './app-deps.js';
import type { BlobStore } from './blobs/blob-store.js';
import { createFsStore } from './blobs/fs-store.js';
import type { Config } from './config.js';
import { lockDataDir } from './data-dir-lock.js';
import { openDatabase } from './db/open.js';
import { ensureAdminToken } from './domain/admin-bootstrap.js';
import { deleteExpiredDeviceLogins } from './domain/device-auth.js';
import { createDownloadCounter, refreshWeeklyDownloads } from './domain/downloads.js';
import { backfillEmbeddings, ensureEmbeddingStore } from './domain/embeddings.js';
import { listenForInvalidations } from './domain/hot-reads.js';
import { deleteFinishedJobs, startJobWorker } from './domain/jobs.js';
import { webhookJobHandler, webhookJobKind } from './domain/notifications.js';
import { recoverInterruptedPublishes, sweepStalePublishes } from './domain/publish-cleanup.js';
import { deleteExpiredSessions } from './domain/sessions.js';
import { createTenantCache, ensureTenant } from './domain/tenants.js';
import { createEmbedder } from './embedders/index.js';
import { createHotCache } from './hot-cache.js';
import { createMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limits.js';
import { readExtraMalicious } from './scanning/known-malicious.js';
import { createScanPool } from './scanning/scan-pool.js';
import { resolveSecretKey } from './secret-key.js';

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function createBlobStore(config: Config, secret: string): Promise<BlobStore> {
  if (config.blobStore.startsWith('s3://')) {
    // The AWS SDK is large: loaded only when the store is S3 (start-up time and idle memory).
    const { createS3Store } = await import('./blobs/s3-store.js');
    return createS3Store({
      location: config.blobStore,
      region: config.s3Region,
      forcePathStyle: config.s3ForcePathStyle,
      ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
      ...(config.s3AccessKeyId ? { accessKeyId: config.s3AccessKeyId } : {}),
      ...(config.s3SecretAccessKey ? { secretAccessKey: config.s3SecretAccessKey } : {}),
    });
  }
  return createFsStore({ root: config.blobStore, publicUrl: config.publicUrl, secret });
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'agentry' },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  });
}

async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  // Transient errors surface as failed commands; without a listener ioredis would log them raw.
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

export async function startServer(config: Config, logger = createLogger(config)): Promise<RunningServer> {
  const lock = lockDataDir(config.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [() => lock.release()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    const secret = resolveSecretKey(config.secretKey, config.dataDir);
    // First, so a missing transformers.js or model folder stops start-up before anything opens.
    const embedder = await createEmbedder(config);
    if (embedder?.close) cleanups.push(() => embedder.close?.());
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      pgliteSharedBuffers: config.pgliteSharedBuffers,
    });
    cleanups.push(() => database.close());
    if (embedder && !(await ensureEmbeddingStore(database.db, database.vector))) {
      logger.warn(
        { embedder: embedder.name },
        'EMBEDDER is set but the database has no pgvector: semantic search answers not_implemented',
      );
    }
    // Confirms a crash interrupted become reservations their publisher can retry at once. With PGlite this
    // process is the only one on the database; on PostgreSQL another node may still be scanning, so only
    // rows older than the scan time limit are taken.
    const recovered = await recoverInterruptedPublishes(database.db, {
      stuckAfterMs: database.kind === 'pglite' ? 0 : config.scanTimeoutMs + 60_000,
    });
    if (recovered > 0) logger.info({ recovered }, 'recovered publishes interrupted by a crash');
    const tenant = await ensureTenant(database.db, config.defaultTenant, 'Default');
    if (config.adminToken) await ensureAdminToken(database.db, tenant.id, config.adminToken);
    const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
    if (redis) cleanups.push(async () => void (await redis.quit()));
    const cache = createHotCache({
      maxEntries: config.hotCacheEntries,
      maxBytes: config.hotCacheMb * 1024 * 1024,
    });
    const invalidations = await listenForInvalidations(database, cache, logger);
    cleanups.push(() => invalidations.close());
    const downloads = createDownloadCounter(database.db, {
      flushMs: config.downloadFlushSeconds * 1000,
      onError: (error) => logger.warn({ err: error }, 'writing download counts failed; retrying'),
    });
    // Registered after the database, so it runs before the database closes (cleanups run in reverse).
    cleanups.push(() =>
      downloads.close().catch((error: unknown) => {
        logger.error({ err: error, lost: downloads.pending() }, 'download counts lost at shutdown');
      }),
    );

    // Listen first, so PORT=0 can pick a port before URLs are built from it; requests that arrive
    // before the app is ready get 503.
    // The node server's bindings (incoming socket) go through as the app's env: the client address of
    // rate limits and logs is read from the socket (http/request-context.ts).
    let handle: (request: Request, env: unknown) => Response | Promise<Response> = () =>
      new Response('starting', { status: 503, headers: { 'Retry-After': '1' } });
    const server = serve({
      fetch: (request, env) => handle(request, env),
      port: config.port,
      hostname: config.host,
    }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const effective: Config = config.publicUrlDerived
      ? { ...config, port, publicUrl: `http://localhost:${port}` }
      : config;
    const scanner = createScanPool({
      size: effective.scanWorkers,
      timeoutMs: effective.scanTimeoutMs,
      maxQueued: effective.scanQueueLimit,
      knownMalicious: readExtraMalicious(effective.scannerExtraMalicious),
    });
    cleanups.push(() => scanner.close());
    const deps: AppDeps = {
      config: effective,
      db: database.db,
      dbKind: database.kind,
      vector: database.vector,
      blobs: await createBlobStore(effective, secret),
      secret,
      logger,
      limiter: createRateLimiter(redis),
      metrics: createMetrics(),
      tenants: createTenantCache(database.db),
      scanner,
      cache,
      cacheSync: () => invalidations.sync(),
      downloads,
      embedder,
    };
    // Background jobs (webhook deliveries) from the shared jobs table; stopped before the database closes.
    const jobs = startJobWorker(
      database.db,
      {
        [webhookJobKind]: webhookJobHandler({
          db: database.db,
          secret,
          timeoutMs: effective.webhookTimeoutMs,
          allowPrivateHosts: effective.webhookAllowPrivateHosts,
        }),
      },
      { intervalMs: effective.jobsPollIntervalMs, retryBaseMs: effective.jobsRetryBaseMs, logger },
    );
    cleanups.push(() => jobs.stop());
    deps.jobs = jobs;
    const app = createApp(deps);
    handle = (request, env) => app.fetch(request, env);

    // Housekeeping every minute: idempotent, so several processes may run it at once.
    const sweep = setInterval(() => {
      Promise.all([
        deleteExpiredSessions(database.db),
        deleteExpiredDeviceLogins(database.db),
        sweepStalePublishes(deps),
      ]).catch((error: unknown) => logger.warn({ err: error }, 'housekeeping failed'));
    }, 60_000);
    sweep.unref();
    const hourly = setInterval(() => {
      refreshWeeklyDownloads(database.db).catch((error: unknown) =>
        logger.warn({ err: error }, 'download counts refresh failed'),
      );
      deleteFinishedJobs(database.db).catch((error: unknown) =>
        logger.warn({ err: error }, 'deleting finished jobs failed'),
      );
    }, 3_600_000);
    hourly.unref();
    // Artifacts published before the embedder (or this model) was configured get their vectors now.
    const backfill = new AbortController();
    cleanups.push(() => backfill.abort());
    backfillEmbeddings(
      { db: database.db, embedder, vector: database.vector, logger, batchSize: config.embedderBatchSize },
      backfill.signal,
    ).catch((error: unknown) => {
      if (!backfill.signal.aborted) {
        logger.warn({ err: error }, 'embedding existing artifacts failed; retried at the next start');
      }
    });

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        clearInterval(sweep);
        clearInterval(hourly);
        // Stop accepting, let in-flight requests finish, then cut whatever is still open.
        // Keep-alive sockets become idle when their last response ends; close them as they do, rather
        // than waiting out the keep-alive timeout.
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
        await drained;
        clearInterval(idleSweep);
        clearTimeout(timer);
        await cleanUp();
      })();
      return closing;
    };
    logger.info(
      {
        port,
        db: database.kind,
        vector: database.vector,
        embedder: embedder?.name ?? 'off',
        blobs: deps.blobs.kind,
        rateLimits: deps.limiter.kind,
        publicUrl: effective.publicUrl,
      },
      'agentry server listening',
    );
    return {
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      port,
      deps,
      close,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
