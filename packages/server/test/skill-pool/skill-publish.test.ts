/**
 * `POST /v1/skills` (multipart bundle + metadata through the shared pipeline), `POST /v1/skills/validate`
 * and `POST /v1/skills/{slug}/archive`: every documented refusal is a 4xx that stores nothing (the 409 on
 * a range conflict included), auth is 401 before 403, and tenants stay apart.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { makeTarball } from '../../../../test-support/tarball.js';
import { call, secondTenant, skillMdOf, spPublish } from './support.js';

let t: TestApp;
let publisher: TestUser;
let reader: TestUser;
let admin: TestUser;

async function packageCount(name: string): Promise<number> {
  const rows = await t.deps.db.selectFrom('packages').select('id').where('name', '=', name).execute();
  return rows.length;
}

async function versionsOf(name: string): Promise<string[]> {
  const rows = await t.deps.db
    .selectFrom('versions as v')
    .innerJoin('packages as p', 'p.id', 'v.package_id')
    .select('v.version')
    .where('p.name', '=', name)
    .orderBy('v.version')
    .execute();
  return rows.map((row) => row.version);
}

/** A gzip tar holding SKILL.md and a symbolic link, as a hostile client would send. */
async function tarWithLink(): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-sp-link-'));
  try {
    writeFileSync(join(dir, 'SKILL.md'), skillMdOf('linked'));
    mkdirSync(join(dir, 'docs'));
    symlinkSync('/etc/passwd', join(dir, 'docs', 'passwd'));
    const chunks: Buffer[] = [];
    for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, ['SKILL.md', 'docs/passwd']))
      chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  t = await createTestApp();
  publisher = await createTestUser(t.deps, t.defaultTenantId, { role: 'publisher' });
  reader = await createTestUser(t.deps, t.defaultTenantId, { role: 'viewer', scopes: ['skills:read'] });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
}, 60_000);
afterAll(() => t.close());

