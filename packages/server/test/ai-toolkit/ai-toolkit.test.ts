/**
 * Every endpoint of ai-toolkit-api.txt with its documented shapes and statuses: auth (session JWT,
 * X-API-Token, cli-token, verify), artifacts (list, search, create, get, stats), versions (multipart
 * publish through the shared pipeline and scan, download), teams (list, create, get, members), and the
 * `{ error, message }` envelope.
 */
import { computeIntegrity } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { makeTarball, publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { issueSessionJwt } from '../../src/domain/session-jwt.js';
import { createSession } from '../../src/domain/sessions.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let aliceJwt: string;

type Json = Record<string, unknown> & { data?: unknown; error?: string };

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await t.request(path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Json };
}

const apiToken = (token: string) => ({ 'x-api-token': token });

async function sessionJwt(user: TestUser): Promise<string> {
  const secret = await createSession(t.deps.db, {
    tenantId: t.defaultTenantId,
    userId: user.id,
    ttlHours: 1,
  });
  const res = await t.request('/auth/session-token', { headers: { cookie: `agentry_session=${secret}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function upload(path: string, headers: Record<string, string>, form: Record<string, string | Blob>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(form))
    body.append(key, value, ...(value instanceof Blob ? ['artifact.tgz'] : []));
  const res = await t.request(path, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_AUTHENTICATED: '100000' } });
  alice = await createTestUser(t.deps, t.defaultTenantId);
  bob = await createTestUser(t.deps, t.defaultTenantId);
  aliceJwt = await sessionJwt(alice);
  // A Tank-published artifact shows on this surface too.
  expect(
    (await publishVersion(t, alice.token, { name: 'tank-made', version: '1.0.0', keywords: ['lint'] }))
      .status,
  ).toBe(200);
}, 60_000);
afterAll(() => t.close());

describe('AI Toolkit auth', () => {
  it('creates a CLI token from a session JWT, and verifies it via X-API-Token', async () => {
    const created = await call('POST', '/api/v1/auth/cli-token', bearer(aliceJwt), { name: 'laptop' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ token: expect.stringMatching(/^agt_/), id: expect.any(String) });
    const token = created.body.token as string;
    expect((await call('GET', '/api/v1/auth/verify', apiToken(token))).body).toEqual({
      valid: true,
      user_id: alice.id,
    });
    expect((await call('GET', '/api/v1/auth/verify', bearer(token))).body).toEqual({
      valid: true,
      user_id: alice.id,
    });
  });

  it('refuses a CLI token request from an API token, and bad credentials in the documented envelope', async () => {
    const fromToken = await call('POST', '/api/v1/auth/cli-token', apiToken(alice.token), { name: 'x' });
    expect([fromToken.status, fromToken.body.error]).toEqual([403, 'forbidden']);
    const missing = await call('GET', '/api/v1/auth/verify');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    expect((await call('GET', '/api/v1/auth/verify', apiToken('agt_nope'))).status).toBe(401);
    const forged = await issueSessionJwt('another-secret-entirely-0123456789abcdef', {
      sid: crypto.randomUUID(),
      tid: t.defaultTenantId,
      sub: alice.id,
    });
    expect((await call('POST', '/api/v1/auth/cli-token', bearer(forged), { name: 'x' })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/cli-token', bearer(aliceJwt), {})).status).toBe(422);
    expect((await t.request('/auth/session-token')).status).toBe(401);
  });
});

describe('AI Toolkit artifacts and versions', () => {
  it('creates an artifact, publishes versions by multipart upload, reads, downloads and counts them', async () => {
    const created = await call('POST', '/api/v1/artifacts', bearer(aliceJwt), {
      name: 'aitk-skill',
      type: 'skill',
      description: 'A skill made through AI Toolkit.',
      keywords: ['review'],
      tool_targets: ['claude-code', 'cursor'],
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      scope: alice.username,
      name: 'aitk-skill',
      slug: `${alice.username}/aitk-skill`,
      type: 'skill',
      visibility: 'public',
      keywords: ['review'],
      tool_targets: ['claude-code', 'cursor'],
      latest_version: null,
    });
    const base = `/api/v1/artifacts/${alice.username}/aitk-skill`;
    // Its publisher sees it before any version; others do not.
    expect((await call('GET', base, apiToken(alice.token))).status).toBe(200);
    expect((await call('GET', base)).status).toBe(404);
    expect(
      (
        await call('POST', '/api/v1/artifacts', bearer(aliceJwt), {
          name: 'aitk-skill',
          type: 'skill',
          description: 'again',
        })
      ).status,
    ).toBe(409);

    const tarball = await makeTarball(
      skillFiles('aitk-skill', {
        'aitk-artifact.json': JSON.stringify({ name: 'aitk-skill', license: 'MIT' }),
      }),
    );
    const published = await upload(`${base}/versions`, apiToken(alice.token), {
      version: '1.0.0',
      changelog: 'First.',
      tarball: new Blob([new Uint8Array(tarball)], { type: 'application/gzip' }),
    });
    expect(published.status).toBe(201);
    expect(published.body.data).toMatchObject({
      version: '1.0.0',
      changelog: 'First.',
      integrity: computeIntegrity(tarball),
      verdict: 'PASS',
      status: 'published',
    });
    // The same version again is a conflict; a bad version is a validation error; others may not publish.
    const tgz = () => new Blob([new Uint8Array(tarball)]);
    expect(
      (await upload(`${base}/versions`, apiToken(alice.token), { version: '1.0.0', tarball: tgz() })).status,
    ).toBe(409);
    const invalid = await upload(`${base}/versions`, apiToken(alice.token), {
      version: 'one',
      tarball: tgz(),
    });
    expect([invalid.status, invalid.body.error]).toEqual([422, 'validation_error']);
    expect((await upload(`${base}/versions`, apiToken(alice.token), { version: '1.0.1' })).status).toBe(422);
    expect(
      (await upload(`${base}/versions`, apiToken(bob.token), { version: '1.0.1', tarball: tgz() })).status,
    ).toBe(403);
    expect((await upload(`${base}/versions`, {}, { version: '1.0.1', tarball: tgz() })).status).toBe(401);

    const read = await call('GET', base);
    expect(read.body.data).toMatchObject({
      latest_version: '1.0.0',
      verdict: 'PASS',
      slug: `${alice.username}/aitk-skill`,
    });
    const res = await t.request(`${base}/versions/1.0.0/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(computeIntegrity(Buffer.from(await res.arrayBuffer()))).toBe(computeIntegrity(tarball));
    expect((await t.request(`${base}/versions/9.9.9/download`)).status).toBe(404);
    // The same version through Tank's API: one core.
    expect((await call('GET', '/api/v1/skills/aitk-skill/1.0.0')).body.integrity).toBe(
      computeIntegrity(tarball),
    );

    await t.deps.downloads.flush();
    const stats = await call('GET', `${base}/stats`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body.total_downloads).toBe(1);
    const weekly = stats.body.weekly as { week_start: string; downloads: number }[];
    expect(weekly).toHaveLength(12);
    expect(weekly.at(-1)?.downloads).toBe(1);
    expect(weekly.reduce((sum, w) => sum + w.downloads, 0)).toBe(1);
  });

  it('lists public artifacts with pages and type, and searches with type and tool', async () => {
    const list = await call('GET', '/api/v1/artifacts?limit=1&page=1');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, total: expect.any(Number) });
    expect(list.body.data).toHaveLength(1);
    const skills = await call('GET', '/api/v1/artifacts?type=skill&limit=100');
    expect((skills.body.data as { name: string }[]).map((a) => a.name)).toEqual(
      expect.arrayContaining(['tank-made', 'aitk-skill']),
    );
    expect((await call('GET', '/api/v1/artifacts?type=mcp')).body.data).toEqual([]);
    expect((await call('GET', '/api/v1/artifacts?limit=101')).status).toBe(422);
    expect((await call('GET', '/api/v1/artifacts?type=widget')).status).toBe(422);
    const found = await call('GET', '/api/v1/artifacts/search?q=aitk');
    expect((found.body.data as { slug: string }[])[0]?.slug).toBe(`${alice.username}/aitk-skill`);
    expect(found.body.total).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/api/v1/artifacts/search?q=aitk&tool=cursor')).body.total).toBe(1);
    expect((await call('GET', '/api/v1/artifacts/search?q=aitk&tool=windsurf')).body.total).toBe(0);
    expect((await call('GET', '/api/v1/artifacts/search')).status).toBe(422);
    expect((await call('GET', '/api/v1/artifacts/nobody/nothing')).body).toEqual({
      error: 'not_found',
      message: expect.any(String),
    });
  });
});

