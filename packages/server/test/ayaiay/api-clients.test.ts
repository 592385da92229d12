/** The publisher dashboard's API-clients page and its API: owners and admins only, CSRF on every form, the secret shown once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { TestBrowser } from '../../../../test-support/browser.js';

let t: TestApp;
let owner: TestUser;
let outsider: TestUser;
let publisherId: string;
const password = 'correct horse battery staple 42';

beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId, { password });
  outsider = await createTestUser(t.deps, t.defaultTenantId, { password });
  const res = await t.request('/api/v1/packs/publishers', {
    method: 'POST',
    headers: { ...bearer(owner.token), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'dash-pub', display_name: 'Dash Publisher' }),
  });
  publisherId = ((await res.json()) as { id: string }).id;
}, 60_000);
afterAll(() => t.close());

const browserFor = async (user: TestUser) => {
  const browser = new TestBrowser(t.request, {});
  expect((await browser.logIn(user.username, password)).status).toBe(303);
  return browser;
};

describe('API clients dashboard', () => {
  const page = () => `/dashboard/publishers/${publisherId}/api-clients`;

  it('sends anonymous visitors to log in, and refuses non-admins', async () => {
    const anonymous = await t.request(page());
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(page())}`);
    const browser = await browserFor(outsider);
    expect((await browser.fetch(page())).status).toBe(403);
    expect(
      (await browser.fetch('/dashboard/publishers/00000000-0000-0000-0000-000000000000/api-clients')).status,
    ).toBe(404);
  });

  it('creates a client showing its secret once, lists it, and revokes it; forms need the CSRF field', async () => {
    const browser = await browserFor(owner);
    const empty = await browser.fetch(page());
    expect(empty.status).toBe(200);
    expect(await empty.text()).toContain('New client');
    expect((await browser.post(page(), { name: 'no csrf', scope: 'skills:read' })).status).toBe(403);
    const created = await browser.submit(page(), { name: 'deploy bot', scope: 'skills:read' });
    expect(created.status).toBe(201);
    const html = await created.text();
    const secret = /class="secret">(ags_[A-Za-z0-9_-]+)</.exec(html)?.[1];
    const clientId = /Client <code>(agc_[0-9a-f]+)<\/code> created/.exec(html)?.[1];
    expect(secret).toBeDefined();
    expect(clientId).toBeDefined();
    const again = await (await browser.fetch(page())).text();
    expect(again).toContain(clientId);
    expect(again).not.toContain(secret);
    // The secret works at the token endpoint.
    const token = await t.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId as string,
        client_secret: secret as string,
      }),
    });
    expect(token.status).toBe(200);
    const revoked = await browser.submit(`${page()}/${clientId}/revoke`, {}, page());
    expect(revoked.status).toBe(303);
    expect(await (await browser.fetch(page())).text()).toContain('revoked');
    const blank = await browser.submit(page(), { name: '' });
    expect(blank.status).toBe(422);
  });

  it('has an API for the same, refusing outsiders and scopes beyond the creator', async () => {
    const call = (token: string, body: unknown) =>
      t.request(`/api/v1/packs/publishers/${publisherId}/api-clients`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await call(outsider.token, { name: 'x' })).status).toBe(403);
    const readOnly = await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] });
    expect((await call(readOnly.token, { name: 'x' })).status).toBe(403);
    const bad = await call(owner.token, { name: 'x', scopes: ['skills:admin'] });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      'BAD_REQUEST',
    ]);
    expect((await call(owner.token, { name: 'ok' })).status).toBe(201);
    const missing = await t.request(`/api/v1/packs/publishers/${publisherId}/api-clients/agc_nope`, {
      method: 'DELETE',
      headers: bearer(owner.token),
    });
    expect(missing.status).toBe(404);
  });

  it('stops a bot when its creator leaves the publisher: its tokens and new grants are refused', async () => {
    const admin = await createTestUser(t.deps, t.defaultTenantId);
    const json = { 'content-type': 'application/json' };
    const added = await t.request('/api/v1/orgs/dash-pub/members', {
      method: 'POST',
      headers: { ...bearer(owner.token), ...json },
      body: JSON.stringify({ username: admin.username, role: 'admin' }),
    });
    expect(added.status).toBe(201);
    const created = await t.request(`/api/v1/packs/publishers/${publisherId}/api-clients`, {
      method: 'POST',
      headers: { ...bearer(admin.token), ...json },
      body: JSON.stringify({ name: 'leaver bot', scopes: ['skills:read'] }),
    });
    expect(created.status).toBe(201);
    const client = (await created.json()) as { client_id: string; client_secret: string };
    const grant = () =>
      t.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: client.client_secret,
        }),
      });
    const first = await grant();
    expect(first.status).toBe(200);
    const { access_token: accessToken } = (await first.json()) as { access_token: string };
    const mine = () => t.request('/api/v1/packs/me', { headers: bearer(accessToken) });
    expect((await mine()).status).toBe(200);
    const removed = await t.request(`/api/v1/orgs/dash-pub/members/${admin.username}`, {
      method: 'DELETE',
      headers: bearer(owner.token),
    });
    expect(removed.status).toBeLessThan(300);
    expect((await mine()).status).toBe(401);
    const refused = await grant();
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_client',
    ]);
  });
});
