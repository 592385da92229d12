/**
 * The hostile-archive corpus (issue 15 items 1 and 2, plus a gzip bomb, 100k files and a truncated gzip)
 * through every publish path of one spawned server: Tank's two-phase publish, AI Toolkit's multipart
 * upload, and ayaiay's import from a real git server (git http-backend). The tenant refuses FAIL verdicts,
 * so binaries are `scan_rejected`; every unsafe archive must still be `unsafe_archive` (the policy never
 * decides that). Each is refused with its code in the surface's envelope, and nothing is stored: no
 * version becomes readable and no blob is left in DATA_DIR. Prints its figures.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget, makeTempDir, testDbKind } from '../test-support/db.js';
import { type GitHttpServer, startGitHttpServer } from '../test-support/git-http-server.js';
import { createHostileRepos, type HostileCase, hostileCorpus } from '../test-support/hostile-archives.js';
import { freePort, runBin, type SpawnedServer, serverBin, startServer } from './spawn.js';

const adminToken = `agt_${randomBytes(32).toString('base64url')}`;
const auth = { authorization: `Bearer ${adminToken}` };

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    n += statSync(full).isDirectory() ? countFiles(full) : 1;
  }
  return n;
}

const sri = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

describe(`hostile archives through every publish path (${testDbKind()})`, () => {
  let server: SpawnedServer;
  let git: GitHttpServer;
  let cleanup: () => Promise<void>;
  let blobsDir: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    const target = await createEmptyTestTarget();
    cleanup = target.cleanup;
    blobsDir = join(target.dataDir, 'blobs');
    const port = await freePort();
    env = {
      DATA_DIR: target.dataDir,
      DATABASE_URL: target.databaseUrl,
      AGENTRY_ADMIN_TOKEN: adminToken,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      IMPORT_ALLOW_PRIVATE_HOSTS: 'true',
      RATE_LIMIT_AUTHENTICATED: '100000',
    };
    // The policy is set before the server starts (the command migrates the fresh database first).
    const policy = runBin(serverBin, ['admin', 'tenant-policy', '--refuse-failing-scans', 'on'], env);
    expect(policy.code, policy.stderr).toBe(0);
    server = await startServer(env, 60_000);
    const root = makeTempDir('hostile-e2e-git');
    const repos = createHostileRepos(root);
    expect(repos.length).toBeGreaterThan(0);
    git = await startGitHttpServer(root);
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await git?.close();
    await cleanup?.();
  });

  async function tank(name: string, c: HostileCase) {
    const init = await fetch(`${server.url}/api/v1/skills`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        manifest: { name, version: '1.0.0', description: 'Hostile.', permissions: {} },
      }),
    });
    const started = (await init.json()) as { uploadUrl: string; versionId: string };
    expect(init.status).toBe(201);
    const put = await fetch(started.uploadUrl, { method: 'PUT', body: new Uint8Array(c.bytes) });
    expect(put.status).toBe(200);
    const res = await fetch(`${server.url}/api/v1/skills/confirm`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ versionId: started.versionId, integrity: sri(c.bytes) }),
    });
    const body = (await res.json()) as { error: string; details?: Record<string, unknown> };
    return {
      status: res.status,
      code: body.error.toLowerCase(),
      reason: body.details?.reason,
      entry: body.details?.entry,
    };
  }

  async function aiToolkit(name: string, c: HostileCase) {
    const created = await fetch(`${server.url}/api/v1/artifacts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'skill', description: 'Hostile.' }),
    });
    expect(created.status).toBe(201);
    const { scope } = ((await created.json()) as { data: { scope: string } }).data;
    const form = new FormData();
    form.append('version', '1.0.0');
    form.append('tarball', new Blob([new Uint8Array(c.bytes)]), 'a.tgz');
    const res = await fetch(`${server.url}/api/v1/artifacts/${scope}/${name}/versions`, {
      method: 'POST',
      headers: { 'x-api-token': adminToken },
      body: form,
    });
    // AI Toolkit's envelope carries the code as `error` or, for its CLI, as `error.code`.
    const body = (await res.json()) as {
      error: string | { code: string };
      details?: Record<string, unknown>;
    };
    const read = await fetch(`${server.url}/api/v1/artifacts/${scope}/${name}/versions/1.0.0/download`, {
      headers: { 'x-api-token': adminToken },
    });
    return {
      status: res.status,
      code: typeof body.error === 'string' ? body.error : body.error.code,
      reason: body.details?.reason,
      entry: body.details?.entry,
      readable: read.status,
    };
  }

  it('refuses every case on Tank and AI Toolkit with its code, storing nothing', async () => {
    const corpus = hostileCorpus();
    const blobsBefore = countFiles(blobsDir);
    let refused = 0;
    const wrong: string[] = [];
    for (const [i, c] of corpus.entries()) {
      const t = await tank(`hostile-tank-${i}`, c);
      const a = await aiToolkit(`hostile-aitk-${i}`, c);
      for (const [surface, got] of [
        ['tank', t],
        ['ai-toolkit', a],
      ] as const) {
        const ok =
          got.status === 422 &&
          got.code === c.code &&
          (c.code === 'validation_error' || c.code === 'scan_rejected' || got.reason === c.reason) &&
          (c.entry === undefined || got.entry === c.entry);
        if (ok) refused += 1;
        else wrong.push(`${surface} ${c.label}: ${JSON.stringify(got)}`);
      }
      expect(a.readable).toBe(404);
      expect((await fetch(`${server.url}/api/v1/skills/hostile-tank-${i}`, { headers: auth })).status).toBe(
        404,
      );
    }
    const blobsAfter = countFiles(blobsDir);
    console.log(
      `hostile archives (${testDbKind()}): ${corpus.length} cases × 2 surfaces, ${refused} refused with their code, ` +
        `${wrong.length} wrong, ${blobsAfter - blobsBefore} blobs left`,
    );
    expect(wrong).toEqual([]);
    expect(blobsAfter).toBe(blobsBefore);
  }, 120_000);

  it('refuses every hostile repository on the ayaiay import, storing nothing', async () => {
    const publisher = await fetch(`${server.url}/api/v1/packs/publishers`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hostile-publisher', display_name: 'Hostile' }),
    });
    expect(publisher.status).toBe(201);
    const { id } = (await publisher.json()) as { id: string };
    const root = makeTempDir('hostile-e2e-git-2');
    const repos = createHostileRepos(root);
    await git.close();
    git = await startGitHttpServer(root);
    const blobsBefore = countFiles(blobsDir);
    const wrong: string[] = [];
    for (const repo of repos) {
      const res = await fetch(`${server.url}/api/v1/packs/import`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ repo_url: `${git.url}/${repo.name}`, publisher_id: id, git_tag: 'v1.0.0' }),
      });
      const body = (await res.json()) as { error?: { code: string; details: Record<string, unknown> } };
      const ok =
        res.status === 422 &&
        body.error?.code === repo.code.toUpperCase() &&
        (repo.code !== 'unsafe_archive' || body.error.details.reason === repo.reason);
      if (!ok) wrong.push(`${repo.label}: ${res.status} ${JSON.stringify(body)}`);
    }
    const packs = (await (
      await fetch(`${server.url}/api/v1/packs/publishers/${id}`, { headers: auth })
    ).json()) as Record<string, unknown>;
    const blobsAfter = countFiles(blobsDir);
    console.log(
      `hostile repositories (${testDbKind()}): ${repos.length} imports, ${repos.length - wrong.length} refused with their code, ` +
        `${wrong.length} wrong, ${blobsAfter - blobsBefore} blobs left`,
    );
    expect(wrong).toEqual([]);
    expect(blobsAfter).toBe(blobsBefore);
    expect(JSON.stringify(packs)).not.toContain('1.0.0');
  }, 120_000);
});
