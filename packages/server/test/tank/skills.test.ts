import { computeIntegrity, computeSha256 } from '@agentry/core';
import type { TankSkill, TankVersionDetail, TankVersionList } from '@agentry/core/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
  type TarballFiles,
  type TestManifest,
} from '../../../../test-support/tarball.js';
import { createOrg } from '../../src/domain/orgs.js';

type Skill = TankSkill;
type VersionDetail = TankVersionDetail;
type Versions = TankVersionList;

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  // Many anonymous reads in one file: keep the per-IP limit out of the way.
  t = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '100000' } });
  owner = await createTestUser(t.deps, t.defaultTenantId);
  await createOrg(t.deps.db, { tenantId: t.defaultTenantId, slug: 'acme', name: 'Acme', ownerId: owner.id });
});
afterAll(() => t.close());

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

/** initiate → PUT → confirm with a given tarball; expects every step to succeed. */
async function publishTarball(manifest: TestManifest, tarball: Buffer) {
  const headers = { ...bearer(owner.token), 'content-type': 'application/json' };
  const init = await t.request('/api/v1/skills', {
    method: 'POST',
    headers,
    body: JSON.stringify({ manifest: manifestOf(manifest) }),
  });
  expect(init.status).toBe(201);
  const { uploadUrl, skillId, versionId } = (await init.json()) as Record<string, string>;
  const put = await t.request(localPath(String(uploadUrl)), {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip' },
    body: new Uint8Array(tarball),
  });
  expect(put.status).toBe(200);
  const confirm = await t.request('/api/v1/skills/confirm', {
    method: 'POST',
    headers,
    body: JSON.stringify({ skillId, versionId, integrity: computeIntegrity(tarball) }),
  });
  expect(confirm.status).toBe(200);
}

