/**
 * `GET /v1/skills/{slug}/bundle.tar.gz` and `/skill-md`: a credential is needed; the filesystem store
 * streams the gzip, S3 (s3rver, a real S3 API) redirects 307 to a 300-second presigned URL unless
 * `bytes=true`; each read records its usage event.
 */
import { computeIntegrity } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { type RunningS3, startS3rver } from '../../../../test-support/s3rver.js';
import { makeTarball, publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { createApp } from '../../src/app.js';
import { createS3Store } from '../../src/blobs/s3-store.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let owner: TestUser;
let reader: TestUser;
let bundleBytes: Buffer;

async function usageEvents(event: string): Promise<number> {
  const row = await t.deps.db
    .selectFrom('skill_usage_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event', '=', event as 'view' | 'download')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId);
  reader = await createTestUser(t.deps, t.defaultTenantId, { role: 'viewer', scopes: ['skills:read'] });
  const files = skillFiles('bundled');
  bundleBytes = await makeTarball(files);
  const published = await publishVersion(t, owner.token, { name: 'bundled', version: '1.0.0' }, files);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  const agent = await publishVersion(
    t,
    owner.token,
    { name: 'an-agent', version: '1.0.0', kind: 'agent' },
    {
      'README.md': '# agent\n',
    },
  );
  expect(agent.status, JSON.stringify(agent.body)).toBe(200);
}, 60_000);
afterAll(() => t.close());

describe('GET /v1/skills/{slug}/bundle.tar.gz on the filesystem store', () => {
  it('streams the published bytes as application/gzip and records a download', async () => {
    const before = await usageEvents('download');
    const res = await t.request('/v1/skills/bundled/bundle.tar.gz', {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bundled.tar.gz"');
    const body = Buffer.from(await res.arrayBuffer());
    const stored = await t.deps.db
      .selectFrom('versions as v')
      .innerJoin('packages as p', 'p.id', 'v.package_id')
      .select('v.integrity')
      .where('p.name', '=', 'bundled')
      .executeTakeFirstOrThrow();
    expect(computeIntegrity(body)).toBe(stored.integrity);
    expect(await usageEvents('download')).toBe(before + 1);
    await t.deps.downloads.flush();
    const pkg = await t.deps.db
      .selectFrom('packages')
      .selectAll()
      .where('name', '=', 'bundled')
      .executeTakeFirstOrThrow();
    expect(Number(pkg.use_count)).toBeGreaterThanOrEqual(1);
    expect(Number(pkg.downloads_total)).toBeGreaterThanOrEqual(1);
  });

  it('needs a credential, knows kinds, and checks bytes', async () => {
    const anonymous = await call(t, 'GET', '/v1/skills/bundled/bundle.tar.gz');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('unauthorized');
    expect((await call(t, 'GET', '/v1/skills/an-agent/bundle.tar.gz', { token: reader.token })).status).toBe(
      404,
    );
    expect(
      (await call(t, 'GET', '/v1/skills/an-agent/bundle.tar.gz?kind=agent', { token: reader.token })).status,
    ).toBe(200);
    expect(
      (await call(t, 'GET', '/v1/skills/bundled/bundle.tar.gz?kind=nope', { token: reader.token })).status,
    ).toBe(400);
    const badBytes = await call(t, 'GET', '/v1/skills/bundled/bundle.tar.gz?bytes=yes', {
      token: reader.token,
    });
    expect(badBytes.status).toBe(400);
    expect(badBytes.body.error).toBe('bad_request');
    expect((await call(t, 'GET', '/v1/skills/missing/bundle.tar.gz', { token: reader.token })).status).toBe(
      404,
    );
  });

  it('is not found from another tenant', async () => {
    const other = await secondTenant(t, 'files-other');
    const res = await call(t, 'GET', '/v1/skills/bundled/bundle.tar.gz', {
      token: other.user.token,
      tenant: other.slug,
    });
    expect(res.status).toBe(404);
  });
});

describe('GET /v1/skills/{slug}/skill-md', () => {
  it('returns SKILL.md as text/plain and records a view', async () => {
    const before = await usageEvents('view');
    const res = await call(t, 'GET', '/v1/skills/bundled/skill-md', { token: reader.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(String(skillFiles('bundled')['SKILL.md']));
    expect(await usageEvents('view')).toBe(before + 1);
  });

  it('needs a credential and answers 404 for a bundle without SKILL.md', async () => {
    expect((await call(t, 'GET', '/v1/skills/bundled/skill-md')).status).toBe(401);
    const agent = await call(t, 'GET', '/v1/skills/an-agent/skill-md?kind=agent', { token: reader.token });
    expect(agent.status).toBe(404);
    expect(agent.body.error).toBe('not_found');
  });
});

describe('GET /v1/skills/{slug}/bundle.tar.gz on S3', () => {
  let s3: RunningS3;
  let s3App: TestApp;

  beforeAll(async () => {
    s3 = await startS3rver('sp-bundles');
    const blobs = createS3Store({
      location: 's3://sp-bundles/',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    });
    // The same database, its bundle copied into S3 under the same key.
    const version = await t.deps.db
      .selectFrom('versions as v')
      .innerJoin('packages as p', 'p.id', 'v.package_id')
      .select('v.blob_key')
      .where('p.name', '=', 'bundled')
      .executeTakeFirstOrThrow();
    await blobs.put(version.blob_key, bundleBytes);
    const app = createApp({ ...t.deps, blobs });
    s3App = {
      ...t,
      app,
      request: (path, init) =>
        Promise.resolve(app.request(new URL(path, 'http://registry.test').toString(), init)),
    };
  });
  afterAll(() => s3?.close());

  it('redirects 307 to a presigned URL valid for 300 seconds, which serves the bytes', async () => {
    const before = await usageEvents('download');
    const res = await call(s3App, 'GET', '/v1/skills/bundled/bundle.tar.gz', { token: reader.token });
    expect(res.status).toBe(307);
    const location = new URL(String(res.headers.get('location')));
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bundleBytes)).toBe(true);
    expect(await usageEvents('download')).toBe(before + 1);
  });

  it('streams from S3 with bytes=true', async () => {
    const res = await s3App.request('/v1/skills/bundled/bundle.tar.gz?bytes=true', {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(Buffer.from(await res.arrayBuffer()).equals(bundleBytes)).toBe(true);
  });
});
