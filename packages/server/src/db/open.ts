/**
 * One code path for both databases: Kysely over a pg.Pool, built from DATABASE_URL or from an
 * in-process PGlite. PGlite's adapter holds a single connection, so never query the outer `db`
 * inside a transaction: use the transaction handle (a query on `db` there hangs forever).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrate.js';
import { type Listener, type ListenHandlers, listenOnPglite, listenOnPostgres } from './notifications.js';
import type { Database } from './schema.js';

// Timestamps stay Date objects (1184 timestamptz), int8 counts become numbers: our counters stay far
// below 2^53, and a string count leaks into JSON responses otherwise.
pg.types.setTypeParser(20, (value: string) => Number(value));
// Calendar dates (daily download buckets) stay 'YYYY-MM-DD' strings instead of local-midnight Dates.
pg.types.setTypeParser(1082, (value: string) => value);

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Whether the pgvector extension is installed (semantic search is optional). */
  vector: boolean;
  /** Migrations applied while opening (empty when the schema was current). */
  applied: string[];
  /** LISTEN on a channel (PGlite in-process; PostgreSQL on a connection of its own). */
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** Apply pending migrations (default true; `migrate` and tests turn it off to control timing). */
  migrate?: boolean;
  /** Seconds a PostgreSQL connection attempt may take before failing (health checks rely on it). */
  connectTimeoutMs?: number;
  /** PGlite's shared_buffers (default 32MB); PGlite touches all of it at start, so it all counts in RSS. */
  pgliteSharedBuffers?: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let pool: pg.Pool;
  let pglite: PGlite | undefined;
  if (options.databaseUrl) {
    pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
    pool.on('error', () => {});
  } else {
    const dir = join(options.dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir, {
      extensions: { pg_trgm, vector },
      // PGlite's default is PostgreSQL's 128MB, all resident from start; an embedded registry's working
      // set is far smaller and the operating system caches the files too.
      startParams: [
        ...PGlite.defaultStartParams,
        '-c',
        `shared_buffers=${options.pgliteSharedBuffers ?? '32MB'}`,
      ],
    });
    pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      // Search matches names with pg_trgm's `%` operator (index-backed); Tank's cut-off is 0.15.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('SET pg_trgm.similarity_threshold = 0.15'));
      },
    }),
  });
  const close = async () => {
    await db.destroy();
    await pglite?.close();
  };
  try {
    const vectorEnabled = await enableVector(db);
    const applied = options.migrate === false ? [] : await migrateToLatest(db);
    const listen = (channel: string, handlers: ListenHandlers) =>
      pglite
        ? listenOnPglite(pglite, channel, handlers)
        : listenOnPostgres(options.databaseUrl ?? '', channel, handlers);
    return { db, kind: pglite ? 'pglite' : 'postgres', vector: vectorEnabled, applied, listen, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

/** pgvector is used only where the server has it (Debian's PostgreSQL does not). */
async function enableVector(db: Kysely<Database>): Promise<boolean> {
  const available = await sql<{ installed: boolean }>`
    SELECT installed_version IS NOT NULL AS installed FROM pg_available_extensions WHERE name = 'vector'`.execute(
    db,
  );
  const row = available.rows[0];
  if (!row) return false;
  if (row.installed) return true;
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
    return true;
  } catch {
    // Available but not installable by this role: run without semantic search.
    return false;
  }
}

/** Round-trip time of a trivial query, for the health check. */
export async function pingDatabase(db: Kysely<Database>): Promise<number> {
  const started = performance.now();
  await sql`SELECT 1`.execute(db);
  return Math.round(performance.now() - started);
}
