/**
 * Publish safety (issue 15 items 1, 5, 6, 11; issue 18's confirm items), in-process over a real database:
 * every publish path refuses an unsafe archive with `unsafe_archive` and stores nothing (no version,
 * no package shell, no blob), whatever the tenant's policy; a crash-left or failed reservation never
 * blocks its own publisher; a name someone else owns answers `name_unavailable` whether it is public or
 * private; Tank's CLI confirms by versionId alone.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { computeIntegrity, manifestSchema } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../test-support/app.js';
import { makeTempDir } from '../../../test-support/db.js';
import { type GitHttpServer, startGitHttpServer } from '../../../test-support/git-http-server.js';
import {
  createHostileRepos,
  type HostileRepo,
  hostileCorpus,
  rawTarball,
  skillMd,
} from '../../../test-support/hostile-archives.js';
import {
  localPath,
  makeTarball,
  manifestOf,
  skillFiles,
  type TestManifest,
} from '../../../test-support/tarball.js';
import { changeOrgMember, createOrg } from '../src/domain/orgs.js';
import { publishArchive } from '../src/domain/publish.js';
import { recoverInterruptedPublishes } from '../src/domain/publish-cleanup.js';
import { publishDepsOf } from '../src/domain/publish-deps.js';
import { readBlob, tarballKey } from '../src/domain/versions.js';

type Body = {
  id?: string;
  error?: string;
  message?: string;
  details?: Record<string, unknown>;
  skillId?: string;
  versionId?: string;
  uploadUrl?: string;
};

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_ANONYMOUS: '100000',
      RATE_LIMIT_AUTHENTICATED: '100000',
      IMPORT_ALLOW_PRIVATE_HOSTS: 'true',
    },
  });
  alice = await createTestUser(t.deps, t.defaultTenantId);
  bob = await createTestUser(t.deps, t.defaultTenantId);
}, 60_000);
afterAll(() => t.close());

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

async function post(path: string, token: string, body: unknown) {
  const res = await t.request(path, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

async function initiate(token: string, manifest: TestManifest | Record<string, unknown>) {
  return post('/api/v1/skills', token, { manifest });
}

async function put(uploadUrl: string, bytes: Buffer) {
  const res = await t.request(localPath(uploadUrl), {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip' },
    body: new Uint8Array(bytes),
  });
  return res.status;
}

/** Tank's two-phase publish of these exact bytes; confirm body as Tank's CLI sends it unless told. */
async function tankPublish(token: string, name: string, bytes: Buffer, version = '1.0.0') {
  const started = await initiate(token, manifestOf({ name, version }));
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  expect(await put(String(started.body.uploadUrl), bytes)).toBe(200);
  const confirmed = await post('/api/v1/skills/confirm', token, {
    versionId: started.body.versionId,
    integrity: computeIntegrity(bytes),
    fileCount: 2,
    tarballSize: 123,
    readme: '',
  });
  return { ...confirmed, versionId: String(started.body.versionId) };
}

