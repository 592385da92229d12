import { tokenScopes } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../test-support/app.js';
import { ensureAdminToken } from '../src/domain/admin-bootstrap.js';
import { generateApiToken } from '../src/domain/secrets.js';
import { ensureTenant } from '../src/domain/tenants.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('bearer tokens', () => {
  it('identifies the caller on whoami', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] });
    const res = await t.request('/api/v1/auth/whoami', { headers: bearer(user.token) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      username: user.username,
      tenant: 'default',
      scopes: ['skills:read'],
      tokenId: user.tokenId,
    });
  });

  it.each([
    ['no header', undefined],
    ['another prefix', 'Bearer tank_abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq'],
    ['unknown agt_ token', `Bearer ${'agt_'}${'x'.repeat(43)}`],
    ['basic scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 UNAUTHORIZED for %s', async (_name, header) => {
    const res = await t.request('/api/v1/auth/whoami', header ? { headers: { Authorization: header } } : {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'UNAUTHORIZED' });
  });

  it('refuses a revoked token on the next request', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const second = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer(user.token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'laptop', scopes: ['skills:read'] }),
    });
    expect(second.status).toBe(201);
    const created = (await second.json()) as { id: string; token: string };
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(created.token) })).status).toBe(200);
    const revoked = await t.request(`/api/v1/tokens/${created.id}`, {
      method: 'DELETE',
      headers: bearer(user.token),
    });
    expect(revoked.status).toBe(200);
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(created.token) })).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    await t.deps.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', user.tokenId)
      .execute();
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(user.token) })).status).toBe(401);
  });

  it('refuses a token issued for another tenant', async () => {
    const other = await ensureTenant(t.deps.db, 'other-tenant');
    const user = await createTestUser(t.deps, other.id);
    const here = await t.request('/api/v1/auth/whoami', { headers: bearer(user.token) });
    expect(here.status).toBe(401);
    const there = await t.request('/api/v1/auth/whoami', {
      headers: { ...bearer(user.token), 'X-Skill-Pool-Tenant': 'other-tenant' },
    });
    expect(there.status).toBe(200);
  });

  it('records last_used_at', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    await t.request('/api/v1/auth/whoami', { headers: bearer(user.token) });
    const row = await t.deps.db
      .selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', user.tokenId)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it('stores only a hash of the token', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const row = await t.deps.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', user.tokenId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(user.token.slice(4));
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('AGENTRY_ADMIN_TOKEN bootstrap', () => {
  it('ensures an admin holding the token with every scope, idempotently, restoring a revoked copy', async () => {
    const raw = generateApiToken();
    await ensureAdminToken(t.deps.db, t.defaultTenantId, raw);
    await ensureAdminToken(t.deps.db, t.defaultTenantId, raw);
    const res = await t.request('/api/v1/auth/whoami', { headers: bearer(raw) });
    expect(await res.json()).toMatchObject({ username: 'admin', scopes: [...tokenScopes].sort() });
    await t.deps.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('name', '=', 'AGENTRY_ADMIN_TOKEN')
      .execute();
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(raw) })).status).toBe(401);
    await ensureAdminToken(t.deps.db, t.defaultTenantId, raw);
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(raw) })).status).toBe(200);
  });
});

describe('/api/v1/tokens', () => {
  it('lists tokens without secrets, newest first', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const res = await t.request('/api/v1/tokens', { headers: bearer(user.token) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tokens: Record<string, unknown>[] };
    expect(body.tokens).toHaveLength(1);
    expect(body.tokens[0]).not.toHaveProperty('token');
    expect(body.tokens[0]).not.toHaveProperty('token_hash');
    expect(body.tokens[0]).toMatchObject({ id: user.tokenId, prefix: user.token.slice(0, 12) });
  });

  it('will not grant scopes the caller lacks', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] });
    const res = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer(user.token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scopes: ['skills:publish'] }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'FORBIDDEN' });
  });

  it('answers 422 with issue paths for a bad body and 400 for malformed JSON', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const headers = { ...bearer(user.token), 'content-type': 'application/json' };
    const bad = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: '', scopes: ['root'] }),
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: string; issues: { path: unknown[] }[] };
    expect(body.error).toBe('VALIDATION_ERROR');
    expect(body.issues.map((issue) => issue.path[0]).sort()).toEqual(['name', 'scopes']);
    const malformed = await t.request('/api/v1/tokens', { method: 'POST', headers, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'INVALID_JSON' });
  });

  it('answers 404 when revoking a token of someone else, and 422 for a non-uuid id', async () => {
    const owner = await createTestUser(t.deps, t.defaultTenantId);
    const stranger = await createTestUser(t.deps, t.defaultTenantId);
    const res = await t.request(`/api/v1/tokens/${owner.tokenId}`, {
      method: 'DELETE',
      headers: bearer(stranger.token),
    });
    expect(res.status).toBe(404);
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(owner.token) })).status).toBe(200);
    const bad = await t.request('/api/v1/tokens/not-a-uuid', {
      method: 'DELETE',
      headers: bearer(stranger.token),
    });
    expect(bad.status).toBe(422);
  });
});
