/**
 * The tenant admin area in-process: the admin gate (log-in redirect, 403 below admin), the frame's
 * navigation, members and roles (change, last-admin refusal, add, remove with credentials revoked at
 * once), CSRF on every form, and tenant isolation. The browser journey is e2e/web-admin.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { TestBrowser } from '../../../../test-support/browser.js';
import { findTenantMember } from '../../src/domain/tenant-members.js';
import { ensureTenant } from '../../src/domain/tenants.js';

let t: TestApp;
let admin: TestUser;
let publisher: TestUser;
let viewer: TestUser;
let otherTenantId: string;
let otherAdmin: TestUser;
const password = 'correct horse battery';
let counter = 0;

function browser(tenant?: string) {
  counter += 1;
  return new TestBrowser((path, init) => t.request(path, init), {
    'x-test-client-ip': `10.45.${counter >> 8}.${counter & 255}`,
    ...(tenant ? { 'x-skill-pool-tenant': tenant } : {}),
  });
}

async function signedIn(user: TestUser, tenant?: string) {
  const b = browser(tenant);
  expect((await b.logIn(user.username, password)).status).toBe(303);
  return b;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await createTestUser(t.deps, t.defaultTenantId, { role: 'admin', password, username: 'adm-area' });
  publisher = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'publisher',
    password,
    username: 'pub-area',
  });
  viewer = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'viewer',
    password,
    username: 'view-area',
  });
  otherTenantId = (await ensureTenant(t.deps.db, 'other-co', 'Other Co')).id;
  otherAdmin = await createTestUser(t.deps, otherTenantId, {
    role: 'admin',
    password,
    username: 'adm-other',
  });
});
afterAll(() => t.close());

describe('admin area gate and frame', () => {
  it('sends a visitor to log in and refuses members below admin', async () => {
    const anon = await browser().fetch('/admin/members');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login?next=%2Fadmin%2Fmembers');
    const asViewer = await signedIn(viewer);
    expect((await asViewer.fetch('/admin/members')).status).toBe(403);
    expect((await asViewer.post('/admin/members', { login: 'x', role: 'admin' })).status).toBe(403);
  });

  it('shows the admin navigation with the current section marked', async () => {
    const b = await signedIn(admin);
    const root = await b.fetch('/admin');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin/members');
    const res = await b.fetch('/admin/members');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('aria-label="Administration"');
    expect(html).toMatch(/<a href="\/admin\/members" aria-current="page">Members &amp; roles<\/a>/);
    expect(html).not.toMatch(/<script>|style="/);
  });
});

describe('members and roles', () => {
  it('lists members with their roles', async () => {
    const html = await (await (await signedIn(admin)).fetch('/admin/members')).text();
    for (const user of [admin, publisher, viewer]) expect(html).toContain(`data-member="${user.username}"`);
    expect(html).not.toContain(otherAdmin.username);
  });

  it('changes a role, and refuses forms without the CSRF field', async () => {
    const b = await signedIn(admin);
    expect((await b.post(`/admin/members/${viewer.id}/role`, { role: 'curator' })).status).toBe(403);
    const res = await b.submit(`/admin/members/${viewer.id}/role`, { role: 'curator' }, '/admin/members');
    expect(res.status).toBe(200);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, viewer.id))?.role).toBe('curator');
    const bad = await b.submit(`/admin/members/${viewer.id}/role`, { role: 'owner' }, '/admin/members');
    expect(bad.status).toBe(400);
    await b.submit(`/admin/members/${viewer.id}/role`, { role: 'viewer' }, '/admin/members');
  });

  it('refuses to demote or remove the last admin', async () => {
    const b = await signedIn(admin);
    const demote = await b.submit(`/admin/members/${admin.id}/role`, { role: 'viewer' }, '/admin/members');
    expect(demote.status).toBe(400);
    expect(await demote.text()).toContain('role="alert"');
    expect((await b.submit(`/admin/members/${admin.id}/remove`, {}, '/admin/members')).status).toBe(400);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, admin.id))?.role).toBe('admin');
  });

  it('adds an existing account, and removes a member with their tokens and sessions at once', async () => {
    const extra = await createTestUser(t.deps, otherTenantId, {
      role: 'viewer',
      password,
      username: 'new-hire',
    });
    const b = await signedIn(admin);
    const added = await b.submit('/admin/members', { login: 'new-hire', role: 'publisher' });
    expect(added.status).toBe(200);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, extra.id))?.role).toBe('publisher');
    expect((await b.submit('/admin/members', { login: 'nobody-here', role: 'viewer' })).status).toBe(404);

    const victim = await signedIn(publisher);
    expect(await victim.who()).toBe(publisher.username);
    expect((await t.request('/v1/drafts', { headers: bearer(publisher.token) })).status).toBe(200);
    const removed = await b.submit(`/admin/members/${publisher.id}/remove`, {}, '/admin/members');
    expect(removed.status).toBe(200);
    expect(await findTenantMember(t.deps.db, t.defaultTenantId, publisher.id)).toBeUndefined();
    expect((await t.request('/v1/drafts', { headers: bearer(publisher.token) })).status).toBe(401);
    expect(await victim.who()).toBeUndefined();
    // The other tenant's membership of `extra` is untouched by this tenant's changes.
    expect((await findTenantMember(t.deps.db, otherTenantId, extra.id))?.role).toBe('viewer');
  });

  it("keeps tenants apart: another tenant's admin neither sees nor changes these members", async () => {
    const b = await signedIn(otherAdmin, 'other-co');
    const html = await (await b.fetch('/admin/members')).text();
    expect(html).toContain('adm-other');
    expect(html).not.toContain(`data-member="${admin.username}"`);
    const res = await b.submit(`/admin/members/${viewer.id}/role`, { role: 'admin' }, '/admin/members');
    expect(res.status).toBe(404);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, viewer.id))?.role).toBe('viewer');
    // And this tenant's admin session means nothing there.
    const cross = await signedIn(admin);
    expect(
      (await cross.fetch('/admin/members', { headers: { 'x-skill-pool-tenant': 'other-co' } })).status,
    ).toBe(303);
  });
});

describe('SCIM page', () => {
  it('creates a SCIM token shown once, which authenticates SCIM until revoked', async () => {
    const b = await signedIn(admin);
    const page = await b.fetch('/admin/scim');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('http://registry.test/v1/scim/v2');
    expect(html).toMatch(/<a href="\/admin\/scim" aria-current="page">SCIM<\/a>/);
    expect((await b.post('/admin/scim/tokens', { name: 'okta' })).status).toBe(403);
    const created = await b.submit('/admin/scim/tokens', { name: 'okta' }, '/admin/scim');
    expect(created.status).toBe(200);
    const token = /data-testid="scim-token">([^<]+)</.exec(await created.text())?.[1] ?? '';
    expect(token).toMatch(/^scim_/);
    const again = await (await b.fetch('/admin/scim')).text();
    expect(again).not.toContain(token);
    const scim = () => t.request('/v1/scim/v2/Users', { headers: { authorization: `Bearer ${token}` } });
    expect((await scim()).status).toBe(200);
    const id = /action="\/admin\/scim\/tokens\/([0-9a-f-]+)\/revoke"/.exec(again)?.[1];
    expect((await b.submit(`/admin/scim/tokens/${id}/revoke`, {}, '/admin/scim')).status).toBe(200);
    expect((await scim()).status).toBe(401);
    // Another tenant's admin cannot revoke this tenant's tokens.
    const other = await signedIn(otherAdmin, 'other-co');
    expect((await other.submit(`/admin/scim/tokens/${id}/revoke`, {}, '/admin/scim')).status).toBe(404);
  });

  it("maps a pushed group to a role, and its members' roles follow", async () => {
    const b = await signedIn(admin);
    const created = await b.submit('/admin/scim/tokens', { name: 'entra' }, '/admin/scim');
    const token = /data-testid="scim-token">([^<]+)</.exec(await created.text())?.[1] ?? '';
    const group = await t.request('/v1/scim/v2/Groups', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ displayName: 'Engineering', members: [{ value: viewer.id }] }),
    });
    const groupId = ((await group.json()) as { id: string }).id;
    expect(await (await b.fetch('/admin/scim')).text()).toContain('Engineering');
    const res = await b.submit(`/admin/scim/groups/${groupId}/role`, { role: 'curator' }, '/admin/scim');
    expect(res.status).toBe(200);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, viewer.id))?.role).toBe('curator');
    await b.submit(`/admin/scim/groups/${groupId}/role`, { role: 'none' }, '/admin/scim');
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, viewer.id))?.role).toBe('viewer');
  });
});
