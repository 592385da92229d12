import type { TankStarState } from '@agentry/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { createOrg } from '../../src/domain/orgs.js';

let t: TestApp;
let publisher: TestUser;
beforeAll(async () => {
  // Explicit generous limits: this file is about stars, not rate limiting.
  t = await createTestApp({
    env: { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_AUTHENTICATED: '100000', RATE_LIMIT_PRO: '100000' },
  });
  publisher = await createTestUser(t.deps, t.defaultTenantId);
  await createOrg(t.deps.db, {
    tenantId: t.defaultTenantId,
    slug: 'stellar',
    name: 'Stellar',
    ownerId: publisher.id,
  });
  for (const manifest of [
    { name: 'star-counted', version: '1.0.0' },
    { name: 'star-idempotent', version: '1.0.0' },
    { name: 'star-unstar', version: '1.0.0' },
    { name: 'star-secret', version: '1.0.0', visibility: 'private' as const },
    { name: '@stellar/tool', version: '1.0.0' },
  ]) {
    expect((await publishVersion(t, publisher.token, manifest)).status).toBe(200);
  }
});
afterAll(() => t.close());

type StarBody = TankStarState;

async function star(method: 'GET' | 'POST' | 'DELETE', path: string, token?: string) {
  const res = await t.request(`/api/v1/skills/${path}/star`, { method, headers: token ? bearer(token) : {} });
  return { status: res.status, body: (await res.json()) as StarBody & { error?: string } };
}

const reader = () => createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] });

describe('POST /api/v1/skills/:name/star', () => {
  it('is idempotent: starring twice leaves one star', async () => {
    const user = await reader();
    for (let i = 0; i < 2; i++) {
      expect(await star('POST', 'star-idempotent', user.token)).toEqual({
        status: 200,
        body: { starred: true, stars: 1 },
      });
    }
    expect(await star('GET', 'star-idempotent', user.token)).toEqual({
      status: 200,
      body: { starred: true, stars: 1 },
    });
    const rows = await t.deps.db
      .selectFrom('stars')
      .select('user_id')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('counts stars across users, and metadata shows the count', async () => {
    const [a, b, c] = [await reader(), await reader(), await reader()];
    expect((await star('POST', 'star-counted', a.token)).body).toEqual({ starred: true, stars: 1 });
    expect((await star('POST', 'star-counted', b.token)).body).toEqual({ starred: true, stars: 2 });
    expect((await star('GET', 'star-counted', a.token)).body).toEqual({ starred: true, stars: 2 });
    expect((await star('GET', 'star-counted', b.token)).body).toEqual({ starred: true, stars: 2 });
    expect((await star('GET', 'star-counted', c.token)).body).toEqual({ starred: false, stars: 2 });
    const meta = await t.request('/api/v1/skills/star-counted');
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ name: 'star-counted', stars: 2 });
  });
});

describe('DELETE /api/v1/skills/:name/star', () => {
  it('removes the star, is idempotent, and answers 200 when the user never starred', async () => {
    const [a, b, never] = [await reader(), await reader(), await reader()];
    await star('POST', 'star-unstar', a.token);
    await star('POST', 'star-unstar', b.token);
    expect(await star('DELETE', 'star-unstar', a.token)).toEqual({
      status: 200,
      body: { starred: false, stars: 1 },
    });
    expect(await star('DELETE', 'star-unstar', a.token)).toEqual({
      status: 200,
      body: { starred: false, stars: 1 },
    });
    expect(await star('DELETE', 'star-unstar', never.token)).toEqual({
      status: 200,
      body: { starred: false, stars: 1 },
    });
    expect((await star('GET', 'star-unstar', a.token)).body).toEqual({ starred: false, stars: 1 });
    expect((await star('GET', 'star-unstar', b.token)).body).toEqual({ starred: true, stars: 1 });
    const meta = (await (await t.request('/api/v1/skills/star-unstar')).json()) as { stars: number };
    expect(meta.stars).toBe(1);
  });
});

describe('access', () => {
  it.each(['GET', 'POST', 'DELETE'] as const)(
    '%s answers 401 UNAUTHORIZED without a token',
    async (method) => {
      expect(await star(method, 'star-counted')).toMatchObject({
        status: 401,
        body: { error: 'UNAUTHORIZED' },
      });
    },
  );

  it.each(['GET', 'POST', 'DELETE'] as const)(
    '%s answers 401 UNAUTHORIZED for an invalid token',
    async (method) => {
      const res = await star(method, 'star-counted', `agt_${'x'.repeat(43)}`);
      expect(res).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    },
  );

  it.each(['GET', 'POST', 'DELETE'] as const)(
    '%s answers 403 FORBIDDEN without skills:read',
    async (method) => {
      const publishOnly = await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:publish'] });
      expect(await star(method, 'star-counted', publishOnly.token)).toMatchObject({
        status: 403,
        body: { error: 'FORBIDDEN' },
      });
    },
  );

  it.each(['GET', 'POST', 'DELETE'] as const)(
    '%s answers 404 NOT_FOUND for an unknown artifact',
    async (method) => {
      const user = await reader();
      for (const name of ['no-such-skill', '@stellar%2Fmissing', '@nowhere/missing']) {
        expect(await star(method, name, user.token)).toMatchObject({
          status: 404,
          body: { error: 'NOT_FOUND' },
        });
      }
    },
  );

  it.each(['GET', 'POST', 'DELETE'] as const)(
    '%s answers 404 NOT_FOUND for a private artifact of someone else',
    async (method) => {
      const outsider = await createTestUser(t.deps, t.defaultTenantId);
      expect(await star(method, 'star-secret', outsider.token)).toMatchObject({
        status: 404,
        body: { error: 'NOT_FOUND' },
      });
    },
  );

  it('lets the publisher star their own private artifact, without counting refused attempts', async () => {
    const outsider = await reader();
    await star('POST', 'star-secret', outsider.token);
    expect(await star('POST', 'star-secret', publisher.token)).toEqual({
      status: 200,
      body: { starred: true, stars: 1 },
    });
  });
});

describe('scoped names', () => {
  it('accepts @org/name and @org%2Fname (and %40org%2Fname) for the same artifact', async () => {
    const user = await reader();
    expect((await star('POST', '@stellar/tool', user.token)).body).toEqual({ starred: true, stars: 1 });
    expect(await star('GET', '@stellar%2Ftool', user.token)).toEqual({
      status: 200,
      body: { starred: true, stars: 1 },
    });
    expect(await star('POST', '%40stellar%2Ftool', user.token)).toEqual({
      status: 200,
      body: { starred: true, stars: 1 },
    });
    expect(await star('DELETE', '@stellar%2Ftool', user.token)).toEqual({
      status: 200,
      body: { starred: false, stars: 0 },
    });
    expect((await star('GET', '@stellar/tool', user.token)).body).toEqual({ starred: false, stars: 0 });
  });
});
