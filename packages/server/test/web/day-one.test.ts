/**
 * Page gaps a team meets on its first day (issue 22, item 7), in-process: sign-up keeps where it was
 * reached from, a private artifact's page shows its own score badge, an org's sole owner is offered no
 * "Leave", README SVG images go through the sandboxed raw-file endpoint. The browser checks (390 px,
 * SVG rendering) are in e2e/web-ui.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { TestBrowser } from '../../../../test-support/browser.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { parseArtifactPath } from '../../src/web/artifact-pages.js';

let t: TestApp;
let owner: TestUser;
const password = 'correct horse battery';
let counter = 0;
const browser = () => {
  counter += 1;
  return new TestBrowser((path, init) => t.request(path, init), { 'x-test-client-ip': `10.22.0.${counter}` });
};

beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId, { password, username: 'dayone-owner' });
  const files = {
    ...skillFiles('dayone-svg'),
    'README.md': '# Logo\n\n![Logo](logo.svg)\n',
    'logo.svg': '<svg/>',
  };
  expect((await publishVersion(t, owner.token, { name: 'dayone-svg', version: '1.0.0' }, files)).status).toBe(
    200,
  );
  expect(
    (
      await publishVersion(t, owner.token, {
        name: 'dayone-private',
        version: '1.0.0',
        visibility: 'private',
      })
    ).status,
  ).toBe(200);
}, 120_000);
afterAll(() => t.close());

describe('sign-up reached from another page', () => {
  it('returns there afterwards, as log-in does, and never leaves the site', async () => {
    const next = '/api/v1/cli-auth/authorize?token=abc';
    const visitor = browser();
    const login = await (await visitor.fetch(`/login?next=${encodeURIComponent(next)}`)).text();
    expect(login).toContain(`href="/signup?next=${encodeURIComponent(next).replace(/&/g, '&amp;')}"`);
    const signupPage = `/signup?next=${encodeURIComponent(next)}`;
    const form = await (await visitor.fetch(signupPage)).text();
    expect(form).toContain(`name="next" value="${next}"`);
    const fields = { username: 'dayone-new', email: 'dayone-new@example.com', password };
    const created = await visitor.submit('/signup', { ...fields, next }, signupPage);
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe(next);
    const elsewhere = browser();
    const offsite = await elsewhere.submit(
      '/signup',
      { username: 'dayone-off', email: 'dayone-off@example.com', password, next: '//evil.example/' },
      '/signup',
    );
    expect(offsite.headers.get('location')).toBe('/');
  });
});

describe('a private artifact page', () => {
  it('links its own badge, which shows the score to the signed-in owner and nothing to others', async () => {
    expect(parseArtifactPath('/artifacts/@org/x/badge.svg')).toEqual({ name: '@org/x', action: 'badge' });
    const me = browser();
    expect((await me.logIn(owner.username, password)).status).toBe(303);
    const page = await (await me.fetch('/artifacts/dayone-private')).text();
    expect(page).toContain('<span class="tag-private">private</span>');
    expect(page).toContain('src="/artifacts/dayone-private/badge.svg"');
    const badge = await me.fetch('/artifacts/dayone-private/badge.svg');
    expect(badge.status).toBe(200);
    expect(badge.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(badge.headers.get('content-security-policy')).toContain('sandbox');
    expect(badge.headers.get('cache-control')).toBe('private, no-store');
    expect(await badge.text()).toMatch(/agentry audit: \d+\/10/);
    expect((await browser().fetch('/artifacts/dayone-private/badge.svg')).status).toBe(404);
    // A public artifact keeps the public badge URL.
    expect(await (await me.fetch('/artifacts/dayone-svg')).text()).toContain(
      'src="/api/v1/badge/dayone-svg"',
    );
  });

  it('renders a README SVG through the sandboxed raw-file endpoint', async () => {
    const page = await (await browser().fetch('/artifacts/dayone-svg')).text();
    expect(page).toContain('src="/api/v1/skills/dayone-svg/1.0.0/files/logo.svg"');
    // The file viewer shows an SVG's source rather than drawing it.
    const viewer = await (await browser().fetch('/artifacts/dayone-svg/v/1.0.0/files/logo.svg')).text();
    expect(viewer).toContain('data-testid="file-source"');
  });
});

describe("an org's members", () => {
  it('offer the sole owner neither Leave nor Remove, and a second owner both', async () => {
    const me = browser();
    expect((await me.logIn(owner.username, password)).status).toBe(303);
    expect((await me.submit('/dashboard/orgs', { slug: 'dayone-org', name: 'Day One' })).status).toBe(303);
    const page = '/dashboard/orgs/dayone-org';
    const leave = /<button[^>]*aria-label="Remove dayone-owner"/;
    expect(await (await me.fetch(page)).text()).not.toMatch(leave);
    await createTestUser(t.deps, t.defaultTenantId, { password, username: 'dayone-second' });
    expect(
      (await me.submit(`${page}/members`, { username: 'dayone-second', role: 'owner' }, page)).status,
    ).toBe(303);
    const twoOwners = await (await me.fetch(page)).text();
    expect(twoOwners).toMatch(leave);
    expect(twoOwners).toMatch(/aria-label="Remove dayone-second"/);
  });
});
