/**
 * Migrations are the .sql files in packages/server/migrations, applied in name order inside one
 * transaction and recorded with a checksum. A landed file must never change: a changed checksum
 * stops start-up rather than leaving two deployments with different schemas under one name.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(`${dir}${file}`, 'utf8');
      return { name: file, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export class MigrationError extends Error {}

/** Applies pending migrations; returns the names applied. Safe to run from several processes at once. */
export async function migrateToLatest(
  db: Kysely<Database>,
  migrations = readMigrations(),
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    // Serialises concurrent starts of several server processes on one PostgreSQL.
    await sql`SELECT pg_advisory_xact_lock(4242001)`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
      trx,
    );
    const applied = new Map(
      (await trx.selectFrom('schema_migrations').select(['name', 'checksum']).execute()).map((row) => [
        row.name,
        row.checksum,
      ]),
    );
    const known = new Set(migrations.map((m) => m.name));
    for (const name of applied.keys()) {
      if (!known.has(name)) {
        throw new MigrationError(
          `database has migration ${name} that this server does not know: is it older?`,
        );
      }
    }
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.name} was edited after it was applied; add a new file instead`,
          );
        }
        continue;
      }
      await sql.raw(migration.sql).execute(trx);
      await trx
        .insertInto('schema_migrations')
        .values({ name: migration.name, checksum: migration.checksum })
        .execute();
      done.push(migration.name);
    }
    return done;
  });
}
