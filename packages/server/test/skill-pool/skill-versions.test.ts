/**
 * `GET /v1/skills/{slug}/versions` (newest first, at most 50, change_summary cut at 200, published_by
 * email) and `GET /v1/skills/{slug}/deps` (closure by depth, cycle-safe, depth ≤ 10, forward references
 * kept), over artifacts published through Tank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let owner: TestUser;

async function publish(name: string, version: string, extra: Record<string, unknown> = {}) {
  const res = await publishVersion(t, owner.token, { name, version, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId);
  await publish('history', '1.0.0', { description: 'First.' });
  await publish('history', '1.1.0', { description: 'x'.repeat(250) });
  await publish('history', '2.0.0', { description: 'Rewrite.' });
  // a → b → c → a (a cycle), a → ghost (not published), c → d
  await publish('dep-b', '1.0.0', { skills: { 'dep-c': '^1.0.0' } });
  await publish('dep-c', '1.0.0', { skills: { 'dep-a': '*', 'dep-d': '1.0.0' } });
  await publish('dep-d', '1.0.0');
  await publish('dep-a', '1.0.0', { skills: { 'dep-b': '^1.0.0', ghost: '*' } });
  // A chain of 12: only 10 levels are followed.
  for (let i = 12; i >= 1; i -= 1) {
    await publish(`chain-${i}`, '1.0.0', i < 12 ? { skills: { [`chain-${i + 1}`]: '*' } } : {});
  }
}, 180_000);
afterAll(() => t.close());

describe('GET /v1/skills/{slug}/versions', () => {
  it('lists every version newest first with publisher email and a 200-character summary', async () => {
    const res = await call(t, 'GET', '/v1/skills/history/versions');
    expect(res.status).toBe(200);
    expect(res.list.map((row) => row.version)).toEqual(['2.0.0', '1.1.0', '1.0.0']);
    expect(res.list[0]).toEqual({
      version: '2.0.0',
      published_at: expect.stringMatching(/^\d{4}-/),
      published_by: `${owner.username}@example.test`,
      change_summary: 'Rewrite.',
      status: 'published',
    });
    expect(res.list[1]?.change_summary).toBe(`${'x'.repeat(200)}…`);
  });

  it('answers 404 for an unknown slug or the wrong kind, 400 for a bad kind', async () => {
    expect((await call(t, 'GET', '/v1/skills/nothing/versions')).status).toBe(404);
    expect((await call(t, 'GET', '/v1/skills/history/versions?kind=agent')).status).toBe(404);
    expect((await call(t, 'GET', '/v1/skills/history/versions?kind=x')).status).toBe(400);
    const other = await secondTenant(t, 'versions-other');
    expect((await call(t, 'GET', '/v1/skills/history/versions', { tenant: other.slug })).status).toBe(404);
  });
});

describe('GET /v1/skills/{slug}/deps', () => {
  it('walks the closure by depth then slug, stops at cycles and keeps unpublished targets', async () => {
    const res = await call(t, 'GET', '/v1/skills/dep-a/deps');
    expect(res.status).toBe(200);
    expect(res.list).toEqual([
      { slug: 'dep-b', version_range: '^1.0.0', depth: 1 },
      { slug: 'ghost', version_range: '*', depth: 1 },
      { slug: 'dep-c', version_range: '^1.0.0', depth: 2 },
      { slug: 'dep-d', version_range: '1.0.0', depth: 3 },
    ]);
  });

  it('follows at most 10 levels', async () => {
    const res = await call(t, 'GET', '/v1/skills/chain-1/deps');
    expect(res.list.map((row) => row.slug)).toEqual(Array.from({ length: 10 }, (_, i) => `chain-${i + 2}`));
    expect(res.list.at(-1)?.depth).toBe(10);
  });

  it('is empty without dependencies and 404 for an unpublished parent', async () => {
    expect((await call(t, 'GET', '/v1/skills/dep-d/deps')).list).toEqual([]);
    expect((await call(t, 'GET', '/v1/skills/ghost/deps')).status).toBe(404);
  });
});
