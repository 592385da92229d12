/**
 * skill-pool notification settings and the pending-count badge over HTTP (delivery itself is covered in
 * webhooks.test.ts and, from a real draft, in drafts.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let admin: TestUser;
let publisher: TestUser;

beforeAll(async () => {
  // Private hosts allowed, as a test receiver on 127.0.0.1 needs.
  t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_HOSTS: 'true' } });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  publisher = await createTestUser(t.deps, t.defaultTenantId, { role: 'curator' });
});
afterAll(() => t.close());

describe('/v1/tenant/notifications', () => {
  it('needs tenant:admin', async () => {
    expect((await call(t, 'GET', '/v1/tenant/notifications')).status).toBe(401);
    expect((await call(t, 'GET', '/v1/tenant/notifications', { token: publisher.token })).status).toBe(403);
    const put = await call(t, 'PUT', '/v1/tenant/notifications', {
      token: publisher.token,
      body: { webhook_url: 'https://hooks.example.com/x' },
    });
    expect([put.status, put.body.error]).toEqual([403, 'forbidden']);
  });

  it('stores the URL and secret, returns the view without the secret, and clears with ""', async () => {
    const put = await call(t, 'PUT', '/v1/tenant/notifications', {
      token: admin.token,
      body: { webhook_url: ' http://127.0.0.1:9/hook ', webhook_secret: 's3cret-value' },
    });
    expect([put.status, put.body]).toEqual([
      200,
      { webhook_url: 'http://127.0.0.1:9/hook', signing_enabled: true },
    ]);
    expect(put.text).not.toContain('s3cret-value');
    const got = await call(t, 'GET', '/v1/tenant/notifications', { token: admin.token });
    expect(got.body).toEqual({ webhook_url: 'http://127.0.0.1:9/hook', signing_enabled: true });
    // Absent keys stay; null keeps too.
    const kept = await call(t, 'PUT', '/v1/tenant/notifications', {
      token: admin.token,
      body: { webhook_secret: null },
    });
    expect(kept.body.signing_enabled).toBe(true);
    const cleared = await call(t, 'PUT', '/v1/tenant/notifications', {
      token: admin.token,
      body: { webhook_url: '', webhook_secret: '' },
    });
    expect(cleared.body).toEqual({ signing_enabled: false });
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'tenant.notifications.update')
      .execute();
    expect(JSON.stringify(audit)).not.toContain('s3cret-value');
  });

  it('refuses a URL that is not http(s)', async () => {
    for (const webhook_url of ['ftp://example.com/x', 'not a url', 'javascript:alert(1)']) {
      const put = await call(t, 'PUT', '/v1/tenant/notifications', {
        token: admin.token,
        body: { webhook_url },
      });
      expect([put.status, put.body.error], webhook_url).toEqual([400, 'bad_request']);
    }
  });

  it('refuses private addresses unless WEBHOOK_ALLOW_PRIVATE_HOSTS', async () => {
    const strict = await createTestApp();
    try {
      const user = await createTestUser(strict.deps, strict.defaultTenantId, {
        role: 'admin',
        scopes: ['tenant:admin'],
      });
      for (const webhook_url of [
        'http://127.0.0.1/x',
        'http://10.1.2.3/x',
        'http://localhost:8080/x',
        'http://[::1]/x',
      ]) {
        const put = await call(strict, 'PUT', '/v1/tenant/notifications', {
          token: user.token,
          body: { webhook_url },
        });
        expect([put.status, put.body.error], webhook_url).toEqual([400, 'bad_request']);
      }
    } finally {
      await strict.close();
    }
  });
});

describe('GET /v1/tenant/notifications/pending-count', () => {
  it('answers pending and count for any caller in the tenant, 401 without one', async () => {
    expect((await call(t, 'GET', '/v1/tenant/notifications/pending-count')).status).toBe(401);
    const reader = await createTestUser(t.deps, t.defaultTenantId, {
      role: 'viewer',
      scopes: ['skills:read'],
    });
    const before = await call(t, 'GET', '/v1/tenant/notifications/pending-count', { token: reader.token });
    expect(before.status).toBe(200);
    expect(before.body.pending).toBe(before.body.count);
    await t.deps.db
      .insertInto('skill_drafts')
      .values({
        tenant_id: t.defaultTenantId,
        slug: 'counted',
        description: 'd',
        tags: [],
        origin: 'cli',
        notes: null,
        when_to_use: null,
        blob_key: null,
        size_bytes: 1,
        sha256: 'x',
        merge_proposal_slug: null,
        merge_proposal_similarity: null,
        published_version: null,
        published_version_id: null,
        created_by: null,
      })
      .execute();
    const after = await call(t, 'GET', '/v1/tenant/notifications/pending-count', { token: reader.token });
    expect(after.body).toEqual({
      pending: Number(before.body.pending) + 1,
      count: Number(before.body.pending) + 1,
    });
    const other = await secondTenant(t, 'count-other');
    const theirs = await call(t, 'GET', '/v1/tenant/notifications/pending-count', {
      token: other.user.token,
      tenant: other.slug,
    });
    expect(theirs.body).toEqual({ pending: 0, count: 0 });
  });
});
