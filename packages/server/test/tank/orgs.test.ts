import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { createApiToken } from '../../src/domain/api-tokens.js';
import { ensureTenant } from '../../src/domain/tenants.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_AUTHENTICATED: '100000', RATE_LIMIT_PRO: '100000' },
  });
});
afterAll(() => t.close());

let counter = 0;
const uniqueSlug = (prefix = 'org') => `${prefix}-${process.pid}-${++counter}`;
const newUser = () => createTestUser(t.deps, t.defaultTenantId);

type Json = Record<string, unknown> & { error?: string };

async function call(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = token ? bearer(token) : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await t.request(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const createOrgAs = (user: TestUser, slug: string, name?: string) =>
  call('POST', '/api/v1/orgs', user.token, name === undefined ? { slug } : { slug, name });
const addMember = (actor: TestUser, slug: string, username: string, role?: string) =>
  call(
    'POST',
    `/api/v1/orgs/${slug}/members`,
    actor.token,
    role === undefined ? { username } : { username, role },
  );
const setRole = (actor: TestUser, slug: string, username: string, role: string) =>
  call('PATCH', `/api/v1/orgs/${slug}/members/${username}`, actor.token, { role });
const removeMember = (actor: TestUser, slug: string, username: string) =>
  call('DELETE', `/api/v1/orgs/${slug}/members/${username}`, actor.token);

async function rolesOf(slug: string, viewer: TestUser): Promise<Record<string, string>> {
  const res = await call('GET', `/api/v1/orgs/${slug}`, viewer.token);
  expect(res.status).toBe(200);
  const members = (res.body.members ?? []) as { username: string; role: string }[];
  return Object.fromEntries(members.map((m) => [m.username, m.role]));
}

/** An org owned by a fresh user, with an admin and a plain member. */
async function orgWithStaff() {
  const [owner, admin, member] = [await newUser(), await newUser(), await newUser()];
  const slug = uniqueSlug();
  expect((await createOrgAs(owner, slug)).status).toBe(201);
  expect((await addMember(owner, slug, admin.username, 'admin')).status).toBe(201);
  expect((await addMember(owner, slug, member.username)).status).toBe(201);
  return { slug, owner, admin, member };
}

describe('POST /api/v1/orgs', () => {
  it('creates the org with the caller as owner', async () => {
    const owner = await newUser();
    const slug = uniqueSlug();
    const res = await createOrgAs(owner, slug, 'Acme Widgets');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug, name: 'Acme Widgets', role: 'owner' });
    expect(res.body.members).toEqual([expect.objectContaining({ username: owner.username, role: 'owner' })]);
    const row = await t.deps.db
      .selectFrom('orgs')
      .select(['tenant_id'])
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    expect(row.tenant_id).toBe(t.defaultTenantId);
  });

  it('names the org after its slug when no name is given', async () => {
    const slug = uniqueSlug();
    const res = await createOrgAs(await newUser(), slug);
    expect(res).toMatchObject({ status: 201, body: { slug, name: slug } });
  });

  it('answers 409 CONFLICT for a taken slug, even for another user', async () => {
    const slug = uniqueSlug();
    const owner = await newUser();
    expect((await createOrgAs(owner, slug)).status).toBe(201);
    expect(await createOrgAs(owner, slug)).toMatchObject({ status: 409, body: { error: 'CONFLICT' } });
    const other = await newUser();
    expect(await createOrgAs(other, slug)).toMatchObject({ status: 409, body: { error: 'CONFLICT' } });
    expect(await rolesOf(slug, owner)).toEqual({ [owner.username]: 'owner' });
  });

  it.each([
    ['upper case', 'Acme'],
    ['underscore', 'acme_co'],
    ['leading hyphen', '-acme'],
    ['trailing hyphen', 'acme-'],
    ['too long', 'a'.repeat(40)],
    ['empty', ''],
    ['a slash', 'ac/me'],
  ])('answers 422 VALIDATION_ERROR for a slug with %s', async (_why, slug) => {
    const res = await createOrgAs(await newUser(), slug);
    expect(res).toMatchObject({ status: 422, body: { error: 'VALIDATION_ERROR' } });
  });

  it('answers 403 FORBIDDEN for a read-only token and 401 without a token', async () => {
    const reader = await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] });
    const slug = uniqueSlug();
    expect(await createOrgAs(reader, slug)).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    expect(await call('POST', '/api/v1/orgs', undefined, { slug })).toMatchObject({
      status: 401,
      body: { error: 'UNAUTHORIZED' },
    });
    expect(await t.deps.db.selectFrom('orgs').select('id').where('slug', '=', slug).executeTakeFirst()).toBe(
      undefined,
    );
  });
});

