/**
 * Builds a migrated template database once per run: a PGlite data directory to copy (a fresh initdb
 * costs ~2 s), or a PostgreSQL template database to CREATE DATABASE … TEMPLATE from.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { readMigrations } from '../packages/server/src/db/migrate.js';
import { openDatabase } from '../packages/server/src/db/open.js';
import { serviceUrl } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { kind: 'pglite'; template: string } | { kind: 'postgres'; url: string; template: string };
    tmpRoot: string;
  }
}

const root = join(import.meta.dirname, '..', '.test-tmp');

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const migration of readMigrations()) hash.update(migration.name).update(migration.checksum);
  return hash.digest('hex').slice(0, 12);
}

async function preparePglite(): Promise<string> {
  const template = join(root, `pglite-template-${migrationsHash()}`);
  if (existsSync(join(template, 'ready'))) return template;
  const building = `${template}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const handle = await openDatabase({ dataDir: building });
  await handle.close();
  mkdirSync(building, { recursive: true });
  await import('node:fs/promises').then((fs) => fs.writeFile(join(building, 'ready'), ''));
  rmSync(template, { recursive: true, force: true });
  renameSync(building, template);
  return template;
}

async function preparePostgres(url: string): Promise<string> {
  const template = `agentry_tpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return template;
    // Left-over test databases of earlier runs are dropped here, once, rather than accumulating.
    const stale = await admin.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'agentry_t\\_%' OR datname LIKE 'agentry_tpl\\_%'",
    );
    for (const row of stale.rows as { datname: string }[]) {
      await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${template}`;
  const handle = await openDatabase({ dataDir: root, databaseUrl: target.toString() });
  await handle.close();
  return template;
}

export default async function setup(project: TestProject) {
  mkdirSync(root, { recursive: true });
  project.provide('tmpRoot', root);
  if (process.env.AGENTRY_TEST_DB === 'postgres') {
    const url = serviceUrl('postgres');
    if (!url) throw new Error('AGENTRY_TEST_DB=postgres needs AGENTRY_TEST_PG_URL');
    project.provide('testDb', { kind: 'postgres', url, template: await preparePostgres(url) });
  } else {
    project.provide('testDb', { kind: 'pglite', template: await preparePglite() });
  }
}
