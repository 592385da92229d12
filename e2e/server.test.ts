/**
 * The server binary as an operator runs it: start on the run's database engine, refuse a second
 * process on the same data directory, shut down gracefully, bootstrap an admin token, operator
 * commands, and configuration errors.
 */

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSignedBlobUrl } from '../packages/server/src/blobs/signed-url.js';
import { createEmptyTestTarget, testDbKind } from '../test-support/db.js';
import { cliBin, runBin, type SpawnedServer, serverBin, startServer } from './spawn.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function target() {
  const t = await createEmptyTestTarget();
  cleanups.push(() => t.cleanup());
  return { DATA_DIR: t.dataDir, DATABASE_URL: t.databaseUrl };
}

async function launch(env: Record<string, string | undefined>): Promise<SpawnedServer> {
  const server = await startServer(env);
  cleanups.push(() => server.stop('SIGKILL'));
  return server;
}

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(`${full} ${statSync(full).size} ${statSync(full).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('agentry-server', () => {
  it(`starts and reports the database up (${testDbKind()})`, async () => {
    const server = await launch(await target());
    const health = (await (await fetch(`${server.url}/health`)).json()) as {
      status: string;
      deps: { db: { status: string } };
    };
    expect(health.status).toBe('ok');
    expect(health.deps.db.status).toBe('up');
    const listening = server.logs.find((line) => line.includes('agentry server listening')) ?? '';
    expect(JSON.parse(listening)).toMatchObject({ db: testDbKind(), blobs: 'fs', rateLimits: 'memory' });
    // And one line for the person at the terminal, on stderr so stdout stays JSON.
    const human = await server.stderrLine(/^Agentry listening on /);
    expect(human).toBe(`Agentry listening on http://localhost:${server.port}`);
  });

  it('refuses a second server on the same data directory and touches nothing', async () => {
    const env = await target();
    const first = await launch(env);
    await fetch(`${first.url}/health`);
    const before = snapshot(env.DATA_DIR);
    const second = runBin(serverBin, [], env);
    expect(second.code).toBe(75);
    expect(second.stderr).toContain(env.DATA_DIR);
    expect(snapshot(env.DATA_DIR)).toEqual(before);
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
  });

  it('takes over the lock of a server killed with SIGKILL', async () => {
    const env = await target();
    const first = await startServer(env);
    expect(await first.stop('SIGKILL')).toBeNull();
    expect(existsSync(join(env.DATA_DIR, 'agentry.lock'))).toBe(true);
    const second = await launch(env);
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
  });

  it('restarts after a kill -9 as PID 1 in its own pid namespace (a container), lock file left behind', async (ctx) => {
    const wrapper = ['unshare', '-pf', '--mount-proc'];
    if (spawnSync(wrapper[0] as string, [...wrapper.slice(1), 'true']).status !== 0) {
      console.warn('SKIPPED: unshare -pf needs root (CAP_SYS_ADMIN) and util-linux');
      ctx.skip();
    }
    const env = await target();
    for (let round = 0; round < 2; round++) {
      const server = await startServer(env, 30_000, wrapper);
      cleanups.push(() => server.stop('SIGKILL'));
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const lockFile = JSON.parse(readFileSync(join(env.DATA_DIR, 'agentry.lock'), 'utf8')) as {
        pid: number;
      };
      expect(lockFile.pid).toBe(1);
      // The server is the only child of unshare; SIGKILL it, as the OOM killer or `docker kill` would.
      const pid1 = Number(
        readFileSync(`/proc/${server.child.pid}/task/${server.child.pid}/children`, 'utf8').trim(),
      );
      process.kill(pid1, 'SIGKILL');
      await server.exited;
      expect(existsSync(join(env.DATA_DIR, 'agentry.lock'))).toBe(true);
    }
    const again = await launch(env);
    expect((await fetch(`${again.url}/health`)).status).toBe(200);
  }, 180_000);

  it('starts over a lock file written on another host or naming a live pid', async () => {
    for (const owner of [
      { pid: process.pid, host: 'old-container-3f2a' },
      { pid: process.pid, host: hostname() },
    ]) {
      const env = await target();
      writeFileSync(join(env.DATA_DIR, 'agentry.lock'), JSON.stringify(owner));
      const server = await launch(env);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await server.stop();
    }
  }, 120_000);

  it('finishes an in-flight upload on SIGTERM, then exits 0 and releases the lock', async () => {
    const secret = randomBytes(32).toString('hex');
    const env = { ...(await target()), SECRET_KEY: secret };
    const server = await launch(env);
    const url = new URL(
      buildSignedBlobUrl(server.url, secret, {
        method: 'PUT',
        key: 'uploads/slow.tgz',
        expiresAt: Math.floor(Date.now() / 1000) + 60,
        maxBytes: 1 << 20,
      }),
    );
    const response = new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/gzip' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1000, 1));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(Buffer.alloc(1000, 2)), 300);
      }, 200);
    });
    expect(await response).toBe(200);
    expect(await server.exited).toBe(0);
    expect(existsSync(join(env.DATA_DIR, 'agentry.lock'))).toBe(false);
    expect(statSync(join(env.DATA_DIR, 'blobs/uploads/slow.tgz')).size).toBe(2000);
  });

  it('ensures the AGENTRY_ADMIN_TOKEN admin, usable by the CLI', async () => {
    const token = `agt_${randomBytes(32).toString('base64url')}`;
    const server = await launch({ ...(await target()), AGENTRY_ADMIN_TOKEN: token });
    const who = runBin(cliBin, ['whoami', '--json', '--registry', server.url], { AGENTRY_TOKEN: token });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({
      username: 'admin',
      scopes: ['skills:admin', 'skills:publish', 'skills:read', 'tenant:admin'],
    });
    const bad = runBin(cliBin, ['whoami', '--json', '--registry', server.url], {
      AGENTRY_TOKEN: `agt_${'x'.repeat(43)}`,
    });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: 'unauthorized' });
    const health = runBin(cliBin, ['health', '--json'], { AGENTRY_REGISTRY: server.url });
    expect(JSON.parse(health.stdout)).toMatchObject({ status: 'ok' });
  });

  it('creates users and tokens with operator commands, refused while a PGlite server runs', async () => {
    const env = await target();
    const migrate = runBin(serverBin, ['migrate', '--json'], env);
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.stdout).applied).toContain('0001_foundation.sql');
    expect(JSON.parse(runBin(serverBin, ['migrate', '--json'], env).stdout).applied).toEqual([]);
    const user = runBin(
      serverBin,
      ['admin', 'create-user', '--username', 'alice', '--password-stdin', '--role', 'admin', '--json'],
      env,
      'correct horse battery\n',
    );
    expect(user.code).toBe(0);
    const tokenRun = runBin(
      serverBin,
      ['admin', 'create-token', '--username', 'alice', '--scopes', 'skills:read', '--json'],
      env,
    );
    expect(tokenRun.code).toBe(0);
    const { token } = JSON.parse(tokenRun.stdout) as { token: string };
    const server = await launch(env);
    const who = await fetch(`${server.url}/api/v1/auth/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await who.json()).toMatchObject({ username: 'alice', scopes: ['skills:read'] });
    const during = runBin(serverBin, ['admin', 'create-user', '--username', 'bob'], env);
    expect(during.code).toBe(env.DATABASE_URL ? 0 : 75);
    const badScope = runBin(serverBin, ['admin', 'create-token', '--username', 'alice', '--scopes', 'root'], {
      ...env,
      DATA_DIR: `${env.DATA_DIR}-other`,
    });
    expect(badScope.code).not.toBe(0);
    // Seven processes in a row, each opening the database: slow on a loaded 2-core machine.
  }, 120_000);

  it('shows and sets the tenant policy on FAIL verdicts', async () => {
    const env = await target();
    const show = () => JSON.parse(runBin(serverBin, ['admin', 'tenant-policy', '--json'], env).stdout);
    expect(show()).toEqual({ tenant: 'default', refuseFailingScans: false });
    const set = runBin(serverBin, ['admin', 'tenant-policy', '--refuse-failing-scans', 'on', '--json'], env);
    expect(set.code).toBe(0);
    expect(show()).toEqual({ tenant: 'default', refuseFailingScans: true });
    expect(runBin(serverBin, ['admin', 'tenant-policy', '--refuse-failing-scans', 'maybe'], env).code).toBe(
      64,
    );
  }, 120_000);

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL'],
    [{ BLOB_STORE: 's3://' }, 'BLOB_STORE'],
  ])('stops on invalid configuration %o with exit 78 naming the key', (env, key) => {
    const run = runBin(serverBin, [], { DATA_DIR: '/nonexistent/never-created', ...env });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(key);
    expect(existsSync('/nonexistent/never-created')).toBe(false);
  });
});
