import type { TankVersionDetail, TankVersionList } from '@agentry/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { localPath, publishVersion } from '../../../../test-support/tarball.js';
import { createApiToken } from '../../src/domain/api-tokens.js';

type VersionDetail = TankVersionDetail;
type Versions = TankVersionList;

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId);
});
afterAll(() => t.close());

let counter = 0;

async function publishPackage(versions: string[], visibility: 'public' | 'private' = 'public') {
  const name = `life-${++counter}`;
  for (const version of versions) {
    expect((await publishVersion(t, owner.token, { name, version, visibility })).status).toBe(200);
  }
  return name;
}

function change(method: 'POST' | 'DELETE', path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = token ? bearer(token) : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.request(`/api/v1/skills/${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function read<T>(path: string): Promise<T> {
  const res = await t.request(`/api/v1/skills/${path}`, { headers: bearer(owner.token) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const latestOf = async (name: string) => (await read<{ latestVersion: string | null }>(name)).latestVersion;
const listed = async (name: string) => (await read<Versions>(`${name}/versions`)).versions;

describe('yank', () => {
  it('moves latest to the next highest and keeps the version readable and downloadable', async () => {
    const name = await publishPackage(['1.0.0', '1.1.0', '1.2.0']);
    const res = await change('POST', `${name}/1.2.0/yank`, owner.token, { reason: 'broken build' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name, version: '1.2.0', yanked: true });
    expect(await latestOf(name)).toBe('1.1.0');
    const detail = await read<VersionDetail>(`${name}/1.2.0`);
    expect(detail).toMatchObject({ yanked: true, yankReason: 'broken build' });
    expect((await t.request(localPath(detail.downloadUrl))).status).toBe(200);
    const versions = await listed(name);
    expect(versions.find((v) => v.version === '1.2.0')?.yanked).toBe(true);
    expect(versions.find((v) => v.version === '1.1.0')?.yanked).toBe(false);
  });

  it('yanks without a body, and DELETE restores the version and latest', async () => {
    const name = await publishPackage(['1.0.0', '2.0.0']);
    expect((await change('POST', `${name}/2.0.0/yank`, owner.token)).status).toBe(200);
    expect(await latestOf(name)).toBe('1.0.0');
    const restored = await change('DELETE', `${name}/2.0.0/yank`, owner.token);
    expect(restored.status).toBe(200);
    expect(await restored.json()).toEqual({ name, version: '2.0.0', yanked: false });
    expect(await latestOf(name)).toBe('2.0.0');
    expect(await read<VersionDetail>(`${name}/2.0.0`)).toMatchObject({ yanked: false, yankReason: null });
    expect((await listed(name)).every((v) => !v.yanked)).toBe(true);
  });

  it('leaves no latest when the only version is yanked', async () => {
    const name = await publishPackage(['1.0.0']);
    expect((await change('POST', `${name}/1.0.0/yank`, owner.token, {})).status).toBe(200);
    expect(await latestOf(name)).toBeNull();
  });
});

describe('deprecate', () => {
  it('sets the message on the version and in the list, DELETE clears it', async () => {
    const name = await publishPackage(['1.0.0', '1.1.0']);
    const res = await change('POST', `${name}/1.0.0/deprecate`, owner.token, { message: 'Use 1.1.0' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name, version: '1.0.0', deprecated: 'Use 1.1.0' });
    expect((await read<VersionDetail>(`${name}/1.0.0`)).deprecated).toBe('Use 1.1.0');
    const versions = await listed(name);
    expect(versions.find((v) => v.version === '1.0.0')?.deprecated).toBe('Use 1.1.0');
    expect(versions.find((v) => v.version === '1.1.0')?.deprecated).toBeNull();
    expect(await latestOf(name)).toBe('1.1.0');
    const cleared = await change('DELETE', `${name}/1.0.0/deprecate`, owner.token);
    expect(cleared.status).toBe(200);
    expect((await read<VersionDetail>(`${name}/1.0.0`)).deprecated).toBeNull();
    expect((await listed(name)).find((v) => v.version === '1.0.0')?.deprecated).toBeNull();
  });

  it.each(['', '   '])('answers 422 for the message %j', async (message) => {
    const name = await publishPackage(['1.0.0']);
    const res = await change('POST', `${name}/1.0.0/deprecate`, owner.token, { message });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toBe('VALIDATION_ERROR');
    expect((await read<VersionDetail>(`${name}/1.0.0`)).deprecated).toBeNull();
  });
});

describe('who may yank and deprecate', () => {
  let name: string;
  let privateName: string;
  beforeAll(async () => {
    name = await publishPackage(['1.0.0']);
    privateName = await publishPackage(['1.0.0'], 'private');
  });

  const attempts = (pkg: string): [string, 'POST' | 'DELETE', string, unknown][] => [
    ['yank', 'POST', `${pkg}/1.0.0/yank`, { reason: 'x' }],
    ['unyank', 'DELETE', `${pkg}/1.0.0/yank`, undefined],
    ['deprecate', 'POST', `${pkg}/1.0.0/deprecate`, { message: 'x' }],
    ['undeprecate', 'DELETE', `${pkg}/1.0.0/deprecate`, undefined],
  ];

  const unchanged = async (pkg: string) =>
    expect(await read<VersionDetail>(`${pkg}/1.0.0`)).toMatchObject({ yanked: false, deprecated: null });

  it('answers 403 to another publisher', async () => {
    const other = await createTestUser(t.deps, t.defaultTenantId);
    for (const [, method, path, body] of attempts(name)) {
      const res = await change(method, path, other.token, body);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe('FORBIDDEN');
    }
    await unchanged(name);
  });

  it("answers 403 to the owner's own skills:read token", async () => {
    const { token } = await createApiToken(t.deps.db, {
      tenantId: t.defaultTenantId,
      userId: owner.id,
      name: 'read-only',
      scopes: ['skills:read'],
    });
    for (const [, method, path, body] of attempts(name)) {
      expect((await change(method, path, token, body)).status).toBe(403);
    }
    await unchanged(name);
  });

  it('answers 401 without a token', async () => {
    for (const [, method, path, body] of attempts(name)) {
      const res = await change(method, path, undefined, body);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('UNAUTHORIZED');
    }
    await unchanged(name);
  });

  it('answers 404 for an unknown version', async () => {
    for (const [, method, path, body] of attempts(name)) {
      expect((await change(method, path.replace('1.0.0', '9.9.9'), owner.token, body)).status).toBe(404);
    }
  });

  it("answers 404, not 403, for someone else's private artifact", async () => {
    const other = await createTestUser(t.deps, t.defaultTenantId);
    for (const [, method, path, body] of attempts(privateName)) {
      const res = await change(method, path, other.token, body);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('NOT_FOUND');
    }
    await unchanged(privateName);
  });
});

describe('visibility', () => {
  const patch = (name: string, token: string | undefined, body: unknown) =>
    t.request(`/api/v1/skills/${encodeURIComponent(name)}`, {
      method: 'PATCH',
      headers: { ...(token ? bearer(token) : {}), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('makes a public artifact private and back; strangers then get 404, the owner still reads it', async () => {
    const name = await publishPackage(['1.0.0']);
    const res = await patch(name, owner.token, { visibility: 'private' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name, visibility: 'private' });
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(404);
    expect((await read<{ visibility: string }>(name)).visibility).toBe('private');
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'package.visibility')
      .execute();
    expect(audit.map((row) => row.data)).toContainEqual(expect.objectContaining({ name, to: 'private' }));
    expect((await patch(name, owner.token, { visibility: 'public' })).status).toBe(200);
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(200);
  });

  it('refuses team for an unscoped name and a bad value with 422, changing nothing', async () => {
    const name = await publishPackage(['1.0.0']);
    for (const body of [{ visibility: 'team' }, { visibility: 'secret' }, {}]) {
      const res = await patch(name, owner.token, body);
      expect(res.status).toBe(422);
    }
    expect((await read<{ visibility: string }>(name)).visibility).toBe('public');
  });

  it('401 without a token, 403 for a read-only token or another user, before validation', async () => {
    const name = await publishPackage(['1.0.0']);
    const other = await createTestUser(t.deps, t.defaultTenantId);
    expect((await patch(name, undefined, { visibility: 'nope' })).status).toBe(401);
    expect((await patch(name, other.token, { visibility: 'private' })).status).toBe(403);
    expect((await read<{ visibility: string }>(name)).visibility).toBe('public');
  });
});
