/**
 * Publishing survives kill -9 at any point (issue 15, the reliability suite). One data directory (PGlite)
 * or database (PostgreSQL, in the PostgreSQL pass); each iteration starts the server, checks what the
 * previous one left, starts a few publishes of new versions and SIGKILLs the server after a random delay.
 * After every restart: the restart succeeded; every acknowledged publish is readable and its bytes match
 * its integrity (none lost, earlier versions intact); every listed version is whole (none half-visible);
 * and the same publisher's retry of every interrupted publish succeeds at once. Prints its figures.
 * (N concurrent publishes of one name@version: e2e/concurrency.test.ts.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget, testDbKind } from '../test-support/db.js';
import { makeTarball, skillFiles } from '../test-support/tarball.js';
import { freePort, type SpawnedServer, startServer } from './spawn.js';

const iterations = Number(process.env.RELIABILITY_ITERATIONS ?? 30);
const perIteration = 3;
const name = 'crash-skill';
const adminToken = `agt_${randomBytes(32).toString('base64url')}`;
const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
const sri = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

type Attempt = { version: string; bytes: Buffer; acknowledged: boolean };

async function publish(base: string, version: string, bytes: Buffer) {
  const auth = headers;
  const init = await fetch(`${base}/api/v1/skills`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ manifest: { name, version, description: 'Crash test.', permissions: {} } }),
  });
  const started = (await init.json()) as { uploadUrl?: string; versionId?: string; error?: string };
  if (init.status !== 201) return { status: init.status, error: started.error };
  const put = await fetch(started.uploadUrl ?? '', { method: 'PUT', body: new Uint8Array(bytes) });
  if (put.status !== 200) return { status: put.status, error: 'upload' };
  const confirm = await fetch(`${base}/api/v1/skills/confirm`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ versionId: started.versionId, integrity: sri(bytes) }),
  });
  const body = (await confirm.json()) as { error?: string };
  return { status: confirm.status, error: body.error };
}

/** The version's detail and downloaded bytes, or its status when it is not readable. */
async function readVersion(base: string, version: string) {
  const res = await fetch(`${base}/api/v1/skills/${name}/${version}`);
  if (res.status !== 200) return { status: res.status };
  const detail = (await res.json()) as { downloadUrl: string; integrity: string };
  const download = await fetch(detail.downloadUrl);
  const bytes = Buffer.from(await download.arrayBuffer());
  return { status: 200, whole: download.status === 200 && sri(bytes) === detail.integrity, bytes };
}

describe(`kill -9 during publish (${testDbKind()})`, () => {
  let env: Record<string, string | undefined>;
  let server: SpawnedServer | undefined;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const target = await createEmptyTestTarget();
    cleanup = target.cleanup;
    const port = await freePort();
    env = {
      DATA_DIR: target.dataDir,
      DATABASE_URL: target.databaseUrl,
      AGENTRY_ADMIN_TOKEN: adminToken,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      RATE_LIMIT_AUTHENTICATED: '1000000',
      RATE_LIMIT_ANONYMOUS: '1000000',
    };
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup?.();
  });

  it(`keeps every acknowledged publish and never shows half a version over ${iterations} kills`, async () => {
    const acknowledged: Attempt[] = [];
    const pending: Attempt[] = [];
    const counts = {
      halfVisible: 0,
      lost: 0,
      failedRestarts: 0,
      blockedRetries: 0,
      interrupted: 0,
      kills: 0,
    };
    for (let i = 0; i <= iterations; i++) {
      try {
        server = await startServer(env, 60_000);
      } catch (error) {
        counts.failedRestarts += 1;
        console.log(`restart ${i} failed: ${(error as Error).message.slice(0, 500)}`);
        break;
      }
      const base = server.url;
      // Everything acknowledged so far is there and whole.
      for (const a of acknowledged) {
        const read = await readVersion(base, a.version);
        if (read.status !== 200 || !read.whole || !read.bytes?.equals(a.bytes)) counts.lost += 1;
      }
      // Every listed version is whole: a version is visible entirely or not at all.
      const list = await fetch(`${base}/api/v1/skills/${name}/versions`);
      if (list.status === 200) {
        for (const v of ((await list.json()) as { versions: { version: string }[] }).versions) {
          const read = await readVersion(base, v.version);
          if (read.status !== 200 || !read.whole) counts.halfVisible += 1;
        }
      }
      // The same publisher retries each publish the previous kill interrupted, right after the restart: it
      // must succeed (or find the version already published and whole, when the kill came after the commit).
      for (const a of pending.splice(0)) {
        const retry = await publish(base, a.version, a.bytes);
        if (retry.status === 200) {
          a.acknowledged = true;
          acknowledged.push(a);
        } else if (retry.status === 409 && retry.error === 'VERSION_EXISTS') {
          const read = await readVersion(base, a.version);
          if (read.status === 200 && read.whole && read.bytes?.equals(a.bytes)) acknowledged.push(a);
          else counts.blockedRetries += 1;
        } else counts.blockedRetries += 1;
      }
      if (i === iterations) break;
      const round: Attempt[] = await Promise.all(
        Array.from({ length: perIteration }, async (_, k) => ({
          version: `1.${i}.${k}`,
          bytes: await makeTarball(
            skillFiles(name, { 'NOTES.md': `round ${i} attempt ${k} ${randomBytes(8).toString('hex')}\n` }),
          ),
          acknowledged: false,
        })),
      );
      const running = round.map(async (a) => {
        const result = await publish(base, a.version, a.bytes).catch(() => undefined);
        if (result?.status === 200) a.acknowledged = true;
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 600)));
      await server.stop('SIGKILL');
      counts.kills += 1;
      await Promise.allSettled(running);
      server = undefined;
      for (const a of round)
        if (a.acknowledged) acknowledged.push(a);
        else pending.push(a);
      counts.interrupted += round.filter((a) => !a.acknowledged).length;
    }
    console.log(
      `kill-9 publish (${testDbKind()}): ${counts.kills} iterations, ${acknowledged.length} versions published, ` +
        `${counts.interrupted} interrupted, ${counts.halfVisible} half-visible, ${counts.lost} lost, ` +
        `${counts.failedRestarts} failed restarts, ${counts.blockedRetries} blocked retries`,
    );
    expect(counts).toMatchObject({ halfVisible: 0, lost: 0, failedRestarts: 0, blockedRetries: 0 });
    expect(counts.kills).toBe(iterations);
  }, 600_000);
});
