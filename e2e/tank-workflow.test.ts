/**
 * Tank's documented "Full Publish Workflow" shell script (e2e/tank-workflow.sh: curl, jq, openssl and
 * GNU base64, which wraps the integrity at 76 columns) run unchanged against a spawned server, then the
 * published version read back the way clients read it: metadata, versions, files, download, star, badge.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget, makeTempDir, testDbKind } from '../test-support/db.js';
import { makeTarball, skillFiles } from '../test-support/tarball.js';
import { freePort, type SpawnedServer, startServer } from './spawn.js';

const script = join(import.meta.dirname, 'tank-workflow.sh');
const name = '@acme/my-skill';
const encoded = encodeURIComponent(name);

/** The JSON documents of a stream that concatenates several (curl prints each response body as is). */
function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return documents;
}

function runScript(cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', [script], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe(`Tank's full publish workflow script (${testDbKind()})`, () => {
  const token = `agt_${randomBytes(32).toString('base64url')}`;
  const auth = { authorization: `Bearer ${token}` };
  const skillMd = skillFiles(name)['SKILL.md'] as string;
  let server: SpawnedServer;
  let cleanup: () => Promise<void>;
  let tarball: Buffer;
  let confirmOutput: unknown;
  let dir: string | undefined;

  beforeAll(async () => {
    const target = await createEmptyTestTarget();
    cleanup = target.cleanup;
    const port = await freePort();
    server = await startServer({
      DATA_DIR: target.dataDir,
      DATABASE_URL: target.databaseUrl,
      AGENTRY_ADMIN_TOKEN: token,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the documented script unchanged and ends with the confirm response', async () => {
    const org = await fetch(`${server.url}/api/v1/orgs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'acme' }),
    });
    expect(org.status).toBe(201);

    dir = makeTempDir('workflow');
    tarball = await makeTarball(skillFiles(name));
    writeFileSync(join(dir, 'my-skill-1.2.0.tgz'), tarball);
    const started = performance.now();
    const run = await runScript(dir, { REGISTRY: server.url, TOKEN: token, PATH: process.env.PATH ?? '' });
    console.log(`tank-workflow: script ran in ${Math.round(performance.now() - started)} ms`);
    expect(run.code, run.stderr).toBe(0);
    const documents = jsonDocuments(run.stdout);
    // The upload's answer, then the confirm's.
    expect(documents).toHaveLength(2);
    confirmOutput = documents.at(-1);
    expect(confirmOutput).toMatchObject({
      success: true,
      name,
      version: '1.2.0',
      status: 'published',
    });
    expect(run.stdout.trimEnd().endsWith('}')).toBe(true);
  });

  it('serves the published version: metadata, versions, detail and SKILL.md', async () => {
    expect(confirmOutput).toBeDefined();
    const meta = await fetch(`${server.url}/api/v1/skills/${encoded}`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ name, latestVersion: '1.2.0', visibility: 'public' });

    const versions = await fetch(`${server.url}/api/v1/skills/${encoded}/versions`);
    expect(versions.status).toBe(200);
    const list = (await versions.json()) as { name: string; versions: { version: string }[] };
    expect(list.name).toBe(name);
    expect(list.versions.map((v) => v.version)).toEqual(['1.2.0']);

    const detail = await fetch(`${server.url}/api/v1/skills/${encoded}/1.2.0`);
    expect(detail.status).toBe(200);
    const version = (await detail.json()) as {
      integrity: string;
      downloadUrl: string;
      files: { path: string }[];
    };
    expect(version).toMatchObject({ name, version: '1.2.0', description: 'Does something useful.' });
    expect(version.files.map((f) => f.path)).toEqual(['SKILL.md']);

    const file = await fetch(`${server.url}/api/v1/skills/${encoded}/1.2.0/files/SKILL.md`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe(skillMd);
  });

  it('downloads the exact bytes named by the integrity', async () => {
    const detail = (await (await fetch(`${server.url}/api/v1/skills/${encoded}/1.2.0`)).json()) as {
      integrity: string;
      downloadUrl: string;
    };
    const expected = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
    expect(detail.integrity).toBe(expected);
    const download = await fetch(detail.downloadUrl);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(detail.integrity);
    expect(bytes.equals(tarball)).toBe(true);
  });

  it('stars the skill and serves its badge', async () => {
    const star = await fetch(`${server.url}/api/v1/skills/${encoded}/star`, {
      method: 'POST',
      headers: auth,
    });
    expect(star.status).toBe(200);
    expect(await star.json()).toEqual({ starred: true, stars: 1 });

    const badge = await fetch(`${server.url}/api/v1/badge/${encoded}`);
    expect(badge.status).toBe(200);
    expect(badge.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect((await badge.text()).trimStart()).toMatch(/^<svg[\s>]/);
  });
});
