/**
 * skill-pool projects over HTTP: CRUD, item order, remote resolution, 401/403, documented errors, and
 * tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
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
});
afterAll(() => t.close());

describe('projects', () => {
  it('needs a caller (401) holding tenant:admin (403) on every admin route', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/tenant/projects'],
      ['POST', '/v1/tenant/projects', { slug: 'x', name: 'x' }],
      ['GET', '/v1/tenant/projects/x'],
      ['PATCH', '/v1/tenant/projects/x', { name: 'y' }],
      ['DELETE', '/v1/tenant/projects/x'],
      ['PUT', '/v1/tenant/projects/x/items', []],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(t, method, path, { body })).status, `${method} ${path}`).toBe(401);
      const forbidden = await call(t, method, path, { body, token: reader.token });
      expect([forbidden.status, forbidden.body.error], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
    expect((await call(t, 'GET', '/v1/projects/resolve?remote=x')).status).toBe(401);
  });

  it('creates, lists with item counts, shows items in order, patches and deletes', async () => {
    const created = await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'web-app', name: 'Web app', git_remote: 'git@GitHub.com:acme/web-app.git' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'web-app',
      name: 'Web app',
      description: null,
      git_remote: 'https://github.com/acme/web-app',
      stack_tags: [],
      item_count: 0,
    });

    const put = await call(t, 'PUT', '/v1/tenant/projects/web-app/items', {
      token: admin.token,
      body: [
        { slug: 'axum-handler', kind: 'skill' },
        { slug: 'reviewer', kind: 'agent' },
        { slug: 'ship', kind: 'command' },
        { slug: 'toolbox', kind: 'plugin' },
      ],
    });
    expect(put.status).toBe(204);
    const detail = await call(t, 'GET', '/v1/tenant/projects/WEB-APP', { token: admin.token });
    expect(detail.status).toBe(200);
    expect(detail.body.item_count).toBe(4);
    expect(detail.body.items).toEqual([
      { skill_slug: 'axum-handler', slug: 'axum-handler', kind: 'skill', position: 0 },
      { skill_slug: 'reviewer', slug: 'reviewer', kind: 'agent', position: 1 },
      { skill_slug: 'ship', slug: 'ship', kind: 'command', position: 2 },
      { skill_slug: 'toolbox', slug: 'toolbox', kind: 'plugin', position: 3 },
    ]);
    const list = await call(t, 'GET', '/v1/tenant/projects', { token: admin.token });
    expect(list.list.find((p) => p.slug === 'web-app')?.item_count).toBe(4);

    const patched = await call(t, 'PATCH', '/v1/tenant/projects/web-app', {
      token: admin.token,
      body: { description: 'The shop', stack_tags: ['rust'], plan_auto_refresh_interval_secs: 3600 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      description: 'The shop',
      stack_tags: ['rust'],
      git_remote: 'https://github.com/acme/web-app',
      plan_auto_refresh_interval_secs: 3600,
    });
    const cleared = await call(t, 'PATCH', '/v1/tenant/projects/web-app', {
      token: admin.token,
      body: { description: null },
    });
    expect(cleared.body.description).toBeNull();

    expect((await call(t, 'DELETE', '/v1/tenant/projects/web-app', { token: admin.token })).status).toBe(204);
    expect((await call(t, 'GET', '/v1/tenant/projects/web-app', { token: admin.token })).status).toBe(404);
  });

  it('answers the documented errors', async () => {
    await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'dup', name: 'Dup', git_remote: 'https://github.com/acme/dup' },
    });
    const duplicate = await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'DUP', name: 'Again' },
    });
    expect([duplicate.status, duplicate.body.error]).toEqual([409, 'conflict']);
    const sameRemote = await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'dup2', name: 'Dup 2', git_remote: 'git@github.com:acme/dup.git' },
    });
    expect(sameRemote.status).toBe(409);
    const blank = await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: ' ', name: 'x' },
    });
    expect([blank.status, blank.body.error]).toEqual([400, 'bad_request']);
    const badKind = await call(t, 'PUT', '/v1/tenant/projects/dup/items', {
      token: admin.token,
      body: [{ slug: 'a', kind: 'prompt' }],
    });
    expect([badKind.status, badKind.body.error]).toEqual([400, 'bad_request']);
    const notArray = await call(t, 'PUT', '/v1/tenant/projects/dup/items', {
      token: admin.token,
      body: { slug: 'a' },
    });
    expect(notArray.status).toBeGreaterThanOrEqual(400);
    expect(notArray.status).toBeLessThan(500);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'n' }],
      ['DELETE', undefined],
    ] as const) {
      expect(
        (await call(t, method, '/v1/tenant/projects/missing', { token: admin.token, body })).status,
      ).toBe(404);
    }
    expect(
      (await call(t, 'PUT', '/v1/tenant/projects/missing/items', { token: admin.token, body: [] })).status,
    ).toBe(404);
  });

  it('resolves a remote in any spelling for any signed-in caller', async () => {
    await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'cli-app', name: 'CLI app', git_remote: 'https://github.com/acme/cli-app' },
    });
    for (const remote of [
      'git@github.com:acme/cli-app.git',
      'https://GITHUB.COM/acme/cli-app.git',
      'ssh://git@github.com/acme/cli-app',
    ]) {
      const found = await call(t, 'GET', `/v1/projects/resolve?remote=${encodeURIComponent(remote)}`, {
        token: reader.token,
      });
      expect([found.status, found.body], remote).toEqual([200, { slug: 'cli-app', name: 'CLI app' }]);
    }
    const unknown = await call(t, 'GET', '/v1/projects/resolve?remote=https://github.com/acme/nope', {
      token: reader.token,
    });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
    expect((await call(t, 'GET', '/v1/projects/resolve', { token: reader.token })).status).toBe(400);
    expect((await call(t, 'GET', '/v1/projects/resolve?remote=%20', { token: reader.token })).status).toBe(
      400,
    );
  });

  it('keeps projects inside their tenant', async () => {
    await call(t, 'POST', '/v1/tenant/projects', {
      token: admin.token,
      body: { slug: 'private-proj', name: 'Mine', git_remote: 'https://github.com/acme/private-proj' },
    });
    const other = await secondTenant(t, 'projects-other');
    const asOther = { token: other.user.token, tenant: other.slug };
    expect((await call(t, 'GET', '/v1/tenant/projects', asOther)).list).toEqual([]);
    expect((await call(t, 'GET', '/v1/tenant/projects/private-proj', asOther)).status).toBe(404);
    expect((await call(t, 'DELETE', '/v1/tenant/projects/private-proj', asOther)).status).toBe(404);
    expect(
      (await call(t, 'GET', '/v1/projects/resolve?remote=https://github.com/acme/private-proj', asOther))
        .status,
    ).toBe(404);
    // The same slug is free in the other tenant.
    expect(
      (
        await call(t, 'POST', '/v1/tenant/projects', {
          ...asOther,
          body: { slug: 'private-proj', name: 'Theirs' },
        })
      ).status,
    ).toBe(201);
    // A token of one tenant is not a credential in another.
    expect(
      (await call(t, 'GET', '/v1/tenant/projects', { token: admin.token, tenant: other.slug })).status,
    ).toBe(401);
  });
});
