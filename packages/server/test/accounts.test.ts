import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test-support/app.js';
import { parseSetCookies, TestBrowser } from '../../../test-support/browser.js';
import { createApp } from '../src/app.js';
import { ensureTenant } from '../src/domain/tenants.js';
import { setTenantRole } from '../src/domain/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { LOGIN_RATE_LIMIT: '3' } });
});
afterAll(() => t.close());

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;
// Every browser gets its own address, so failed log-ins of one test never count against another.
const freshIp = () => {
  const n = ++counter;
  return `10.0.${n >> 8}.${n & 255}`;
};
const password = 'correct horse battery';

/** A browser with its own client address on the test app. */
class Browser extends TestBrowser {
  constructor(headers: Record<string, string> = {}) {
    super((path, init) => t.request(path, init), { 'x-test-client-ip': freshIp(), ...headers });
  }
}

async function signUpNew(browser = new Browser()) {
  const username = unique('acct');
  const email = `${username}@example.test`;
  const res = await browser.submit('/signup', { username, email, password });
  expect(res.status).toBe(303);
  return { browser, username, email };
}

/** Logs in from a fresh browser (fresh address) and returns the response and the browser. */
async function logIn(login: string, secret: string, headers: Record<string, string> = {}) {
  const browser = new Browser(headers);
  const res = await browser.submit('/login', { login, password: secret });
  return { res, browser };
}

