/**
 * Submitting and publishing drafts over HTTP: create (validated like a publish, merge proposal), publish
 * through the pipeline (read back on skill-pool and Tank), the documented errors, 401/403, tenant
 * isolation, and the draft.created webhook from a real draft. Reading and reviewing: drafts.test.ts.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { makeTarball, publishVersion, type TarballFiles } from '../../../../test-support/tarball.js';
import { runDueJobs } from '../../src/domain/jobs.js';
import { webhookJobHandler, webhookJobKind } from '../../src/domain/notifications.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let curator: TestUser;
let reader: TestUser;
let admin: TestUser;
let receiver: Server;
const received: { body: string; valid: boolean }[] = [];

function skillMd(name: string, description: string, body = 'Use it well.') {
  return `---\nname: ${name}\ndescription: ${description}\ntags: [sql]\n---\n\n# ${name}\n\n${body}\n`;
}

async function form(metadata: unknown, files: TarballFiles | null = { 'SKILL.md': skillMd('x', 'An x.') }) {
  const data = new FormData();
  if (metadata !== undefined)
    data.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  if (files) {
    data.append(
      'bundle',
      new Blob([new Uint8Array(await makeTarball(files))], { type: 'application/gzip' }),
      'x.tar.gz',
    );
  }
  return data;
}

async function submit(
  slug: string,
  description: string,
  token = curator.token,
  extra: Record<string, unknown> = {},
) {
  return call(t, 'POST', '/v1/drafts', {
    token,
    body: await form(
      { slug, origin: 'cli', tags: ['review'], ...extra },
      { 'SKILL.md': skillMd(slug, description) },
    ),
  });
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`;
      received.push({ body, valid: req.headers['x-skill-pool-signature'] === expected });
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_HOSTS: 'true' } });
  curator = await createTestUser(t.deps, t.defaultTenantId, { role: 'curator' });
  reader = await createTestUser(t.deps, t.defaultTenantId, { role: 'viewer', scopes: ['skills:read'] });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  expect(
    (
      await publishVersion(
        t,
        admin.token,
        { name: 'sql-formatter', version: '1.0.0', description: 'Formats SQL queries for readability.' },
        { 'SKILL.md': skillMd('sql-formatter', 'Formats SQL queries for readability.') },
      )
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('POST /v1/drafts', () => {
  it('creates a pending draft with merged tags and a merge proposal for a near-identical skill', async () => {
    const created = await submit('sql-formatter', 'Formats SQL queries for readability.');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'sql-formatter',
      description: 'Formats SQL queries for readability.',
      tags: ['sql', 'review'],
      origin: 'cli',
      status: 'pending',
      published_version: null,
      reviewed_at: null,
      merge_proposal_slug: 'sql-formatter',
    });
    expect(created.body.merge_proposal_similarity).toBeGreaterThanOrEqual(0.85);
    // The portal's detail page of that skill lists the proposal.
    const detail = await call(t, 'GET', '/v1/skills/sql-formatter/detail', { token: reader.token });
    expect(detail.body.merge_proposals).toEqual([
      {
        draft_id: created.body.id,
        draft_slug: 'sql-formatter',
        similarity: created.body.merge_proposal_similarity,
      },
    ]);
    const distinct = await submit('k8s-logs', 'Tails pod logs across namespaces.');
    expect(distinct.body).not.toHaveProperty('merge_proposal_slug');
  });

  it('shows pending drafts on a skill detail only to members who may read the inbox', async () => {
    await submit('sql-formatter', 'Formats SQL queries for readability.');
    const member = await call(t, 'GET', '/v1/skills/sql-formatter/detail', { token: reader.token });
    expect((member.body.merge_proposals as unknown[]).length).toBeGreaterThan(0);
    const anonymous = await call(t, 'GET', '/v1/skills/sql-formatter/detail');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.merge_proposals).toEqual([]);
  });

  it('never proposes a merge into a private artifact, nor lets a draft probe that it exists', async () => {
    const owner = await createTestUser(t.deps, t.defaultTenantId, { role: 'publisher' });
    const privateSkill = await publishVersion(
      t,
      owner.token,
      {
        name: 'vault-rotator',
        version: '1.0.0',
        description: 'Rotates vault secrets.',
        visibility: 'private',
      },
      { 'SKILL.md': skillMd('vault-rotator', 'Rotates vault secrets.') },
    );
    expect(privateSkill.status).toBe(200);
    const draft = await submit('vault-rotator', 'Rotates vault secrets.');
    expect(draft.status).toBe(201);
    expect(draft.body).not.toHaveProperty('merge_proposal_slug');
  });

  it('answers a publish to a name someone else owns alike for a private and a public name', async () => {
    const owner = await createTestUser(t.deps, t.defaultTenantId, { role: 'publisher' });
    await publishVersion(
      t,
      owner.token,
      {
        name: 'hidden-agent',
        version: '1.0.0',
        description: 'A private agent.',
        visibility: 'private',
        kind: 'agent',
      },
      { 'SKILL.md': skillMd('hidden-agent', 'A private agent.') },
    );
    const publish = async (slug: string) => {
      const data = await form(
        { slug, version: '1.0.0', kind: 'skill' },
        { 'SKILL.md': skillMd(slug, 'Mine now.') },
      );
      return call(t, 'POST', '/v1/skills', { token: curator.token, body: data });
    };
    const hidden = await publish('hidden-agent');
    const visible = await publish('sql-formatter');
    expect([hidden.status, hidden.body.error]).toEqual([409, 'conflict']);
    expect([visible.status, visible.body.error]).toEqual([409, 'conflict']);
    // The same words for both, with only the name differing: nothing says which is private or its kind.
    expect(hidden.body.message?.replace('hidden-agent', 'NAME')).toBe(
      visible.body.message?.replace('sql-formatter', 'NAME'),
    );
  });

  it('needs skills:publish (401, then 403) and stores nothing otherwise', async () => {
    expect((await call(t, 'POST', '/v1/drafts', { body: await form({ slug: 'a' }) })).status).toBe(401);
    const forbidden = await call(t, 'POST', '/v1/drafts', {
      token: reader.token,
      body: await form({ slug: 'a' }),
    });
    expect([forbidden.status, forbidden.body.error]).toEqual([403, 'forbidden']);
  });

  it('answers 400 for every malformed submission', async () => {
    const before = (await call(t, 'GET', '/v1/drafts?status=all', { token: curator.token })).list.length;
    const cases: [string, FormData][] = [
      ['no metadata', await form(undefined)],
      ['no bundle', await form({ slug: 'a' }, null)],
      ['bad JSON', await form('{nope')],
      ['blank slug', await form({ slug: ' ' })],
      ['bad origin', await form({ slug: 'a', origin: 'email' })],
      ['no SKILL.md', await form({ slug: 'a' }, { 'README.md': '# hi' })],
      ['no frontmatter', await form({ slug: 'a' }, { 'SKILL.md': '# no frontmatter' })],
      ['home path', await form({ slug: 'a' }, { 'SKILL.md': skillMd('a', 'An a.', 'see /home/me/notes') })],
    ];
    for (const [name, body] of cases) {
      const res = await call(t, 'POST', '/v1/drafts', { token: curator.token, body });
      expect([res.status, res.body.error], name).toEqual([400, 'bad_request']);
    }
    const garbage = await call(t, 'POST', '/v1/drafts', {
      token: curator.token,
      body: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    });
    // A multipart type without a boundary is refused before the route: a 4xx in the envelope, never a 5xx.
    expect([400, 415]).toContain(garbage.status);
    expect(garbage.body.error).toBeTruthy();
    expect((await call(t, 'GET', '/v1/drafts?status=all', { token: curator.token })).list.length).toBe(
      before,
    );
  });
});

describe('POST /v1/drafts/{id}/publish', () => {
  it('publishes through the pipeline once; the skill is then on skill-pool and Tank', async () => {
    const id = String((await submit('draft-to-skill', 'Becomes a skill.')).body.id);
    expect(
      (await call(t, 'POST', `/v1/drafts/${id}/publish`, { token: reader.token, body: { version: '1.0.0' } }))
        .status,
    ).toBe(403);
    const blank = await call(t, 'POST', `/v1/drafts/${id}/publish`, {
      token: curator.token,
      body: { version: ' ' },
    });
    expect(blank.status).toBe(400);
    const published = await call(t, 'POST', `/v1/drafts/${id}/publish`, {
      token: curator.token,
      body: { version: '1.0.0' },
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ draft_id: id, slug: 'draft-to-skill', version: '1.0.0' });
    expect(typeof published.body.skill_id).toBe('string');
    expect((await call(t, 'GET', '/v1/skills/draft-to-skill')).body).toMatchObject({
      version: '1.0.0',
      description: 'Becomes a skill.',
    });
    expect((await t.request('/api/v1/skills/draft-to-skill')).status).toBe(200);
    expect((await call(t, 'GET', `/v1/drafts/${id}`, { token: reader.token })).body).toMatchObject({
      status: 'published',
      published_version: '1.0.0',
    });
    const again = await call(t, 'POST', `/v1/drafts/${id}/publish`, {
      token: curator.token,
      body: { version: '1.0.1' },
    });
    expect([again.status, again.body.error]).toEqual([400, 'bad_request']);
    // Another draft cannot reuse that slug@version.
    const second = String((await submit('draft-to-skill', 'Same slug.')).body.id);
    const reused = await call(t, 'POST', `/v1/drafts/${second}/publish`, {
      token: curator.token,
      body: { version: '1.0.0' },
    });
    expect(reused.status).toBe(400);
    expect((await call(t, 'GET', `/v1/drafts/${second}`, { token: reader.token })).body.status).toBe(
      'pending',
    );
  });
});

describe('isolation and notifications', () => {
  it("keeps a tenant's drafts from another tenant", async () => {
    const id = String((await submit('mine-only', 'Mine.')).body.id);
    const other = await secondTenant(t, 'drafts-other');
    const as = { token: other.user.token, tenant: other.slug };
    expect((await call(t, 'GET', '/v1/drafts?status=all', as)).list).toEqual([]);
    expect((await call(t, 'GET', `/v1/drafts/${id}`, as)).status).toBe(404);
    expect((await call(t, 'POST', `/v1/drafts/${id}/discard`, as)).status).toBe(404);
    expect(
      (await call(t, 'POST', `/v1/drafts/${id}/publish`, { ...as, body: { version: '9.0.0' } })).status,
    ).toBe(404);
  });

  it('queues a signed draft.created delivery that the job worker sends', async () => {
    await call(t, 'PUT', '/v1/tenant/notifications', {
      token: admin.token,
      body: {
        webhook_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        webhook_secret: 'hook-secret',
      },
    });
    const created = await submit('hooked', 'Triggers the webhook.');
    expect(created.status).toBe(201);
    expect(received).toHaveLength(0);
    const handlers = {
      [webhookJobKind]: webhookJobHandler({
        db: t.deps.db,
        secret: t.deps.secret,
        timeoutMs: 2000,
        allowPrivateHosts: true,
      }),
    };
    expect((await runDueJobs(t.deps.db, handlers, { now: new Date(Date.now() + 1000) })).done).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.valid).toBe(true);
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
      event: 'draft.created',
      draft: { id: created.body.id, slug: 'hooked', origin: 'cli' },
    });
  });
});
