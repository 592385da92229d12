/**
 * Who may do what, as one table: every caller against every route, each cell an explicit status.
 * Outsiders get 404 for what they may not read, 403 for what they may read but not change, and 401
 * without (valid) credentials; another tenant sees nothing of this one.
 */
import { computeIntegrity, type TokenScope } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import {
  localPath,
  makeTarball,
  manifestOf,
  publishVersion,
  skillFiles,
} from '../../../../test-support/tarball.js';
import { changeOrgMember, createOrg } from '../../src/domain/orgs.js';
import { ensureTenant } from '../../src/domain/tenants.js';

const callers = [
  'anonymous',
  'read token (acme member)',
  'publish token (acme member)',
  'publish token (acme owner)',
  'admin token',
  'other org member',
  'other tenant',
  'other tenant, no header',
] as const;
type Caller = (typeof callers)[number];

/** Expected statuses in the order of `callers`. */
type Row = readonly [number, number, number, number, number, number, number, number];

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string | ((caller: Caller, index: number) => string);
  body?: (caller: Caller, index: number) => unknown;
  svg?: boolean;
  expected: Row;
}

//                       anon read  pub  owner admin oOrg oTen  noHdr
const publicRead: Row = [200, 200, 200, 200, 200, 200, 404, 401];
const privateRead: Row = [404, 200, 200, 200, 200, 404, 404, 401];
const publicStar: Row = [401, 200, 200, 200, 200, 200, 404, 401];
const privateStar: Row = [401, 200, 200, 200, 200, 404, 404, 401];
const publicChange: Row = [401, 403, 200, 200, 200, 403, 404, 401];
const privateChange: Row = [401, 403, 200, 200, 200, 404, 404, 401];

