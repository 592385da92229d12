/**
 * skill-pool's drafts inbox over HTTP, reading and reviewing: list filters, one draft, its SKILL.md,
 * the portal's edit, discard; the documented errors, 401/403 and tenant isolation. Drafts are created
 * through the domain module here (submitting them over HTTP is draft-submissions.test.ts).
 */
import { computeSha256 } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { makeTarball } from '../../../../test-support/tarball.js';
import { createDraft } from '../../src/domain/drafts.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let curator: TestUser;
let reader: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  curator = await createTestUser(t.deps, t.defaultTenantId, { role: 'curator' });
  reader = await createTestUser(t.deps, t.defaultTenantId, { role: 'viewer', scopes: ['skills:read'] });
});
afterAll(() => t.close());

async function draftId(slug: string): Promise<string> {
  const bytes = await makeTarball({
    'SKILL.md': `---\nname: ${slug}\ndescription: About ${slug}.\n---\n\n# ${slug}\n`,
  });
  const draft = await createDraft(t.deps, {
    tenantId: t.defaultTenantId,
    userId: curator.id,
    slug,
    origin: 'claude-hook',
    notes: null,
    description: `About ${slug}.`,
    whenToUse: null,
    tags: ['x'],
    bytes,
    sha256: computeSha256(bytes),
  });
  return draft.id;
}

describe('reading drafts', () => {
  it('lists by status with skills:read (401 without a caller), newest first', async () => {
    const first = await draftId('list-a');
    const second = await draftId('list-b');
    expect((await call(t, 'GET', '/v1/drafts')).status).toBe(401);
    const pending = await call(t, 'GET', '/v1/drafts', { token: reader.token });
    expect(pending.status).toBe(200);
    const ids = pending.list.map((d) => d.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    expect(pending.list.find((d) => d.id === first)).toMatchObject({
      slug: 'list-a',
      description: 'About list-a.',
      when_to_use: null,
      tags: ['x'],
      origin: 'claude-hook',
      notes: null,
      status: 'pending',
      published_version: null,
      reviewed_at: null,
    });
    expect((await call(t, 'GET', '/v1/drafts?status=published', { token: reader.token })).list).toEqual([]);
    const bad = await call(t, 'GET', '/v1/drafts?status=open', { token: reader.token });
    expect([bad.status, bad.body.error]).toEqual([400, 'bad_request']);
  });

  it('reads one draft and its SKILL.md; a malformed id is 400, an unknown one 404', async () => {
    const id = await draftId('read-me');
    expect((await call(t, 'GET', `/v1/drafts/${id}`, { token: reader.token })).body.slug).toBe('read-me');
    const md = await call(t, 'GET', `/v1/drafts/${id}/skill-md`, { token: reader.token });
    expect(md.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(md.text).toContain('name: read-me');
    expect((await call(t, 'GET', '/v1/drafts/not-a-uuid', { token: reader.token })).status).toBe(400);
    const unknown = await call(t, 'GET', '/v1/drafts/00000000-0000-4000-8000-000000000000', {
      token: reader.token,
    });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
  });
});

describe('reviewing drafts', () => {
  it('edits pending metadata with skills:publish, and refuses blanks', async () => {
    const id = await draftId('edit-me');
    const forbidden = await call(t, 'PATCH', `/v1/drafts/${id}`, {
      token: reader.token,
      body: { notes: 'x' },
    });
    expect([forbidden.status, forbidden.body.error]).toEqual([403, 'forbidden']);
    const edited = await call(t, 'PATCH', `/v1/drafts/${id}`, {
      token: curator.token,
      body: { slug: 'edited', tags: ['a'], notes: 'checked', when_to_use: 'when editing' },
    });
    expect(edited.body).toMatchObject({
      slug: 'edited',
      tags: ['a'],
      notes: 'checked',
      when_to_use: 'when editing',
    });
    const blank = await call(t, 'PATCH', `/v1/drafts/${id}`, {
      token: curator.token,
      body: { description: ' ' },
    });
    expect([blank.status, blank.body.error]).toEqual([400, 'bad_request']);
  });

  it('discards a pending draft once (204, then 404), purging its SKILL.md', async () => {
    const id = await draftId('discard-me');
    expect((await call(t, 'POST', `/v1/drafts/${id}/discard`)).status).toBe(401);
    expect((await call(t, 'POST', `/v1/drafts/${id}/discard`, { token: reader.token })).status).toBe(403);
    expect((await call(t, 'POST', `/v1/drafts/${id}/discard`, { token: curator.token })).status).toBe(204);
    expect((await call(t, 'POST', `/v1/drafts/${id}/discard`, { token: curator.token })).status).toBe(404);
    expect((await call(t, 'GET', `/v1/drafts/${id}/skill-md`, { token: reader.token })).status).toBe(404);
    const edit = await call(t, 'PATCH', `/v1/drafts/${id}`, {
      token: curator.token,
      body: { notes: 'late' },
    });
    expect([edit.status, edit.body.error]).toEqual([400, 'bad_request']);
    const discarded = await call(t, 'GET', '/v1/drafts?status=discarded', { token: reader.token });
    expect(discarded.list.find((d) => d.id === id)).toMatchObject({ status: 'discarded' });
    const all = await call(t, 'GET', '/v1/drafts?status=all', { token: reader.token });
    const statuses = all.list.map((d) => d.status);
    expect(statuses.lastIndexOf('pending')).toBeLessThan(statuses.indexOf('discarded'));
  });

  it("keeps a tenant's drafts from another tenant", async () => {
    const id = await draftId('mine-only');
    const other = await secondTenant(t, 'drafts-other');
    const as = { token: other.user.token, tenant: other.slug };
    expect((await call(t, 'GET', '/v1/drafts?status=all', as)).list).toEqual([]);
    expect((await call(t, 'GET', `/v1/drafts/${id}`, as)).status).toBe(404);
    expect((await call(t, 'PATCH', `/v1/drafts/${id}`, { ...as, body: { notes: 'x' } })).status).toBe(404);
    expect((await call(t, 'POST', `/v1/drafts/${id}/discard`, as)).status).toBe(404);
    expect((await call(t, 'GET', `/v1/drafts/${id}`, { token: curator.token })).body.status).toBe('pending');
  });
});