describe('POST /v1/skills', () => {
  it('publishes: 201 with the Skill, merged tags, when_to_use from metadata, SHA-256 stored, scanned', async () => {
    const res = await spPublish(t, {
      token: publisher.token,
      slug: 'pool-made',
      version: '1.0.0',
      files: {
        'SKILL.md': skillMdOf('pool-made', 'tags:\n  - rust\n  - axum\nwhen_to_use: never mind\n'),
        'scripts/run.sh': 'echo hi\n',
      },
      metadata: {
        slug: 'pool-made',
        version: '1.0.0',
        tags: ['axum', 'web'],
        when_to_use: 'When writing handlers.',
        description: 'ignored',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      slug: 'pool-made',
      name: 'pool-made',
      kind: 'skill',
      version: '1.0.0',
      description: 'pool-made does one useful thing well.',
      when_to_use: 'When writing handlers.',
      tags: ['rust', 'axum', 'web'],
      status: 'published',
      created_at: expect.any(String),
    });
    const version = await t.deps.db
      .selectFrom('versions as v')
      .innerJoin('packages as p', 'p.id', 'v.package_id')
      .select(['v.manifest', 'v.verdict', 'v.status', 'v.files'])
      .where('p.name', '=', 'pool-made')
      .executeTakeFirstOrThrow();
    expect(version.status).toBe('published');
    expect(version.verdict).toEqual(expect.any(String));
    expect((version.manifest as { bundle_sha256?: string }).bundle_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((version.files ?? []).map((f) => f.path).sort()).toEqual(['SKILL.md', 'scripts/run.sh']);
    const read = await call(t, 'GET', '/v1/skills/pool-made');
    expect(read.body).toMatchObject({ version: '1.0.0', when_to_use: 'When writing handlers.' });
  });

  it('publishes agents and commands by kind, and scoped names by their flattened slug', async () => {
    const agent = await spPublish(t, {
      token: publisher.token,
      slug: 'pool-agent',
      version: '0.1.0',
      metadata: { slug: 'pool-agent', version: '0.1.0', kind: 'agent' },
    });
    expect(agent.status, agent.text).toBe(201);
    expect(agent.body.kind).toBe('agent');
    expect((await call(t, 'GET', '/v1/skills/pool-agent?kind=agent')).status).toBe(200);
    // A scoped name needs membership of the org.
    const outsider = await spPublish(t, {
      token: publisher.token,
      slug: 'pool-org__styled',
      version: '1.0.0',
    });
    expect(outsider.status).toBe(403);
    expect(await packageCount('@pool-org/styled')).toBe(0);
    expect(
      (
        await call(t, 'POST', '/api/v1/orgs', {
          token: publisher.token,
          body: { slug: 'pool-org', name: 'Pool Org' },
        })
      ).status,
    ).toBe(201);
    const scoped = await spPublish(t, { token: publisher.token, slug: 'pool-org__styled', version: '1.0.0' });
    expect(scoped.status, scoped.text).toBe(201);
    expect(scoped.body).toMatchObject({ slug: 'pool-org__styled', name: '@pool-org/styled' });
  });

  it.each([
    ['no metadata part', { metadata: undefined as unknown as string, omitMetadata: true }],
    ['bad metadata JSON', { metadata: '{"slug": ' }],
    ['an empty slug', { metadata: { slug: '', version: '1.0.0' } }],
    ['no version', { metadata: { slug: 'bad-one' } }],
    ['a slug no name can have', { metadata: { slug: 'Bad_One', version: '1.0.0' } }],
    ['a version that is not semver', { metadata: { slug: 'bad-one', version: 'v1' } }],
    ['an unknown kind', { metadata: { slug: 'bad-one', version: '1.0.0', kind: 'prompt' } }],
    ['tags that are not a list', { metadata: { slug: 'bad-one', version: '1.0.0', tags: 'x' } }],
  ])('refuses %s with 400 and stores nothing', async (_label, input) => {
    const form = new FormData();
    form.append(
      'bundle',
      new Blob([new Uint8Array(await makeTarball({ 'SKILL.md': skillMdOf('bad-one') }))]),
      'b.tgz',
    );
    if (!('omitMetadata' in input)) {
      form.append(
        'metadata',
        typeof input.metadata === 'string' ? input.metadata : JSON.stringify(input.metadata),
      );
    }
    const res = await call(t, 'POST', '/v1/skills', { token: publisher.token, body: form });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(await packageCount('bad-one')).toBe(0);
  });

  const badBundles: [string, () => Promise<Buffer>][] = [
    ['not gzip', async () => Buffer.from('plain text, not an archive')],
    ['no SKILL.md', async () => makeTarball({ 'README.md': '# hi\n' })],
    ['no frontmatter', async () => makeTarball({ 'SKILL.md': '# no frontmatter\n' })],
    [
      'frontmatter closed at end of file',
      async () => makeTarball({ 'SKILL.md': '---\ndescription: x\n---' }),
    ],
    ['bad YAML', async () => makeTarball({ 'SKILL.md': '---\ndescription: [unclosed\n---\nbody\n' })],
    ['no description', async () => makeTarball({ 'SKILL.md': '---\nname: x\n---\nbody\n' })],
    // 513 three-byte characters: 1,539 bytes, over the 1,536-byte limit though only 513 characters.
    [
      'a description over 1536 bytes',
      async () => makeTarball({ 'SKILL.md': `---\ndescription: ${'€'.repeat(513)}\n---\nbody\n` }),
    ],
    [
      'a /home/ path in the body',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', '', 'Run /home/alice/bin/tool.\n') }),
    ],
    [
      'a /Users/ path in the body',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', '', 'Open /Users/bob/x.\n') }),
    ],
    [
      'a C:\\Users\\ path in the body',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', '', 'See C:\\Users\\eve\\x.\n') }),
    ],
    [
      'an AWS key',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', '', 'key AKIAABCDEFGHIJKLMNOP here\n') }),
    ],
    [
      'a GitHub token',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', '', `ghp_${'a'.repeat(36)}\n`) }),
    ],
    [
      'a GitHub OAuth token in the frontmatter',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', `token: gho_${'B'.repeat(36)}\n`) }),
    ],
    [
      'a PEM private key',
      async () =>
        makeTarball({ 'SKILL.md': skillMdOf('bad-one', '', '-----BEGIN RSA PRIVATE KEY-----\nabc\n') }),
    ],
    ['tags that are a scalar', async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', 'tags: rust\n') })],
    [
      'a requires range that is not a range',
      async () => makeTarball({ 'SKILL.md': skillMdOf('bad-one', 'requires:\n  - other@not a range!\n') }),
    ],
    ['a symbolic link', tarWithLink],
    [
      'more than 5 MiB',
      async () =>
        makeTarball({ 'SKILL.md': skillMdOf('bad-one'), 'blob.bin': randomBytes(5 * 1024 * 1024 + 1000) }),
    ],
  ];

  it.each(badBundles)(
    'refuses a bundle with %s (400 on publish and validate, nothing stored)',
    async (_label, build) => {
      const bytes = await build();
      for (const path of ['/v1/skills', '/v1/skills/validate']) {
        const res = await spPublish(t, {
          token: publisher.token,
          slug: 'bad-one',
          version: '1.0.0',
          bytes,
          path,
        });
        expect(res.status, `${path} ${res.text}`).toBe(400);
        expect(res.body.error).toBe('bad_request');
      }
      expect(await packageCount('bad-one')).toBe(0);
    },
  );

  it('refuses a skill that requires itself (publish only: validate does not know the slug)', async () => {
    const res = await spPublish(t, {
      token: publisher.token,
      slug: 'bad-one',
      version: '1.0.0',
      files: { 'SKILL.md': skillMdOf('bad-one', 'requires:\n  - bad-one@^1.0.0\n') },
    });
    expect(res.status).toBe(400);
    expect(await packageCount('bad-one')).toBe(0);
  });

  it('accepts a home path in the frontmatter (only the body is checked) and ./ entry names', async () => {
    const res = await spPublish(t, {
      token: publisher.token,
      slug: 'home-in-frontmatter',
      version: '1.0.0',
      files: { 'SKILL.md': skillMdOf('home-in-frontmatter', 'source: /home/alice/notes\n') },
    });
    expect(res.status, res.text).toBe(201);
  });

  it('answers 413 for a body beyond the upload limit', async () => {
    const res = await spPublish(t, {
      token: publisher.token,
      slug: 'huge',
      version: '1.0.0',
      bytes: randomBytes(6 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('answers a duplicate version with 400 and another kind of the same name with 409', async () => {
    expect((await spPublish(t, { token: publisher.token, slug: 'dup', version: '1.0.0' })).status).toBe(201);
    const again = await spPublish(t, { token: publisher.token, slug: 'dup', version: '1.0.0' });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('bad_request');
    const otherKind = await spPublish(t, {
      token: publisher.token,
      slug: 'dup',
      version: '2.0.0',
      metadata: { slug: 'dup', version: '2.0.0', kind: 'command' },
    });
    expect(otherKind.status).toBe(409);
    expect(otherKind.body.error).toBe('conflict');
    expect(await versionsOf('dup')).toEqual(['1.0.0']);
  });

  it('refuses a requires range that conflicts with another skill with 409, storing nothing', async () => {
    const first = await spPublish(t, {
      token: publisher.token,
      slug: 'needs-base-1',
      version: '1.0.0',
      files: { 'SKILL.md': skillMdOf('needs-base-1', 'requires:\n  - base-skill@1.0.0\n') },
    });
    expect(first.status, first.text).toBe(201);
    const conflicting = await spPublish(t, {
      token: publisher.token,
      slug: 'needs-base-2',
      version: '1.0.0',
      files: { 'SKILL.md': skillMdOf('needs-base-2', 'requires:\n  - base-skill@2.0.0\n') },
    });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body.error).toBe('conflict');
    expect(await packageCount('needs-base-2')).toBe(0);
    // `*` and the identical range are not conflicts; forward references are allowed.
    for (const [slug, range] of [
      ['needs-base-3', '*'],
      ['needs-base-4', '1.0.0'],
    ]) {
      const ok = await spPublish(t, {
        token: publisher.token,
        slug: slug as string,
        version: '1.0.0',
        files: { 'SKILL.md': skillMdOf(slug as string, `requires:\n  - base-skill@${range}\n`) },
      });
      expect(ok.status, ok.text).toBe(201);
    }
    const deps = await call(t, 'GET', '/v1/skills/needs-base-4/deps');
    expect(deps.list).toEqual([{ slug: 'base-skill', version_range: '1.0.0', depth: 1 }]);
  });

  it('is 401 without a credential and 403 for a read-only token, before looking at the body', async () => {
    const anonymous = await call(t, 'POST', '/v1/skills', { body: new FormData() });
    expect(anonymous.status).toBe(401);
    const readOnly = await spPublish(t, { token: reader.token, slug: 'nope', version: '1.0.0' });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error).toBe('forbidden');
    expect(await packageCount('nope')).toBe(0);
  });

  it('keeps tenants apart: another tenant neither sees the skill nor is blocked by its slug', async () => {
    const other = await secondTenant(t, 'publish-other');
    expect((await call(t, 'GET', '/v1/skills/pool-made', { tenant: other.slug })).status).toBe(404);
    const theirs = await spPublish(t, {
      token: other.user.token,
      tenant: other.slug,
      slug: 'pool-made',
      version: '1.0.0',
    });
    expect(theirs.status, theirs.text).toBe(201);
    expect(
      (await spPublish(t, { token: publisher.token, tenant: other.slug, slug: 'x', version: '1.0.0' }))
        .status,
    ).toBe(401);
  });
});

describe('POST /v1/skills/validate', () => {
  it('answers the validation result and stores nothing', async () => {
    const res = await spPublish(t, {
      token: publisher.token,
      slug: 'only-checked',
      version: '1.0.0',
      path: '/v1/skills/validate',
      files: { 'SKILL.md': skillMdOf('only-checked', 'tags: [a, b]\nrequires:\n  - acme__base@^1.0.0\n') },
      metadata: 'ignored, not even JSON',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      name: 'only-checked',
      description: 'only-checked does one useful thing well.',
      when_to_use: null,
      tags: ['a', 'b'],
      requires: { '@acme/base': '^1.0.0' },
      size_bytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await packageCount('only-checked')).toBe(0);
  });

  it('needs a bundle, a credential and the publish scope', async () => {
    const form = new FormData();
    form.append('metadata', '{}');
    expect(
      (await call(t, 'POST', '/v1/skills/validate', { token: publisher.token, body: form })).status,
    ).toBe(400);
    expect((await call(t, 'POST', '/v1/skills/validate', { body: new FormData() })).status).toBe(401);
    const readOnly = await spPublish(t, {
      token: reader.token,
      slug: 'x',
      version: '1.0.0',
      path: '/v1/skills/validate',
    });
    expect(readOnly.status).toBe(403);
  });
});

describe('POST /v1/skills/{slug}/archive', () => {
  it('archives the latest version: the previous becomes latest, then the skill leaves the catalog', async () => {
    for (const version of ['1.0.0', '2.0.0']) {
      expect((await spPublish(t, { token: publisher.token, slug: 'to-archive', version })).status).toBe(201);
    }
    const forbidden = await call(t, 'POST', '/v1/skills/to-archive/archive', { token: publisher.token });
    expect(forbidden.status).toBe(403);
    const archived = await call(t, 'POST', '/v1/skills/to-archive/archive', { token: admin.token });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ slug: 'to-archive', version: '2.0.0' });
    expect((await call(t, 'GET', '/v1/skills/to-archive')).body.version).toBe('1.0.0');
    const history = await call(t, 'GET', '/v1/skills/to-archive/versions');
    expect(history.list.map((row) => [row.version, row.status])).toEqual([
      ['2.0.0', 'archived'],
      ['1.0.0', 'published'],
    ]);
    expect(
      (await call(t, 'POST', '/v1/skills/to-archive/archive', { token: admin.token })).body.version,
    ).toBe('1.0.0');
    expect((await call(t, 'GET', '/v1/skills/to-archive')).status).toBe(404);
    expect((await call(t, 'GET', '/v1/skills')).list.map((row) => row.slug)).not.toContain('to-archive');
    expect((await call(t, 'POST', '/v1/skills/to-archive/archive', { token: admin.token })).status).toBe(404);
  });

  it('is 401 without a credential, 400 for a bad kind, 404 for an unknown slug or another tenant', async () => {
    expect((await call(t, 'POST', '/v1/skills/pool-made/archive')).status).toBe(401);
    expect(
      (await call(t, 'POST', '/v1/skills/pool-made/archive?kind=x', { token: admin.token })).status,
    ).toBe(400);
    expect((await call(t, 'POST', '/v1/skills/nothing/archive', { token: admin.token })).status).toBe(404);
    const other = await secondTenant(t, 'archive-other');
    expect(
      (await call(t, 'POST', '/v1/skills/dup/archive', { token: other.user.token, tenant: other.slug }))
        .status,
    ).toBe(404);
    expect((await call(t, 'GET', '/v1/skills/dup')).status).toBe(200);
  });
});
