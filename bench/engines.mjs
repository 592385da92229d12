/**
 * What the database benchmarks share: where each engine's data lives (a temporary PGlite folder unless
 * --pglite-dir, PostgreSQL from --database-url or BENCH_PG_URL) and the percentile arithmetic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The data directory and database URL for one engine, or undefined when PostgreSQL has no URL. */
export function benchTarget(kind, values) {
  if (kind === 'pglite') {
    const temporary = values['pglite-dir'] === undefined;
    const dataDir = values['pglite-dir'] ?? mkdtempSync(join(tmpdir(), 'agentry-bench-'));
    return {
      dataDir,
      databaseUrl: undefined,
      cleanup: () => temporary && rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const databaseUrl = values['database-url'] ?? process.env.BENCH_PG_URL;
  if (!databaseUrl) {
    console.log('\npostgres: skipped (pass --database-url or set BENCH_PG_URL)');
    return undefined;
  }
  // The server still wants a data directory (its lock and secret), even when the rows live in PostgreSQL.
  const dataDir = mkdtempSync(join(tmpdir(), 'agentry-bench-'));
  return { dataDir, databaseUrl, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export const fmt = (ms) => ms.toFixed(1).padStart(7);
