/**
 * Who sees what in search: public for everyone; private and team artifacts for their publisher, the
 * members of the owning org and tenant admins; nothing of another tenant. `total` never counts what the
 * caller may not see, and a 404's near-name suggestions never name a hidden artifact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { changeOrgMember, createOrg } from '../../src/domain/orgs.js';
import { ensureTenant } from '../../src/domain/tenants.js';
import { createSearchApp, names, search, searchPath, setPackage } from './support.js';

let t: TestApp;
let owner: TestUser; // owns org acme
let member: TestUser; // acme member, read-only token
let publisher: TestUser; // publishes an unscoped private artifact; in no org
let outsider: TestUser; // owns org beta, not in acme
let reader: TestUser; // tenant member in no org, read token
let admin: TestUser; // skills:admin
let foreigner: TestUser; // member of another tenant only
const otherTenant = { 'X-Skill-Pool-Tenant': 'privacy-elsewhere' };

const publicNames = ['@acme/plan-open', '@beta/plan-beta', 'plan-public'];
const acmeHidden = ['@acme/plan-secret', '@acme/plan-team'];
const publisherHidden = ['plan-mine'];
const betaHidden = ['@beta/plan-beta-secret'];
const everything = [...publicNames, ...acmeHidden, ...publisherHidden, ...betaHidden].sort();

async function publish(user: TestUser, name: string, visibility: 'public' | 'private', headers = {}) {
  const result = await publishVersion(
    t,
    user.token,
    { name, version: '1.0.0', visibility, description: 'Plans the next steps of a project.' },
    undefined,
    { headers },
  );
  expect(result.status, JSON.stringify(result.body)).toBe(200);
}

beforeAll(async () => {
  t = await createSearchApp();
  const { db } = t.deps;
  const tenantId = t.defaultTenantId;
  owner = await createTestUser(t.deps, tenantId);
  member = await createTestUser(t.deps, tenantId, { scopes: ['skills:read'] });
  publisher = await createTestUser(t.deps, tenantId);
  outsider = await createTestUser(t.deps, tenantId);
  reader = await createTestUser(t.deps, tenantId, { scopes: ['skills:read'], role: 'viewer' });
  admin = await createTestUser(t.deps, tenantId, {
    scopes: ['skills:read', 'skills:publish', 'skills:admin'],
    role: 'admin',
  });
  const elsewhere = await ensureTenant(db, 'privacy-elsewhere');
  foreigner = await createTestUser(t.deps, elsewhere.id);

  const acme = await createOrg(db, { tenantId, slug: 'acme', name: 'Acme', ownerId: owner.id });
  await changeOrgMember(db, {
    tenantId,
    org: acme,
    actorId: owner.id,
    username: member.username,
    role: 'member',
  });
  await createOrg(db, { tenantId, slug: 'beta', name: 'Beta', ownerId: outsider.id });

  await publish(owner, '@acme/plan-open', 'public');
  await publish(owner, '@acme/plan-secret', 'private');
  await publish(owner, '@acme/plan-team', 'private');
  await setPackage(db, tenantId, '@acme/plan-team', { visibility: 'team' });
  await publish(publisher, 'plan-public', 'public');
  await publish(publisher, 'plan-mine', 'private');
  await publish(outsider, '@beta/plan-beta', 'public');
  await publish(outsider, '@beta/plan-beta-secret', 'private');
  await publish(foreigner, 'plan-foreign', 'public', otherTenant);
  await publish(foreigner, 'plan-foreign-secret', 'private', otherTenant);
});
afterAll(() => t.close());

const cases: [string, () => string | undefined, string[]][] = [
  ['anonymous', () => undefined, publicNames],
  ['a read token of an acme member', () => member.token, [...publicNames, ...acmeHidden]],
  ['the acme owner', () => owner.token, [...publicNames, ...acmeHidden]],
  [
    'the publisher of an unscoped private artifact',
    () => publisher.token,
    [...publicNames, ...publisherHidden],
  ],
  ['a member of another org', () => outsider.token, [...publicNames, ...betaHidden]],
  ['a tenant viewer in no org', () => reader.token, publicNames],
  ['an admin token', () => admin.token, everything],
];

describe.each(cases)('as %s', (_label, token, expected) => {
  it('finds exactly the visible artifacts, with total equal to their count', async () => {
    for (const params of [{ q: 'plan' }, {}, { sort: 'name' }, { q: 'plan', sort: 'stars' }]) {
      const body = await search(t, { ...params, limit: 50 }, { token: token() });
      expect(names(body).sort()).toEqual([...expected].sort());
      expect(body.total).toBe(expected.length);
    }
  });

  it('counts only visible artifacts when a page holds fewer than the total', async () => {
    const first = await search(t, { q: 'plan', limit: 1 }, { token: token() });
    expect(first.total).toBe(expected.length);
    const last = await search(t, { q: 'plan', limit: 1, page: expected.length }, { token: token() });
    expect(last.results).toHaveLength(1);
    const beyond = await search(t, { q: 'plan', limit: 1, page: expected.length + 1 }, { token: token() });
    expect(beyond.results).toEqual([]);
    expect(beyond.total).toBe(expected.length);
  });

  it('never reveals a hidden artifact by its exact name', async () => {
    for (const name of everything.filter((n) => !expected.includes(n))) {
      const body = await search(t, { q: name }, { token: token() });
      expect(names(body)).not.toContain(name);
      expect(body.total).toBe(body.results.length);
    }
  });

  it('never widens visibility through the visibility filter', async () => {
    const body = await search(t, { visibility: 'private,team', limit: 50 }, { token: token() });
    const hidden = expected.filter((n) => !publicNames.includes(n)).sort();
    expect(names(body).sort()).toEqual(hidden);
    expect(body.total).toBe(hidden.length);
  });
});

describe('another tenant', () => {
  it('refuses a foreign token on this tenant', async () => {
    const res = await t.request(searchPath({ q: 'plan' }), { headers: bearer(foreigner.token) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('UNAUTHORIZED');
  });

  it('shows a foreign read token only its own tenant', async () => {
    const reading = await createTestUser(t.deps, (await ensureTenant(t.deps.db, 'privacy-elsewhere')).id, {
      scopes: ['skills:read'],
    });
    const body = await search(t, { q: 'plan', limit: 50 }, { token: reading.token, headers: otherTenant });
    expect(names(body)).toEqual(['plan-foreign']);
    expect(body.total).toBe(1);
    const browse = await search(t, { limit: 50 }, { token: foreigner.token, headers: otherTenant });
    expect(names(browse).sort()).toEqual(['plan-foreign', 'plan-foreign-secret']);
    expect(browse.total).toBe(2);
  });

  it("keeps this tenant's artifacts out of another tenant's results, even for this tenant's admin", async () => {
    const res = await t.request(searchPath({ q: 'plan' }), {
      headers: { ...bearer(admin.token), ...otherTenant },
    });
    expect(res.status).toBe(401);
    const anonymous = await search(t, { q: 'plan', limit: 50 }, { headers: otherTenant });
    expect(names(anonymous)).toEqual(['plan-foreign']);
    expect(anonymous.total).toBe(1);
  });

  it("never suggests this tenant's names on the other tenant's 404", async () => {
    const res = await t.request('/api/v1/skills/plan-publik', { headers: otherTenant });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { details?: { suggestions?: string[] } };
    for (const name of body.details?.suggestions ?? []) expect(name.startsWith('plan-foreign')).toBe(true);
    expect(body.details?.suggestions ?? []).not.toContain('plan-foreign-secret');
  });
});

describe('404 suggestions', () => {
  async function suggestions(path: string, token?: string): Promise<string[]> {
    const res = await t.request(path, { headers: token ? bearer(token) : {} });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: string; details?: { suggestions?: string[] } };
    expect(body.error).toBe('NOT_FOUND');
    return body.details?.suggestions ?? [];
  }

  it('suggests near public names to anyone', async () => {
    expect(await suggestions('/api/v1/skills/plan-publik')).toContain('plan-public');
  });

  it('never suggests a private name to someone who may not see it', async () => {
    for (const token of [undefined, outsider.token, reader.token, publisher.token]) {
      const list = await suggestions('/api/v1/skills/@acme%2Fplan-secrat', token);
      expect(list).not.toContain('@acme/plan-secret');
      expect(list).not.toContain('@acme/plan-team');
    }
    for (const token of [undefined, owner.token, outsider.token, member.token]) {
      expect(await suggestions('/api/v1/skills/plan-mina', token)).not.toContain('plan-mine');
    }
  });

  it('does not name the hidden artifact itself, nor others, when asked for it directly', async () => {
    const list = await suggestions('/api/v1/skills/@acme%2Fplan-secret');
    expect(list).not.toContain('@acme/plan-secret');
    expect(list).not.toContain('@acme/plan-team');
    expect(list.every((n) => publicNames.includes(n))).toBe(true);
  });

  it('suggests a private name to those who may see it', async () => {
    expect(await suggestions('/api/v1/skills/@acme%2Fplan-secrat', member.token)).toContain(
      '@acme/plan-secret',
    );
    expect(await suggestions('/api/v1/skills/@acme%2Fplan-secrat', owner.token)).toContain(
      '@acme/plan-secret',
    );
    expect(await suggestions('/api/v1/skills/@acme%2Fplan-secrat', admin.token)).toContain(
      '@acme/plan-secret',
    );
    expect(await suggestions('/api/v1/skills/plan-mina', publisher.token)).toContain('plan-mine');
  });

  it('only ever suggests names the caller could find by searching', async () => {
    for (const [, token, expected] of cases) {
      for (const path of [
        '/api/v1/skills/plan-x',
        '/api/v1/skills/@acme%2Fplan',
        '/api/v1/skills/@beta%2Fplan-bet',
      ]) {
        const list = await suggestions(path, token());
        for (const name of list) expect(expected).toContain(name);
      }
    }
  });
});