/** Nothing of name is stored: no package, no version rows, no blob for the version. */
async function expectNothingStored(name: string, versionId?: string) {
  const pkg = await t.deps.db
    .selectFrom('packages')
    .select('id')
    .where('tenant_id', '=', t.defaultTenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  expect(pkg, `package ${name} left behind`).toBeUndefined();
  if (versionId) {
    const row = await t.deps.db
      .selectFrom('versions')
      .select('id')
      .where('id', '=', versionId)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    const blob = await readBlob(t.deps.blobs, tarballKey(t.defaultTenantId, versionId), 1 << 30);
    expect(blob, 'blob left behind').toBeUndefined();
  }
}

async function setRefuseFailing(on: boolean) {
  await t.deps.db
    .updateTable('tenants')
    .set({ refuse_failing_scans: on })
    .where('id', '=', t.defaultTenantId)
    .execute();
}

describe('unsafe archives on Tank confirm', () => {
  const corpus = hostileCorpus();
  const unsafe = corpus.filter((c) => c.code === 'unsafe_archive');

  it.each(unsafe.map((c) => [c.label, c] as const))(
    'refuses %s with UNSAFE_ARCHIVE and stores nothing',
    async (_label, c) => {
      const name = uniqueName('hostile');
      const res = await tankPublish(alice.token, name, c.bytes);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('UNSAFE_ARCHIVE');
      expect(res.body.details?.reason).toBe(c.reason);
      if (c.entry) expect(res.body.details?.entry).toBe(c.entry);
      await expectNothingStored(name, res.versionId);
    },
  );

  it('refuses them even when the tenant refuses failing scans (the unsafe code wins over scan_rejected)', async () => {
    await setRefuseFailing(true);
    try {
      const c = unsafe.find((x) => x.reason === 'archive_link');
      const name = uniqueName('hostile-policy');
      const res = await tankPublish(alice.token, name, c?.bytes ?? Buffer.alloc(0));
      expect([res.status, res.body.error]).toEqual([422, 'UNSAFE_ARCHIVE']);
      await expectNothingStored(name, res.versionId);
    } finally {
      await setRefuseFailing(false);
    }
  });

  it('refuses a truncated gzip with VALIDATION_ERROR and deletes its blob', async () => {
    const c = corpus.find((x) => x.label === 'truncated gzip');
    const name = uniqueName('truncated');
    const res = await tankPublish(alice.token, name, c?.bytes ?? Buffer.alloc(0));
    expect([res.status, res.body.error]).toEqual([422, 'VALIDATION_ERROR']);
    await expectNothingStored(name, res.versionId);
  });

  it('keeps an earlier published version when a later one is refused, and the name stays usable', async () => {
    const name = uniqueName('keeps');
    const good = await tankPublish(alice.token, name, await makeTarball(skillFiles(name)));
    expect(good.status).toBe(200);
    const bad = await tankPublish(
      alice.token,
      name,
      rawTarball([
        { path: 'SKILL.md', body: skillMd(name) },
        { path: '../x', body: 'x' },
      ]),
      '1.0.1',
    );
    expect(bad.body.error).toBe('UNSAFE_ARCHIVE');
    expect((await t.request(`/api/v1/skills/${name}/1.0.0`)).status).toBe(200);
    expect((await t.request(`/api/v1/skills/${name}/1.0.1`)).status).toBe(404);
    const row = await t.deps.db
      .selectFrom('versions')
      .select('id')
      .where('id', '=', bad.versionId)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    expect((await tankPublish(alice.token, name, await makeTarball(skillFiles(name)), '1.0.1')).status).toBe(
      200,
    );
  });

  it('POST /api/v1/scan still reports the unsafe entries as findings', async () => {
    const c = unsafe.find((x) => x.reason === 'path_traversal');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(c?.bytes ?? Buffer.alloc(0))]), 'x.tgz');
    const res = await t.request('/api/v1/scan', { method: 'POST', headers: bearer(alice.token), body: form });
    expect(res.status).toBe(200);
    // Tank's scan answer upper-cases rule ids.
    expect(JSON.stringify(await res.json()).toLowerCase()).toContain('path_traversal');
  });
});

describe('binaries by magic bytes', () => {
  const binaries = hostileCorpus().filter((c) => c.code === 'scan_rejected');

  it('publishes them with a FAIL verdict under the default policy', async () => {
    const c = binaries[0];
    const name = uniqueName('binary');
    const res = await tankPublish(alice.token, name, c?.bytes ?? Buffer.alloc(0));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ verdict: 'FAIL' });
  });

  it.each(binaries.map((c) => [c.label, c] as const))(
    'refuses %s when the tenant refuses failing scans',
    async (_label, c) => {
      await setRefuseFailing(true);
      try {
        const name = uniqueName('binary-refused');
        const res = await tankPublish(alice.token, name, c.bytes);
        expect([res.status, res.body.error]).toEqual([422, 'SCAN_REJECTED']);
        expect(JSON.stringify(res.body.details)).toContain('binary_content');
        await expectNothingStored(name, res.versionId);
      } finally {
        await setRefuseFailing(false);
      }
    },
  );
});

