/**
 * AI Toolkit's real CLI (`aitk-cli` 0.2.8, tarcisiojr/ai-toolkit `packages/cli`) replayed against a
 * spawned server: every call as its ApiClient sends it (Node's fetch, so `User-Agent: node`;
 * `Content-Type: application/json` on every JSON call, GETs and DELETEs included; `X-API-Token`, never
 * `Authorization`), asserting only what its commands read. Sources: src/core/api-client.ts,
 * src/commands/{login,search,install,publish,sync,update,status,team}.ts and reference/real-clients.md §2.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { Browser } from './browser.js';
import { type AdminServer, startAdminServer } from './spawn.js';

interface ApiError {
  error?: { message?: string };
}
interface Artifact {
  slug: string;
  type: string;
  name: string;
  scope: string;
  description: string;
  latestVersion?: string;
  totalDownloads?: number;
  toolTargets?: string[];
}
interface TeamDetail {
  name: string;
  slug: string;
  description: string | null;
  members: { role: string; profiles: { username: string; display_name?: string | null } }[];
  artifacts: { type: string; scope: string; name: string; latest_version: string; total_downloads: number }[];
}

describe(`aitk 0.2.8 against Agentry (${testDbKind()})`, () => {
  let admin: AdminServer;
  let registry: string;
  let dir: string;
  const alice = { username: `alice${Date.now().toString(36)}`, token: '' };
  const bob = { username: `bob${Date.now().toString(36)}`, token: '' };
  const team = `team${Date.now().toString(36)}`;

  /** ApiClient.request: JSON headers always, the token as X-API-Token; errors read as error.message. */
  const request = async <T>(token: string | undefined, path: string, init: RequestInit = {}) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) headers['X-API-Token'] = token;
    const response = await fetch(`${registry}/api/v1${path}`, { ...init, headers });
    if (!response.ok) {
      const body = (await response
        .json()
        .catch(() => ({ error: { message: response.statusText } }))) as ApiError;
      return { ok: false as const, status: response.status, message: body.error?.message };
    }
    return { ok: true as const, status: response.status, body: (await response.json()) as T };
  };

  /** A user signed up in the browser, with an aitk token made from the web session (cli-token). */
  const tokenFor = async (username: string) => {
    const browser = new Browser(registry);
    await browser.signUp(username);
    const session = (await (await browser.request('/auth/session-token')).json()) as { token: string };
    const res = await fetch(`${registry}/api/v1/auth/cli-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'aitk' }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };

  /** `aitk publish`'s tarball: the listed files plus aitk-artifact.json at the root, made by the system tar. */
  const packArtifact = (manifest: Record<string, unknown>, files: Record<string, string>) => {
    const work = join(dir, `${manifest.scope}-${manifest.name}-${manifest.version}`);
    mkdirSync(work, { recursive: true });
    for (const [path, text] of Object.entries(files)) writeFileSync(join(work, path), text);
    writeFileSync(join(work, 'aitk-artifact.json'), JSON.stringify(manifest, null, 2));
    const tarball = join(work, 'out.tgz');
    execFileSync('tar', ['-czf', tarball, ...Object.keys(files), 'aitk-artifact.json'], { cwd: work });
    return readFileSync(tarball);
  };

  /** Steps 3–5 of `aitk publish`. */
  const publish = async (
    token: string,
    manifest: Record<string, unknown> & { scope: string; name: string },
  ) => {
    const files = {
      'SKILL.md': `---\nname: ${manifest.name}\ndescription: ${manifest.description}\n---\n\n# Hello\n\nSays hello in a friendly way.\n`,
    };
    const tarball = packArtifact({ ...manifest, files: Object.keys(files) }, files);
    const existing = await request(token, `/artifacts/${manifest.scope}/${manifest.name}`);
    if (!existing.ok) {
      const created = await request(token, '/artifacts', {
        method: 'POST',
        body: JSON.stringify({
          scope: manifest.scope,
          name: manifest.name,
          type: manifest.type,
          description: manifest.description,
          visibility: 'public',
          keywords: manifest.keywords,
          categories: manifest.categories,
          toolTargets: manifest.toolTargets,
          repository: manifest.repository,
          license: manifest.license,
        }),
      });
      expect(created.ok).toBe(true);
    }
    const form = new FormData();
    form.append('version', String(manifest.version));
    form.append(
      'file',
      new Blob([new Uint8Array(tarball)], { type: 'application/gzip' }),
      `${manifest.scope}-${manifest.name}-${manifest.version}.tgz`,
    );
    form.append(
      'metadata',
      JSON.stringify({
        type: manifest.type,
        toolTargets: manifest.toolTargets,
        files: Object.keys(files),
        install: manifest.install,
        keywords: manifest.keywords,
        categories: manifest.categories,
      }),
    );
    form.append('readme', '# Hello\n');
    form.append('changelog', `## ${manifest.version}\n- hello\n`);
    // rawRequest: no Content-Type of its own (fetch sets the multipart boundary).
    const uploaded = await fetch(`${registry}/api/v1/artifacts/${manifest.scope}/${manifest.name}/versions`, {
      method: 'POST',
      headers: { 'X-API-Token': token },
      body: form,
    });
    expect(uploaded.ok).toBe(true);
    await uploaded.json();
    const versions = await request<{ data: { version: string }[] }>(
      token,
      `/artifacts/${manifest.scope}/${manifest.name}/versions`,
    );
    expect(versions.ok && versions.body.data.some((v) => v.version === manifest.version)).toBe(true);
  };

  const manifest = (version: string, scope = alice.username) => ({
    name: 'hello-aitk',
    scope,
    version,
    type: 'skill',
    description: 'Says hello to the user in a friendly way.',
    keywords: ['hello'],
    categories: ['fun'],
    toolTargets: ['claude-code'],
    repository: 'https://example.com/hello',
    license: 'MIT',
    install: { files: [{ source: 'SKILL.md', target: '.claude/skills/hello-aitk/SKILL.md' }] },
  });

  beforeAll(async () => {
    admin = await startAdminServer();
    registry = admin.server.url;
    dir = makeTempDir('aitk-cli');
    alice.token = await tokenFor(alice.username);
    bob.token = await tokenFor(bob.username);
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('aitk login --token: GET /auth/verify with X-API-Token only, reads data.userId and data.username', async () => {
    const verify = (token: string) =>
      fetch(`${registry}/api/v1/auth/verify`, { headers: { 'X-API-Token': token } });
    const ok = await verify(alice.token);
    expect(ok.status).toBe(200);
    const { data } = (await ok.json()) as { data: { userId: string; username: string } };
    expect(data.username).toBe(alice.username);
    expect(typeof data.userId).toBe('string');
    expect(
      (await verify('aitk_0000000000000000000000000000000000000000000000000000000000000000')).status,
    ).toBe(401);
  });

  it('aitk publish: artifact lookup fails readably, create (toolTargets), multipart file, versions list', async () => {
    const missing = await request(alice.token, `/artifacts/${alice.username}/hello-aitk`);
    expect(missing).toMatchObject({ ok: false, status: 404, message: expect.any(String) });
    await publish(alice.token, manifest('1.0.0'));
    await publish(alice.token, manifest('1.1.0'));
    const again = await fetch(`${registry}/api/v1/artifacts/${alice.username}/hello-aitk/versions`, {
      method: 'POST',
      headers: { 'X-API-Token': alice.token },
      body: (() => {
        const form = new FormData();
        form.append('version', '1.1.0');
        form.append('file', new Blob([packArtifact(manifest('1.1.0'), { 'SKILL.md': '# x\n' })]), 'x.tgz');
        return form;
      })(),
    });
    expect(again.status).toBe(409);
    expect(typeof ((await again.json()) as ApiError).error?.message).toBe('string');
  });

  it('aitk search: data[].slug, type, latestVersion, totalDownloads, description', async () => {
    const found = await request<{ data: Artifact[] }>(alice.token, '/artifacts/search?q=hello');
    expect(found.ok).toBe(true);
    const hit = found.ok ? found.body.data.find((a) => a.slug === `${alice.username}/hello-aitk`) : undefined;
    expect(hit).toMatchObject({ type: 'skill', latestVersion: '1.1.0', description: expect.any(String) });
    expect(typeof hit?.totalDownloads).toBe('number');
  });

  it('aitk install: artifact, versions (newest first), download followed, tar -xzf with files at the root', async () => {
    const artifact = await request<{ data: Artifact }>(undefined, `/artifacts/${alice.username}/hello-aitk`);
    expect(artifact.ok).toBe(true);
    if (!artifact.ok) return;
    expect(artifact.body.data).toMatchObject({
      type: 'skill',
      name: 'hello-aitk',
      scope: alice.username,
      latestVersion: '1.1.0',
      toolTargets: ['claude-code'],
    });
    const versions = await request<{ data: { version: string; publishedAt: string }[] }>(
      undefined,
      `/artifacts/${alice.username}/hello-aitk/versions`,
    );
    expect(versions.ok && versions.body.data.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(versions.ok && typeof versions.body.data[0]?.publishedAt).toBe('string');
    const download = await fetch(
      `${registry}/api/v1/artifacts/${alice.username}/hello-aitk/versions/1.0.0/download`,
      { headers: { 'X-API-Token': bob.token }, redirect: 'follow' },
    );
    expect(download.status).toBe(200);
    const target = join(dir, 'installed');
    mkdirSync(target);
    writeFileSync(join(target, 'a.tgz'), Buffer.from(await download.arrayBuffer()));
    execFileSync('tar', ['-xzf', 'a.tgz'], { cwd: target });
    expect(existsSync(join(target, 'SKILL.md'))).toBe(true);
    const unknown = await fetch(
      `${registry}/api/v1/artifacts/${alice.username}/hello-aitk/versions/9.9.9/download`,
    );
    expect(unknown.status).toBe(404);
  });

  it('aitk team: create (description null), list, invite, info (profiles, artifacts), kick; team-scoped publish', async () => {
    const created = await request<{ data: { slug: string; name: string; description: string | null } }>(
      alice.token,
      '/teams',
      { method: 'POST', body: JSON.stringify({ slug: team, name: 'The Team', description: null }) },
    );
    expect(created.ok && created.body.data).toMatchObject({ slug: team, name: 'The Team' });
    const list = await request<{
      data: { teams: { slug: string; name: string }; role: string; joined_at: string }[];
    }>(alice.token, '/teams');
    const row = list.ok ? list.body.data.find((t) => t.teams.slug === team) : undefined;
    expect(row).toMatchObject({ teams: { name: 'The Team' }, role: 'owner', joined_at: expect.any(String) });

    const invite = await request(alice.token, `/teams/${team}/members`, {
      method: 'POST',
      body: JSON.stringify({ username: bob.username, role: 'member' }),
    });
    expect(invite.ok).toBe(true);
    // `aitk publish` with scope = the team: the artifact belongs to the team.
    await publish(alice.token, manifest('1.0.0', team));

    const info = await request<{ data: TeamDetail }>(bob.token, `/teams/${team}`);
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(info.body.data.members.map((m) => [m.profiles.username, m.role]).sort()).toEqual(
      [
        [alice.username, 'owner'],
        [bob.username, 'member'],
      ].sort(),
    );
    expect(info.body.data.artifacts).toEqual([
      expect.objectContaining({
        type: 'skill',
        scope: team,
        name: 'hello-aitk',
        latest_version: '1.0.0',
        total_downloads: 0,
      }),
    ]);

    const kick = await request<{ data: unknown }>(alice.token, `/teams/${team}/members`, {
      method: 'DELETE',
      body: JSON.stringify({ username: bob.username }),
    });
    expect(kick.ok).toBe(true);
    const outsider = await request<{ data: TeamDetail }>(bob.token, `/teams/${team}`);
    expect(outsider.ok && outsider.body.data.members).toEqual([]);
    const again = await request(alice.token, `/teams/${team}/members`, {
      method: 'DELETE',
      body: JSON.stringify({ username: bob.username }),
    });
    expect(again).toMatchObject({ ok: false, status: 404, message: expect.any(String) });
    const duplicate = await request(alice.token, '/teams', {
      method: 'POST',
      body: JSON.stringify({ slug: team, name: 'Again', description: null }),
    });
    expect(duplicate).toMatchObject({ ok: false, status: 409, message: expect.any(String) });
    // `team delete` is not served (see docs/api.md); the CLI still gets a message it can print.
    const deleted = await request(alice.token, `/teams/${team}`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ ok: false, status: 404, message: expect.any(String) });
  });

  it('aitk status, update, sync, remove, init: GET the artifact and read latestVersion and type', async () => {
    for (const token of [alice.token, undefined]) {
      const res = await request<{ data: Artifact }>(token, `/artifacts/${alice.username}/hello-aitk`);
      expect(res.ok && [res.body.data.type, res.body.data.latestVersion]).toEqual(['skill', '1.1.0']);
    }
    const missing = await request(undefined, '/artifacts/nobody/nothing');
    expect(missing).toMatchObject({ ok: false, status: 404, message: expect.any(String) });
  });
});
