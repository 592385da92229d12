import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test-support/db.js';
import { type Migration, MigrationError, migrateToLatest, readMigrations } from '../src/db/migrate.js';
import { recordAudit } from '../src/domain/audit.js';
import { ensureTenant } from '../src/domain/tenants.js';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

/** The SQLSTATE of a rejected query (pg's DatabaseError carries it as `code`). */
async function sqlStateOf(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the query to be refused');
}

const unique = () => randomBytes(4).toString('hex');

describe('migrations', () => {
  it('records every migration with its sha256 checksum and applies nothing on a second run', async () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await handle.db
      .selectFrom('schema_migrations')
      .select(['name', 'checksum'])
      .orderBy('name')
      .execute();
    expect(rows).toEqual(
      migrations.map((m) => ({
        name: m.name,
        checksum: createHash('sha256').update(m.sql).digest('hex'),
      })),
    );
    for (const row of rows) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it('refuses to start when an applied migration was edited (checksum changed)', async () => {
    const [first, ...rest] = readMigrations();
    if (!first) throw new Error('no migrations');
    const editedChecksum: Migration = { ...first, checksum: 'f'.repeat(64) };
    await expect(migrateToLatest(handle.db, [editedChecksum, ...rest])).rejects.toBeInstanceOf(
      MigrationError,
    );
    const editedSql = { ...first, sql: `${first.sql}\n-- edited` };
    editedSql.checksum = createHash('sha256').update(editedSql.sql).digest('hex');
    await expect(migrateToLatest(handle.db, [editedSql, ...rest])).rejects.toBeInstanceOf(MigrationError);
    // The refusal changed nothing: the recorded checksum is still the original one.
    const row = await handle.db
      .selectFrom('schema_migrations')
      .select('checksum')
      .where('name', '=', first.name)
      .executeTakeFirstOrThrow();
    expect(row.checksum).toBe(first.checksum);
  });

  it('refuses a database holding a migration this code does not know', async () => {
    const name = `9999_future_${unique()}.sql`;
    await handle.db
      .insertInto('schema_migrations')
      .values({ name, checksum: 'a'.repeat(64) })
      .execute();
    try {
      await expect(migrateToLatest(handle.db)).rejects.toBeInstanceOf(MigrationError);
    } finally {
      await handle.db.deleteFrom('schema_migrations').where('name', '=', name).execute();
    }
    // An older server (knowing fewer migrations than were applied) is refused the same way.
    await expect(migrateToLatest(handle.db, [])).rejects.toBeInstanceOf(MigrationError);
    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it('applies a new migration once, in the same run as the known ones', async () => {
    const table = `extra_${unique()}`;
    const text = `CREATE TABLE ${table} (id integer PRIMARY KEY, note text NOT NULL);`;
    const extra: Migration = {
      name: `9000_extra_${table}.sql`,
      sql: text,
      checksum: createHash('sha256').update(text).digest('hex'),
    };
    const migrations = [...readMigrations(), extra];
    try {
      expect(await migrateToLatest(handle.db, migrations)).toEqual([extra.name]);
      expect(await migrateToLatest(handle.db, migrations)).toEqual([]);
      await sql`INSERT INTO ${sql.table(table)} (id, note) VALUES (1, 'ok')`.execute(handle.db);
      const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
        handle.db,
      );
      expect(count.rows[0]?.n).toBe(1);
      const recorded = await handle.db
        .selectFrom('schema_migrations')
        .select('checksum')
        .where('name', '=', extra.name)
        .executeTakeFirst();
      expect(recorded?.checksum).toBe(extra.checksum);
    } finally {
      await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(handle.db);
      await handle.db.deleteFrom('schema_migrations').where('name', '=', extra.name).execute();
    }
  });

  it('rolls back a failing migration together with the ones before it in the run', async () => {
    const table = `partial_${unique()}`;
    const good: Migration = {
      name: `9001_good_${table}.sql`,
      sql: `CREATE TABLE ${table} (id int);`,
      checksum: '1',
    };
    const bad: Migration = {
      name: `9002_bad_${table}.sql`,
      sql: 'SELECT * FROM no_such_table_here;',
      checksum: '2',
    };
    await expect(migrateToLatest(handle.db, [...readMigrations(), good, bad])).rejects.toThrow();
    const exists = await sql<{ t: string | null }>`SELECT to_regclass(${table}) AS t`.execute(handle.db);
    expect(exists.rows[0]?.t).toBeNull();
    const recorded = await handle.db
      .selectFrom('schema_migrations')
      .select('name')
      .where('name', 'in', [good.name, bad.name])
      .execute();
    expect(recorded).toEqual([]);
  });
});

describe('extensions', () => {
  it('has pg_trgm working', async () => {
    const result = await sql<{ s: number }>`SELECT similarity('agentry', 'agentri') AS s`.execute(handle.db);
    expect(result.rows[0]?.s).toBeGreaterThan(0.3);
  });

  it('reports vector exactly when the server offers the extension', async () => {
    const result = await sql<{ name: string }>`
      SELECT name FROM pg_available_extensions WHERE name = 'vector'`.execute(handle.db);
    expect(handle.vector).toBe(result.rows.length > 0);
    if (handle.vector) {
      const installed = await sql<{ v: string | null }>`
        SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`.execute(handle.db);
      expect(installed.rows).toHaveLength(1);
    }
  });
});

describe('audit_events', () => {
  it('accepts inserts through recordAudit and refuses UPDATE and DELETE', async () => {
    const tenant = await ensureTenant(handle.db, `audit-${unique()}`);
    const action = `test.audit_${unique()}`;
    await recordAudit(handle.db, { tenantId: tenant.id, action, data: { n: 1 }, ip: '127.0.0.1' });
    const row = await handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: tenant.id, data: { n: 1 }, ip: '127.0.0.1' });

    await expect(
      handle.db.updateTable('audit_events').set({ action: 'tampered' }).where('id', '=', row.id).execute(),
    ).rejects.toThrow();
    await expect(
      handle.db
        .updateTable('audit_events')
        .set({ tenant_id: null, data: JSON.stringify({ n: 2 }) })
        .where('id', '=', row.id)
        .execute(),
    ).rejects.toThrow();
    expect(await sqlStateOf(handle.db.deleteFrom('audit_events').where('id', '=', row.id).execute())).toBe(
      '42501',
    );
    const after = await handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(row);
  });

  it('lets a tenant be removed, keeping its audit events with a null tenant', async () => {
    const tenant = await ensureTenant(handle.db, `gone-${unique()}`);
    const action = `test.gone_${unique()}`;
    await recordAudit(handle.db, { tenantId: tenant.id, action });
    await handle.db.deleteFrom('tenants').where('id', '=', tenant.id).execute();
    const row = await handle.db
      .selectFrom('audit_events')
      .select(['tenant_id', 'action'])
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ tenant_id: null, action });
  });
});

