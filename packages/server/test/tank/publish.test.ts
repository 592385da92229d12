import { randomBytes } from 'node:crypto';
import { computeIntegrity } from '@agentry/core';
import type { TankPublishStarted } from '@agentry/core/api';
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
  type TarballFiles,
  type TestManifest,
} from '../../../../test-support/tarball.js';
import { changeOrgMember, createOrg } from '../../src/domain/orgs.js';
import { sweepStalePublishes } from '../../src/domain/publish-cleanup.js';

type Issue = { path: (string | number)[] };
type ErrorBody = { error: string; issues?: Issue[] };
type Initiated = TankPublishStarted;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId);
});
afterAll(() => t.close());

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;
const jsonHeaders = (token: string) => ({ ...bearer(token), 'content-type': 'application/json' });

function initiate(token: string, manifest: unknown) {
  return t.request('/api/v1/skills', {
    method: 'POST',
    headers: jsonHeaders(token),
    body: JSON.stringify({ manifest }),
  });
}

async function initiateOk(token: string, manifest: TestManifest): Promise<Initiated> {
  const res = await initiate(token, manifestOf(manifest));
  expect(res.status).toBe(201);
  return (await res.json()) as Initiated;
}

function upload(url: string, bytes: Buffer) {
  return t.request(localPath(url), {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip' },
    body: new Uint8Array(bytes),
  });
}

function confirm(token: string, body: Record<string, unknown>) {
  return t.request('/api/v1/skills/confirm', {
    method: 'POST',
    headers: jsonHeaders(token),
    body: JSON.stringify(body),
  });
}

/** initiate → PUT → confirm with a tarball the caller keeps. */
async function publishFiles(token: string, manifest: TestManifest, files: TarballFiles) {
  const started = await initiateOk(token, manifest);
  const tarball = await makeTarball(files);
  expect((await upload(started.uploadUrl, tarball)).status).toBe(200);
  const res = await confirm(token, {
    skillId: started.skillId,
    versionId: started.versionId,
    integrity: computeIntegrity(tarball),
  });
  return { res, started, tarball };
}

const getStatus = async (path: string) => (await t.request(path)).status;

describe('POST /api/v1/skills', () => {
  it('answers 201 with an upload URL and uuid ids', async () => {
    const res = await initiate(owner.token, manifestOf({ name: uniqueName('init'), version: '1.0.0' }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Initiated;
    expect(body.uploadUrl).toMatch(/^https?:\/\//);
    expect(body.skillId).toMatch(uuid);
    expect(body.versionId).toMatch(uuid);
  });

  it('answers 401 without a token and 403 for a skills:read token', async () => {
    const manifest = manifestOf({ name: uniqueName('auth'), version: '1.0.0' });
    const anonymous = await t.request('/api/v1/skills', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ manifest }),
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error).toBe('UNAUTHORIZED');
    const reader = await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] });
    const readOnly = await initiate(reader.token, manifest);
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as ErrorBody).error).toBe('FORBIDDEN');
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['an upper-case name', { name: 'Bad_Name' }, ['manifest', 'name']],
    ['an empty scoped name', { name: '@acme/' }, ['manifest', 'name']],
    ['a partial semver', { version: '1.0' }, ['manifest', 'version']],
    ['no description', { description: undefined }, ['manifest', 'description']],
    ['a blank description', { description: '   ' }, ['manifest', 'description']],
    ['a description over 500 characters', { description: 'x'.repeat(501) }, ['manifest', 'description']],
    ['an unknown visibility', { visibility: 'internal' }, ['manifest', 'visibility']],
    ['no permissions', { permissions: undefined }, ['manifest', 'permissions']],
    [
      'an empty network host',
      { permissions: { network: { outbound: [''] } } },
      ['manifest', 'permissions', 'network', 'outbound', 0],
    ],
    ['an unknown permission', { permissions: { shell: true } }, ['manifest', 'permissions']],
    ['an unknown kind', { kind: 'plugin' }, ['manifest', 'kind']],
  ])('answers 422 VALIDATION_ERROR for %s', async (_label, change, path) => {
    const manifest = { ...manifestOf({ name: uniqueName('invalid'), version: '1.0.0' }), ...change };
    const res = await initiate(owner.token, manifest);
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toBe('VALIDATION_ERROR');
    expect(body.issues?.some((issue) => path.every((part, i) => issue.path[i] === part))).toBe(true);
  });

  it('answers 400 INVALID_JSON for a malformed body', async () => {
    const res = await t.request('/api/v1/skills', {
      method: 'POST',
      headers: jsonHeaders(owner.token),
      body: '{"manifest": {"name": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toBe('INVALID_JSON');
  });
});

