/**
 * The artifact's dashboard page: visibility, yank/restore and deprecate/undeprecate buttons, each asked
 * about on a confirmation page first; only those who may change the artifact reach it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { testBrowsers } from '../../../../test-support/browser.js';
import { publishVersion } from '../../../../test-support/tarball.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
const password = 'correct horse battery';

const { open: newBrowser, signedIn } = testBrowsers((path, init) => t.request(path, init), 8, password);

const manage = '/dashboard/artifacts/manage-me';

beforeAll(async () => {
  t = await createTestApp();
  alice = await createTestUser(t.deps, t.defaultTenantId, { password, username: 'alice-manage' });
  bob = await createTestUser(t.deps, t.defaultTenantId, { password, username: 'bob-manage' });
  for (const version of ['1.0.0', '1.1.0'])
    expect((await publishVersion(t, alice.token, { name: 'manage-me', version })).status).toBe(200);
}, 120_000);
afterAll(() => t.close());

const state = async () => {
  const pkg = await t.deps.db
    .selectFrom('packages')
    .select(['id', 'visibility', 'latest_version'])
    .where('name', '=', 'manage-me')
    .executeTakeFirstOrThrow();
  const versions = await t.deps.db
    .selectFrom('versions')
    .select(['version', 'status', 'deprecated_message', 'yank_reason'])
    .where('package_id', '=', pkg.id)
    .orderBy('version')
    .execute();
  return { ...pkg, versions };
};

describe('the artifact dashboard page', () => {
  it('is linked from the dashboard and the artifact page for its owner only', async () => {
    const browser = await signedIn(alice);
    expect(await (await browser.fetch('/dashboard')).text()).toContain(`href="${manage}"`);
    expect(await (await browser.fetch('/artifacts/manage-me')).text()).toContain('data-testid="manage-link"');
    const other = await signedIn(bob);
    expect(await (await other.fetch('/artifacts/manage-me')).text()).not.toContain(
      'data-testid="manage-link"',
    );
    expect((await other.fetch(manage)).status).toBe(403);
    expect((await newBrowser().fetch(manage)).headers.get('location')).toMatch(/^\/login\?next=/);
  });

  it('yanks after confirmation only, with the reason, and restores', async () => {
    const browser = await signedIn(alice);
    const asked = await browser.submit(manage, { action: 'yank', version: '1.1.0', text: 'broken' });
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain('data-testid="confirm-form"');
    expect(page).toContain('name="confirm" value="yes"');
    // Nothing changed yet.
    expect((await state()).versions.find((v) => v.version === '1.1.0')?.status).toBe('published');
    const done = await browser.submit(manage, {
      action: 'yank',
      version: '1.1.0',
      text: 'broken',
      confirm: 'yes',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(manage);
    let now = await state();
    expect(now.versions.find((v) => v.version === '1.1.0')).toMatchObject({
      status: 'yanked',
      yank_reason: 'broken',
    });
    expect(now.latest_version).toBe('1.0.0');
    expect(await (await browser.fetch(manage)).text()).toContain('Restore…');
    await browser.submit(manage, { action: 'unyank', version: '1.1.0', confirm: 'yes' });
    now = await state();
    expect(now.versions.find((v) => v.version === '1.1.0')?.status).toBe('published');
    expect(now.latest_version).toBe('1.1.0');
  });

  it('deprecates with a message (an empty one is a 422 next to the table) and undeprecates', async () => {
    const browser = await signedIn(alice);
    const empty = await browser.submit(manage, {
      action: 'deprecate',
      version: '1.0.0',
      text: ' ',
      confirm: 'yes',
    });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('id="message-error"');
    await browser.submit(manage, { action: 'deprecate', version: '1.0.0', text: 'use 1.1', confirm: 'yes' });
    expect((await state()).versions.find((v) => v.version === '1.0.0')?.deprecated_message).toBe('use 1.1');
    await browser.submit(manage, { action: 'undeprecate', version: '1.0.0', confirm: 'yes' });
    expect((await state()).versions.find((v) => v.version === '1.0.0')?.deprecated_message).toBeNull();
  });

  it('changes visibility after confirmation; team is refused for an unscoped name', async () => {
    const browser = await signedIn(alice);
    expect(
      (await browser.submit(manage, { action: 'visibility', visibility: 'team', confirm: 'yes' })).status,
    ).toBe(422);
    expect(
      await (await browser.submit(manage, { action: 'visibility', visibility: 'private' })).text(),
    ).toContain('Make manage-me private?');
    expect((await state()).visibility).toBe('public');
    await browser.submit(manage, { action: 'visibility', visibility: 'private', confirm: 'yes' });
    expect((await state()).visibility).toBe('private');
    expect((await newBrowser().fetch('/artifacts/manage-me')).status).toBe(404);
    await browser.submit(manage, { action: 'visibility', visibility: 'public', confirm: 'yes' });
    expect((await state()).visibility).toBe('public');
  });

  it('refuses strangers, unknown versions and actions, and forms without CSRF', async () => {
    const other = await signedIn(bob);
    const csrf = await other.csrfFrom('/dashboard');
    const before = await state();
    expect(
      (await other.post(manage, { csrf, action: 'yank', version: '1.0.0', confirm: 'yes' })).status,
    ).toBe(403);
    const browser = await signedIn(alice);
    expect((await browser.submit(manage, { action: 'yank', version: '9.9.9', confirm: 'yes' })).status).toBe(
      404,
    );
    expect(
      (await browser.submit(manage, { action: 'delete', version: '1.0.0', confirm: 'yes' })).status,
    ).toBe(400);
    expect((await browser.post(manage, { action: 'yank', version: '1.0.0', confirm: 'yes' })).status).toBe(
      403,
    );
    expect(await state()).toEqual(before);
  });
});