describe('unsafe archives on the other publish paths', () => {
  const link = rawTarball([
    { path: 'SKILL.md', body: skillMd() },
    { path: 'passwd', type: '2', linkpath: '/etc/passwd' },
  ]);

  it('AI Toolkit multipart upload answers unsafe_archive in its envelope and stores no version', async () => {
    const name = uniqueName('aitk-hostile');
    const created = await post('/api/v1/artifacts', alice.token, { name, type: 'skill', description: 'x' });
    expect(created.status).toBe(201);
    const form = new FormData();
    form.append('version', '1.0.0');
    form.append('tarball', new Blob([new Uint8Array(link)]), 'a.tgz');
    const res = await t.request(`/api/v1/artifacts/${alice.username}/${name}/versions`, {
      method: 'POST',
      headers: { 'x-api-token': alice.token },
      body: form,
    });
    const body = (await res.json()) as Body;
    expect([res.status, body.error]).toEqual([422, 'unsafe_archive']);
    expect(body.details).toMatchObject({ entry: 'passwd', reason: 'archive_link' });
    const versions = await t.deps.db
      .selectFrom('versions')
      .innerJoin('packages', 'packages.id', 'versions.package_id')
      .select('versions.id')
      .where('packages.name', '=', `@${alice.username}/${name}`)
      .execute();
    expect(versions).toEqual([]);
  });

  it('the shared pipeline (publishArchive, for every later surface) refuses and stores nothing', async () => {
    const name = uniqueName('shared');
    const blobDir = join(t.database.dataDir, 'blobs', 'tarballs', t.defaultTenantId);
    const blobsBefore = existsSync(blobDir) ? readdirSync(blobDir).length : 0;
    const attempt = publishArchive(publishDepsOf(t.deps), {
      tenantId: t.defaultTenantId,
      viewer: { userId: alice.id, scopes: ['skills:read', 'skills:publish'] },
      manifest: manifestSchema.parse(manifestOf({ name, version: '1.0.0' })),
      bytes: link,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'unsafe_archive', details: { entry: 'passwd' } });
    await expectNothingStored(name);
    expect(existsSync(blobDir) ? readdirSync(blobDir).length : 0).toBe(blobsBefore);
  });
});

describe('unsafe repositories on the ayaiay import', () => {
  let git: GitHttpServer;
  let repos: HostileRepo[];
  beforeAll(async () => {
    const root = makeTempDir('hostile-git');
    repos = createHostileRepos(root);
    git = await startGitHttpServer(root);
  }, 60_000);
  afterAll(() => git?.close());

  it('refuses each with its code in the ayaiay envelope and stores no pack', async () => {
    const publisher = await post('/api/v1/packs/publishers', alice.token, {
      name: uniqueName('hostile-pub'),
      display_name: 'Hostile',
    });
    expect(publisher.status).toBe(201);
    await setRefuseFailing(true);
    try {
      for (const repo of repos) {
        const res = await t.request('/api/v1/packs/import', {
          method: 'POST',
          headers: { ...bearer(alice.token), 'content-type': 'application/json' },
          body: JSON.stringify({
            repo_url: `${git.url}/${repo.name}`,
            publisher_id: publisher.body.id,
            git_tag: 'v1.0.0',
          }),
        });
        const body = (await res.json()) as { error?: { code: string; details: Record<string, unknown> } };
        expect([repo.label, res.status, body.error?.code]).toEqual([
          repo.label,
          422,
          repo.code.toUpperCase(),
        ]);
        if (repo.code === 'unsafe_archive') expect(body.error?.details.reason).toBe(repo.reason);
        if (repo.entry) expect(body.error?.details.entry).toBe(repo.entry);
      }
    } finally {
      await setRefuseFailing(false);
    }
    const stored = await t.deps.db
      .selectFrom('versions')
      .select('id')
      .where('package_id', 'in', (eb) =>
        eb.selectFrom('packages').select('id').where('org_id', '=', String(publisher.body.id)),
      )
      .execute();
    expect(stored).toEqual([]);
  }, 60_000);
});

