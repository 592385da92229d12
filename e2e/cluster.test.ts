/**
 * Two server processes as one deployment: one PostgreSQL database, one Redis, one SECRET_KEY and one
 * blob directory, each process with its own data directory. The API rate limit is counted once across
 * both, and a publish may start on one process and be confirmed on the other.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget, makeTempDir, testDbKind } from '../test-support/db.js';
import { describeWithService } from '../test-support/services.js';
import { makeTarball, skillFiles } from '../test-support/tarball.js';
import { freePort, type SpawnedServer, startServer } from './spawn.js';

const rateLimit = 6;

interface SharedDatabase {
  databaseUrl: string;
  cleanup(): Promise<void>;
}

/** The run's PostgreSQL (AGENTRY_TEST_DB=postgres) hands out empty databases itself. */
async function runDatabase(): Promise<SharedDatabase> {
  const target = await createEmptyTestTarget();
  if (!target.databaseUrl) throw new Error('expected a PostgreSQL run');
  return { databaseUrl: target.databaseUrl, cleanup: target.cleanup };
}

/** On a PGlite run, a database of our own on the configured PostgreSQL (named so global setup sweeps leftovers). */
async function ownDatabase(adminUrl: string): Promise<SharedDatabase> {
  const name = `agentry_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async cleanup() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function clusterTests(redisUrl: string, database: () => Promise<SharedDatabase>) {
  const adminToken = `agt_${randomBytes(32).toString('base64url')}`;
  const servers: SpawnedServer[] = [];
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let a: SpawnedServer;
  let b: SpawnedServer;

  beforeAll(async () => {
    const shared = await database();
    cleanups.push(() => shared.cleanup());
    const blobs = makeTempDir('cluster-blobs');
    cleanups.push(() => rmSync(blobs, { recursive: true, force: true }));
    const common = {
      DATABASE_URL: shared.databaseUrl,
      REDIS_URL: redisUrl,
      SECRET_KEY: randomBytes(32).toString('hex'),
      BLOB_STORE: blobs,
      AGENTRY_ADMIN_TOKEN: adminToken,
      RATE_LIMIT_AUTHENTICATED: String(rateLimit),
    };
    // Both at once, as the replicas of one deployment start: migrations and the admin bootstrap race.
    const started = await Promise.allSettled(
      [0, 1].map(async (i) => {
        const dataDir = makeTempDir(`cluster-node${i}`);
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
        const port = await freePort();
        return startServer({
          ...common,
          DATA_DIR: dataDir,
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
        });
      }),
    );
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    [a, b] = servers as [SpawnedServer, SpawnedServer];
  });

  afterAll(async () => {
    // Servers first: they hold connections to the database that is dropped next.
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A fresh token of the admin, so each case starts with an untouched rate-limit budget. */
  async function newToken(on: SpawnedServer, label: string): Promise<string> {
    const response = await fetch(`${on.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: label, scopes: ['skills:read', 'skills:publish'] }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  }

  it('both processes use the shared database and Redis', () => {
    for (const server of servers) {
      const listening = server.logs.find((line) => line.includes('agentry server listening')) ?? '';
      expect(JSON.parse(listening)).toMatchObject({ db: 'postgres', blobs: 'fs', rateLimits: 'redis' });
    }
  });

  it("counts one token's requests once across both processes", async () => {
    const token = await newToken(a, 'rate-limit');
    const remaining: string[] = [];
    for (let i = 0; i < rateLimit; i++) {
      const server = i % 2 === 0 ? a : b;
      const response = await fetch(`${server.url}/api/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe(String(rateLimit));
      remaining.push(response.headers.get('x-ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);
    for (const server of [a, b]) {
      const refused = await fetch(`${server.url}/api/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toBe('RATE_LIMITED');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('confirms on one process a publish initiated on the other; both then serve it', async () => {
    const token = await newToken(a, 'publish');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const name = 'cluster-skill';
    const tarball = await makeTarball(skillFiles(name));
    const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;

    const init = await fetch(`${a.url}/api/v1/skills`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        manifest: {
          name,
          version: '1.0.0',
          description: 'Published across two processes.',
          visibility: 'public',
          permissions: {},
        },
      }),
    });
    expect(init.status).toBe(201);
    const { uploadUrl, skillId, versionId } = (await init.json()) as Record<string, string>;
    expect(new URL(String(uploadUrl)).origin).toBe(a.url);

    const put = await fetch(String(uploadUrl), {
      method: 'PUT',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(tarball),
    });
    expect(put.status).toBe(200);

    const confirm = await fetch(`${b.url}/api/v1/skills/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ skillId, versionId, integrity }),
    });
    expect(confirm.status).toBe(200);
    expect(await confirm.json()).toMatchObject({ name, version: '1.0.0', status: 'published' });

    for (const server of [a, b]) {
      const meta = await fetch(`${server.url}/api/v1/skills/${name}`);
      expect(meta.status).toBe(200);
      expect(await meta.json()).toMatchObject({ name, latestVersion: '1.0.0' });
      const detail = await fetch(`${server.url}/api/v1/skills/${name}/1.0.0`);
      expect(detail.status).toBe(200);
      const version = (await detail.json()) as { integrity: string; downloadUrl: string };
      expect(version.integrity).toBe(integrity);
      expect(new URL(version.downloadUrl).origin).toBe(server.url);
      const download = await fetch(version.downloadUrl);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(tarball)).toBe(true);
      const file = await fetch(`${server.url}/api/v1/skills/${name}/1.0.0/files/SKILL.md`);
      expect(file.status).toBe(200);
      expect(await file.text()).toBe(skillFiles(name)['SKILL.md']);
    }
  });

  it('a yank on one process is seen by the other within a second (cache invalidation by NOTIFY)', async () => {
    const token = await newToken(a, 'yank');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const name = 'cluster-yanked';
    const tarball = await makeTarball(skillFiles(name));
    const init = await fetch(`${a.url}/api/v1/skills`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        manifest: {
          name,
          version: '1.0.0',
          description: 'Yanked on a.',
          visibility: 'public',
          permissions: {},
        },
      }),
    });
    expect(init.status).toBe(201);
    const { uploadUrl, skillId, versionId } = (await init.json()) as Record<string, string>;
    expect((await fetch(String(uploadUrl), { method: 'PUT', body: new Uint8Array(tarball) })).status).toBe(
      200,
    );
    const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
    const confirm = await fetch(`${a.url}/api/v1/skills/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ skillId, versionId, integrity }),
    });
    expect(confirm.status).toBe(200);

    const detailOnB = async () =>
      (await (await fetch(`${b.url}/api/v1/skills/${name}/1.0.0`)).json()) as { yanked: boolean };
    // Warm b's cache: the second read is served from it.
    expect((await detailOnB()).yanked).toBe(false);
    expect((await detailOnB()).yanked).toBe(false);

    const yank = await fetch(`${a.url}/api/v1/skills/${name}/1.0.0/yank`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ reason: 'cluster test' }),
    });
    expect(yank.status).toBe(200);
    const deadline = Date.now() + 1000;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      seen = (await detailOnB()).yanked;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(seen).toBe(true);
  });
}

describeWithService(
  'redis',
  'cluster: two server processes on one PostgreSQL, Redis and blob store',
  (redisUrl) => {
    if (testDbKind() === 'postgres') {
      describe('on the run database', () => clusterTests(redisUrl, runDatabase));
      return;
    }
    // A PGlite run: the PostgreSQL of AGENTRY_TEST_PG_URL (the url handed in) gets a database of our own.
    describeWithService('postgres', 'on a PostgreSQL database of its own', (pgUrl) =>
      clusterTests(redisUrl, () => ownDatabase(pgUrl)),
    );
  },
);
