/**
 * SCIM 2.0 replayed as Okta and Microsoft Entra ID send it (their public SCIM documentation: Okta's
 * "SCIM 2.0 protocol reference" request examples, Entra's "Tutorial: develop a SCIM endpoint" request
 * and response examples): provisioning (filter by userName, create), updates (PUT, PATCH with
 * Entra's capitalised ops and "False" strings and Okta's path-less `{active:false}`), deprovisioning
 * (sessions and tokens revoked at once), group push mapped to roles, discovery, SCIM errors, the SCIM
 * token (separate from API tokens; revocable), both path prefixes, and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { createScimToken, revokeScimToken } from '../../src/domain/scim-tokens.js';
import { createSession } from '../../src/domain/sessions.js';
import { findTenantMember } from '../../src/domain/tenant-members.js';
import { ensureTenant, setTenantSuspended } from '../../src/domain/tenants.js';

let t: TestApp;
let scimToken: string;
let otherToken: string;
let otherTenantId: string;
let admin: TestUser;
// biome-ignore lint/suspicious/noExplicitAny: SCIM answers are walked freely in assertions.
type Json = Record<string, any>;

const scimType = 'application/scim+json';

async function scim(
  method: string,
  path: string,
  body?: unknown,
  token = scimToken,
  headers: Record<string, string> = {},
) {
  const res = await t.request(path.startsWith('/') ? path : `/v1/scim/v2/${path}`, {
    method,
    headers: {
      ...bearer(token),
      ...(body === undefined ? {} : { 'content-type': scimType }),
      accept: scimType,
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text ? (JSON.parse(text) as Json) : {},
    res,
  };
}

const patchOp = (...Operations: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});

beforeAll(async () => {
  t = await createTestApp();
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  scimToken = (await createScimToken(t.deps.db, { tenantId: t.defaultTenantId, name: 'okta' })).token;
  otherTenantId = (await ensureTenant(t.deps.db, 'scim-other', 'Other')).id;
  otherToken = (await createScimToken(t.deps.db, { tenantId: otherTenantId, name: 'entra' })).token;
});
afterAll(() => t.close());

describe('discovery', () => {
  it('serves ServiceProviderConfig, ResourceTypes and Schemas on both prefixes', async () => {
    for (const prefix of ['/v1/scim/v2', '/scim/v2']) {
      const config = await scim('GET', `${prefix}/ServiceProviderConfig`, undefined, '');
      expect(config.status).toBe(200);
      expect(config.type).toContain(scimType);
      expect(config.body.patch.supported).toBe(true);
      expect(config.body.filter).toEqual({ supported: true, maxResults: 200 });
      expect(config.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
      const types = await scim('GET', `${prefix}/ResourceTypes`);
      expect(types.body.Resources.map((r: Json) => r.id)).toEqual(['User', 'Group']);
      const schemas = await scim('GET', `${prefix}/Schemas`);
      expect(schemas.body.totalResults).toBe(2);
    }
  });
});

describe('authentication and errors', () => {
  it('answers 401 in the SCIM Error schema without, or with a bad, a revoked or an API token', async () => {
    const none = await t.request('/v1/scim/v2/Users');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain(scimType);
    expect(await none.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    expect((await scim('GET', 'Users', undefined, 'scim_nonsense')).status).toBe(401);
    // An ordinary API token without tenant:admin is not a SCIM credential (403); with it, it is (real server).
    const publisher = await createTestUser(t.deps, t.defaultTenantId);
    expect((await scim('GET', 'Users', undefined, publisher.token)).status).toBe(403);
    expect((await scim('GET', '/scim/v2/Users', undefined, admin.token)).status).toBe(200);
    const spare = await createScimToken(t.deps.db, { tenantId: t.defaultTenantId, name: 'spare' });
    expect((await scim('GET', 'Users', undefined, spare.token)).status).toBe(200);
    await revokeScimToken(t.deps.db, { tenantId: t.defaultTenantId, id: spare.record.id });
    expect((await scim('GET', 'Users', undefined, spare.token)).status).toBe(401);
  });

  it('refuses a SCIM token sent to another tenant, and answers 401 for a suspended one', async () => {
    expect(
      (await scim('GET', 'Users', undefined, scimToken, { 'x-skill-pool-tenant': 'scim-other' })).status,
    ).toBe(401);
    await setTenantSuspended(t.deps.db, 'scim-other', true);
    expect((await scim('GET', 'Users', undefined, otherToken)).status).toBe(401);
    await setTenantSuspended(t.deps.db, 'scim-other', false);
    expect((await scim('GET', 'Users', undefined, otherToken)).status).toBe(200);
  });

  it('answers bad input with status strings and scimType', async () => {
    const badFilter = await scim('GET', `Users?filter=${encodeURIComponent('userName eq')}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    const noUserName = await scim('POST', 'Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    });
    expect(noUserName.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const notPatch = await scim('PATCH', `Users/${admin.id}`, { Operations: [] });
    expect(notPatch.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const missing = await scim('GET', 'Users/00000000-0000-4000-8000-000000000000');
    expect(missing.body).toMatchObject({ status: '404' });
    const syntax = await t.request('/v1/scim/v2/Users', {
      method: 'POST',
      headers: { ...bearer(scimToken), 'content-type': scimType },
      body: '{',
    });
    expect(await syntax.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });
});

describe('Okta: provisioning, profile push, group push, deprovisioning', () => {
  let userId: string;
  let groupId: string;

  it('looks the user up by userName, creates them, and finds them again', async () => {
    const lookup = await scim(
      'GET',
      `Users?filter=${encodeURIComponent('userName eq "dana.scully@example.com"')}&startIndex=1&count=100`,
    );
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const created = await scim('POST', 'Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'dana.scully@example.com',
      name: { givenName: 'Dana', familyName: 'Scully' },
      emails: [{ primary: true, value: 'dana.scully@example.com', type: 'work' }],
      displayName: 'Dana Scully',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(created.status).toBe(201);
    expect(created.type).toContain(scimType);
    userId = created.body.id;
    expect(created.res.headers.get('location')).toBe(created.body.meta.location);
    expect(created.body).toMatchObject({
      userName: 'dana.scully@example.com',
      name: { givenName: 'Dana', familyName: 'Scully' },
      active: true,
      externalId: '00ujl29u0le5T6Aj10h7',
      meta: { resourceType: 'User' },
    });
    expect(created.body.password).toBeUndefined();
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, userId))?.role).toBe('viewer');
    const again = await scim(
      'GET',
      `Users?filter=${encodeURIComponent('userName eq "DANA.SCULLY@example.com"')}`,
    );
    expect(again.body.totalResults).toBe(1);
    expect(again.body.Resources[0].id).toBe(userId);
    const duplicate = await scim('POST', 'Users', { userName: 'dana.scully@example.com' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe('uniqueness');
  });

  it('replaces the profile with PUT', async () => {
    const current = (await scim('GET', `Users/${userId}`)).body;
    const put = await scim('PUT', `Users/${userId}`, {
      ...current,
      name: { givenName: 'Dana', familyName: 'Scully-Mulder' },
    });
    expect(put.status).toBe(200);
    expect(put.body.name.familyName).toBe('Scully-Mulder');
    expect(put.body.active).toBe(true);
  });

  it('pushes a group with members, then adds and removes members by PATCH', async () => {
    const created = await scim('POST', 'Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Agentry Publishers',
      members: [{ value: userId, display: 'dana.scully@example.com' }],
    });
    expect(created.status).toBe(201);
    groupId = created.body.id;
    expect(created.body.members.map((m: Json) => m.value)).toEqual([userId]);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, userId))?.role).toBe('publisher');

    const admins = await scim('POST', 'Groups', { schemas: [], displayName: 'Agentry Admins', members: [] });
    const add = await scim(
      'PATCH',
      `Groups/${admins.body.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: userId, display: 'dana.scully@example.com' }] }),
    );
    expect(add.status).toBe(200);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, userId))?.role).toBe('admin');
    const remove = await scim(
      'PATCH',
      `Groups/${admins.body.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${userId}"]` }),
    );
    expect(remove.body.members).toEqual([]);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, userId))?.role).toBe('publisher');
    // Okta renames a pushed group with a path-less replace.
    const rename = await scim(
      'PATCH',
      `Groups/${groupId}`,
      patchOp({ op: 'replace', value: { id: groupId, displayName: 'Agentry Publishers (EU)' } }),
    );
    expect(rename.body.displayName).toBe('Agentry Publishers (EU)');
    const byName = await scim(
      'GET',
      `Groups?filter=${encodeURIComponent('displayName eq "Agentry Publishers (EU)"')}`,
    );
    expect(byName.body.Resources.map((g: Json) => g.id)).toEqual([groupId]);
    const user = await scim('GET', `Users/${userId}`);
    expect(user.body.groups.map((g: Json) => g.value)).toEqual([groupId]);
    expect((await scim('DELETE', `Groups/${admins.body.id}`)).status).toBe(204);
    expect((await scim('GET', `Groups/${admins.body.id}`)).status).toBe(404);
  });

  it('deactivates with a path-less {active:false}: tokens and sessions end at once', async () => {
    const { token } = await import('../../src/domain/api-tokens.js').then((m) =>
      m.createApiToken(t.deps.db, {
        tenantId: t.defaultTenantId,
        userId,
        name: 'laptop',
        scopes: ['skills:read'],
      }),
    );
    await createSession(t.deps.db, { tenantId: t.defaultTenantId, userId, ttlHours: 1 });
    expect((await t.request('/v1/drafts', { headers: bearer(token) })).status).toBe(200);
    const off = await scim('PATCH', `Users/${userId}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await t.request('/v1/drafts', { headers: bearer(token) })).status).toBe(401);
    const sessions = await t.deps.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userId)
      .execute();
    expect(sessions).toEqual([]);
    expect((await findTenantMember(t.deps.db, t.defaultTenantId, userId))?.active).toBe(false);
    // Still listed (as inactive), so Okta can turn it back on.
    const inactive = await scim('GET', `Users?filter=${encodeURIComponent('active eq false')}`);
    expect(inactive.body.Resources.map((u: Json) => u.id)).toContain(userId);
    const on = await scim('PATCH', `Users/${userId}`, patchOp({ op: 'replace', value: { active: true } }));
    expect(on.body.active).toBe(true);
    // The revoked token stays revoked after reactivation.
    expect((await t.request('/v1/drafts', { headers: bearer(token) })).status).toBe(401);
  });

  it('pages with startIndex and count', async () => {
    const all = await scim('GET', 'Users?count=200');
    const total = all.body.totalResults as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const second = await scim('GET', 'Users?startIndex=2&count=1');
    expect(second.body).toMatchObject({ totalResults: total, startIndex: 2, itemsPerPage: 1 });
    expect(second.body.Resources[0].id).toBe(all.body.Resources[1].id);
    const countOnly = await scim('GET', 'Users?count=0');
    expect(countOnly.body).toMatchObject({ totalResults: total, itemsPerPage: 0 });
  });
});

describe('Microsoft Entra ID: provisioning, updates, group membership, deprovisioning', () => {
  let userId: string;
  let groupId: string;
  const entra = (method: string, path: string, body?: unknown) => scim(method, path, body, otherToken);

  it('queries by userName then creates with the enterprise extension', async () => {
    const query = await entra(
      'GET',
      `Users?filter=${encodeURIComponent("userName eq 'Test_User_ab6490ee@testuser.com'")}`,
    );
    expect(query.body.totalResults).toBe(0);
    const created = await entra('POST', 'Users', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering' },
    });
    expect(created.status).toBe(201);
    userId = created.body.id;
    expect(created.body.schemas).toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(created.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department).toBe(
      'Engineering',
    );
    const byExternal = await entra(
      'GET',
      `Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`,
    );
    expect(byExternal.body.Resources.map((u: Json) => u.id)).toEqual([userId]);
    const byEmail = await entra(
      'GET',
      `Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "test_user_fd0ea19b@testuser.com"')}`,
    );
    expect(byEmail.body.totalResults).toBe(1);
    // The other tenant's SCIM token sees none of this.
    const seen = await scim('GET', `Users/${userId}`);
    expect(seen.status).toBe(404);
  });

  it('applies Entra PATCH ops: capitalised op names, filtered paths, extension attributes', async () => {
    const res = await entra(
      'PATCH',
      `Users/${userId}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'Sales',
        },
        { op: 'Replace', path: 'userName', value: 'Test_User_renamed@testuser.com' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.emails[0].value).toBe('updatedEmail@microsoft.com');
    expect(res.body.name.familyName).toBe('updatedFamilyName');
    expect(res.body.userName).toBe('Test_User_renamed@testuser.com');
    expect(res.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department).toBe('Sales');
  });

  it('creates a group, adds and removes members with Entra bodies, and checks membership by filter', async () => {
    const group = await entra('POST', 'Groups', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group',
      ],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Group1DisplayName',
      meta: { resourceType: 'Group' },
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    expect(group.body['urn:agentry:scim:group'].role).toBeNull();
    const add = await entra(
      'PATCH',
      `Groups/${groupId}`,
      patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }),
    );
    expect(add.status).toBe(200);
    const check = await entra(
      'GET',
      `Groups?excludedAttributes=members&filter=${encodeURIComponent(`id eq "${groupId}" and members[value eq "${userId}"]`)}`,
    );
    expect(check.body.totalResults).toBe(1);
    expect(check.body.Resources[0].members).toBeUndefined();
    const remove = await entra(
      'PATCH',
      `Groups/${groupId}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] }),
    );
    expect(remove.body.members).toEqual([]);
    const recheck = await entra(
      'GET',
      `Groups?filter=${encodeURIComponent(`id eq "${groupId}" and members[value eq "${userId}"]`)}`,
    );
    expect(recheck.body.totalResults).toBe(0);
  });

  it('disables with Replace active "False", then deletes: the member is gone, the account stays', async () => {
    const off = await entra(
      'PATCH',
      `Users/${userId}`,
      patchOp({ op: 'Replace', path: 'active', value: 'False' }),
    );
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await entra('DELETE', `Users/${userId}`)).status).toBe(204);
    expect((await entra('GET', `Users/${userId}`)).status).toBe(404);
    expect((await entra('DELETE', `Users/${userId}`)).status).toBe(404);
    const account = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst();
    expect(account?.id).toBe(userId);
    expect((await entra('DELETE', `Groups/${groupId}`)).status).toBe(204);
  });
});
