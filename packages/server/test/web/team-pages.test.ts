/**
 * The team pages in-process: the drafts inbox (pending badge, SKILL.md, merge proposal, discard), the
 * webhook setting, projects (create, order items), role gates, CSRF on every form. The browser journey is e2e/web-ui.test.ts.
 */
import { computeSha256 } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { testBrowsers } from '../../../../test-support/browser.js';
import { makeTarball, publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { createDraft, findDraft } from '../../src/domain/drafts.js';
import { findProject, listProjectItems } from '../../src/domain/projects.js';

let t: TestApp;
let curator: TestUser;
let admin: TestUser;
let viewer: TestUser;
const password = 'correct horse battery';

const { open: newBrowser, signedIn } = testBrowsers((path, init) => t.request(path, init), 44, password);

async function draft(slug: string, description: string) {
  const bytes = await makeTarball({
    'SKILL.md': `---\nname: ${slug}\ndescription: ${description}\n---\n\n# ${slug}\n\n<script>alert(1)</script>\n`,
  });
  return createDraft(t.deps, {
    tenantId: t.defaultTenantId,
    userId: curator.id,
    slug,
    origin: 'cli',
    notes: null,
    description,
    whenToUse: null,
    tags: [],
    bytes,
    sha256: computeSha256(bytes),
  });
}

beforeAll(async () => {
  t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_HOSTS: 'false' } });
  curator = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'curator',
    password,
    username: 'cura-web',
  });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    password,
    username: 'admin-web',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  viewer = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'viewer',
    password,
    username: 'view-web',
  });
  expect(
    (
      await publishVersion(
        t,
        admin.token,
        { name: 'lint-rules', version: '1.0.0', description: 'Lint rules for the monorepo.' },
        skillFiles('lint-rules'),
      )
    ).status,
  ).toBe(200);
});
afterAll(() => t.close());

describe('drafts inbox', () => {
  it('lists pending drafts with the badge, shows SKILL.md escaped and the merge proposal', async () => {
    const near = await draft('lint-rules', 'Lint rules for the monorepo.');
    const browser = await signedIn(curator);
    const list = await (await browser.fetch('/dashboard/drafts')).text();
    expect(list).toMatch(/data-testid="pending-badge"[^>]*>\d+</);
    expect(list).toContain(`/dashboard/drafts/${near.id}`);
    const page = await (await browser.fetch(`/dashboard/drafts/${near.id}`)).text();
    expect(page).toContain('data-testid="merge-proposal"');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)</script>');
  });

  it('publishes with a version (through the pipeline) and refuses a missing version', async () => {
    const d = await draft('fresh-skill', 'A brand new skill.');
    const browser = await signedIn(curator);
    const page = `/dashboard/drafts/${d.id}`;
    const empty = await browser.submit(`${page}/publish`, { version: '', slug: '' }, page);
    expect(empty.status).toBe(422);
    const ok = await browser.submit(`${page}/publish`, { version: '1.0.0', slug: '' }, page);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Published fresh-skill@1.0.0');
    expect(await findDraft(t.deps.db, t.defaultTenantId, d.id)).toMatchObject({ status: 'published' });
    const artifact = await t.request('/api/v1/skills/fresh-skill');
    expect(artifact.status).toBe(200);
  });

  it('discards, and refuses a form without its CSRF field', async () => {
    const d = await draft('throwaway', 'To be discarded.');
    const browser = await signedIn(curator);
    const page = `/dashboard/drafts/${d.id}`;
    expect((await browser.post(`${page}/discard`, {})).status).toBe(403);
    const discarded = await browser.submit(`${page}/discard`, {}, page);
    expect(discarded.status).toBe(303);
    expect(await findDraft(t.deps.db, t.defaultTenantId, d.id)).toMatchObject({
      status: 'discarded',
      blob_key: null,
    });
  });

  it('is closed to viewers and to visitors', async () => {
    const browser = await signedIn(viewer);
    expect((await browser.fetch('/dashboard/drafts')).status).toBe(403);
    const anonymous = newBrowser();
    const res = await anonymous.fetch('/dashboard/drafts');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/login');
  });
});

describe('webhook and projects (admins)', () => {
  it('are closed to curators', async () => {
    const browser = await signedIn(curator);
    expect((await browser.fetch('/dashboard/webhook')).status).toBe(403);
    expect((await browser.fetch('/dashboard/projects')).status).toBe(403);
  });

  it('saves a webhook, never shows the secret, and refuses a private address', async () => {
    const browser = await signedIn(admin);
    const saved = await browser.submit('/dashboard/webhook', {
      webhook_url: 'https://hooks.example.com/skill-pool',
      webhook_secret: 'very-secret-value',
    });
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html).toContain('data-testid="signing-state">Signing: on');
    expect(html).not.toContain('very-secret-value');
    const refused = await browser.submit('/dashboard/webhook', {
      webhook_url: 'http://127.0.0.1/x',
      webhook_secret: '',
    });
    expect(refused.status).toBe(422);
  });

  it('creates a project and keeps the item order typed in', async () => {
    const browser = await signedIn(admin);
    const created = await browser.submit('/dashboard/projects', {
      slug: 'site',
      name: 'Site',
      git_remote: 'git@github.com:acme/site.git',
    });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/dashboard/projects/site');
    const saved = await browser.submit(
      '/dashboard/projects/site/items',
      { items: 'zeta\nagent:reviewer\nalpha' },
      '/dashboard/projects/site',
    );
    expect(saved.status).toBe(200);
    const project = await findProject(t.deps.db, t.defaultTenantId, 'site');
    expect((await listProjectItems(t.deps.db, project?.id ?? '')).map((i) => [i.skill_slug, i.kind])).toEqual(
      [
        ['zeta', 'skill'],
        ['reviewer', 'agent'],
        ['alpha', 'skill'],
      ],
    );
    const bad = await browser.submit(
      '/dashboard/projects/site/items',
      { items: 'prompt:x' },
      '/dashboard/projects/site',
    );
    expect(bad.status).toBe(422);
  });
});

describe('usage page (admins)', () => {
  it('shows the chart, the top list and decay candidates, and archives one', async () => {
    expect(
      (
        await publishVersion(
          t,
          admin.token,
          { name: 'stale-skill', version: '1.0.0' },
          skillFiles('stale-skill'),
        )
      ).status,
    ).toBe(200);
    // Published long ago and never used: a decay candidate.
    const old = new Date(Date.now() - 400 * 86_400_000);
    const pkg = await t.deps.db
      .selectFrom('packages')
      .select('id')
      .where('name', '=', 'stale-skill')
      .executeTakeFirstOrThrow();
    await t.deps.db
      .updateTable('versions')
      .set({ published_at: old, created_at: old })
      .where('package_id', '=', pkg.id)
      .execute();
    const curatorBrowser = await signedIn(curator);
    expect((await curatorBrowser.fetch('/dashboard/usage')).status).toBe(403);
    const browser = await signedIn(admin);
    const html = await (await browser.fetch('/dashboard/usage?days=90')).text();
    expect(html).toContain('data-testid="usage-chart"');
    expect(html).toContain('aria-label="Archive stale-skill"');
    const archived = await browser.submit(
      '/dashboard/usage/archive',
      { slug: 'stale-skill' },
      '/dashboard/usage',
    );
    expect(archived.status).toBe(200);
    expect(await archived.text()).toContain('Archived stale-skill@1.0.0');
    expect((await t.request('/v1/skills/stale-skill')).status).toBe(404);
  });
});