describe('sign-up', () => {
  it('renders a form with a csrf field and sets the csrf cookie', async () => {
    const res = await new Browser().fetch('/signup');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<input type="hidden" name="csrf" value="[A-Za-z0-9_-]{20,}"/);
    const cookie = parseSetCookies(res).find((c) => c.name === 'agentry_csrf');
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(cookie?.attributes).toMatch(/HttpOnly/i);
  });

  it('creates the account and starts an HttpOnly SameSite=Lax session', async () => {
    const browser = new Browser();
    const username = unique('acct');
    const res = await browser.submit('/signup', { username, email: `${username}@example.test`, password });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const session = parseSetCookies(res).find((c) => c.name === 'agentry_session');
    expect(session?.attributes).toMatch(/HttpOnly/i);
    expect(session?.attributes).toMatch(/SameSite=Lax/i);
    expect(await browser.who()).toBe(username);
  });

  it('refuses a missing or forged csrf field with 403 csrf_failed', async () => {
    const browser = new Browser();
    await browser.csrfFrom('/signup');
    const forged = await new Browser().csrfFrom('/signup');
    const username = unique('acct');
    const fields = { username, email: `${username}@example.test`, password };
    for (const extra of [{}, { csrf: forged }, { csrf: '' }] as Record<string, string>[]) {
      const res = await browser.post('/signup', { ...fields, ...extra }, { accept: 'application/json' });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'csrf_failed' });
    }
    const noCookie = await new Browser().post('/signup', { ...fields, csrf: forged });
    expect(noCookie.status).toBe(403);
    const row = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it.each([
    ['username', { username: '-Bad Name-' }],
    ['password', { password: 'short' }],
  ])('re-renders the form with 422 and marks the %s field', async (field, override) => {
    const browser = new Browser();
    const username = unique('acct');
    const res = await browser.submit('/signup', {
      username,
      email: `${username}@example.test`,
      password,
      ...override,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    const input = new RegExp(`<input[^>]*name="${field}"[^>]*>`).exec(html)?.[0];
    expect(input).toContain('aria-invalid="true"');
    expect(input).toContain(`aria-describedby="${field}-error"`);
    expect(html).toContain(`id="${field}-error"`);
    expect(html).not.toMatch(/<input[^>]*name="email"[^>]*aria-invalid/);
    expect(browser.cookies.has('agentry_session')).toBe(false);
  });

  it('answers 409 for a taken username', async () => {
    const { username } = await signUpNew();
    const res = await new Browser().submit('/signup', {
      username,
      email: `${unique('x')}@example.test`,
      password,
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/<input[^>]*name="username"[^>]*aria-invalid="true"/);
  });

  it('stores the password only as an scrypt hash', async () => {
    const { username } = await signUpNew();
    const row = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain(password);
  });

  it('is 404 when SIGNUP_ENABLED=false', async () => {
    const closed = createApp({ ...t.deps, config: { ...t.deps.config, signupEnabled: false } });
    const page = await closed.request('http://registry.test/signup', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    const post = await closed.request('http://registry.test/signup', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=x',
    });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('log-in', () => {
  it.each(['username', 'email'] as const)('accepts the %s and starts a new session', async (by) => {
    const account = await signUpNew();
    const { res, browser } = await logIn(account[by], password);
    expect(res.status).toBe(303);
    expect(browser.cookies.get('agentry_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browser.cookies.get('agentry_session')).not.toBe(account.browser.cookies.get('agentry_session'));
    expect(await browser.who()).toBe(account.username);
  });

  it('answers 401 for a wrong password or an unknown user, without a session', async () => {
    const { username } = await signUpNew();
    for (const [login, secret] of [
      [username, 'wrong password!'],
      [unique('nobody'), password],
    ] as const) {
      const { res, browser } = await logIn(login, secret);
      expect(res.status).toBe(401);
      expect(browser.cookies.has('agentry_session')).toBe(false);
    }
  });

  it('answers 429 with Retry-After once an account has LOGIN_RATE_LIMIT failures', async () => {
    const { username } = await signUpNew();
    for (let i = 0; i < 3; i++) expect((await logIn(username, 'wrong password!')).res.status).toBe(401);
    const { res, browser } = await logIn(username, password);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(browser.cookies.has('agentry_session')).toBe(false);
  });

  it('limits failures per address across accounts, not other addresses', async () => {
    const ip = freshIp();
    const accounts = [await signUpNew(), await signUpNew(), await signUpNew(), await signUpNew()];
    for (const { username } of accounts.slice(0, 3)) {
      const { res } = await logIn(username, 'wrong password!', { 'x-test-client-ip': ip });
      expect(res.status).toBe(401);
    }
    const last = accounts[3]?.username ?? '';
    const blocked = await logIn(last, password, { 'x-test-client-ip': ip });
    expect(blocked.res.status).toBe(429);
    expect(blocked.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await logIn(last, password)).res.status).toBe(303);
  });

  it('issues a fresh session id and drops any planted one (no fixation)', async () => {
    const { username } = await signUpNew();
    const planted = 'A'.repeat(43);
    const first = await logIn(username, password);
    const real = first.browser.cookies.get('agentry_session') ?? '';
    for (const value of [planted, real]) {
      const browser = new Browser();
      browser.cookies.set('agentry_session', value);
      expect((await browser.submit('/login', { login: username, password })).status).toBe(303);
      expect(browser.cookies.get('agentry_session')).not.toBe(value);
      expect(await browser.who()).toBe(username);
    }
    const replay = new Browser();
    replay.cookies.set('agentry_session', real);
    expect(await replay.who()).toBeUndefined();
  });

  it.each([
    ['//evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/docs/api', '/docs/api'],
  ])('after log-in with next=%s redirects to %s', async (next, expected) => {
    const { username } = await signUpNew();
    const browser = new Browser();
    const res = await browser.submit(
      '/login',
      { login: username, password, next },
      `/login?next=${encodeURIComponent(next)}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(expected);
  });

  it('carries only a safe next into the log-in form', async () => {
    const browser = new Browser();
    const evil = await (await browser.fetch('/login?next=//evil.example')).text();
    expect(evil).toContain('name="next" value="/"');
    const docs = await (await browser.fetch('/login?next=/docs/api')).text();
    expect(docs).toContain('name="next" value="/docs/api"');
  });

  it('refuses a user who is not a member of the tenant with 401', async () => {
    await ensureTenant(t.deps.db, 'closed-shop');
    const { username } = await signUpNew();
    const { res, browser } = await logIn(username, password, { 'x-skill-pool-tenant': 'closed-shop' });
    expect(res.status).toBe(401);
    expect(browser.cookies.has('agentry_session')).toBe(false);
  });
});

describe('sessions', () => {
  it('log-out with csrf deletes the session', async () => {
    const { browser } = await signUpNew();
    const secret = browser.cookies.get('agentry_session') ?? '';
    const res = await browser.submit('/logout', {}, '/');
    expect(res.status).toBe(303);
    expect(browser.cookies.has('agentry_session')).toBe(false);
    const replay = new Browser();
    replay.cookies.set('agentry_session', secret);
    expect(await replay.who()).toBeUndefined();
  });

  it('log-out without csrf is refused and the session survives', async () => {
    const { browser, username } = await signUpNew();
    const res = await browser.post('/logout', {}, { accept: 'application/json' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'csrf_failed' });
    expect(await browser.who()).toBe(username);
  });

  it('refuses a csrf pair fetched anonymously when sent with a victim session', async () => {
    const attacker = new Browser();
    const field = await attacker.csrfFrom('/login');
    const { browser: victim } = await signUpNew();
    const forged = new Browser();
    forged.cookies.set('agentry_session', victim.cookies.get('agentry_session') ?? '');
    forged.cookies.set('agentry_csrf', attacker.cookies.get('agentry_csrf') ?? '');
    const res = await forged.post('/logout', { csrf: field }, { accept: 'application/json' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'csrf_failed' });
    expect(await victim.who()).toBeDefined();
  });

  it('rotates the csrf cookie at log-in, so a field from before log-in stops working', async () => {
    const browser = new Browser();
    const before = await browser.csrfFrom('/signup');
    const cookieBefore = browser.cookies.get('agentry_csrf');
    const username = unique('rot');
    const res = await browser.post('/signup', {
      csrf: before,
      username,
      email: `${username}@example.test`,
      password,
    });
    expect(res.status).toBe(303);
    expect(browser.cookies.get('agentry_csrf')).not.toBe(cookieBefore);
    const stale = await browser.post('/logout', { csrf: before }, { accept: 'application/json' });
    expect(stale.status).toBe(403);
    expect((await browser.submit('/logout', {}, '/')).status).toBe(303);
  });

  it('does not authenticate the API (bearer only)', async () => {
    const { browser } = await signUpNew();
    const res = await browser.fetch('/api/v1/auth/whoami', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'UNAUTHORIZED' });
  });

  it('is bound to the tenant it was created in', async () => {
    const other = await ensureTenant(t.deps.db, 'second-shop');
    const { browser, username } = await signUpNew();
    const user = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    await setTenantRole(t.deps.db, other.id, user.id, 'publisher');
    expect(await browser.who()).toBe(username);
    const elsewhere = new Browser({ 'x-skill-pool-tenant': 'second-shop' });
    elsewhere.cookies = new Map(browser.cookies);
    const html = await (await elsewhere.fetch('/')).text();
    expect(html).toContain('<code>second-shop</code>');
    expect(html).not.toContain('class="who"');
  });
});