describe('constraints and transactions', () => {
  it('refuses a tenant slug that is not lower-case kebab', async () => {
    const state = await sqlStateOf(
      handle.db.insertInto('tenants').values({ slug: 'Bad Slug', name: 'x' }).execute(),
    );
    expect(state).toBe('23514');
    const rows = await handle.db.selectFrom('tenants').select('id').where('slug', '=', 'Bad Slug').execute();
    expect(rows).toEqual([]);
  });

  it('keeps usernames unique', async () => {
    const username = `dup${unique()}`;
    await handle.db.insertInto('users').values({ username }).execute();
    expect(await sqlStateOf(handle.db.insertInto('users').values({ username }).execute())).toBe('23505');
    const rows = await handle.db.selectFrom('users').select('id').where('username', '=', username).execute();
    expect(rows).toHaveLength(1);
  });

  it('leaves no rows behind when a transaction throws', async () => {
    const slug = `tx-${unique()}`;
    const username = `tx${unique()}`;
    const boom = new Error('abort the transaction');
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await trx.insertInto('tenants').values({ slug, name: 'x' }).execute();
        await trx.insertInto('users').values({ username }).execute();
        // Visible inside the transaction before it is rolled back.
        const inside = await trx.selectFrom('tenants').select('id').where('slug', '=', slug).execute();
        expect(inside).toHaveLength(1);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await handle.db.selectFrom('tenants').select('id').where('slug', '=', slug).execute()).toEqual([]);
    expect(
      await handle.db.selectFrom('users').select('id').where('username', '=', username).execute(),
    ).toEqual([]);
  });
});
