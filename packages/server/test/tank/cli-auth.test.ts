import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { type Send, TestBrowser } from '../../../../test-support/browser.js';
import { createApp } from '../../src/app.js';
import { hashSecret } from '../../src/domain/secrets.js';
import { ensureTenant } from '../../src/domain/tenants.js';
import { setTenantRole } from '../../src/domain/users.js';

let t: TestApp;
/** The same deployment with BASE_DOMAIN set, so tenants live on `<slug>.registry.test`. */
let subdomains: ReturnType<typeof createApp>;
let subTenantId: string;
beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_AUTHENTICATED: '100000', RATE_LIMIT_PRO: '100000' },
  });
  subdomains = createApp({ ...t.deps, config: { ...t.deps.config, baseDomain: 'registry.test' } });
  subTenantId = (await ensureTenant(t.deps.db, 'subco', 'Sub Co')).id;
});
afterAll(() => t.close());

let counter = 0;
const freshIp = () => {
  const n = ++counter;
  return `10.1.${n >> 8}.${n & 255}`;
};
const password = 'correct horse battery';

const defaultApp: Send = (path, init) => t.request(path, init);

/** A browser with its own client address; it can also answer the CLI consent page. */
class Browser extends TestBrowser {
  constructor(headers: Record<string, string> = {}, send: Send = defaultApp) {
    super(send, { 'x-test-client-ip': freshIp(), ...headers });
  }

  override logIn(login: string, secret = password, next?: string) {
    return super.logIn(login, secret, next);
  }

  /** Opens the consent page and submits the decision with the page's own csrf field. */
  async decide(pollToken: string, decision: 'approve' | 'deny') {
    const page = await this.fetch(authorizePath(pollToken));
    expect(page.status).toBe(200);
    const html = await page.text();
    const csrf =
      /<form method="post" action="\/api\/v1\/cli-auth\/authorize">\s*<input type="hidden" name="csrf" value="([^"]+)"/.exec(
        html,
      )?.[1];
    expect(csrf).toBeTruthy();
    return this.post('/api/v1/cli-auth/authorize', { csrf: csrf ?? '', token: pollToken, decision });
  }
}

const authorizePath = (pollToken: string) =>
  `/api/v1/cli-auth/authorize?token=${encodeURIComponent(pollToken)}`;

/** A tenant member with a password, logged in from a fresh browser. */
async function loggedIn(
  tenantId = t.defaultTenantId,
  headers: Record<string, string> = {},
  send = defaultApp,
) {
  const user = await createTestUser(t.deps, tenantId, { password });
  const browser = new Browser(headers, send);
  const res = await browser.logIn(user.username);
  expect(res.status).toBe(303);
  expect(browser.cookies.get('agentry_session')).toBeTruthy();
  return { user, browser };
}

type Json = Record<string, unknown> & { error?: string };

async function start(body: unknown = { deviceName: 'laptop' }, send: Send = defaultApp, headers = {}) {
  const res = await send('/api/v1/cli-auth/start', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json & { pollToken: string; authUrl: string } };
}