describe('a name someone else owns (issue 15 item 11)', () => {
  it('answers 409 NAME_UNAVAILABLE alike for a public and a private name', async () => {
    const publicName = uniqueName('taken-public');
    const privateName = uniqueName('taken-private');
    const files = (n: string) => makeTarball(skillFiles(n));
    expect((await tankPublish(alice.token, publicName, await files(publicName))).status).toBe(200);
    const started = await initiate(
      alice.token,
      manifestOf({ name: privateName, version: '1.0.0', visibility: 'private' }),
    );
    const bytes = await files(privateName);
    expect(await put(String(started.body.uploadUrl), bytes)).toBe(200);
    expect(
      (
        await post('/api/v1/skills/confirm', alice.token, {
          versionId: started.body.versionId,
          integrity: computeIntegrity(bytes),
        })
      ).status,
    ).toBe(200);
    expect((await t.request(`/api/v1/skills/${privateName}`, { headers: bearer(bob.token) })).status).toBe(
      404,
    );

    const onPublic = await initiate(bob.token, manifestOf({ name: publicName, version: '2.0.0' }));
    const onPrivate = await initiate(bob.token, manifestOf({ name: privateName, version: '2.0.0' }));
    expect([onPublic.status, onPublic.body.error]).toEqual([409, 'NAME_UNAVAILABLE']);
    expect([onPrivate.status, onPrivate.body.error]).toEqual([409, 'NAME_UNAVAILABLE']);
    // Identical apart from the name the caller sent.
    expect(JSON.stringify(onPrivate.body).replaceAll(privateName, 'N')).toBe(
      JSON.stringify(onPublic.body).replaceAll(publicName, 'N'),
    );
  });
});

