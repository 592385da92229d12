/**
 * The server-rendered registry pages in-process: home, search filters, the artifact page and its file
 * viewer, private artifacts, org and user pages, the dashboard (tokens, orgs, members, profile), CSRF
 * on every form, field errors, and the headers every page carries. The browser journey is e2e/web-ui.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { testBrowsers } from '../../../../test-support/browser.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { createApp } from '../../src/app.js';
import { parseArtifactPath } from '../../src/web/artifact-pages.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
const password = 'correct horse battery';

const { open: newBrowser, signedIn } = testBrowsers((path, init) => t.request(path, init), 9, password);

const html = async (res: Response) => {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
};

beforeAll(async () => {
  t = await createTestApp();
  alice = await createTestUser(t.deps, t.defaultTenantId, { password, username: 'alice-web' });
  bob = await createTestUser(t.deps, t.defaultTenantId, { password, username: 'bob-web' });
  const files = {
    ...skillFiles('page-skill'),
    'README.md':
      '# Page skill\n\nSee ![logo](img/logo.png) and [docs](docs/guide.md).\n\n<script>alert(1)</script>\n',
    'docs/guide.md': '# Guide\n\n<b>bold</b>\n',
    'bin/blob.bin': Buffer.from([0, 1, 2, 3, 0, 255]),
  };
  for (const version of ['1.0.0', '1.2.0'])
    expect(
      (
        await publishVersion(
          t,
          alice.token,
          { name: 'page-skill', version, keywords: ['pages', 'review'] },
          files,
        )
      ).status,
    ).toBe(200);
  expect(
    (await publishVersion(t, alice.token, { name: 'page-hidden', version: '1.0.0', visibility: 'private' }))
      .status,
  ).toBe(200);
  await t.request('/api/v1/skills/page-skill/1.2.0/yank', {
    method: 'POST',
    headers: { ...bearer(alice.token), 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'broken' }),
  });
});
afterAll(() => t.close());

describe('parseArtifactPath', () => {
  it('splits names, versions, files and the star action', () => {
    expect(parseArtifactPath('/artifacts/x')).toEqual({ name: 'x' });
    expect(parseArtifactPath('/artifacts/@org/x')).toEqual({ name: '@org/x' });
    expect(parseArtifactPath('/artifacts/%40org/x/v/1.0.0')).toEqual({ name: '@org/x', version: '1.0.0' });
    expect(parseArtifactPath('/artifacts/x/v/1.0.0/files/a/b%20c.md')).toEqual({
      name: 'x',
      version: '1.0.0',
      file: 'a/b c.md',
    });
    expect(parseArtifactPath('/artifacts/x/star')).toEqual({ name: 'x', action: 'star' });
    for (const bad of [
      '/artifacts/',
      '/artifacts/x/v',
      '/artifacts/x/other',
      '/artifacts/%E0%A4%A',
      '/artifacts/x//v',
    ])
      expect(parseArtifactPath(bad), bad).toBeUndefined();
  });
});

describe('public pages', () => {
  it('home shows counts, popular and recent artifacts, with the security headers', async () => {
    const res = await newBrowser().fetch('/');
    const body = await html(res);
    expect(body).toContain('href="/artifacts/page-skill"');
    expect(body).not.toContain('page-hidden');
    // Public, published artifacts only: page-hidden is private.
    expect(body).toMatch(/data-testid="artifact-count">1<\/strong> public artifact</);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(body).not.toMatch(/<script(?![^>]*src="\/assets\/app\.js")/);
    expect(body).not.toMatch(/\sstyle="/);
  });

  it('search filters by kind, tag, tool and verdict, sorts, paginates and ignores unknown values', async () => {
    const browser = newBrowser();
    expect(await html(await browser.fetch('/search?q=page-skill'))).toContain('href="/artifacts/page-skill"');
    expect(await html(await browser.fetch('/search?tag=pages'))).toContain('href="/artifacts/page-skill"');
    expect(await html(await browser.fetch('/search?kind=agent&q=page-skill'))).not.toContain(
      'href="/artifacts/page-skill"',
    );
    // Whatever the scanner made of the fixture, the verdict filter keeps it under its own verdict only.
    const listed = await html(await browser.fetch('/search?q=page-skill'));
    const verdict = /class="verdict verdict-([a-z-]+)"/.exec(listed)?.[1]?.toUpperCase().replaceAll('-', '_');
    expect(verdict).toMatch(/^(PASS|PASS_WITH_NOTES|FLAGGED|FAIL)$/);
    expect(await html(await browser.fetch(`/search?verdict=${verdict}&q=page-skill`))).toContain(
      'href="/artifacts/page-skill"',
    );
    const other = verdict === 'PASS' ? 'FAIL' : 'PASS';
    expect(await html(await browser.fetch(`/search?verdict=${other}&q=page-skill`))).not.toContain(
      'href="/artifacts/page-skill"',
    );
    const odd = await browser.fetch('/search?kind=nonsense&sort=sideways&page=-4&verdict=%00&tool=%ff');
    expect(odd.status).toBe(200);
    expect(await odd.text()).toContain('href="/artifacts/page-skill"');
    // The anonymous search never lists a private artifact.
    expect(await html(await browser.fetch('/search?q=page-hidden'))).not.toContain(
      'href="/artifacts/page-hidden"',
    );
  });

  it("install commands leave out --registry on the CLI's default registry", async () => {
    const local = createApp({ ...t.deps, config: { ...t.deps.config, publicUrl: 'http://localhost:3737' } });
    const body = await html(await local.request('http://localhost:3737/artifacts/page-skill'));
    expect(body).toContain('agentry install page-skill<');
    expect(body).not.toContain('--registry');
  });

  it('the artifact page renders the README safely with versions, files, scan, install and badge', async () => {
    const body = await html(await newBrowser().fetch('/artifacts/page-skill'));
    // The README's h1 becomes an h2 under the page's own h1.
    expect(body).toMatch(/<h2 id="user-content-[^"]+">Page skill<\/h2>/);
    expect(body).toContain('src="/api/v1/skills/page-skill/1.0.0/files/img/logo.png"');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('agentry install page-skill');
    expect(body).toContain('agentry install page-skill --tool claude-code');
    // This server is not the CLI's default registry, so every command shown names it.
    expect(body).toContain('agentry install page-skill --registry http://registry.test<');
    expect(body).toContain('agentry install page-skill --tool claude-code --registry http://registry.test<');
    expect(body).toContain('/api/v1/badge/page-skill');
    expect(body).toContain('href="/artifacts/page-skill/v/1.2.0"');
    expect(body).toMatch(/1\.2\.0<\/a><\/td>.*?tag-yanked/s);
    expect(body).toContain('href="/artifacts/page-skill/v/1.0.0/files/docs/guide.md"');
    expect(body).toContain('data-testid="scan-report"');
    // One section per pipeline stage, each listing exactly the stored findings of that stage.
    const stageSections = body.split('<section class="scan-stage"').slice(1);
    expect(stageSections).toHaveLength(6);
    const stored = await t.deps.db
      .selectFrom('scan_findings')
      .innerJoin('versions', 'versions.id', 'scan_findings.version_id')
      .innerJoin('packages', 'packages.id', 'versions.package_id')
      .where('packages.name', '=', 'page-skill')
      .where('versions.version', '=', '1.0.0')
      .select(['scan_findings.stage', 'scan_findings.rule'])
      .execute();
    const stageOrder = ['ingest', 'structure', 'static', 'injection', 'secrets', 'supply_chain'];
    stageOrder.forEach((stage, index) => {
      const section = stageSections[index] ?? '';
      expect(section.match(/class="finding severity-/g)?.length ?? 0, stage).toBe(
        stored.filter((f) => f.stage === stage).length,
      );
    });
    expect(stored.length).toBeGreaterThan(0);
    expect(body.match(/<rect class="bar"/g)?.length).toBe(30);
    // 1.2.0 was yanked, so the latest is 1.0.0 and the page shows it.
    expect(body).toMatch(/<span class="version">v1\.0\.0<\/span>/);
  });

  it('shows a yanked version on request, and 404s an unknown version or file', async () => {
    const browser = newBrowser();
    const yanked = await html(await browser.fetch('/artifacts/page-skill/v/1.2.0'));
    expect(yanked).toContain('This version was yanked: broken');
    expect((await browser.fetch('/artifacts/page-skill/v/9.9.9')).status).toBe(404);
    expect((await browser.fetch('/artifacts/page-skill/v/1.0.0/files/nope.md')).status).toBe(404);
    expect((await browser.fetch('/artifacts/page-skill/sideways')).status).toBe(404);
  });

  it('the file viewer escapes and numbers text, and does not inline binary files', async () => {
    const browser = newBrowser();
    const guide = await html(await browser.fetch('/artifacts/page-skill/v/1.0.0/files/docs/guide.md'));
    // highlight.js marks the tag up, but its angle brackets stay escaped text.
    expect(guide).toMatch(/&lt;(<span class="hljs-name">)?b(<\/span>)?&gt;/);
    expect(guide).not.toContain('<b>bold</b>');
    expect(guide).toContain('id="L3"');
    const binary = await html(await browser.fetch('/artifacts/page-skill/v/1.0.0/files/bin/blob.bin'));
    expect(binary).toContain('binary or too large');
  });

  it('a private artifact is a 404 page to anonymous and other users, readable by its publisher', async () => {
    const anonymous = await newBrowser().fetch('/artifacts/page-hidden');
    expect(anonymous.status).toBe(404);
    expect(await html(anonymous)).toContain('Page not found');
    expect((await (await signedIn(bob)).fetch('/artifacts/page-hidden')).status).toBe(404);
    expect((await (await signedIn(alice)).fetch('/artifacts/page-hidden')).status).toBe(200);
    expect((await newBrowser().fetch('/artifacts/page-hidden/v/1.0.0/files/SKILL.md')).status).toBe(404);
  });

  it('user and org pages list public artifacts only; unknown ones are 404', async () => {
    const browser = newBrowser();
    const user = await html(await browser.fetch('/users/alice-web'));
    expect(user).toContain('href="/artifacts/page-skill"');
    expect(user).not.toContain('page-hidden');
    expect((await browser.fetch('/users/nobody-here')).status).toBe(404);
    expect((await browser.fetch('/orgs/no-such-org')).status).toBe(404);
  });
});

describe('stars', () => {
  it('stars and unstars through the form, needs CSRF and a session', async () => {
    const browser = await signedIn(bob);
    expect((await browser.post('/artifacts/page-skill/star', { starred: 'true' })).status).toBe(403);
    const starred = await browser.submit(
      '/artifacts/page-skill/star',
      { starred: 'true' },
      '/artifacts/page-skill',
    );
    expect(starred.status).toBe(303);
    const page = await html(await browser.fetch('/artifacts/page-skill'));
    expect(page).toMatch(/aria-pressed="true"/);
    expect(page).toMatch(/data-testid="star-count">1</);
    await browser.submit('/artifacts/page-skill/star', { starred: 'false' }, '/artifacts/page-skill');
    expect(await html(await browser.fetch('/artifacts/page-skill'))).toMatch(/data-testid="star-count">0</);
    const anonymous = newBrowser();
    const res = await anonymous.submit(
      '/artifacts/page-skill/star',
      { starred: 'true' },
      '/artifacts/page-skill',
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
  });
});

describe('dashboard', () => {
  it('sends anonymous visitors to log in and comes back', async () => {
    for (const path of ['/dashboard', '/dashboard/tokens', '/dashboard/orgs', '/dashboard/profile']) {
      const res = await newBrowser().fetch(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('lists my artifacts in every visibility', async () => {
    const body = await html(await (await signedIn(alice)).fetch('/dashboard'));
    expect(body).toContain('href="/artifacts/page-skill"');
    expect(body).toContain('href="/artifacts/page-hidden"');
  });

  it('creates a token with scopes and expiry shown once, lists and revokes it', async () => {
    const browser = await signedIn(alice);
    const res = await browser.submit('/dashboard/tokens', {
      name: 'ci',
      scopes: 'skills:publish',
      expires: '7',
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    const token = /data-testid="new-token-value">(agt_[A-Za-z0-9_-]+)</.exec(body)?.[1];
    expect(token).toBeDefined();
    const whoami = await t.request('/api/v1/auth/whoami', { headers: bearer(token ?? '') });
    expect(whoami.status).toBe(200);
    const list = await html(await browser.fetch('/dashboard/tokens'));
    expect(list).not.toContain(token);
    expect(list).toContain((token ?? '').slice(0, 12));
    const id = /action="\/dashboard\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(list)?.[1];
    const revoked = await browser.submit(`/dashboard/tokens/${id}/revoke`, {}, '/dashboard/tokens');
    expect(revoked.status).toBe(303);
    expect((await t.request('/api/v1/auth/whoami', { headers: bearer(token ?? '') })).status).toBe(401);
    // Revoking again, or an id that is not a token, is a 404.
    expect((await browser.submit(`/dashboard/tokens/${id}/revoke`, {}, '/dashboard/tokens')).status).toBe(
      404,
    );
    expect(
      (await browser.submit('/dashboard/tokens/not-a-uuid/revoke', {}, '/dashboard/tokens')).status,
    ).toBe(404);
  });

  it('refuses a token with scopes beyond the user role (a publisher gets no admin token)', async () => {
    const browser = await signedIn(alice);
    for (const scopes of ['skills:admin', 'tenant:admin']) {
      const res = await browser.submit('/dashboard/tokens', { name: 'too-much', scopes, expires: '7' });
      expect(res.status).toBe(422);
      expect(await res.text()).not.toContain('data-testid="new-token-value"');
    }
  });

  it('shows token form errors next to their fields', async () => {
    const browser = await signedIn(alice);
    const res = await browser.submit('/dashboard/tokens', {
      name: '',
      scopes: 'skills:everything',
      expires: '3',
    });
    expect(res.status).toBe(422);
    const body = await res.text();
    for (const field of ['token-name', 'token-scopes', 'token-expiry'])
      expect(body).toContain(`<p class="field-error" id="${field}-error">`);
    expect(body).toContain('aria-describedby="token-name-error"');
  });

  it('creates an org, adds a member by username with a role, removes them, and reports problems', async () => {
    const browser = await signedIn(alice);
    const created = await browser.submit('/dashboard/orgs', { slug: 'web-team', name: 'Web Team' });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/dashboard/orgs/web-team');
    expect((await browser.submit('/dashboard/orgs', { slug: 'web-team', name: 'Again' })).status).toBe(409);
    expect((await browser.submit('/dashboard/orgs', { slug: '-bad-', name: 'Bad' })).status).toBe(422);
    const page = '/dashboard/orgs/web-team';
    expect(
      (await browser.submit(`${page}/members`, { username: 'bob-web', role: 'admin' }, page)).status,
    ).toBe(303);
    const members = await html(await browser.fetch(page));
    expect(members).toMatch(/bob-web<\/a><\/td><td>admin</);
    const unknown = await browser.submit(`${page}/members`, { username: 'ghost-user', role: 'member' }, page);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('id="member-username-error"');
    expect(
      (await browser.submit(`${page}/members`, { username: 'bob-web', role: 'emperor' }, page)).status,
    ).toBe(422);
    // The last owner cannot leave.
    expect((await browser.submit(`${page}/members/alice-web/remove`, {}, page)).status).toBe(409);
    expect((await browser.submit(`${page}/members/bob-web/remove`, {}, page)).status).toBe(303);
    expect(await html(await browser.fetch(page))).not.toContain('bob-web</a>');
    // Non-members see a 404, and the public page exists.
    expect((await (await signedIn(bob)).fetch(page)).status).toBe(404);
    expect(await html(await newBrowser().fetch('/orgs/web-team'))).toContain('Web Team');
  });

  it('updates the profile and shows a bad email next to its field', async () => {
    const browser = await signedIn(bob);
    const bad = await browser.submit('/dashboard/profile', { displayName: 'Bob', email: 'not-an-email' });
    expect(bad.status).toBe(422);
    const body = await bad.text();
    expect(body).toContain('id="email-error"');
    expect(body).toContain('value="not-an-email"');
    const taken = await browser.submit('/dashboard/profile', {
      displayName: 'Bob',
      email: 'alice-web@example.test',
    });
    expect(taken.status).toBe(422);
    const ok = await browser.submit('/dashboard/profile', {
      displayName: 'Bob Builder',
      email: 'bob2@example.test',
    });
    expect(ok.status).toBe(200);
    expect(await html(await newBrowser().fetch('/users/bob-web'))).toContain('Bob Builder');
  });

  it('refuses every dashboard form without its CSRF field', async () => {
    const browser = await signedIn(alice);
    await browser.fetch('/dashboard');
    for (const [path, fields] of [
      ['/dashboard/tokens', { name: 'x', scopes: 'skills:read', expires: '' }],
      ['/dashboard/orgs', { slug: 'csrf-org', name: 'x' }],
      ['/dashboard/orgs/web-team/members', { username: 'bob-web', role: 'member' }],
      ['/dashboard/profile', { displayName: 'x', email: '' }],
      ['/logout', {}],
    ] as const) {
      const res = await browser.post(path, fields);
      expect(res.status, path).toBe(403);
      const wrong = await browser.post(path, { ...fields, csrf: 'forged' });
      expect(wrong.status, path).toBe(403);
    }
  });
});