async function exchange(pollToken: unknown, send: Send = defaultApp, headers = {}) {
  const res = await send('/api/v1/cli-auth/exchange', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ pollToken }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const subSend: Send = (path, init) =>
  Promise.resolve(subdomains.request(`http://registry.test${path}`, init));

describe('POST /api/v1/cli-auth/start', () => {
  it('answers 200 with a poll token, the consent URL holding it, and expiresIn 300', async () => {
    const res = await start();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['authUrl', 'expiresIn', 'pollToken']);
    expect(res.body.pollToken).toMatch(/^poll_[A-Za-z0-9_-]{43}$/);
    expect(res.body.expiresIn).toBe(300);
    const url = new URL(res.body.authUrl);
    expect(url.origin).toBe('http://registry.test');
    expect(url.pathname).toBe('/api/v1/cli-auth/authorize');
    expect(url.searchParams.get('token')).toBe(res.body.pollToken);
  });

  it('accepts a missing body', async () => {
    const res = await t.request('/api/v1/cli-auth/start', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { expiresIn: number }).expiresIn).toBe(300);
  });

  it('issues a different token every time', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) tokens.add((await start()).body.pollToken);
    expect(tokens.size).toBe(5);
  });

  it('points a non-default tenant at its own subdomain of BASE_DOMAIN', async () => {
    const byHeader = await start({}, subSend, { 'X-Skill-Pool-Tenant': 'subco' });
    expect(byHeader.status).toBe(200);
    const url = new URL(byHeader.body.authUrl);
    expect(url.origin).toBe('http://subco.registry.test');
    expect(url.pathname).toBe('/api/v1/cli-auth/authorize');
    expect(url.searchParams.get('token')).toBe(byHeader.body.pollToken);

    const byHost = await subdomains.request('http://subco.registry.test/api/v1/cli-auth/start', {
      method: 'POST',
    });
    expect(byHost.status).toBe(200);
    const hostBody = (await byHost.json()) as { authUrl: string; pollToken: string };
    expect(new URL(hostBody.authUrl).host).toBe('subco.registry.test');

    const plain = await start({}, subSend);
    expect(new URL(plain.body.authUrl).origin).toBe('http://registry.test');
  });

  it('stores the poll token only as a hash', async () => {
    const { pollToken } = (await start({ deviceName: 'hash check' })).body;
    const row = await t.deps.db
      .selectFrom('device_codes')
      .selectAll()
      .where('poll_token_hash', '=', hashSecret(pollToken))
      .executeTakeFirstOrThrow();
    expect(row.poll_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.status).toBe('pending');
    expect(row.tenant_id).toBe(t.defaultTenantId);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(pollToken);
    expect(stored).not.toContain(pollToken.slice('poll_'.length));
    expect(stored).not.toContain(pollToken.slice(5, 25));
  });
});