describe('retrying an unfinished publish (issue 15 item 5, issue 18)', () => {
  async function reserveAndUpload(token: string, name: string) {
    const bytes = await makeTarball(skillFiles(name));
    const started = await initiate(token, manifestOf({ name, version: '1.0.0' }));
    expect(started.status).toBe(201);
    expect(await put(String(started.body.uploadUrl), bytes)).toBe(200);
    return { bytes, versionId: String(started.body.versionId), skillId: String(started.body.skillId) };
  }
  /** What a kill -9 in the middle of confirm leaves: the row claimed, the process gone. */
  const crashMidConfirm = (versionId: string) =>
    t.deps.db
      .updateTable('versions')
      .set({ status: 'scanning', scanned_at: new Date() })
      .where('id', '=', versionId)
      .execute();

  it('lets the same publisher confirm again a version a crash left scanning', async () => {
    const name = uniqueName('crashed');
    const r = await reserveAndUpload(alice.token, name);
    await crashMidConfirm(r.versionId);
    const again = await post('/api/v1/skills/confirm', alice.token, {
      versionId: r.versionId,
      integrity: computeIntegrity(r.bytes),
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await t.request(`/api/v1/skills/${name}/1.0.0`)).status).toBe(200);
  });

  it('lets the same publisher initiate the same name@version again, while another publisher still gets 409', async () => {
    const slug = uniqueName('team');
    const org = await createOrg(t.deps.db, {
      tenantId: t.defaultTenantId,
      slug,
      name: slug,
      ownerId: alice.id,
    });
    await changeOrgMember(t.deps.db, {
      tenantId: t.defaultTenantId,
      org,
      actorId: alice.id,
      username: bob.username,
      role: 'member',
    });
    const name = `@${slug}/skill`;
    const r = await reserveAndUpload(alice.token, name);
    await crashMidConfirm(r.versionId);
    const other = await initiate(bob.token, manifestOf({ name, version: '1.0.0' }));
    expect([other.status, other.body.error]).toEqual([409, 'VERSION_EXISTS']);
    const otherConfirm = await post('/api/v1/skills/confirm', bob.token, {
      versionId: r.versionId,
      integrity: computeIntegrity(r.bytes),
    });
    expect(otherConfirm.status).toBe(409);
    const retried = await tankPublish(alice.token, name, r.bytes);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    // The replaced reservation's bytes are gone.
    expect(await readBlob(t.deps.blobs, tarballKey(t.defaultTenantId, r.versionId), 1 << 30)).toBeUndefined();
  });

  it('lets the same publisher re-initiate over an unconfirmed reservation (Tank CLI after a failed PUT)', async () => {
    const name = uniqueName('unconfirmed');
    expect((await initiate(alice.token, manifestOf({ name, version: '1.0.0' }))).status).toBe(201);
    const again = await initiate(alice.token, manifestOf({ name, version: '1.0.0' }));
    expect(again.status).toBe(201);
  });

  it('recovers interrupted scans at start-up: the row becomes a reservation again and confirms', async () => {
    const name = uniqueName('recovered');
    const r = await reserveAndUpload(alice.token, name);
    await crashMidConfirm(r.versionId);
    expect(await recoverInterruptedPublishes(t.deps.db, { stuckAfterMs: 0 })).toBeGreaterThanOrEqual(1);
    const row = await t.deps.db
      .selectFrom('versions')
      .select('status')
      .where('id', '=', r.versionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending-upload');
    const again = await post('/api/v1/skills/confirm', alice.token, {
      versionId: r.versionId,
      integrity: computeIntegrity(r.bytes),
    });
    expect(again.status).toBe(200);
  });

  it('deletes the blob of a failed confirm (integrity mismatch), and the retry publishes', async () => {
    const name = uniqueName('mismatch');
    const r = await reserveAndUpload(alice.token, name);
    const wrong = await post('/api/v1/skills/confirm', alice.token, {
      versionId: r.versionId,
      integrity: computeIntegrity(Buffer.from('other')),
    });
    expect([wrong.status, wrong.body.error]).toEqual([422, 'VALIDATION_ERROR']);
    await expectNothingStored(name, r.versionId);
    expect((await tankPublish(alice.token, name, r.bytes)).status).toBe(200);
  });
});

describe("Tank CLI's publish body", () => {
  it('confirms with {versionId, integrity, fileCount, tarballSize, readme} and no skillId, and a manifest without visibility is public', async () => {
    const name = uniqueName('tank-cli');
    const { visibility: _omitted, ...manifest } = manifestOf({ name, version: '1.0.0' });
    const started = await initiate(alice.token, manifest);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const bytes = await makeTarball(skillFiles(name));
    expect(await put(String(started.body.uploadUrl), bytes)).toBe(200);
    const confirmed = await post('/api/v1/skills/confirm', alice.token, {
      versionId: started.body.versionId,
      integrity: computeIntegrity(bytes),
      fileCount: 1,
      tarballSize: 999_999,
      readme: '',
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const read = await t.request(`/api/v1/skills/${name}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ visibility: 'public' });
  });

  it('still checks a skillId when one is sent', async () => {
    const name = uniqueName('tank-skillid');
    const started = await initiate(alice.token, manifestOf({ name, version: '1.0.0' }));
    const bytes = await makeTarball(skillFiles(name));
    expect(await put(String(started.body.uploadUrl), bytes)).toBe(200);
    const wrong = await post('/api/v1/skills/confirm', alice.token, {
      skillId: crypto.randomUUID(),
      versionId: started.body.versionId,
      integrity: computeIntegrity(bytes),
    });
    expect(wrong.status).toBe(404);
  });
});
