#!/usr/bin/env node
/**
 * Server-side render time of the web UI's main pages on 100,000 seeded artifacts: home, search (a word,
 * a filter, browsing) and an artifact page, each beside the JSON API request that reads the same data
 * (Tank's search and skill endpoints), so the printed ratio is what rendering HTML costs on top of the
 * data. Requests go through the whole app (`app.request`: tenant, auth, security headers) on the embedded
 * PGlite (a temporary folder unless --pglite-dir) and on PostgreSQL when --database-url or BENCH_PG_URL is
 * given. Prints p50/p95 per page. Run after `npm run build`.
 *
 *   node bench/web-render.mjs [--count 100000] [--runs 30] [--pglite-dir DIR] [--database-url URL]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { createApp } from '../packages/server/dist/app.js';
import { createFsStore } from '../packages/server/dist/blobs/fs-store.js';
import { loadConfig } from '../packages/server/dist/config.js';
import { openDatabase } from '../packages/server/dist/db/open.js';
import { createTenantCache } from '../packages/server/dist/domain/tenants.js';
import { createMetrics } from '../packages/server/dist/metrics.js';
import { createRateLimiter } from '../packages/server/dist/rate-limits.js';
import { createScanPool } from '../packages/server/dist/scanning/scan-pool.js';
import { benchTarget, fmt, percentile } from './engines.mjs';
import { seedDatabase } from './seed.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    'pglite-dir': { type: 'string' },
    'database-url': { type: 'string' },
    engines: { type: 'string', default: 'pglite,postgres' },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const warmup = Number(values.warmup);

function buildApp(database, dataDir) {
  const secret = 'bench-secret-key-that-is-long-enough-0123456789';
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://registry.bench',
    // The bench is one client sending thousands of requests: limits would measure the limiter.
    RATE_LIMIT_ANONYMOUS: '10000000',
    RATE_LIMIT_AUTHENTICATED: '10000000',
  });
  const deps = {
    config,
    db: database.db,
    dbKind: database.kind,
    vector: database.vector,
    blobs: createFsStore({ root: join(dataDir, 'blobs'), publicUrl: config.publicUrl, secret }),
    secret,
    logger: pino({ level: 'silent' }),
    limiter: createRateLimiter(),
    metrics: createMetrics(),
    tenants: createTenantCache(database.db, 60_000),
    scanner: createScanPool({ size: 1, timeoutMs: config.scanTimeoutMs, knownMalicious: [] }),
  };
  const app = createApp(deps);
  return {
    deps,
    request: (path, accept) =>
      app.request(new URL(path, config.publicUrl).toString(), {
        headers: { accept, 'x-forwarded-for': '10.0.0.1' },
      }),
  };
}

async function runEngine(kind) {
  const target = benchTarget(kind, values);
  if (!target) return undefined;
  const { dataDir, databaseUrl } = target;
  const database = await openDatabase({ dataDir, databaseUrl, poolSize: 4 });
  const { deps, request } = buildApp(database, dataDir);
  try {
    console.log(`\n${kind}:`);
    const seeded = await seedDatabase(database.db, {
      count,
      tenant: 'default',
      concurrency: 1,
      log: (line) => {
        if (!line.startsWith('  ')) console.log(`  seed: ${line}`);
      },
    });
    const popular = (
      await sql`SELECT name FROM packages WHERE tenant_id = ${seeded.tenantId} AND visibility = 'public'
        AND latest_version_id IS NOT NULL ORDER BY downloads_total DESC LIMIT 1`.execute(database.db)
    ).rows[0]?.name;
    const encoded = encodeURIComponent(popular);
    const pairs = [
      ['home', '/', '/api/v1/search?sort=downloads&limit=6'],
      ['search "review"', '/search?q=review', '/api/v1/search?q=review&limit=20'],
      ['search kind=agent', '/search?kind=agent', '/api/v1/search?kind=agent&limit=20'],
      ['search page 3', '/search?q=agent&page=3', '/api/v1/search?q=agent&limit=20&page=3'],
      [`artifact ${popular}`, `/artifacts/${popular}`, `/api/v1/skills/${encoded}`],
    ];
    for (const [, page, api] of pairs) {
      for (const [path, accept] of [
        [page, 'text/html'],
        [api, 'application/json'],
      ]) {
        const res = await request(path, accept);
        if (res.status !== 200)
          throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      }
    }
    const time = async (path, accept) => {
      const started = performance.now();
      const res = await request(path, accept);
      await res.arrayBuffer();
      return performance.now() - started;
    };
    for (let w = 0; w < warmup; w++)
      for (const [, page, api] of pairs) {
        await time(page, 'text/html');
        await time(api, 'application/json');
      }
    console.log(`  ${'page'.padEnd(34)}  html p50  html p95   api p50   api p95  p50 ratio`);
    for (const [label, page, api] of pairs) {
      const html = [];
      const json = [];
      for (let r = 0; r < runs; r++) {
        html.push(await time(page, 'text/html'));
        json.push(await time(api, 'application/json'));
      }
      html.sort((a, b) => a - b);
      json.sort((a, b) => a - b);
      const ratio = percentile(html, 50) / percentile(json, 50);
      console.log(
        `  ${label.slice(0, 34).padEnd(34)} ${fmt(percentile(html, 50))}   ${fmt(percentile(html, 95))}   ${fmt(percentile(json, 50))}   ${fmt(percentile(json, 95))}   ${ratio.toFixed(2).padStart(6)}x`,
      );
    }
  } finally {
    await deps.scanner.close();
    await database.close();
    target.cleanup();
  }
}

for (const kind of values.engines.split(',').map((e) => e.trim())) await runEngine(kind);