describe('the consent page', () => {
  it('redirects (303) to /login?next=… without a session', async () => {
    const { pollToken } = (await start()).body;
    const res = await new Browser().fetch(authorizePath(pollToken));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '', 'http://registry.test');
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('next')).toBe(authorizePath(pollToken));
  });

  it('returns to the consent page after log-in and shows a form with a csrf field', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId, { password });
    const { pollToken } = (await start({ deviceName: 'work laptop' })).body;
    const browser = new Browser();
    const redirect = await browser.fetch(authorizePath(pollToken));
    const next = new URL(redirect.headers.get('location') ?? '', 'http://registry.test').searchParams.get(
      'next',
    );
    const login = await browser.logIn(user.username, password, next ?? '');
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(authorizePath(pollToken));
    const page = await browser.fetch(login.headers.get('location') ?? '');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/api\/v1\/cli-auth\/authorize">/);
    expect(html).toMatch(/<input type="hidden" name="csrf" value="[A-Za-z0-9_-]{20,}"/);
    expect(html).toContain(`name="token" value="${pollToken}"`);
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="deny"');
    expect(html).toContain(user.username);
    expect(html).toContain('work laptop');
    expect(browser.cookies.get('agentry_csrf')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('escapes the device name', async () => {
    const { browser } = await loggedIn();
    const { pollToken } = (await start({ deviceName: '<script>alert(1)</script>' })).body;
    const html = await (await browser.fetch(authorizePath(pollToken))).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('answers 410 for an unknown, malformed or used token', async () => {
    const { browser } = await loggedIn();
    for (const token of ['nope', `poll_${'A'.repeat(43)}`, '']) {
      expect((await browser.fetch(authorizePath(token))).status).toBe(410);
    }
  });
});

describe('approve and exchange', () => {
  it('answers 202 pending, then 200 with a working API key once approved, then 410', async () => {
    const { user, browser } = await loggedIn();
    const { pollToken } = (await start({ deviceName: 'ci box' })).body;
    expect(await exchange(pollToken)).toEqual({ status: 202, body: { status: 'pending' } });
    expect(await exchange(pollToken)).toEqual({ status: 202, body: { status: 'pending' } });

    const approved = await browser.decide(pollToken, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.headers.get('content-type')).toMatch(/^text\/html/);

    const done = await exchange(pollToken);
    expect(done.status).toBe(200);
    expect(Object.keys(done.body).sort()).toEqual(['apiKey', 'scopes']);
    expect(done.body.scopes).toEqual(['skills:read', 'skills:publish']);
    const apiKey = String(done.body.apiKey);
    const whoami = await t.request('/api/v1/auth/whoami', { headers: bearer(apiKey) });
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toMatchObject({
      userId: user.id,
      username: user.username,
      tenant: 'default',
      scopes: ['skills:publish', 'skills:read'].sort(),
    });
    const tokenRow = await t.deps.db
      .selectFrom('api_tokens')
      .select(['name', 'expires_at'])
      .where('token_hash', '=', hashSecret(apiKey))
      .executeTakeFirstOrThrow();
    expect(tokenRow.name).toContain('ci box');
    expect(tokenRow.expires_at).toBeInstanceOf(Date);

    expect(await exchange(pollToken)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
    // A consumed request can no longer be decided either.
    expect((await browser.fetch(authorizePath(pollToken))).status).toBe(410);
    const csrf = await browser.csrfFrom('/login');
    const again = await browser.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pollToken,
      decision: 'approve',
    });
    expect(again.status).toBe(410);
    expect(await exchange(pollToken)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
  });

  it('grants no more than the tenant role allows: a viewer gets a read-only key', async () => {
    const viewer = await createTestUser(t.deps, t.defaultTenantId, {
      password,
      role: 'viewer',
      scopes: ['skills:read'],
    });
    const browser = new Browser();
    expect((await browser.logIn(viewer.username)).status).toBe(303);
    const { pollToken } = (await start()).body;
    const html = await (await browser.fetch(authorizePath(pollToken))).text();
    expect(html).toContain('<code>skills:read</code>');
    expect(html).not.toContain('<code>skills:publish</code>');
    expect((await browser.decide(pollToken, 'approve')).status).toBe(200);
    const done = await exchange(pollToken);
    expect(done).toMatchObject({ status: 200, body: { scopes: ['skills:read'] } });
    const whoami = await t.request('/api/v1/auth/whoami', { headers: bearer(String(done.body.apiKey)) });
    expect(await whoami.json()).toMatchObject({ username: viewer.username, scopes: ['skills:read'] });
    const publish = await t.request('/api/v1/orgs', {
      method: 'POST',
      headers: { ...bearer(String(done.body.apiKey)), 'content-type': 'application/json' },
      body: JSON.stringify({ slug: `viewer-${process.pid}` }),
    });
    expect(publish.status).toBe(403);
    expect(await publish.json()).toMatchObject({ error: 'FORBIDDEN' });
  });

  it('issues no key when the approving user has left the tenant before the exchange (410)', async () => {
    const { user, browser } = await loggedIn();
    const { pollToken } = (await start()).body;
    expect((await browser.decide(pollToken, 'approve')).status).toBe(200);
    await t.deps.db
      .deleteFrom('tenant_members')
      .where('tenant_id', '=', t.defaultTenantId)
      .where('user_id', '=', user.id)
      .execute();
    expect(await exchange(pollToken)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
    const tokens = await t.deps.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(tokens).toHaveLength(1);
  });

  it('answers 410 after the user denies, and the request cannot be approved afterwards', async () => {
    const { browser } = await loggedIn();
    const { pollToken } = (await start()).body;
    const csrf = await browser.csrfFrom(authorizePath(pollToken));
    const denied = await browser.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pollToken,
      decision: 'deny',
    });
    expect(denied.status).toBe(200);
    expect(await exchange(pollToken)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
    const late = await browser.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pollToken,
      decision: 'approve',
    });
    expect(late.status).toBe(410);
    expect(await exchange(pollToken)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
  });

  it('answers 410 for an expired token, pending or approved', async () => {
    const { browser } = await loggedIn();
    const expire = (pollToken: string) =>
      t.deps.db
        .updateTable('device_codes')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('poll_token_hash', '=', hashSecret(pollToken))
        .execute();

    const pending = (await start()).body.pollToken;
    const csrf = await browser.csrfFrom(authorizePath(pending));
    await expire(pending);
    expect(await exchange(pending)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
    expect((await browser.fetch(authorizePath(pending))).status).toBe(410);
    const late = await browser.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pending,
      decision: 'approve',
    });
    expect(late.status).toBe(410);

    const approved = (await start()).body.pollToken;
    expect((await browser.decide(approved, 'approve')).status).toBe(200);
    await expire(approved);
    expect(await exchange(approved)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
  });

  it.each([
    ['garbage', 'nope'],
    ['an unknown well-formed token', `poll_${'A'.repeat(43)}`],
    ['a token with a bad prefix', `tank_${'A'.repeat(43)}`],
    ['a token too short', 'poll_abc'],
    ['an empty string', ''],
  ])('answers 410 POLL_TOKEN_EXPIRED for %s', async (_what, pollToken) => {
    expect(await exchange(pollToken)).toMatchObject({ status: 410, body: { error: 'POLL_TOKEN_EXPIRED' } });
  });

  it('answers 422 for a body without a poll token', async () => {
    const res = await t.request('/api/v1/cli-auth/exchange', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
  });

  it('refuses a decision without a valid csrf field (403) and leaves the request pending', async () => {
    const { browser } = await loggedIn();
    const { pollToken } = (await start()).body;
    await browser.csrfFrom(authorizePath(pollToken));
    const forged = await new Browser().csrfFrom('/login');
    for (const extra of [{}, { csrf: '' }, { csrf: forged }] as Record<string, string>[]) {
      const res = await browser.post(
        '/api/v1/cli-auth/authorize',
        { token: pollToken, decision: 'approve', ...extra },
        { accept: 'application/json' },
      );
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'csrf_failed' });
    }
    // Without the csrf cookie a copied field is useless too.
    const field = await browser.csrfFrom(authorizePath(pollToken));
    const noCookie = new Browser();
    noCookie.cookies.set('agentry_session', browser.cookies.get('agentry_session') ?? '');
    const res = await noCookie.post('/api/v1/cli-auth/authorize', {
      csrf: field,
      token: pollToken,
      decision: 'approve',
    });
    expect(res.status).toBe(403);
    expect(await exchange(pollToken)).toEqual({ status: 202, body: { status: 'pending' } });
  });

  it('refuses a decision without a session (401)', async () => {
    const { pollToken } = (await start()).body;
    const browser = new Browser();
    const csrf = await browser.csrfFrom('/login');
    const res = await browser.post(
      '/api/v1/cli-auth/authorize',
      { csrf, token: pollToken, decision: 'approve' },
      { accept: 'application/json' },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    expect(await exchange(pollToken)).toEqual({ status: 202, body: { status: 'pending' } });
  });

  it('does not take a bearer token instead of a session on the consent page', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const { pollToken } = (await start()).body;
    const browser = new Browser(bearer(user.token));
    expect((await browser.fetch(authorizePath(pollToken))).status).toBe(303);
    const csrf = await browser.csrfFrom('/login');
    const res = await browser.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pollToken,
      decision: 'approve',
    });
    expect(res.status).toBe(401);
    expect(await exchange(pollToken)).toEqual({ status: 202, body: { status: 'pending' } });
  });
});