async function getJson<T>(path: string): Promise<T> {
  const res = await t.request(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function publishAll(name: string, versions: string[]) {
  for (const version of versions) {
    expect((await publishVersion(t, owner.token, { name, version })).status).toBe(200);
  }
}

describe('GET /api/v1/skills/:name', () => {
  it('answers the documented fields, with the username as publisher of an unscoped name', async () => {
    const name = uniqueName('plain');
    await publishAll(name, ['1.0.0']);
    const body = await getJson<Skill>(`/api/v1/skills/${name}`);
    expect(body).toMatchObject({
      name,
      description: 'A test artifact.',
      visibility: 'public',
      latestVersion: '1.0.0',
      publisher: { name: owner.username },
    });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    expect(new Date(body.updatedAt).toISOString()).toBe(body.updatedAt);
  });

  it('names the org as publisher of a scoped name', async () => {
    await publishAll('@acme/publisher', ['1.0.0']);
    const body = await getJson<Skill>('/api/v1/skills/@acme%2Fpublisher');
    expect(body.publisher.name).toBe('acme');
  });

  it('hides a private artifact from anonymous readers and shows it to its publisher', async () => {
    const name = uniqueName('private');
    const result = await publishVersion(t, owner.token, { name, version: '1.0.0', visibility: 'private' });
    expect(result.status).toBe(200);
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(404);
    expect((await t.request(`/api/v1/skills/${name}`, { headers: bearer(owner.token) })).status).toBe(200);
  });
});

describe('scoped names', () => {
  beforeAll(async () => {
    await publishAll('@acme/forms', ['1.0.0']);
  });

  it.each([
    ['@acme%2Fforms', ''],
    ['@acme/forms', ''],
    ['%40acme%2Fforms', ''],
    ['@acme%2Fforms', '/versions'],
    ['@acme/forms', '/versions'],
    ['@acme%2Fforms', '/1.0.0'],
    ['@acme/forms', '/1.0.0'],
    ['@acme%2Fforms', '/1.0.0/files/SKILL.md'],
    ['@acme/forms', '/1.0.0/files/SKILL.md'],
  ])('answer %s%s', async (name, rest) => {
    const res = await t.request(`/api/v1/skills/${name}${rest}`);
    expect(res.status).toBe(200);
    if (rest !== '/1.0.0/files/SKILL.md') {
      expect(((await res.json()) as { name: string }).name).toBe('@acme/forms');
    }
  });
});

describe('GET /api/v1/skills/:name/versions', () => {
  it('lists versions newest first with audit score and verdict', async () => {
    const name = uniqueName('listed');
    await publishAll(name, ['1.0.0', '1.1.0', '2.0.0']);
    const body = await getJson<Versions>(`/api/v1/skills/${name}/versions`);
    expect(body.name).toBe(name);
    expect(body.versions.map((v) => v.version)).toEqual(['2.0.0', '1.1.0', '1.0.0']);
    for (const v of body.versions) {
      expect(Number.isInteger(v.auditScore)).toBe(true);
      expect(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL']).toContain(v.verdict);
    }
  });
});

describe('GET /api/v1/skills/:name/:version and its download', () => {
  const name = uniqueName('detail');
  const permissions = { network: { outbound: ['api.example.com'] }, filesystem: { read: ['./src/**'] } };
  let tarball: Buffer;
  beforeAll(async () => {
    tarball = await makeTarball(skillFiles(name, { 'scripts/run.sh': 'echo hi\n' }));
    await publishTarball({ name, version: '1.0.0', permissions }, tarball);
  });

  it('answers permissions, scan results, integrity, files and a download URL', async () => {
    const body = await getJson<VersionDetail>(`/api/v1/skills/${name}/1.0.0`);
    expect(body.version).toBe('1.0.0');
    expect(body.permissions).toEqual(permissions);
    expect(Number.isInteger(body.auditScore)).toBe(true);
    expect(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL']).toContain(body.verdict);
    expect(body.integrity).toBe(computeIntegrity(tarball));
    expect(typeof body.scanStatus).toBe('string');
    expect(Array.isArray(body.findings)).toBe(true);
    const skillMd = skillFiles(name)['SKILL.md'] as string;
    expect(body.files.find((f) => f.path === 'SKILL.md')?.sha256).toBe(computeSha256(Buffer.from(skillMd)));
    expect(body.files.map((f) => f.path).sort()).toEqual(['SKILL.md', 'scripts/run.sh']);
    expect(body.downloadUrl).toMatch(/^https?:\/\//);
    expect(body.downloads).toBe(0);
  });

  it('serves the uploaded bytes with an ETag, and 304 for If-None-Match', async () => {
    const { downloadUrl } = await getJson<VersionDetail>(`/api/v1/skills/${name}/1.0.0`);
    const res = await t.request(localPath(downloadUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(Buffer.from(await res.arrayBuffer()).equals(tarball)).toBe(true);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const cached = await t.request(localPath(downloadUrl), { headers: { 'If-None-Match': String(etag) } });
    expect(cached.status).toBe(304);
  });

  it('answers 403 for an expired or tampered download URL', async () => {
    const { downloadUrl } = await getJson<VersionDetail>(`/api/v1/skills/${name}/1.0.0`);
    const url = new URL(downloadUrl);
    const later = new URL(url);
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 86_400));
    expect((await t.request(localPath(later.toString()))).status).toBe(403);
    const forged = new URL(url);
    forged.searchParams.set('sig', `${url.searchParams.get('sig')?.slice(0, -2)}AA`);
    expect((await t.request(localPath(forged.toString()))).status).toBe(403);
    const otherVersion = new URL(url);
    otherVersion.pathname = `/api/v1/tarballs/${crypto.randomUUID()}`;
    expect((await t.request(localPath(otherVersion.toString()))).status).toBe(403);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
      expect((await t.request(localPath(downloadUrl))).status).toBe(403);
    } finally {
      vi.useRealTimers();
    }
    expect((await t.request(localPath(downloadUrl))).status).toBe(200);
  });
});

describe('download counts', () => {
  it('counts each download (not a 304) on the version and the package', async () => {
    const name = uniqueName('counted');
    await publishAll(name, ['1.0.0']);
    const { downloadUrl } = await getJson<VersionDetail>(`/api/v1/skills/${name}/1.0.0`);
    await t.deps.downloads.flush(); // earlier tests' downloads
    let etag = '';
    for (let i = 0; i < 3; i++) {
      const res = await t.request(localPath(downloadUrl));
      expect(res.status).toBe(200);
      etag = String(res.headers.get('etag'));
    }
    const cached = await t.request(localPath(downloadUrl), { headers: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
    // Counts are summed in memory and written in batches; the answers above are cached and must follow.
    expect(t.deps.downloads.pending()).toBe(3);
    await t.deps.downloads.flush();
    await t.deps.cacheSync(); // the flush's invalidations (immediate on PGlite, a notification on PostgreSQL)
    expect(t.deps.downloads.pending()).toBe(0);
    expect((await getJson<VersionDetail>(`/api/v1/skills/${name}/1.0.0`)).downloads).toBe(3);
    expect((await getJson<Skill>(`/api/v1/skills/${name}`)).downloads).toBe(3);
  });
});

describe('GET /api/v1/skills/:name/:version/files/:path', () => {
  const name = uniqueName('files');
  const files: TarballFiles = skillFiles(name, {
    'config.json': '{"a":1}\n',
    'page.html': '<html><script>alert(1)</script></html>\n',
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n',
    'scripts/run.sh': '#!/bin/sh\necho hi\n',
  });
  beforeAll(async () => {
    await publishTarball({ name, version: '1.0.0' }, await makeTarball(files));
  });

  it.each([
    ['SKILL.md', 'text/markdown'],
    ['config.json', 'application/json'],
    ['page.html', 'text/plain'],
    ['icon.svg', 'image/svg+xml'],
    ['scripts/run.sh', 'text/plain'],
  ])('serves %s as %s, sandboxed', async (path, type) => {
    const res = await t.request(`/api/v1/skills/${name}/1.0.0/files/${path}`);
    expect(res.status).toBe(200);
    const contentType = res.headers.get('content-type') ?? '';
    expect(contentType.split(';')[0]).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // No script source and a sandbox without allow-scripts: an SVG's <script> cannot run, opened or embedded.
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('sandbox');
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src|allow-scripts/);
    expect(await res.text()).toBe(files[path]);
  });

  it.each([
    ['a missing file', '1.0.0/files/nope.md'],
    ['an unknown version', '9.9.9/files/SKILL.md'],
    ['a dist-tag instead of a version', 'latest/files/SKILL.md'],
  ])('answers 404 for %s', async (_label, rest) => {
    const res = await t.request(`/api/v1/skills/${name}/${rest}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('NOT_FOUND');
  });

  it('answers 404 for an unknown or dist-tag version', async () => {
    expect((await t.request(`/api/v1/skills/${name}/9.9.9`)).status).toBe(404);
    expect((await t.request(`/api/v1/skills/${name}/latest`)).status).toBe(404);
  });
});

describe('latestVersion', () => {
  it('is the highest release, ignoring a higher pre-release', async () => {
    const name = uniqueName('latest');
    await publishAll(name, ['1.0.0', '2.0.0-beta.1', '1.1.0']);
    expect((await getJson<Skill>(`/api/v1/skills/${name}`)).latestVersion).toBe('1.1.0');
  });

  it('is the highest pre-release when there is no release', async () => {
    const name = uniqueName('prerelease');
    await publishAll(name, ['1.0.0-beta.1', '1.0.0-alpha.2']);
    expect((await getJson<Skill>(`/api/v1/skills/${name}`)).latestVersion).toBe('1.0.0-beta.1');
  });
});

describe('archives under a single top folder', () => {
  it('index and serve files without the folder', async () => {
    const name = uniqueName('prefixed');
    const tarball = await makeTarball(skillFiles(name, { 'docs/guide.md': '# Guide\n' }), {
      prefix: 'package/',
    });
    await publishTarball({ name, version: '1.0.0' }, tarball);
    const body = await getJson<VersionDetail>(`/api/v1/skills/${name}/1.0.0`);
    expect(body.files.map((f) => f.path).sort()).toEqual(['SKILL.md', 'docs/guide.md']);
    expect((await t.request(`/api/v1/skills/${name}/1.0.0/files/docs/guide.md`)).status).toBe(200);
  });
});