describe('GET /api/v1/orgs', () => {
  it("lists the caller's orgs with their roles, and nobody else's", async () => {
    const { slug, owner, member } = await orgWithStaff();
    const own = uniqueSlug();
    expect((await createOrgAs(member, own)).status).toBe(201);
    const res = await call('GET', '/api/v1/orgs', member.token);
    expect(res.status).toBe(200);
    const orgs = res.body.orgs as { slug: string; role: string }[];
    expect(orgs.map((o) => [o.slug, o.role]).sort()).toEqual(
      [
        [slug, 'member'],
        [own, 'owner'],
      ].sort(),
    );
    const ownerOrgs = (await call('GET', '/api/v1/orgs', owner.token)).body.orgs as { slug: string }[];
    expect(ownerOrgs.map((o) => o.slug)).toEqual([slug]);
    const loner = await newUser();
    expect(await call('GET', '/api/v1/orgs', loner.token)).toEqual({ status: 200, body: { orgs: [] } });
  });

  it('answers 401 without a token', async () => {
    expect(await call('GET', '/api/v1/orgs')).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
  });
});

describe('GET /api/v1/orgs/:slug', () => {
  it('lists members to members only', async () => {
    const { slug, owner, admin, member } = await orgWithStaff();
    for (const viewer of [owner, admin, member]) {
      expect(await rolesOf(slug, viewer)).toEqual({
        [owner.username]: 'owner',
        [admin.username]: 'admin',
        [member.username]: 'member',
      });
    }
    const outsider = await newUser();
    for (const token of [outsider.token, undefined]) {
      const res = await call('GET', `/api/v1/orgs/${slug}`, token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ slug, role: null });
      expect(res.body).not.toHaveProperty('members');
      expect(JSON.stringify(res.body)).not.toContain(member.username);
    }
  });

  it('answers 404 NOT_FOUND for an unknown org', async () => {
    expect(await call('GET', `/api/v1/orgs/${uniqueSlug('missing')}`)).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
  });
});