describe("Tank CLI's dialect (state and sessionCode)", () => {
  const tankExchange = async (body: Record<string, unknown>) => {
    const res = await t.request('/api/v1/cli-auth/exchange', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('start with state also names the session; the state is stored only as a hash', async () => {
    const state = crypto.randomUUID();
    const res = await start({ state });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['authUrl', 'expiresIn', 'pollToken', 'sessionCode']);
    const row = await t.deps.db
      .selectFrom('device_codes')
      .selectAll()
      .where('id', '=', String(res.body.sessionCode))
      .executeTakeFirstOrThrow();
    expect(row.poll_token_hash).toBe(hashSecret(res.body.pollToken));
    expect(row.state_hash).toBe(hashSecret(state));
    expect(JSON.stringify(row)).not.toContain(state);
  });

  it('refuses a state outside 8–256 characters (422) and stores nothing', async () => {
    const before = await t.deps.db.selectFrom('device_codes').select('id').execute();
    for (const state of ['short', 'x'.repeat(257), 42]) {
      const res = await start({ state });
      expect([res.status, res.body.error]).toEqual([422, 'VALIDATION_ERROR']);
    }
    expect(await t.deps.db.selectFrom('device_codes').select('id').execute()).toHaveLength(before.length);
  });

  it('answers 400 while pending, then {token, user:{name, email}} once approved, then 410', async () => {
    const { user, browser } = await loggedIn();
    const state = crypto.randomUUID();
    const { sessionCode, pollToken } = (await start({ state })).body;
    expect(await tankExchange({ sessionCode, state })).toMatchObject({
      status: 400,
      body: { error: 'AUTHORIZATION_PENDING' },
    });
    expect((await browser.decide(pollToken, 'approve')).status).toBe(200);
    const done = await tankExchange({ sessionCode, state });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      user: { name: user.username, email: `${user.username}@example.test` },
      scopes: ['skills:read', 'skills:publish'],
    });
    const whoami = await t.request('/api/v1/auth/whoami', { headers: bearer(String(done.body.token)) });
    expect(whoami.status).toBe(200);
    expect((await tankExchange({ sessionCode, state })).status).toBe(410);
  });

  it('needs the state the session started with: a wrong one, none, or a session started without one get no key', async () => {
    const { browser } = await loggedIn();
    const state = crypto.randomUUID();
    const withState = (await start({ state })).body;
    const without = (await start({ deviceName: 'no state' })).body;
    const withoutCode = (
      await t.deps.db
        .selectFrom('device_codes')
        .select('id')
        .where('poll_token_hash', '=', hashSecret(without.pollToken))
        .executeTakeFirstOrThrow()
    ).id;
    await browser.decide(withState.pollToken, 'approve');
    await browser.decide(without.pollToken, 'approve');
    expect(
      (await tankExchange({ sessionCode: withState.sessionCode, state: crypto.randomUUID() })).status,
    ).toBe(410);
    expect((await tankExchange({ sessionCode: withState.sessionCode })).status).toBe(422);
    expect((await tankExchange({ sessionCode: withoutCode, state })).status).toBe(410);
    expect((await tankExchange({ sessionCode: 'not-a-uuid', state })).status).toBe(410);
    // The right state still works afterwards, and the documented poll token was not consumed by the misses.
    expect((await tankExchange({ sessionCode: withState.sessionCode, state })).status).toBe(200);
    expect((await exchange(without.pollToken)).status).toBe(200);
  });
});