describe('AI Toolkit teams', () => {
  const slug = `team-${process.pid}`;

  it('creates a team, lists it, shows members to members only, and adds members', async () => {
    const created = await call('POST', '/api/v1/teams', bearer(aliceJwt), {
      slug,
      name: 'The Team',
      description: 'We review.',
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      slug,
      name: 'The Team',
      description: 'We review.',
      role: 'owner',
    });
    expect((await call('POST', '/api/v1/teams', bearer(aliceJwt), { slug, name: 'Again' })).status).toBe(409);
    expect(
      (await call('POST', '/api/v1/teams', bearer(aliceJwt), { slug: 'Bad Slug', name: 'x' })).status,
    ).toBe(422);
    expect(
      ((await call('GET', '/api/v1/teams', bearer(aliceJwt))).body.data as { slug: string }[]).map(
        (x) => x.slug,
      ),
    ).toContain(slug);
    expect((await call('GET', '/api/v1/teams')).status).toBe(401);

    const outside = await call('GET', `/api/v1/teams/${slug}`, apiToken(bob.token));
    expect(outside.body.data).toMatchObject({ slug, role: null });
    expect((outside.body.data as Json).members).toBeUndefined();
    expect(
      (await call('POST', `/api/v1/teams/${slug}/members`, apiToken(bob.token), { username: bob.username }))
        .status,
    ).toBe(403);
    const added = await call('POST', `/api/v1/teams/${slug}/members`, bearer(aliceJwt), {
      username: bob.username,
      role: 'admin',
    });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ username: bob.username, role: 'admin' });
    expect(
      (
        await call('POST', `/api/v1/teams/${slug}/members`, bearer(aliceJwt), {
          username: bob.username,
          role: 'owner',
        })
      ).status,
    ).toBe(422);
    expect(
      (await call('POST', `/api/v1/teams/${slug}/members`, bearer(aliceJwt), { username: 'no-such-user' }))
        .status,
    ).toBe(404);
    const inside = await call('GET', `/api/v1/teams/${slug}`, apiToken(bob.token));
    expect(
      ((inside.body.data as Json).members as { username: string }[]).map((m) => m.username).sort(),
    ).toEqual([alice.username, bob.username].sort());
    expect((await call('GET', '/api/v1/teams/no-such-team', apiToken(bob.token))).status).toBe(404);
    // Teams are Tank's orgs.
    expect((await call('GET', `/api/v1/orgs/${slug}`, bearer(alice.token))).body.slug).toBe(slug);
  });

  it('removes members named by a JSON body or ?username= (DELETE, 200 JSON): 401, 403, 422, 404 and the last owner', async () => {
    const team = `kick-${process.pid}`;
    const carol = await createTestUser(t.deps, t.defaultTenantId);
    expect(
      (await call('POST', '/api/v1/teams', bearer(aliceJwt), { slug: team, name: 'Kick', description: null }))
        .status,
    ).toBe(201);
    for (const user of [bob, carol])
      await call('POST', `/api/v1/teams/${team}/members`, bearer(aliceJwt), { username: user.username });
    const members = async () =>
      (
        ((await call('GET', `/api/v1/teams/${team}`, bearer(aliceJwt))).body.data as Json).members as {
          username: string;
        }[]
      )
        .map((m) => m.username)
        .sort();
    expect(
      (await call('DELETE', `/api/v1/teams/${team}/members`, {}, { username: bob.username })).status,
    ).toBe(401);
    // A plain member removes nobody else (403) and nothing changes.
    expect(
      (
        await call('DELETE', `/api/v1/teams/${team}/members`, apiToken(carol.token), {
          username: bob.username,
        })
      ).status,
    ).toBe(403);
    expect((await call('DELETE', `/api/v1/teams/${team}/members`, bearer(aliceJwt), {})).status).toBe(422);
    expect(await members()).toEqual([alice.username, bob.username, carol.username].sort());
    const byBody = await call('DELETE', `/api/v1/teams/${team}/members`, bearer(aliceJwt), {
      username: bob.username,
    });
    expect([byBody.status, byBody.body]).toEqual([200, { data: { removed: true } }]);
    // A member may leave; the query names the user for clients that send no DELETE body.
    const byQuery = await call(
      'DELETE',
      `/api/v1/teams/${team}/members?username=${carol.username}`,
      apiToken(carol.token),
    );
    expect([byQuery.status, byQuery.body]).toEqual([200, { data: { removed: true } }]);
    expect(await members()).toEqual([alice.username]);
    expect(
      (await call('DELETE', `/api/v1/teams/${team}/members`, bearer(aliceJwt), { username: bob.username }))
        .status,
    ).toBe(404);
    expect(
      (await call('DELETE', `/api/v1/teams/${team}/members`, bearer(aliceJwt), { username: alice.username }))
        .status,
    ).toBe(409);
  });

  it('team visibility: only members of the owning team see the artifact', async () => {
    const created = await call('POST', '/api/v1/artifacts', apiToken(alice.token), {
      name: 'team-only',
      type: 'mcp',
      description: 'Visible to the team.',
      visibility: 'team',
      team: slug,
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      scope: slug,
      slug: `${slug}/team-only`,
      visibility: 'team',
      type: 'mcp',
    });
    const tarball = await makeTarball({
      'mcp.json': JSON.stringify({ command: 'node', args: ['s.js'] }),
      's.js': 'process.stdin.resume();\n',
    });
    const published = await upload(`/api/v1/artifacts/${slug}/team-only/versions`, apiToken(alice.token), {
      version: '0.1.0',
      tarball: new Blob([new Uint8Array(tarball)]),
    });
    expect(published.status).toBe(201);
    const outsider = await createTestUser(t.deps, t.defaultTenantId);
    expect((await call('GET', `/api/v1/artifacts/${slug}/team-only`, apiToken(outsider.token))).status).toBe(
      404,
    );
    expect((await call('GET', `/api/v1/artifacts/${slug}/team-only`)).status).toBe(404);
    expect((await call('GET', `/api/v1/artifacts/${slug}/team-only`, apiToken(bob.token))).status).toBe(200);
    expect((await call('GET', '/api/v1/artifacts?type=mcp')).body.data).toEqual([]);
    expect(
      (
        await call('POST', '/api/v1/artifacts', apiToken(alice.token), {
          name: 'solo',
          type: 'skill',
          description: 'x',
          visibility: 'team',
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('POST', '/api/v1/artifacts', apiToken(outsider.token), {
          name: 'intruder',
          type: 'skill',
          description: 'x',
          team: slug,
        })
      ).status,
    ).toBe(403);
  });
});
