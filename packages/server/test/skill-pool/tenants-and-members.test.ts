/**
 * Tenants and membership over skill-pool's API: `GET /v1/tenant/members`, `PATCH`/`DELETE
 * /v1/tenant/members/{id}` (401/403, last admin, tenant isolation, credentials revoked at once), the
 * operator's `GET /v1/tenants`, and suspension: a suspended tenant's API, MCP, pages and signed blob
 * URLs serve nothing, and lifting it brings them back.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { ensureTenant, listTenants, setTenantSuspended } from '../../src/domain/tenants.js';

let t: TestApp;
let admin: TestUser;
let publisher: TestUser;
let viewer: TestUser;
let operator: TestUser;
let otherAdmin: TestUser;
let otherTenantId: string;
const adminScopes = ['skills:read', 'skills:publish', 'tenant:admin'] as const;

beforeAll(async () => {
  t = await createTestApp();
  otherTenantId = (await ensureTenant(t.deps.db, 'acme', 'Acme')).id;
  admin = await createTestUser(t.deps, otherTenantId, { role: 'admin', scopes: [...adminScopes] });
  publisher = await createTestUser(t.deps, otherTenantId, { role: 'publisher' });
  viewer = await createTestUser(t.deps, otherTenantId, { role: 'viewer', scopes: ['skills:read'] });
  operator = await createTestUser(t.deps, t.defaultTenantId, { role: 'admin', scopes: ['skills:admin'] });
  otherAdmin = await createTestUser(t.deps, t.defaultTenantId, { role: 'admin', scopes: [...adminScopes] });
});
afterAll(() => t.close());

const acme = (token: string, init: RequestInit = {}) => ({
  ...init,
  headers: {
    ...bearer(token),
    'x-skill-pool-tenant': 'acme',
    'content-type': 'application/json',
    ...(init.headers as object),
  },
});

describe('members API', () => {
  it('lists members for members only, with their roles', async () => {
    expect(
      (await t.request('/v1/tenant/members', { headers: { 'x-skill-pool-tenant': 'acme' } })).status,
    ).toBe(401);
    const res = await t.request('/v1/tenant/members', acme(viewer.token));
    expect(res.status).toBe(200);
    const list = (await res.json()) as { id: string; role: string; active: boolean }[];
    expect(list.map((m) => m.id).sort()).toEqual([admin.id, publisher.id, viewer.id].sort());
    expect(list.find((m) => m.id === viewer.id)).toMatchObject({ role: 'viewer', active: true });
  });

  it('changes roles for admins only; refuses the last admin; 404 across tenants', async () => {
    const body = (role: string) => ({ method: 'PATCH', body: JSON.stringify({ role }) });
    expect(
      (
        await t.request(`/v1/tenant/members/${viewer.id}`, {
          ...body('admin'),
          headers: { 'x-skill-pool-tenant': 'acme', 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(401);
    expect(
      (await t.request(`/v1/tenant/members/${viewer.id}`, acme(publisher.token, body('admin')))).status,
    ).toBe(403);
    const ok = await t.request(`/v1/tenant/members/${viewer.id}`, acme(admin.token, body('curator')));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: viewer.id, role: 'curator' });
    expect(
      (await t.request(`/v1/tenant/members/${viewer.id}`, acme(admin.token, body('owner')))).status,
    ).toBe(400);
    const last = await t.request(`/v1/tenant/members/${admin.id}`, acme(admin.token, body('viewer')));
    expect(last.status).toBe(400);
    expect(((await last.json()) as { error: string }).error).toBe('bad_request');
    // Another tenant's admin: their token is not valid here (401), and with their own tenant the id is unknown (404).
    expect(
      (await t.request(`/v1/tenant/members/${viewer.id}`, acme(otherAdmin.token, body('admin')))).status,
    ).toBe(401);
    const cross = await t.request(`/v1/tenant/members/${viewer.id}`, {
      method: 'PATCH',
      headers: { ...bearer(otherAdmin.token), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(cross.status).toBe(404);
  });

  it('removes a member and ends their tokens at once', async () => {
    expect((await t.request('/v1/drafts', acme(publisher.token))).status).toBe(200);
    expect(
      (await t.request(`/v1/tenant/members/${publisher.id}`, acme(viewer.token, { method: 'DELETE' })))
        .status,
    ).toBe(403);
    expect(
      (await t.request(`/v1/tenant/members/${publisher.id}`, acme(admin.token, { method: 'DELETE' }))).status,
    ).toBe(204);
    expect((await t.request('/v1/drafts', acme(publisher.token))).status).toBe(401);
    expect(
      (await t.request(`/v1/tenant/members/${publisher.id}`, acme(admin.token, { method: 'DELETE' }))).status,
    ).toBe(404);
  });
});

describe('operator tenant list', () => {
  it("answers only the operator's skills:admin credential in the default tenant", async () => {
    const res = await t.request('/v1/tenants', { headers: bearer(operator.token) });
    expect(res.status).toBe(200);
    const tenants = (await res.json()) as { slug: string; member_count: number; suspended: boolean }[];
    expect(tenants.find((row) => row.slug === 'acme')).toMatchObject({ suspended: false });
    expect((await t.request('/v1/tenants')).status).toBe(401);
    expect((await t.request('/v1/tenants', { headers: bearer(otherAdmin.token) })).status).toBe(403);
    expect((await t.request('/v1/tenants', acme(admin.token))).status).toBe(403);
  });
});

describe('suspension', () => {
  it('serves nothing of a suspended tenant (API, MCP, pages, blobs), and everything again when lifted', async () => {
    const key = `tarballs/${otherTenantId}/00000000-0000-4000-8000-000000000001.tgz`;
    await t.deps.blobs.put(key, Readable.from([Buffer.from('bytes')]), { contentType: 'application/gzip' });
    const blobUrl = await t.deps.blobs.createDownloadUrl(key, { expiresInSeconds: 600 });
    const mcpBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const probe = async () => ({
      api: (await t.request('/v1/drafts', acme(admin.token))).status,
      members: (await t.request('/v1/tenant/members', acme(admin.token))).status,
      mcp: (await t.request('/v1/mcp', acme(admin.token, { method: 'POST', body: mcpBody }))).status,
      page: (await t.request('/search', { headers: { 'x-skill-pool-tenant': 'acme', accept: 'text/html' } }))
        .status,
      blob: (await t.request(new URL(blobUrl).pathname + new URL(blobUrl).search)).status,
    });
    expect(await probe()).toEqual({ api: 200, members: 200, mcp: 200, page: 200, blob: 200 });
    await setTenantSuspended(t.deps.db, 'acme', true);
    expect((await listTenants(t.deps.db)).find((row) => row.slug === 'acme')?.suspendedAt).toBeInstanceOf(
      Date,
    );
    expect(await probe()).toEqual({ api: 401, members: 401, mcp: 401, page: 404, blob: 404 });
    await setTenantSuspended(t.deps.db, 'acme', false);
    expect(await probe()).toEqual({ api: 200, members: 200, mcp: 200, page: 200, blob: 200 });
  });
});