describe('publishing rights', () => {
  it('needs an existing org and membership of it for a scoped name', async () => {
    const member = await createTestUser(t.deps, t.defaultTenantId);
    const outsider = await createTestUser(t.deps, t.defaultTenantId);
    await createOrg(t.deps.db, {
      tenantId: t.defaultTenantId,
      slug: 'acme',
      name: 'Acme',
      ownerId: member.id,
    });
    const missingOrg = await initiate(member.token, manifestOf({ name: '@no-such-org/x', version: '1.0.0' }));
    expect(missingOrg.status).toBe(403);
    const notMember = await initiate(outsider.token, manifestOf({ name: '@acme/x', version: '1.0.0' }));
    expect(notMember.status).toBe(403);
    expect(((await notMember.json()) as ErrorBody).error).toBe('FORBIDDEN');
    const ok = await initiate(member.token, manifestOf({ name: '@acme/x', version: '1.0.0' }));
    expect(ok.status).toBe(201);
  });

  it('answers 409 NAME_UNAVAILABLE for an unscoped name owned by another user', async () => {
    const name = uniqueName('owned');
    expect((await publishVersion(t, owner.token, { name, version: '1.0.0' })).status).toBe(200);
    const other = await createTestUser(t.deps, t.defaultTenantId);
    const res = await initiate(other.token, manifestOf({ name, version: '1.0.1' }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error).toBe('NAME_UNAVAILABLE');
  });

  it('answers 409 VERSION_EXISTS for a published version', async () => {
    const name = uniqueName('exists');
    expect((await publishVersion(t, owner.token, { name, version: '1.0.0' })).status).toBe(200);
    const res = await initiate(owner.token, manifestOf({ name, version: '1.0.0' }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error).toBe('VERSION_EXISTS');
  });

  it('answers 409 to another member while an unexpired upload is pending, 201 once it expired', async () => {
    const slug = uniqueName('pending-org');
    const org = await createOrg(t.deps.db, {
      tenantId: t.defaultTenantId,
      slug,
      name: slug,
      ownerId: owner.id,
    });
    const colleague = await createTestUser(t.deps, t.defaultTenantId);
    await changeOrgMember(t.deps.db, {
      tenantId: t.defaultTenantId,
      org,
      actorId: owner.id,
      username: colleague.username,
      role: 'member',
    });
    const name = `@${slug}/pending`;
    const first = await initiateOk(owner.token, { name, version: '1.0.0' });
    const again = await initiate(colleague.token, manifestOf({ name, version: '1.0.0' }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error).toBe('VERSION_EXISTS');
    await t.deps.db
      .updateTable('versions')
      .set({ upload_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', first.versionId)
      .execute();
    expect((await initiate(colleague.token, manifestOf({ name, version: '1.0.0' }))).status).toBe(201);
  });

  it('lets a failed version be published again', async () => {
    const name = uniqueName('retry');
    const wrong = computeIntegrity(Buffer.from('other bytes'));
    const failed = await publishVersion(t, owner.token, { name, version: '1.0.0' }, undefined, {
      integrity: wrong,
    });
    expect(failed.status).toBe(422);
    const retried = await publishVersion(t, owner.token, { name, version: '1.0.0' });
    expect(retried.status).toBe(200);
    expect(await getStatus(`/api/v1/skills/${name}/1.0.0`)).toBe(200);
  });
});

describe('permission escalation', () => {
  const base = { network: { outbound: ['api.example.com'] }, filesystem: { read: ['./docs/**'] } };
  const withRead = { ...base, filesystem: { read: ['./docs/**', './src/**'] } };
  const withHost = { ...base, network: { outbound: ['api.example.com', 'cdn.example.com'] } };
  const withSubprocess = { ...base, subprocess: true };

  it.each<[string, string, number, Record<string, unknown>]>([
    ['a PATCH adding filesystem read', '1.0.1', 422, withRead],
    ['a PATCH adding a network host', '1.0.1', 422, withHost],
    ['a MINOR adding a network host', '1.1.0', 422, withHost],
    ['a MINOR adding subprocess', '1.1.0', 422, withSubprocess],
    ['a MINOR adding filesystem read', '1.1.0', 201, withRead],
    ['a MAJOR adding a network host', '2.0.0', 201, withHost],
    ['a PATCH with identical permissions', '1.0.1', 201, base],
  ])('%s (%s after 1.0.0) answers %i', async (_label, version, status, permissions) => {
    const name = uniqueName('perm');
    const first = await publishVersion(t, owner.token, { name, version: '1.0.0', permissions: base });
    expect(first.status).toBe(200);
    const res = await initiate(owner.token, manifestOf({ name, version, permissions }));
    expect(res.status).toBe(status);
    if (status === 422) {
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toBe('VALIDATION_ERROR');
      expect(body.issues?.map((issue) => issue.path)).toContainEqual(['manifest', 'permissions']);
    }
  });

  it('compares with the highest earlier version, not a later one', async () => {
    const name = uniqueName('backport');
    const network = { network: { outbound: ['api.example.com'] } };
    expect((await publishVersion(t, owner.token, { name, version: '1.0.0' })).status).toBe(200);
    expect(
      (await publishVersion(t, owner.token, { name, version: '2.0.0', permissions: network })).status,
    ).toBe(200);
    const backport = await publishVersion(t, owner.token, { name, version: '1.0.1' });
    expect(backport.status).toBe(200);
    const escalating = await initiate(
      owner.token,
      manifestOf({ name, version: '1.0.2', permissions: network }),
    );
    expect(escalating.status).toBe(422);
  });
});

describe('upload URL', () => {
  it('accepts one PUT and answers 409 UPLOAD_COMPLETE to a second', async () => {
    const started = await initiateOk(owner.token, { name: uniqueName('put'), version: '1.0.0' });
    const tarball = await makeTarball(skillFiles('put'));
    expect((await upload(started.uploadUrl, tarball)).status).toBe(200);
    const second = await upload(started.uploadUrl, tarball);
    expect(second.status).toBe(409);
    expect(((await second.json()) as ErrorBody).error).toBe('UPLOAD_COMPLETE');
  });
});

describe('POST /api/v1/skills/confirm', () => {
  it('publishes and answers the scan result', async () => {
    const name = uniqueName('confirm');
    const result = await publishVersion(t, owner.token, { name, version: '1.0.0' });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ success: true, name, version: '1.0.0', status: 'published' });
    expect(Number.isInteger(result.body.auditScore)).toBe(true);
    expect(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL']).toContain(result.body.verdict);
    expect(await getStatus(`/api/v1/skills/${name}/1.0.0`)).toBe(200);
  });

  it('answers 422 on an integrity mismatch and keeps the version invisible', async () => {
    const name = uniqueName('mismatch');
    const result = await publishVersion(t, owner.token, { name, version: '1.0.0' }, undefined, {
      integrity: computeIntegrity(Buffer.from('not the tarball')),
    });
    expect(result.status).toBe(422);
    expect((result.body as ErrorBody).issues?.map((issue) => issue.path)).toContainEqual(['integrity']);
    expect(await getStatus(`/api/v1/skills/${name}/1.0.0`)).toBe(404);
  });

  it('answers 422 before the upload, and works once the tarball is uploaded', async () => {
    const started = await initiateOk(owner.token, { name: uniqueName('early'), version: '1.0.0' });
    const tarball = await makeTarball(skillFiles('early'));
    const body = {
      skillId: started.skillId,
      versionId: started.versionId,
      integrity: computeIntegrity(tarball),
    };
    expect((await confirm(owner.token, body)).status).toBe(422);
    expect((await upload(started.uploadUrl, tarball)).status).toBe(200);
    expect((await confirm(owner.token, body)).status).toBe(200);
  });

  it('answers 422 for a skill without SKILL.md and keeps it invisible', async () => {
    const name = uniqueName('no-skill-md');
    const { res } = await publishFiles(owner.token, { name, version: '1.0.0' }, { 'README.md': '# Hi\n' });
    expect(res.status).toBe(422);
    expect(await getStatus(`/api/v1/skills/${name}/1.0.0`)).toBe(404);
  });

  it('publishes an agent without SKILL.md', async () => {
    const name = uniqueName('agent');
    const { res } = await publishFiles(
      owner.token,
      { name, version: '1.0.0', kind: 'agent' },
      { 'AGENT.md': '# Agent\n' },
    );
    expect(res.status).toBe(200);
  });

  it('answers 422 for an upload that is not gzip', async () => {
    const started = await initiateOk(owner.token, { name: uniqueName('corrupt'), version: '1.0.0' });
    const bytes = Buffer.from('this is not a gzip stream at all');
    expect((await upload(started.uploadUrl, bytes)).status).toBe(200);
    const res = await confirm(owner.token, {
      skillId: started.skillId,
      versionId: started.versionId,
      integrity: computeIntegrity(bytes),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorBody).error).toBe('VALIDATION_ERROR');
  });

  it('answers 404 to another user and for an unknown version, 422 for non-uuid ids', async () => {
    const started = await initiateOk(owner.token, { name: uniqueName('foreign'), version: '1.0.0' });
    const tarball = await makeTarball(skillFiles('foreign'));
    expect((await upload(started.uploadUrl, tarball)).status).toBe(200);
    const body = {
      skillId: started.skillId,
      versionId: started.versionId,
      integrity: computeIntegrity(tarball),
    };
    const other = await createTestUser(t.deps, t.defaultTenantId);
    expect((await confirm(other.token, body)).status).toBe(404);
    expect((await confirm(owner.token, { ...body, versionId: crypto.randomUUID() })).status).toBe(404);
    const bad = await confirm(owner.token, { ...body, skillId: 'skill_1', versionId: 'ver_1' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as ErrorBody).issues?.map((issue) => issue.path[0]).sort()).toEqual([
      'skillId',
      'versionId',
    ]);
    // The owner's own confirm still goes through after the refusals.
    expect((await confirm(owner.token, body)).status).toBe(200);
  });

  it('answers a retried confirm of a published version with the same result', async () => {
    const { res, started, tarball } = await publishFiles(
      owner.token,
      { name: uniqueName('retried'), version: '1.0.0' },
      skillFiles('retried'),
    );
    expect(res.status).toBe(200);
    const first = await res.json();
    const again = await confirm(owner.token, {
      skillId: started.skillId,
      versionId: started.versionId,
      integrity: computeIntegrity(tarball),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
  });

  it("accepts Tank's fileCount and tarballSize", async () => {
    const started = await initiateOk(owner.token, { name: uniqueName('overview'), version: '1.0.0' });
    const tarball = await makeTarball(skillFiles('overview'));
    expect((await upload(started.uploadUrl, tarball)).status).toBe(200);
    const res = await confirm(owner.token, {
      skillId: started.skillId,
      versionId: started.versionId,
      integrity: computeIntegrity(tarball),
      fileCount: 1,
      tarballSize: tarball.length,
    });
    expect(res.status).toBe(200);
  });

  it('accepts an integrity wrapped by GNU base64 (a raw line break inside the JSON string)', async () => {
    const started = await initiateOk(owner.token, { name: uniqueName('wrapped'), version: '1.0.0' });
    const tarball = await makeTarball(skillFiles('wrapped'));
    expect((await upload(started.uploadUrl, tarball)).status).toBe(200);
    const integrity = computeIntegrity(tarball);
    const wrapped = `${integrity.slice(0, 76)}\n${integrity.slice(76)}`;
    const res = await t.request('/api/v1/skills/confirm', {
      method: 'POST',
      headers: jsonHeaders(owner.token),
      body: `{"skillId":"${started.skillId}","versionId":"${started.versionId}","integrity":"${wrapped}"}`,
    });
    expect(res.status).toBe(200);
  });
});

describe('pending versions', () => {
  it('are not listed, not latest and not readable until confirmed', async () => {
    const name = uniqueName('unconfirmed');
    expect((await publishVersion(t, owner.token, { name, version: '1.0.0' })).status).toBe(200);
    const started = await initiateOk(owner.token, { name, version: '1.1.0' });
    expect((await upload(started.uploadUrl, await makeTarball(skillFiles(name)))).status).toBe(200);
    const versions = (await (await t.request(`/api/v1/skills/${name}/versions`)).json()) as {
      versions: { version: string }[];
    };
    expect(versions.versions.map((v) => v.version)).toEqual(['1.0.0']);
    const pkg = (await (await t.request(`/api/v1/skills/${name}`)).json()) as { latestVersion: string };
    expect(pkg.latestVersion).toBe('1.0.0');
    expect(await getStatus(`/api/v1/skills/${name}/1.1.0`)).toBe(404);
    expect(await getStatus(`/api/v1/skills/${name}/1.1.0/files/SKILL.md`)).toBe(404);
  });

  it('do not make a never-published name exist for readers', async () => {
    const name = uniqueName('reserved');
    await initiateOk(owner.token, { name, version: '1.0.0' });
    expect(await getStatus(`/api/v1/skills/${name}`)).toBe(404);
    expect(await getStatus(`/api/v1/skills/${name}/versions`)).toBe(404);
    expect(await getStatus(`/api/v1/badge/${name}`)).toBe(404);
  });
});

describe('sweepStalePublishes', () => {
  const blobKeyOf = async (versionId: string) =>
    (
      await t.deps.db
        .selectFrom('versions')
        .select('blob_key')
        .where('id', '=', versionId)
        .executeTakeFirstOrThrow()
    ).blob_key;
  const expire = (versionId: string) =>
    t.deps.db
      .updateTable('versions')
      .set({ upload_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', versionId)
      .execute();

  it('deletes an expired upload with its blob, and the package when nothing was published', async () => {
    const name = uniqueName('stale');
    const started = await initiateOk(owner.token, { name, version: '1.0.0' });
    expect((await upload(started.uploadUrl, await makeTarball(skillFiles(name)))).status).toBe(200);
    const key = await blobKeyOf(started.versionId);
    expect(await t.deps.blobs.head(key)).toBeDefined();
    const live = await initiateOk(owner.token, { name: uniqueName('live'), version: '1.0.0' });
    await expire(started.versionId);
    expect(await sweepStalePublishes(t.deps)).toBeGreaterThanOrEqual(1);
    const row = await t.deps.db
      .selectFrom('versions')
      .select('id')
      .where('id', '=', started.versionId)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    expect(await t.deps.blobs.head(key)).toBeUndefined();
    expect(await getStatus(`/api/v1/skills/${name}`)).toBe(404);
    // An unexpired upload is left alone.
    expect(await blobKeyOf(live.versionId)).toBeTruthy();
  });

  it('keeps a package with a published version', async () => {
    const name = uniqueName('kept');
    expect((await publishVersion(t, owner.token, { name, version: '1.0.0' })).status).toBe(200);
    const started = await initiateOk(owner.token, { name, version: '1.1.0' });
    await expire(started.versionId);
    await sweepStalePublishes(t.deps);
    const pkg = await t.request(`/api/v1/skills/${name}`);
    expect(pkg.status).toBe(200);
    expect(((await pkg.json()) as { latestVersion: string }).latestVersion).toBe('1.0.0');
    expect(await getStatus(`/api/v1/skills/${name}/1.0.0`)).toBe(200);
    expect((await initiate(owner.token, manifestOf({ name, version: '1.1.0' }))).status).toBe(201);
  });
});

describe('upload size limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ env: { MAX_UPLOAD_BYTES: '2048' } });
  });
  afterAll(() => small.close());

  it('answers 413 to an upload larger than MAX_UPLOAD_BYTES and accepts a smaller one', async () => {
    const user = await createTestUser(small.deps, small.defaultTenantId);
    const start = async (name: string) => {
      const res = await small.request('/api/v1/skills', {
        method: 'POST',
        headers: jsonHeaders(user.token),
        body: JSON.stringify({ manifest: manifestOf({ name, version: '1.0.0' }) }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as Initiated;
    };
    const put = (url: string, bytes: Buffer) =>
      small.request(localPath(url), {
        method: 'PUT',
        headers: { 'content-type': 'application/gzip' },
        body: new Uint8Array(bytes),
      });
    const big = await put((await start('too-big')).uploadUrl, randomBytes(4096));
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error).toBe('PAYLOAD_TOO_LARGE');
    expect((await put((await start('fits')).uploadUrl, randomBytes(1024))).status).toBe(200);
  });
});
