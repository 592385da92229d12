#!/usr/bin/env node
/**
 * Search latency on 100,000 seeded artifacts, on both engines: the embedded PGlite (a temporary data
 * directory, or --pglite-dir to keep and reuse one) and PostgreSQL (--database-url or BENCH_PG_URL;
 * skipped with a message when absent). A fixed query mix (exact names, prefixes, single and two words,
 * typos, scoped names, browsing by downloads, tag and kind filters, a third page) goes through the
 * domain module `searchPackages`, as every search endpoint calls it, after a warm-up. Prints p50/p95/p99
 * per engine and query, and the ratio of p95 to the targets (≤ 25 ms on PostgreSQL, ≤ 60 ms on PGlite).
 * Run after `npm run build`.
 *
 *   node bench/search.mjs [--count 100000] [--runs 30] [--pglite-dir DIR] [--database-url URL]
 *                         [--engines pglite,postgres] [--explain] [--only LABEL-PART]
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CompiledQuery, sql } from 'kysely';
import { openDatabase } from '../packages/server/dist/db/open.js';
import { searchPackages } from '../packages/server/dist/domain/search.js';
import { createHashingEmbedder } from '../packages/server/dist/embedders/hashing.js';
import { benchTarget, fmt, percentile } from './engines.mjs';
import { seedDatabase } from './seed.mjs';

const targets = { postgres: 25, pglite: 60 };

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    'pglite-dir': { type: 'string' },
    'database-url': { type: 'string' },
    engines: { type: 'string', default: 'pglite,postgres' },
    tenant: { type: 'string', default: 'default' },
    explain: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const engines = values.engines.split(',').map((e) => e.trim());

/** The fixed query mix, with names and words taken from the seeded data (deterministically). */
async function queryMix(db, tenantId) {
  const sample = async (where) =>
    (
      await sql`SELECT name FROM packages WHERE tenant_id = ${tenantId} AND visibility = 'public' AND ${sql.raw(where)}
        ORDER BY md5(name) LIMIT 3`.execute(db)
    ).rows.map((r) => r.name);
  const unscoped = await sample("scope IS NULL AND name ~ '^[a-z]+-[a-z]+-[a-z]+$'");
  const scoped = await sample("scope IS NOT NULL AND name ~ '/[a-z]+-[a-z]+$'");
  const user = (
    await sql`SELECT m.user_id FROM org_members m JOIN orgs o ON o.id = m.org_id WHERE o.tenant_id = ${tenantId}
      ORDER BY m.user_id LIMIT 1`.execute(db)
  ).rows[0]?.user_id;
  const anonymous = { userId: undefined, scopes: [] };
  const member = { userId: user, scopes: ['skills:read'] };
  const q = (label, extra) => ({ label, query: { q: undefined, ...extra } });
  return [
    q('exact name', { q: unscoped[0] }),
    q('exact name (2)', { q: unscoped[1] }),
    q('scoped name', { q: scoped[0] }),
    q('scoped bare name', { q: scoped[1]?.replace(/^@[^/]+\//, '') }),
    q('prefix', { q: unscoped[2]?.slice(0, 6) }),
    q('prefix (short)', { q: 'terra' }),
    q('single word', { q: 'review' }),
    q('single word (common)', { q: 'agent' }),
    q('two words', { q: 'code review' }),
    q('two words (2)', { q: 'docker deploy' }),
    q('typo', { q: 'kubernets' }),
    q('typo (2)', { q: 'terrafrom helper' }),
    q('browse by downloads', {}),
    q('browse, logged-in member', { viewer: member }),
    q('tag filter', { tags: ['docker'] }),
    q('kind filter', { kinds: ['agent'] }),
    q('kind filter + word', { kinds: ['agent'], q: 'security' }),
    q('page 3', { q: 'review', offset: 40 }),
  ].map((entry) => ({
    label: entry.label,
    query: { tenantId, viewer: anonymous, limit: 20, offset: 0, ...entry.query },
  }));
}

async function runEngine(kind) {
  const target = benchTarget(kind, values);
  if (!target) return undefined;
  const { dataDir, databaseUrl } = target;
  const concurrency = kind === 'postgres' ? Math.min(4, availableParallelism()) : 1;
  const database = await openDatabase({ dataDir, databaseUrl, poolSize: Math.max(4, concurrency + 1) });
  try {
    console.log(`\n${kind}: ${kind === 'pglite' ? dataDir : new URL(databaseUrl).pathname.slice(1)}`);
    const seeded = await seedDatabase(database.db, {
      count,
      tenant: values.tenant,
      concurrency,
      log: (line) => {
        if (!line.startsWith('  ')) console.log(`  seed: ${line}`);
      },
    });
    if (seeded.inserted) {
      console.log(
        `  seed: ${seeded.inserted} packages in ${(seeded.totalMs / 1000).toFixed(1)} s (${Math.round(seeded.inserted / (seeded.loadMs / 1000))} rows/s)`,
      );
    }
    const mix = (await queryMix(database.db, seeded.tenantId)).filter(
      ({ label }) => !values.only || label.includes(values.only),
    );
    if (values.explain) await explainMix(database.db, mix);
    for (let w = 0; w < warmup; w++) for (const { query } of mix) await searchPackages(database.db, query);
    const times = new Map(mix.map(({ label }) => [label, []]));
    const totals = new Map();
    for (let r = 0; r < runs; r++) {
      for (const { label, query } of mix) {
        const started = performance.now();
        const result = await searchPackages(database.db, query);
        times.get(label).push(performance.now() - started);
        totals.set(label, result.total);
      }
    }
    console.log(`  ${'query'.padEnd(28)}   p50 ms  p95 ms  p99 ms   hits`);
    const all = [];
    for (const { label } of mix) {
      const sorted = [...times.get(label)].sort((a, b) => a - b);
      all.push(...sorted);
      console.log(
        `  ${label.padEnd(28)} ${fmt(percentile(sorted, 50))} ${fmt(percentile(sorted, 95))} ${fmt(percentile(sorted, 99))} ${String(totals.get(label)).padStart(6)}`,
      );
    }
    all.sort((a, b) => a - b);
    const summary = {
      kind,
      p50: percentile(all, 50),
      p95: percentile(all, 95),
      p99: percentile(all, 99),
      target: targets[kind],
      queries: all.length,
    };
    console.log(
      `  ${'all queries'.padEnd(28)} ${fmt(summary.p50)} ${fmt(summary.p95)} ${fmt(summary.p99)}   (${summary.queries} searches)`,
    );
    console.log(
      `  p95 ${summary.p95.toFixed(1)} ms vs target ≤ ${summary.target} ms: ratio ${(summary.p95 / summary.target).toFixed(2)} ${summary.p95 <= summary.target ? '(met)' : '(MISSED)'}`,
    );
    await semanticTimings(database, seeded.tenantId);
    return summary;
  } finally {
    await database.close();
    target.cleanup();
  }
}

/**
 * Semantic search, outside the target mix: only where pgvector exists and the seed embedded the packages
 * (`bench/seed.mjs --embed`, the 256-dimension hashing embedder), so the cost is the exact vector scan.
 */
async function semanticTimings(database, tenantId) {
  if (!database.vector) return;
  const model = 'hashing-256';
  const stored = await sql`SELECT count(*)::int AS n FROM package_embeddings WHERE model = ${model}`.execute(
    database.db,
  );
  if (!stored.rows[0]?.n) {
    console.log('  semantic: no embeddings (seed with --embed to measure)');
    return;
  }
  const engine = { embedder: createHashingEmbedder(256), vector: true };
  const times = [];
  const queries = ['review pull requests for security issues', 'deploy docker containers to kubernetes'];
  for (let r = 0; r < warmup + runs; r++) {
    for (const semantic of queries) {
      const started = performance.now();
      await searchPackages(
        database.db,
        {
          tenantId,
          viewer: { userId: undefined, scopes: [] },
          semantic,
          minSimilarity: 0.2,
          limit: 20,
          offset: 0,
        },
        engine,
      );
      if (r >= warmup) times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  console.log(
    `  semantic (${stored.rows[0].n} vectors, exact scan; not in the target mix): p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`,
  );
}

/** EXPLAIN (ANALYZE, BUFFERS) of every statement each search of the mix runs (--explain). */
async function explainMix(db, mix) {
  for (const { label, query } of mix) {
    const statements = [];
    // A plugin sees each query before it runs: compile it the way the executor will, and keep it.
    const recording = db.withPlugin({
      transformQuery(args) {
        statements.push(recording.getExecutor().compileQuery(args.node, args.queryId));
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
    await searchPackages(recording, query);
    for (const compiled of statements.filter((c) => /^\s*(select|with)\b/i.test(c.sql))) {
      const plan = await db.executeQuery(
        CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${compiled.sql}`, [...compiled.parameters]),
      );
      console.log(`\n--- ${label}: ${compiled.sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
      for (const row of plan.rows) console.log(`    ${row['QUERY PLAN']}`);
    }
  }
}

console.log(
  `search benchmark: ${count} artifacts, ${runs} runs of a fixed query mix after ${warmup} warm-up rounds (Node ${process.version}, ${availableParallelism()} CPUs)`,
);
const results = [];
for (const engine of engines) {
  const result = await runEngine(engine);
  if (result) results.push(result);
}
console.log('\nsummary');
for (const r of results) {
  console.log(
    `  ${r.kind.padEnd(9)} p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; target p95 ≤ ${r.target} ms: ratio ${(r.p95 / r.target).toFixed(2)}`,
  );
}
