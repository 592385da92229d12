/**
 * skill-pool bootstrap and stack mappings over HTTP: tiers and cap, debug breakdown, the soft fallback
 * for an unknown project, documented errors, 401/403, and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let admin: TestUser;
let reader: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  reader = await createTestUser(t.deps, t.defaultTenantId, { role: 'viewer', scopes: ['skills:read'] });
  for (const [name, keywords] of [
    ['axum-handler', ['rust', 'axum']],
    ['serde-tips', ['rust']],
    ['react-hooks', ['react']],
  ] as const) {
    const published = await publishVersion(
      t,
      admin.token,
      { name, version: '1.0.0', keywords: [...keywords] },
      skillFiles(name),
    );
    expect(published.status).toBe(200);
  }
});
afterAll(() => t.close());

describe('stack mappings', () => {
  it('are tenant:admin only, idempotent, listed sorted, and removed with a JSON body', async () => {
    expect((await call(t, 'GET', '/v1/tenant/stack-mappings')).status).toBe(401);
    expect((await call(t, 'GET', '/v1/tenant/stack-mappings', { token: reader.token })).status).toBe(403);
    for (const body of [
      { stack: 'Rust', skill: 'rust-curated' },
      { stack: 'rust', skill: 'rust-curated' },
      { stack: 'axum', skill: 'axum-curated' },
    ]) {
      const set = await call(t, 'POST', '/v1/tenant/stack-mappings', { token: admin.token, body });
      expect(set.status).toBe(200);
    }
    const listed = await call(t, 'GET', '/v1/tenant/stack-mappings', { token: admin.token });
    expect(listed.list).toEqual([
      { stack: 'axum', skill: 'axum-curated' },
      { stack: 'rust', skill: 'rust-curated' },
    ]);
    const blank = await call(t, 'POST', '/v1/tenant/stack-mappings', {
      token: admin.token,
      body: { stack: ' ', skill: 'x' },
    });
    expect([blank.status, blank.body.error]).toEqual([400, 'bad_request']);
    const removed = await call(t, 'DELETE', '/v1/tenant/stack-mappings', {
      token: admin.token,
      body: { stack: 'axum', skill: 'axum-curated' },
    });
    expect(removed.status).toBe(204);
    const again = await call(t, 'DELETE', '/v1/tenant/stack-mappings', {
      token: admin.token,
      body: { stack: 'axum', skill: 'axum-curated' },
    });
    expect(again.status).toBe(404);
  });
});

describe('GET /v1/bootstrap', () => {
  it('needs a caller, and a stack or a project', async () => {
    expect((await call(t, 'GET', '/v1/bootstrap?stack=rust')).status).toBe(401);
    const empty = await call(t, 'GET', '/v1/bootstrap?stack=%20,', { token: reader.token });
    expect([empty.status, empty.body.error]).toEqual([400, 'bad_request']);
  });

  it('answers curated then tagged skills, breakdown only with debug', async () => {
    const plain = await call(t, 'GET', '/v1/bootstrap?stack=RUST,%20axum', { token: reader.token });
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({
      stack: ['rust', 'axum'],
      skills: ['rust-curated', 'axum-handler', 'serde-tips'],
    });
    const debug = await call(t, 'GET', '/v1/bootstrap?stack=rust,axum&debug=1', { token: reader.token });
    expect(debug.body.tier_breakdown).toEqual({
      curated: ['rust-curated'],
      tagged: ['axum-handler', 'serde-tips'],
      semantic: [],
    });
  });

  it('puts a project first, falls through for an unknown project, and caps at 8', async () => {
    await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'shop', name: 'Shop' },
    });
    await call(t, 'PUT', '/v1/tenant/projects/shop/items', {
      token: admin.token,
      body: [
        { slug: 'react-hooks', kind: 'skill' },
        { slug: 'reviewer', kind: 'agent' },
      ],
    });
    const withProject = await call(t, 'GET', '/v1/bootstrap?project=shop&stack=rust&debug=true', {
      token: reader.token,
    });
    expect(withProject.body).toMatchObject({
      skills: ['react-hooks', 'reviewer', 'rust-curated', 'axum-handler', 'serde-tips'],
      project: { slug: 'shop', name: 'Shop' },
      project_items: [
        { slug: 'react-hooks', kind: 'skill', source: 'direct' },
        { slug: 'reviewer', kind: 'agent', source: 'direct' },
      ],
    });
    expect((withProject.body.tier_breakdown as Record<string, unknown>).project).toEqual([
      'react-hooks',
      'reviewer',
    ]);
    const projectOnly = await call(t, 'GET', '/v1/bootstrap?project=shop', { token: reader.token });
    expect(projectOnly.body).toMatchObject({ stack: [], skills: ['react-hooks', 'reviewer'] });

    const unknown = await call(t, 'GET', '/v1/bootstrap?project=nope&stack=react', { token: reader.token });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ stack: ['react'], skills: ['react-hooks'] });

    await call(t, 'PUT', '/v1/tenant/projects/shop/items', {
      token: admin.token,
      body: Array.from({ length: 12 }, (_, i) => ({ slug: `item-${i}`, kind: 'skill' })),
    });
    const capped = await call(t, 'GET', '/v1/bootstrap?project=shop&stack=rust', { token: reader.token });
    expect((capped.body.skills as string[]).length).toBe(8);
    expect((capped.body.project_items as unknown[]).length).toBe(12);
  });

  it("sees nothing of another tenant's skills, mappings or projects", async () => {
    const other = await secondTenant(t, 'bootstrap-other');
    const answer = await call(t, 'GET', '/v1/bootstrap?stack=rust,axum&project=shop&debug=1', {
      token: other.user.token,
      tenant: other.slug,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      stack: ['rust', 'axum'],
      skills: [],
      tier_breakdown: { curated: [], tagged: [], semantic: [] },
    });
  });
});
