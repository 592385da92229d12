/**
 * Races against one spawned server on the run's database: twenty simultaneous publishes of one
 * name@version end with exactly one published and the rest refused as 409 VERSION_EXISTS; twenty users
 * starring at once end with exactly twenty stars.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget, testDbKind } from '../test-support/db.js';
import { makeTarball, skillFiles } from '../test-support/tarball.js';
import { Browser } from './browser.js';
import { freePort, type SpawnedServer, startServer } from './spawn.js';

const attempts = 20;
const name = 'race-skill';

interface Outcome {
  /** The step that ended the attempt. */
  step: 'initiate' | 'upload' | 'confirm';
  status: number;
  error?: string;
}

/** A user who signs up in the browser and gets an API key through Tank's CLI auth flow. */
async function signUpWithApiKey(base: string, username: string): Promise<string> {
  const browser = new Browser(base);
  await browser.signUp(username);
  const start = await fetch(`${base}/api/v1/cli-auth/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deviceName: `${username}'s laptop` }),
  });
  expect(start.status).toBe(200);
  const { pollToken, authUrl } = (await start.json()) as { pollToken: string; authUrl: string };
  await browser.approveCliLogin(authUrl);
  const exchange = await fetch(`${base}/api/v1/cli-auth/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pollToken }),
  });
  expect(exchange.status).toBe(200);
  return ((await exchange.json()) as { apiKey: string }).apiKey;
}

describe(`concurrency on one server (${testDbKind()})`, () => {
  const adminToken = `agt_${randomBytes(32).toString('base64url')}`;
  let server: SpawnedServer;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const target = await createEmptyTestTarget();
    cleanup = target.cleanup;
    const port = await freePort();
    server = await startServer({
      DATA_DIR: target.dataDir,
      DATABASE_URL: target.databaseUrl,
      AGENTRY_ADMIN_TOKEN: adminToken,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Twenty browser sign-ups and CLI log-ins come from one address.
      RATE_LIMIT_ANONYMOUS: '10000',
    });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup?.();
  });

  async function publishAttempt(index: number): Promise<Outcome> {
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const tarball = await makeTarball(skillFiles(name, { 'NOTES.md': `attempt ${index}\n` }));
    const init = await fetch(`${server.url}/api/v1/skills`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        manifest: {
          name,
          version: '1.0.0',
          description: `Attempt ${index} at the same version.`,
          visibility: 'public',
          permissions: {},
        },
      }),
    });
    const initBody = (await init.json()) as Record<string, string>;
    if (init.status !== 201) return { step: 'initiate', status: init.status, error: initBody.error };
    const put = await fetch(initBody.uploadUrl ?? '', {
      method: 'PUT',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(tarball),
    });
    if (put.status !== 200) {
      return { step: 'upload', status: put.status, error: ((await put.json()) as { error: string }).error };
    }
    const confirm = await fetch(`${server.url}/api/v1/skills/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        skillId: initBody.skillId,
        versionId: initBody.versionId,
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      }),
    });
    const confirmBody = (await confirm.json()) as { error?: string };
    return {
      step: 'confirm',
      status: confirm.status,
      ...(confirmBody.error ? { error: confirmBody.error } : {}),
    };
  }

  it(`publishes one of ${attempts} simultaneous publishes of one name@version`, async () => {
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: attempts }, (_, i) => publishAttempt(i)));
    const ms = Math.round(performance.now() - started);
    const published = outcomes.filter((o) => o.step === 'confirm' && o.status === 200);
    const conflicts = outcomes.filter((o) => o.status === 409 && o.error === 'VERSION_EXISTS');
    const atInitiate = conflicts.filter((o) => o.step === 'initiate').length;
    console.log(
      `concurrency: ${published.length} published, ${conflicts.length} conflicts ` +
        `(${atInitiate} at initiate, ${conflicts.length - atInitiate} at confirm) in ${ms} ms`,
    );
    expect(published).toHaveLength(1);
    expect(conflicts).toHaveLength(attempts - 1);

    const versions = await fetch(`${server.url}/api/v1/skills/${name}/versions`);
    expect(versions.status).toBe(200);
    const list = (await versions.json()) as { versions: { version: string }[] };
    expect(list.versions.map((v) => v.version)).toEqual(['1.0.0']);
    const detail = (await (await fetch(`${server.url}/api/v1/skills/${name}/1.0.0`)).json()) as {
      downloadUrl: string;
      integrity: string;
    };
    const bytes = Buffer.from(await (await fetch(detail.downloadUrl)).arrayBuffer());
    expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(detail.integrity);
  });

  it(`counts ${attempts} simultaneous stars by ${attempts} users exactly`, async () => {
    const prefix = `u${randomBytes(3).toString('hex')}`;
    const keys = await Promise.all(
      Array.from({ length: attempts }, (_, i) => signUpWithApiKey(server.url, `${prefix}-${i}`)),
    );
    const started = performance.now();
    const responses = await Promise.all(
      keys.map((key) =>
        fetch(`${server.url}/api/v1/skills/${name}/star`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
        }),
      ),
    );
    const ms = Math.round(performance.now() - started);
    expect(responses.map((r) => r.status)).toEqual(keys.map(() => 200));
    const states = (await Promise.all(responses.map((r) => r.json()))) as {
      starred: boolean;
      stars: number;
    }[];
    expect(states.every((s) => s.starred)).toBe(true);
    // Each star sees its own and every earlier one: the counts are 1…20, each exactly once.
    expect(states.map((s) => s.stars).sort((x, y) => x - y)).toEqual(
      Array.from({ length: attempts }, (_, i) => i + 1),
    );
    console.log(
      `concurrency: ${attempts} simultaneous stars counted ${Math.max(...states.map((s) => s.stars))} in ${ms} ms`,
    );

    const meta = (await (await fetch(`${server.url}/api/v1/skills/${name}`)).json()) as { stars: number };
    expect(meta.stars).toBe(attempts);
    const mine = await fetch(`${server.url}/api/v1/skills/${name}/star`, {
      headers: { authorization: `Bearer ${keys[0]}` },
    });
    expect(await mine.json()).toEqual({ starred: true, stars: attempts });
  });
});