describe('tenants', () => {
  const inSub = { 'X-Skill-Pool-Tenant': 'subco' };

  it('a session of another tenant can neither see nor approve the request', async () => {
    // A user who belongs to both tenants, logged in on the default one.
    const { user, browser } = await loggedIn();
    await setTenantRole(t.deps.db, subTenantId, user.id, 'publisher');
    const { pollToken } = (await start({}, defaultApp, inSub)).body;
    // Same cookies, on the other tenant: the session does not count there.
    const there = new Browser(inSub);
    there.cookies = new Map(browser.cookies);
    expect((await there.fetch(authorizePath(pollToken))).status).toBe(303);
    const csrf = await browser.csrfFrom('/login');
    const res = await there.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pollToken,
      decision: 'approve',
    });
    expect(res.status).toBe(401);
    // On its own tenant the session does not find the other tenant's request.
    expect((await browser.fetch(authorizePath(pollToken))).status).toBe(410);
    const here = await browser.post('/api/v1/cli-auth/authorize', {
      csrf,
      token: pollToken,
      decision: 'approve',
    });
    expect(here.status).toBe(410);
    expect(await exchange(pollToken, defaultApp, inSub)).toEqual({
      status: 202,
      body: { status: 'pending' },
    });
  });

  it('a session of the default tenant approving its own request cannot be exchanged elsewhere', async () => {
    const { browser } = await loggedIn();
    const { pollToken } = (await start()).body;
    expect((await browser.decide(pollToken, 'approve')).status).toBe(200);
    expect(await exchange(pollToken, defaultApp, inSub)).toMatchObject({
      status: 410,
      body: { error: 'POLL_TOKEN_EXPIRED' },
    });
    const done = await exchange(pollToken);
    expect(done.status).toBe(200);
    const other = await t.request('/api/v1/auth/whoami', {
      headers: { ...bearer(String(done.body.apiKey)), ...inSub },
    });
    expect(other.status).toBe(401);
  });

  it('runs the whole flow on a tenant subdomain', async () => {
    const { user, browser } = await loggedIn(subTenantId, {}, (path, init) =>
      Promise.resolve(subdomains.request(`http://subco.registry.test${path}`, init)),
    );
    const started = await subdomains.request('http://subco.registry.test/api/v1/cli-auth/start', {
      method: 'POST',
    });
    const { pollToken, authUrl } = (await started.json()) as { pollToken: string; authUrl: string };
    const url = new URL(authUrl);
    expect(url.host).toBe('subco.registry.test');
    expect((await browser.decide(pollToken, 'approve')).status).toBe(200);
    const done = await exchange(pollToken, subSend, inSub);
    expect(done.status).toBe(200);
    const whoami = await t.request('/api/v1/auth/whoami', {
      headers: { ...bearer(String(done.body.apiKey)), ...inSub },
    });
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toMatchObject({ username: user.username, tenant: 'subco' });
    expect(
      (await t.request('/api/v1/auth/whoami', { headers: bearer(String(done.body.apiKey)) })).status,
    ).toBe(401);
  });
});