const routes: Route[] = [
  { name: 'GET metadata (public)', method: 'GET', path: '/api/v1/skills/@acme/pub', expected: publicRead },
  {
    name: 'GET versions (public)',
    method: 'GET',
    path: '/api/v1/skills/@acme%2Fpub/versions',
    expected: publicRead,
  },
  {
    name: 'GET version (public)',
    method: 'GET',
    path: '/api/v1/skills/@acme/pub/1.1.0',
    expected: publicRead,
  },
  {
    name: 'GET file (public)',
    method: 'GET',
    path: '/api/v1/skills/@acme/pub/1.1.0/files/SKILL.md',
    expected: publicRead,
  },
  {
    name: 'GET badge (public)',
    method: 'GET',
    path: '/api/v1/badge/@acme%2Fpub',
    svg: true,
    expected: publicRead,
  },
  {
    name: 'GET metadata (private)',
    method: 'GET',
    path: '/api/v1/skills/@acme%2Fpriv',
    expected: privateRead,
  },
  {
    name: 'GET versions (private)',
    method: 'GET',
    path: '/api/v1/skills/@acme/priv/versions',
    expected: privateRead,
  },
  {
    name: 'GET version (private)',
    method: 'GET',
    path: '/api/v1/skills/@acme%2Fpriv/1.1.0',
    expected: privateRead,
  },
  {
    name: 'GET file (private)',
    method: 'GET',
    path: '/api/v1/skills/@acme%2Fpriv/1.1.0/files/SKILL.md',
    expected: privateRead,
  },
  {
    name: 'GET badge (private)',
    method: 'GET',
    path: '/api/v1/badge/@acme/priv',
    svg: true,
    expected: privateRead,
  },
  {
    name: 'POST /api/v1/skills @acme/new',
    method: 'POST',
    path: '/api/v1/skills',
    body: (_caller, i) => ({ manifest: manifestOf({ name: '@acme/new', version: `1.0.${i}` }) }),
    //        anon read  pub  owner admin oOrg oTen  noHdr
    expected: [401, 403, 201, 201, 403, 403, 403, 401],
  },
  {
    name: 'POST /api/v1/skills/confirm (an @acme upload of the owner)',
    method: 'POST',
    path: '/api/v1/skills/confirm',
    body: (_caller, i) => pendingUploads[i],
    expected: [401, 403, 200, 200, 200, 404, 404, 401],
  },
  { name: 'POST star (public)', method: 'POST', path: '/api/v1/skills/@acme/pub/star', expected: publicStar },
  { name: 'GET star (public)', method: 'GET', path: '/api/v1/skills/@acme%2Fpub/star', expected: publicStar },
  {
    name: 'DELETE star (public)',
    method: 'DELETE',
    path: '/api/v1/skills/@acme/pub/star',
    expected: publicStar,
  },
  {
    name: 'POST star (private)',
    method: 'POST',
    path: '/api/v1/skills/@acme%2Fpriv/star',
    expected: privateStar,
  },
  {
    name: 'GET star (private)',
    method: 'GET',
    path: '/api/v1/skills/@acme/priv/star',
    expected: privateStar,
  },
  {
    name: 'DELETE star (private)',
    method: 'DELETE',
    path: '/api/v1/skills/@acme%2Fpriv/star',
    expected: privateStar,
  },
  {
    name: 'POST yank (public)',
    method: 'POST',
    path: '/api/v1/skills/@acme/pub/1.0.0/yank',
    expected: publicChange,
  },
  {
    name: 'POST yank (private)',
    method: 'POST',
    path: '/api/v1/skills/@acme%2Fpriv/1.0.0/yank',
    expected: privateChange,
  },
  {
    name: 'POST deprecate (public)',
    method: 'POST',
    path: '/api/v1/skills/@acme%2Fpub/1.0.0/deprecate',
    body: () => ({ message: 'Use 1.1.0.' }),
    expected: publicChange,
  },
  {
    name: 'POST deprecate (private)',
    method: 'POST',
    path: '/api/v1/skills/@acme/priv/1.0.0/deprecate',
    body: () => ({ message: 'Use 1.1.0.' }),
    expected: privateChange,
  },
  {
    name: 'POST /api/v1/orgs',
    method: 'POST',
    path: '/api/v1/orgs',
    body: (_caller, i) => ({ slug: `matrix-${i}` }),
    //        anon read  pub  owner admin oOrg oTen  noHdr
    expected: [401, 403, 201, 201, 201, 201, 201, 401],
  },
  {
    name: 'GET /api/v1/orgs/acme',
    method: 'GET',
    path: '/api/v1/orgs/acme',
    expected: [200, 200, 200, 200, 200, 200, 404, 401],
  },
  {
    name: 'POST /api/v1/orgs/acme/members',
    method: 'POST',
    path: '/api/v1/orgs/acme/members',
    body: () => ({ username: joiner.username, role: 'member' }),
    expected: [401, 403, 403, 201, 403, 403, 404, 401],
  },
  {
    name: 'GET /api/v1/tokens',
    method: 'GET',
    path: '/api/v1/tokens',
    expected: [401, 200, 200, 200, 200, 200, 200, 401],
  },
  {
    name: 'GET /api/v1/auth/whoami',
    method: 'GET',
    path: '/api/v1/auth/whoami',
    expected: [401, 200, 200, 200, 200, 200, 200, 401],
  },
];

const codeOf: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

let t: TestApp;
let joiner: TestUser;
const headersOf = new Map<Caller, Record<string, string>>();
/** One pending @acme upload per caller (same index), reserved and uploaded by the owner. */
const pendingUploads: { skillId: string; versionId: string; integrity: string }[] = [];

beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_AUTHENTICATED: '100000', RATE_LIMIT_PRO: '100000' },
  });
  const { db } = t.deps;
  const tenantId = t.defaultTenantId;
  const both: TokenScope[] = ['skills:read', 'skills:publish'];
  const owner = await createTestUser(t.deps, tenantId, { scopes: both });
  const reader = await createTestUser(t.deps, tenantId, { scopes: ['skills:read'] });
  const publisher = await createTestUser(t.deps, tenantId, { scopes: both });
  const admin = await createTestUser(t.deps, tenantId, {
    scopes: ['skills:read', 'skills:publish', 'skills:admin'],
    role: 'admin',
  });
  const otherOrg = await createTestUser(t.deps, tenantId, { scopes: both });
  joiner = await createTestUser(t.deps, tenantId);
  const elsewhere = await ensureTenant(db, 'matrix-elsewhere');
  const foreigner = await createTestUser(t.deps, elsewhere.id, { scopes: both });

  const acme = await createOrg(db, { tenantId, slug: 'acme', name: 'Acme', ownerId: owner.id });
  for (const member of [reader, publisher]) {
    await changeOrgMember(db, {
      tenantId,
      org: acme,
      actorId: owner.id,
      username: member.username,
      role: 'member',
    });
  }
  await createOrg(db, { tenantId, slug: 'beta', name: 'Beta', ownerId: otherOrg.id });

  for (const [name, visibility] of [
    ['@acme/pub', 'public'],
    ['@acme/priv', 'private'],
  ] as const) {
    for (const version of ['1.0.0', '1.1.0']) {
      expect((await publishVersion(t, owner.token, { name, version, visibility })).status).toBe(200);
    }
  }

  for (let i = 0; i < callers.length; i++) {
    const name = `@acme/pending-${i}`;
    const init = await t.request('/api/v1/skills', {
      method: 'POST',
      headers: { ...bearer(owner.token), 'content-type': 'application/json' },
      body: JSON.stringify({ manifest: manifestOf({ name, version: '1.0.0' }) }),
    });
    expect(init.status).toBe(201);
    const { uploadUrl, skillId, versionId } = (await init.json()) as Record<string, string>;
    const tarball = await makeTarball(skillFiles(name));
    const put = await t.request(localPath(String(uploadUrl)), {
      method: 'PUT',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(tarball),
    });
    expect(put.status).toBe(200);
    pendingUploads.push({
      skillId: String(skillId),
      versionId: String(versionId),
      integrity: computeIntegrity(tarball),
    });
  }

  const tenantHeader = { 'X-Skill-Pool-Tenant': 'matrix-elsewhere' };
  headersOf.set('anonymous', {});
  headersOf.set('read token (acme member)', bearer(reader.token));
  headersOf.set('publish token (acme member)', bearer(publisher.token));
  headersOf.set('publish token (acme owner)', bearer(owner.token));
  headersOf.set('admin token', bearer(admin.token));
  headersOf.set('other org member', bearer(otherOrg.token));
  headersOf.set('other tenant', { ...bearer(foreigner.token), ...tenantHeader });
  headersOf.set('other tenant, no header', bearer(foreigner.token));
});
afterAll(() => t.close());

const cells = routes.flatMap((route) =>
  callers.map((caller, index) => ({ route, caller, index, status: route.expected[index] as number })),
);

describe('access matrix', () => {
  it('has a status for every caller on every route', () => {
    for (const route of routes) expect(route.expected).toHaveLength(callers.length);
  });

  it.each(cells.map((cell) => ({ ...cell, label: cell.route.name })))(
    '$label as $caller → $status',
    async ({ route, caller, index, status }) => {
      const headers: Record<string, string> = { ...headersOf.get(caller) };
      const body = route.body?.(caller, index);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const path = typeof route.path === 'string' ? route.path : route.path(caller, index);
      const res = await t.request(path, {
        method: route.method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status).toBe(status);
      if (route.svg && (status === 200 || status === 404)) {
        expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
        await res.arrayBuffer();
      } else if (status >= 400) {
        expect(await res.json()).toMatchObject({ error: codeOf[status] });
      } else {
        await res.arrayBuffer();
      }
    },
  );
});