describe('members', () => {
  it('an owner adds (201), re-roles and removes a member', async () => {
    const owner = await newUser();
    const joiner = await newUser();
    const slug = uniqueSlug();
    await createOrgAs(owner, slug);
    expect(await addMember(owner, slug, joiner.username)).toEqual({
      status: 201,
      body: { username: joiner.username, role: 'member' },
    });
    expect(await setRole(owner, slug, joiner.username, 'admin')).toEqual({
      status: 200,
      body: { username: joiner.username, role: 'admin' },
    });
    expect((await rolesOf(slug, owner))[joiner.username]).toBe('admin');
    expect(await removeMember(owner, slug, joiner.username)).toEqual({
      status: 200,
      body: { username: joiner.username, removed: true },
    });
    expect(await rolesOf(slug, owner)).toEqual({ [owner.username]: 'owner' });
    expect(await removeMember(owner, slug, joiner.username)).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    expect(await setRole(owner, slug, joiner.username, 'member')).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    expect(await rolesOf(slug, owner)).toEqual({ [owner.username]: 'owner' });
  });

  it('an owner may add another owner, after which the first owner may leave', async () => {
    const owner = await newUser();
    const heir = await newUser();
    const slug = uniqueSlug();
    await createOrgAs(owner, slug);
    expect((await addMember(owner, slug, heir.username, 'owner')).status).toBe(201);
    expect((await removeMember(owner, slug, owner.username)).status).toBe(200);
    expect(await rolesOf(slug, heir)).toEqual({ [heir.username]: 'owner' });
  });

  it('an admin adds and manages members but cannot add, promote to, demote or remove owners (403)', async () => {
    const { slug, owner, admin, member } = await orgWithStaff();
    const [joiner, wouldBeOwner] = [await newUser(), await newUser()];
    expect(await addMember(admin, slug, joiner.username)).toMatchObject({ status: 201 });
    expect(await setRole(admin, slug, joiner.username, 'admin')).toMatchObject({ status: 200 });
    expect(await setRole(admin, slug, joiner.username, 'member')).toMatchObject({ status: 200 });
    expect(await addMember(admin, slug, wouldBeOwner.username, 'owner')).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(await setRole(admin, slug, member.username, 'owner')).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(await setRole(admin, slug, owner.username, 'member')).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(await removeMember(admin, slug, owner.username)).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    // Re-adding an existing owner with a lower role is a demotion too.
    expect(await addMember(admin, slug, owner.username, 'member')).toMatchObject({ status: 403 });
    expect((await removeMember(admin, slug, joiner.username)).status).toBe(200);
    expect(await rolesOf(slug, owner)).toEqual({
      [owner.username]: 'owner',
      [admin.username]: 'admin',
      [member.username]: 'member',
    });
  });

  it('a plain member cannot manage anyone (403)', async () => {
    const { slug, owner, admin, member } = await orgWithStaff();
    const joiner = await newUser();
    for (const role of ['member', 'admin', 'owner']) {
      expect(await addMember(member, slug, joiner.username, role)).toMatchObject({
        status: 403,
        body: { error: 'FORBIDDEN' },
      });
    }
    expect((await setRole(member, slug, member.username, 'admin')).status).toBe(403);
    expect((await setRole(member, slug, admin.username, 'member')).status).toBe(403);
    expect((await removeMember(member, slug, admin.username)).status).toBe(403);
    expect((await removeMember(member, slug, owner.username)).status).toBe(403);
    expect(await rolesOf(slug, owner)).toEqual({
      [owner.username]: 'owner',
      [admin.username]: 'admin',
      [member.username]: 'member',
    });
  });

  it('a non-member cannot manage anything (403), and cannot probe who is a member', async () => {
    const { slug, owner, member } = await orgWithStaff();
    const outsider = await newUser();
    const stranger = await newUser();
    expect(await addMember(outsider, slug, outsider.username)).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(await addMember(outsider, slug, stranger.username)).toMatchObject({ status: 403 });
    expect(await removeMember(outsider, slug, member.username)).toMatchObject({ status: 403 });
    // A member and a non-member look the same to an outsider: both 403.
    expect(await setRole(outsider, slug, member.username, 'admin')).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(await setRole(outsider, slug, stranger.username, 'admin')).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(await removeMember(outsider, slug, stranger.username)).toMatchObject({ status: 403 });
    expect((await rolesOf(slug, owner))[member.username]).toBe('member');
  });

  it('member changes need skills:publish (403) and a token (401)', async () => {
    const { slug, owner } = await orgWithStaff();
    const joiner = await newUser();
    const { token } = await createApiToken(t.deps.db, {
      tenantId: t.defaultTenantId,
      userId: owner.id,
      name: 'read-only',
      scopes: ['skills:read'],
    });
    const readOnly = { ...owner, token };
    expect(await addMember(readOnly, slug, joiner.username)).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(
      await call('POST', `/api/v1/orgs/${slug}/members`, undefined, { username: joiner.username }),
    ).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    expect(await call('DELETE', `/api/v1/orgs/${slug}/members/${owner.username}`, undefined)).toMatchObject({
      status: 401,
      body: { error: 'UNAUTHORIZED' },
    });
  });

  it('the last owner can be neither demoted nor removed (409), not even by themselves', async () => {
    const { slug, owner } = await orgWithStaff();
    expect(await setRole(owner, slug, owner.username, 'admin')).toMatchObject({
      status: 409,
      body: { error: 'CONFLICT' },
    });
    expect(await removeMember(owner, slug, owner.username)).toMatchObject({
      status: 409,
      body: { error: 'CONFLICT' },
    });
    expect(await addMember(owner, slug, owner.username, 'member')).toMatchObject({
      status: 409,
      body: { error: 'CONFLICT' },
    });
    expect((await rolesOf(slug, owner))[owner.username]).toBe('owner');
    // With a second owner the first may step down.
    const second = await newUser();
    expect((await addMember(owner, slug, second.username, 'owner')).status).toBe(201);
    expect((await setRole(owner, slug, owner.username, 'admin')).status).toBe(200);
    expect(await setRole(second, slug, second.username, 'member')).toMatchObject({ status: 409 });
  });

  it('a member (and an admin) can leave', async () => {
    const { slug, owner, admin, member } = await orgWithStaff();
    expect(await removeMember(member, slug, member.username)).toEqual({
      status: 200,
      body: { username: member.username, removed: true },
    });
    expect((await removeMember(admin, slug, admin.username)).status).toBe(200);
    expect(await rolesOf(slug, owner)).toEqual({ [owner.username]: 'owner' });
    const left = await call('GET', `/api/v1/orgs/${slug}`, member.token);
    expect(left.body).toMatchObject({ role: null });
    expect(left.body).not.toHaveProperty('members');
  });

  it('answers 404 NOT_FOUND for an unknown username and an unknown org', async () => {
    const { slug, owner } = await orgWithStaff();
    expect(await addMember(owner, slug, `ghost${process.pid}x${++counter}`)).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    expect(await addMember(owner, uniqueSlug('missing'), owner.username)).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
  });

  it('answers 404 NOT_FOUND for a user who is not a member of this tenant', async () => {
    const { slug, owner } = await orgWithStaff();
    const elsewhere = await ensureTenant(t.deps.db, 'orgs-elsewhere');
    const foreign = await createTestUser(t.deps, elsewhere.id);
    expect(await addMember(owner, slug, foreign.username)).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    expect(await rolesOf(slug, owner)).not.toHaveProperty(foreign.username);
  });

  it('answers 422 VALIDATION_ERROR for an unknown role', async () => {
    const { slug, owner } = await orgWithStaff();
    const joiner = await newUser();
    expect(await addMember(owner, slug, joiner.username, 'emperor')).toMatchObject({
      status: 422,
      body: { error: 'VALIDATION_ERROR' },
    });
  });
});

describe('scoped publishing', () => {
  it('lets members publish @org/x, and refuses them with 403 once removed', async () => {
    const { slug, owner, member } = await orgWithStaff();
    const first = await publishVersion(t, member.token, { name: `@${slug}/x`, version: '1.0.0' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ name: `@${slug}/x`, version: '1.0.0' });
    const meta = await t.request(`/api/v1/skills/@${slug}/x`);
    expect(meta.status).toBe(200);
    expect((await removeMember(owner, slug, member.username)).status).toBe(200);
    const again = await publishVersion(t, member.token, { name: `@${slug}/x`, version: '1.0.1' });
    expect(again).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    const fresh = await publishVersion(t, member.token, { name: `@${slug}/y`, version: '1.0.0' });
    expect(fresh).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    // The remaining owner still publishes to it.
    expect((await publishVersion(t, owner.token, { name: `@${slug}/x`, version: '1.0.1' })).status).toBe(200);
  });

  it('refuses a scope that is not an org (403)', async () => {
    const user = await newUser();
    const res = await publishVersion(t, user.token, { name: `@${uniqueSlug('noorg')}/x`, version: '1.0.0' });
    expect(res).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
  });
});
