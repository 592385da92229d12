/**
 * `POST /v1/usage` (the real CLI's view/download, 202, 400/404 as documented) and the tenant dashboards:
 * timeline (zero-filled days), top (by total), decay (rarely used and idle), with their clamps, the
 * tenant:admin gate and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { call, secondTenant, spPublish } from './support.js';

let t: TestApp;
let publisher: TestUser;
let admin: TestUser;

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

beforeAll(async () => {
  t = await createTestApp();
  publisher = await createTestUser(t.deps, t.defaultTenantId, { role: 'publisher' });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  for (const slug of ['busy', 'quiet', 'stale', 'fresh']) {
    const res = await spPublish(t, { token: publisher.token, slug, version: '1.0.0' });
    expect(res.status, res.text).toBe(201);
  }
  // `stale` and `quiet` were published long ago; only `quiet` was used since, and recently.
  await t.deps.db
    .updateTable('versions')
    .set({ published_at: daysAgo(400) })
    .where('package_id', 'in', (eb) =>
      eb.selectFrom('packages').select('id').where('name', 'in', ['stale', 'quiet']),
    )
    .execute();
}, 120_000);
afterAll(() => t.close());

const report = (body: Record<string, unknown>, token = publisher.token) =>
  call(t, 'POST', '/v1/usage', { token, body });

describe('POST /v1/usage', () => {
  it("accepts the CLI's view and download events with 202 and records them", async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await report({ skill_id: 'busy', event: 'view', project_hash: 'abc123' })).status).toBe(202);
    }
    expect((await report({ skill_id: 'busy', kind: 'skill', event: 'download' })).status).toBe(202);
    expect((await report({ skill_id: 'quiet', event: 'view' })).status).toBe(202);
    const rows = await t.deps.db.selectFrom('skill_usage_events').select(['event', 'project_hash']).execute();
    expect(rows.filter((row) => row.event === 'view')).toHaveLength(4);
    expect(rows.filter((row) => row.project_hash === 'abc123')).toHaveLength(3);
  });

  it('refuses other events and kinds with 400, unknown skills with 404, missing fields with 400', async () => {
    const load = await report({ skill_id: 'busy', event: 'load' });
    expect(load.status).toBe(400);
    expect(load.body.error).toBe('bad_request');
    expect((await report({ skill_id: 'busy', event: 'view', kind: 'prompt' })).status).toBe(400);
    expect((await report({ skill_id: 'nothing', event: 'view' })).status).toBe(404);
    expect((await report({ skill_id: 'busy', event: 'view', kind: 'agent' })).status).toBe(404);
    expect((await report({ event: 'view' })).status).toBe(400);
  });

  it('needs a credential with skills:read', async () => {
    expect((await call(t, 'POST', '/v1/usage', { body: { skill_id: 'busy', event: 'view' } })).status).toBe(
      401,
    );
    const other = await secondTenant(t, 'usage-other');
    expect((await report({ skill_id: 'busy', event: 'view' }, other.user.token)).status).toBe(401);
  });
});

describe('GET /v1/tenant/usage/timeline', () => {
  it('answers exactly `days` zero-filled UTC days ending today, with today’s counts', async () => {
    const res = await call(t, 'GET', '/v1/tenant/usage/timeline?days=7', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.list).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.list[6]).toEqual({ day: `${today}T00:00:00Z`, downloads: 1, views: 4, unique_skills: 2 });
    expect(res.list.slice(0, 6).every((row) => row.downloads === 0 && row.views === 0)).toBe(true);
    expect(String(res.list[0]?.day) < String(res.list[6]?.day)).toBe(true);
  });

  it('clamps days to 1..365 (default 30)', async () => {
    for (const [query, length] of [
      ['', 30],
      ['?days=0', 1],
      ['?days=100000', 365],
      ['?days=x', 30],
    ] as const) {
      const res = await call(t, 'GET', `/v1/tenant/usage/timeline${query}`, { token: admin.token });
      expect(res.list, query).toHaveLength(length);
    }
  });
});

describe('GET /v1/tenant/usage/top', () => {
  it('lists by total events, then slug, with a clamped limit', async () => {
    const res = await call(t, 'GET', '/v1/tenant/usage/top', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.list).toEqual([
      { slug: 'busy', name: 'busy', downloads: 1, views: 3, total: 4 },
      { slug: 'quiet', name: 'quiet', downloads: 0, views: 1, total: 1 },
    ]);
    expect((await call(t, 'GET', '/v1/tenant/usage/top?limit=0', { token: admin.token })).list).toHaveLength(
      1,
    );
  });
});

describe('GET /v1/tenant/skills/decay', () => {
  it('lists rarely used skills idle longer than days, oldest first', async () => {
    const res = await call(t, 'GET', '/v1/tenant/skills/decay', { token: admin.token });
    expect(res.status).toBe(200);
    // `quiet` was used today; `busy` and `fresh` were published today.
    expect(res.list.map((row) => row.slug)).toEqual(['stale']);
    expect(res.list[0]).toMatchObject({ version: '1.0.0', use_count: 0 });
    // With max_uses=0 nothing qualifies; with days=1 (the minimum) still only the idle one.
    expect((await call(t, 'GET', '/v1/tenant/skills/decay?max_uses=0', { token: admin.token })).list).toEqual(
      [],
    );
    expect(
      (await call(t, 'GET', '/v1/tenant/skills/decay?days=0', { token: admin.token })).list.map(
        (row) => row.slug,
      ),
    ).toEqual(['stale']);
  });
});

describe('the dashboards', () => {
  it.each(['/v1/tenant/usage/timeline', '/v1/tenant/usage/top', '/v1/tenant/skills/decay'])(
    '%s: 401 without a credential, 403 without tenant:admin, nothing from another tenant',
    async (path) => {
      expect((await call(t, 'GET', path)).status).toBe(401);
      const forbidden = await call(t, 'GET', path, { token: publisher.token });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error).toBe('forbidden');
      const other = await secondTenant(t, `dash-${path.split('/').at(-1)}`);
      const theirs = await call(t, 'GET', path, { token: other.user.token, tenant: other.slug });
      expect(theirs.status).toBe(200);
      expect(theirs.list.every((row) => !row.slug && row.views !== 1 && row.downloads !== 1)).toBe(true);
    },
  );
});
