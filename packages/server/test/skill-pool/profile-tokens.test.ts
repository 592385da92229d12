/**
 * `/v1/profile/tokens`: mint (both body shapes, raw spk_ shown once, SHA-256 stored), list, revoke
 * (401 from the next request on), with an API token and with a web-session JWT; a caller mints only
 * scopes it holds; tokens of every prefix are accepted on every surface; tenants stay apart.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { createApiToken } from '../../src/domain/api-tokens.js';
import { createSession } from '../../src/domain/sessions.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let publisher: TestUser;
let viewer: TestUser;
let admin: TestUser;

async function sessionJwt(user: TestUser): Promise<string> {
  const secret = await createSession(t.deps.db, {
    tenantId: t.defaultTenantId,
    userId: user.id,
    ttlHours: 1,
  });
  const res = await t.request('/auth/session-token', { headers: { cookie: `agentry_session=${secret}` } });
  return ((await res.json()) as { token: string }).token;
}

beforeAll(async () => {
  t = await createTestApp();
  publisher = await createTestUser(t.deps, t.defaultTenantId, { role: 'publisher' });
  viewer = await createTestUser(t.deps, t.defaultTenantId, { role: 'viewer', scopes: ['skills:read'] });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
}, 60_000);
afterAll(() => t.close());

describe('POST /v1/profile/tokens', () => {
  it('mints an spk_ token from {label, scopes}, shown once and stored as SHA-256 only', async () => {
    const res = await call(t, 'POST', '/v1/profile/tokens', {
      token: publisher.token,
      body: { label: 'laptop', scopes: 'skills:read skills:publish' },
    });
    expect(res.status).toBe(200);
    const raw = String(res.body.raw_token);
    expect(raw).toMatch(/^spk_[0-9a-f]{64}$/);
    expect(res.body).toMatchObject({
      label: 'laptop',
      name: 'laptop',
      scopes: 'skills:publish skills:read',
      prefix: raw.slice(0, 12),
      revoked_at: null,
    });
    const row = await t.deps.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', String(res.body.id))
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(raw);
    // The new token works here and on Tank's surface alike.
    expect((await call(t, 'GET', '/v1/profile/tokens', { token: raw })).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/auth/whoami', { token: raw })).status).toBe(200);
  });

  it("accepts the seed document's {name, scope} and scopes as an array", async () => {
    const seed = await call(t, 'POST', '/v1/profile/tokens', {
      token: publisher.token,
      body: { name: 'ci', scope: 'skills:read' },
    });
    expect(seed.status).toBe(200);
    expect(seed.body).toMatchObject({ label: 'ci', scopes: 'skills:read' });
    const array = await call(t, 'POST', '/v1/profile/tokens', {
      token: publisher.token,
      body: { label: 'array', scopes: ['skills:read skills:publish'] },
    });
    expect(array.body.scopes).toBe('skills:publish skills:read');
  });

  it('refuses unknown scopes, no scope and bad labels with 400 bad_request', async () => {
    for (const body of [
      { label: 'x', scopes: 'skills:read skills:everything' },
      { label: 'x', scopes: '' },
      { label: '   ', scopes: 'skills:read' },
      { label: 'x'.repeat(81), scopes: 'skills:read' },
      { label: 'x', scopes: 42 },
    ]) {
      const res = await call(t, 'POST', '/v1/profile/tokens', { token: publisher.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('bad_request');
    }
  });

  it('lets nobody mint beyond their own powers: a viewer gets no publish token, a publisher no admin one', async () => {
    const viewerMint = await call(t, 'POST', '/v1/profile/tokens', {
      token: viewer.token,
      body: { label: 'sneaky', scopes: 'skills:publish' },
    });
    expect(viewerMint.status).toBe(403);
    expect(viewerMint.body.error).toBe('forbidden');
    expect(
      (
        await call(t, 'POST', '/v1/profile/tokens', {
          token: viewer.token,
          body: { label: 'ok', scopes: 'skills:read' },
        })
      ).status,
    ).toBe(200);
    const publisherAdmin = await call(t, 'POST', '/v1/profile/tokens', {
      token: publisher.token,
      body: { label: 'admin', scopes: 'tenant:admin' },
    });
    expect(publisherAdmin.status).toBe(403);
    const adminMint = await call(t, 'POST', '/v1/profile/tokens', {
      token: admin.token,
      body: { label: 'admin', scopes: 'tenant:admin' },
    });
    expect(adminMint.status).toBe(200);
    // A read-only token of an admin cannot mint more than read either.
    const readOnly = await call(t, 'POST', '/v1/profile/tokens', {
      token: admin.token,
      body: { label: 'ro', scopes: 'skills:read' },
    });
    const escalate = await call(t, 'POST', '/v1/profile/tokens', {
      token: String(readOnly.body.raw_token),
      body: { label: 'up', scopes: 'skills:publish' },
    });
    expect(escalate.status).toBe(403);
  });

  it('needs a credential: 401 without one, 401 with a bad one', async () => {
    const none = await call(t, 'POST', '/v1/profile/tokens', { body: { label: 'x', scopes: 'skills:read' } });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    const bad = await call(t, 'GET', '/v1/profile/tokens', { token: `spk_${'0'.repeat(64)}` });
    expect(bad.status).toBe(401);
  });

  it('works with a web session (its JWT as the bearer)', async () => {
    const jwt = await sessionJwt(publisher);
    const res = await call(t, 'POST', '/v1/profile/tokens', {
      token: jwt,
      body: { label: 'from-portal', scopes: 'skills:read' },
    });
    expect(res.status).toBe(200);
    const listed = await call(t, 'GET', '/v1/profile/tokens', { token: jwt });
    expect(listed.list.map((row) => row.label)).toContain('from-portal');
  });
});

describe('GET and DELETE /v1/profile/tokens', () => {
  it('lists only the caller’s tokens, newest first, revoked ones included, without secrets', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const first = await call(t, 'POST', '/v1/profile/tokens', {
      token: user.token,
      body: { label: 'one', scopes: 'skills:read' },
    });
    const second = await call(t, 'POST', '/v1/profile/tokens', {
      token: user.token,
      body: { label: 'two', scopes: 'skills:read' },
    });
    expect(
      (await call(t, 'DELETE', `/v1/profile/tokens/${first.body.id}`, { token: user.token })).status,
    ).toBe(204);
    const listed = await call(t, 'GET', '/v1/profile/tokens', { token: user.token });
    expect(listed.status).toBe(200);
    const labels = listed.list.map((row) => row.label);
    expect(labels.indexOf('two')).toBeLessThan(labels.indexOf('one'));
    expect(listed.list.find((row) => row.label === 'one')?.revoked_at).toEqual(expect.any(String));
    expect(listed.text).not.toContain(String(second.body.raw_token));
    expect(listed.list.every((row) => !('raw_token' in row))).toBe(true);
    const others = await call(t, 'GET', '/v1/profile/tokens', { token: publisher.token });
    expect(others.list.map((row) => row.id)).not.toContain(first.body.id);
  });

  it('revokes: the token is 401 on the next request, a second revoke is still 204', async () => {
    const minted = await call(t, 'POST', '/v1/profile/tokens', {
      token: publisher.token,
      body: { label: 'short-lived', scopes: 'skills:read' },
    });
    const raw = String(minted.body.raw_token);
    expect((await call(t, 'GET', '/v1/profile/tokens', { token: raw })).status).toBe(200);
    expect(
      (await call(t, 'DELETE', `/v1/profile/tokens/${minted.body.id}`, { token: publisher.token })).status,
    ).toBe(204);
    expect((await call(t, 'GET', '/v1/profile/tokens', { token: raw })).status).toBe(401);
    expect((await call(t, 'GET', '/api/v1/auth/whoami', { token: raw })).status).toBe(401);
    expect(
      (await call(t, 'DELETE', `/v1/profile/tokens/${minted.body.id}`, { token: publisher.token })).status,
    ).toBe(204);
  });

  it("answers 404 for another user's or an unknown token and 400 for a non-UUID id", async () => {
    const minted = await call(t, 'POST', '/v1/profile/tokens', {
      token: publisher.token,
      body: { label: 'mine', scopes: 'skills:read' },
    });
    const foreign = await call(t, 'DELETE', `/v1/profile/tokens/${minted.body.id}`, { token: viewer.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('not_found');
    expect(
      (await call(t, 'GET', '/v1/profile/tokens', { token: String(minted.body.raw_token) })).status,
    ).toBe(200);
    const unknown = await call(t, 'DELETE', `/v1/profile/tokens/${crypto.randomUUID()}`, {
      token: publisher.token,
    });
    expect(unknown.status).toBe(404);
    const malformed = await call(t, 'DELETE', '/v1/profile/tokens/not-a-uuid', { token: publisher.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('bad_request');
  });
});

describe('tenants and token prefixes on /v1', () => {
  it('keeps tenants apart: a token is 401 in another tenant, which lists none of this one’s tokens', async () => {
    const other = await secondTenant(t, 'profile-other');
    const wrongTenant = await call(t, 'GET', '/v1/profile/tokens', {
      token: publisher.token,
      tenant: other.slug,
    });
    expect(wrongTenant.status).toBe(401);
    const theirs = await call(t, 'GET', '/v1/profile/tokens', {
      token: other.user.token,
      tenant: other.slug,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.list.every((row) => row.label === 'test')).toBe(true);
  });

  it('answers 401 unauthorized for an unknown or suspended tenant on /v1, and keeps 404 on other surfaces', async () => {
    const unknown = await call(t, 'GET', '/v1/skills', { tenant: 'no-such-shop' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('unauthorized');
    expect((await call(t, 'GET', '/v1/skills', { tenant: 'Not A Slug!' })).status).toBe(401);
    const tank = await call(t, 'GET', '/api/v1/search?q=x', { tenant: 'no-such-shop' });
    expect(tank.status).toBe(404);
    const suspended = await secondTenant(t, 'suspended-shop');
    expect(
      (await call(t, 'GET', '/v1/profile/tokens', { token: suspended.user.token, tenant: 'suspended-shop' }))
        .status,
    ).toBe(200);
    await t.deps.db
      .updateTable('tenants')
      .set({ suspended_at: new Date() })
      .where('id', '=', suspended.tenantId)
      .execute();
    const refused = await call(t, 'GET', '/v1/profile/tokens', {
      token: suspended.user.token,
      tenant: 'suspended-shop',
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    expect(
      (await call(t, 'GET', '/api/v1/auth/whoami', { token: suspended.user.token, tenant: 'suspended-shop' }))
        .status,
    ).toBe(404);
  });

  it.each(['agt_', 'spk_', 'tank_', 'aitk_'] as const)(
    'accepts %s tokens on every surface',
    async (prefix) => {
      const { token } = await createApiToken(t.deps.db, {
        tenantId: t.defaultTenantId,
        userId: publisher.id,
        name: prefix,
        scopes: ['skills:read'],
        prefix,
      });
      expect(token.startsWith(prefix)).toBe(true);
      expect((await call(t, 'GET', '/v1/profile/tokens', { token })).status).toBe(200);
      expect((await call(t, 'GET', '/api/v1/auth/whoami', { token })).status).toBe(200);
      expect(
        (await call(t, 'GET', '/api/v1/auth/verify', { headers: { 'x-api-token': token } })).status,
      ).toBe(200);
    },
  );
});
