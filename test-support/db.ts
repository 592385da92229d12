/**
 * A fresh, migrated database per call through the production open path: a copy of the PGlite template
 * directory, or a PostgreSQL database cloned from the template database. Which one is decided by the
 * run (AGENTRY_TEST_DB), so the same test cases run on both engines.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../packages/server/src/db/open.js';

export interface TestDatabase extends DatabaseHandle {
  /** The data directory (also holds the PGlite files when on PGlite). */
  dataDir: string;
  /** DATABASE_URL for a spawned server, when on PostgreSQL. */
  databaseUrl: string | undefined;
}

export function testDbKind(): 'pglite' | 'postgres' {
  return inject('testDb').kind;
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(inject('tmpRoot'), `${prefix}-`));
}

async function createPostgresDatabase(url: string, template: string): Promise<string> {
  const name = `agentry_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (error) {
        // Two clones of one template at the same instant can collide on the template's lock.
        if ((error as { code?: string }).code !== '55006' || attempt > 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

async function dropPostgresDatabase(url: string, databaseUrl: string) {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A database and data directory for one test file; close() removes both. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const setup = inject('testDb');
  const dataDir = makeTempDir('data');
  if (setup.kind === 'pglite') {
    cpSync(setup.template, dataDir, { recursive: true });
    const handle = await openDatabase({ dataDir });
    return {
      ...handle,
      dataDir,
      databaseUrl: undefined,
      async close() {
        await handle.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const databaseUrl = await createPostgresDatabase(setup.url, setup.template);
  const handle = await openDatabase({ dataDir, databaseUrl, poolSize: 5 });
  return {
    ...handle,
    dataDir,
    databaseUrl,
    async close() {
      await handle.close();
      await dropPostgresDatabase(setup.url, databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Only a fresh, empty data directory plus (on PostgreSQL) an empty database: for spawned servers. */
export async function createEmptyTestTarget(): Promise<{
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup(): Promise<void>;
}> {
  const setup = inject('testDb');
  const dataDir = makeTempDir('server');
  if (setup.kind === 'pglite') {
    return {
      dataDir,
      databaseUrl: undefined,
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const databaseUrl = await createPostgresDatabase(setup.url, 'template0');
  return {
    dataDir,
    databaseUrl,
    async cleanup() {
      await dropPostgresDatabase(setup.url, databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
