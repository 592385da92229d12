/**
 * OIDC single sign-on against a real OpenID Provider (oidc-provider on loopback): the admin routes in
 * both skill-pool forms (issuer checked through the public-address guard, the secret sealed and never
 * returned), then the whole sign-in over HTTP — start (PKCE, state, nonce), the provider's login and
 * consent pages, the callback — and what it creates: a user linked by subject, a membership with the
 * default role or a mapped group's role, a 14-day `sps_` session that works as a Bearer and ends at
 * log-out. Tampered state, foreign return_to, tenant isolation and required SSO are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import {
  signInOverHttp,
  startOidcProvider,
  type TestProvider,
} from '../../../../test-support/oidc-provider.js';
import { logIn } from '../../src/domain/accounts.js';
import { call, secondTenant } from './support.js';

const registryOrigin = 'http://registry.test';
/** The specific code (skill-pool's envelope carries its documented parent, bad_request and the like). */
const codeOf = (res: { headers: Headers }) => res.headers.get('x-agentry-error-code');
let t: TestApp;
let provider: TestProvider;
let admin: TestUser;
let curator: TestUser;

const configure = (token: string, body: Record<string, unknown>) =>
  call(t, 'PUT', '/v1/tenant/sso/oidc', { token, body });

const signIn = (login: string, startPath = '/v1/auth/oidc/default/start?return_to=/dashboard', extra = {}) =>
  signInOverHttp({ registry: t.request, registryOrigin, provider, startPath, login, ...extra });

beforeAll(async () => {
  provider = await startOidcProvider({
    redirectUris: [
      `${registryOrigin}/v1/auth/oidc/default/callback`,
      `${registryOrigin}/v1/auth/oidc/other-shop/callback`,
    ],
  });
  t = await createTestApp({ env: { SSO_PRIVATE_ORIGINS: provider.origin } });
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  curator = await createTestUser(t.deps, t.defaultTenantId, { role: 'curator' });
  provider.accounts.set('ada', {
    email: 'Ada@Example.com',
    email_verified: true,
    name: 'Ada L',
    groups: ['staff'],
  });
  provider.accounts.set('grace', {
    email: 'grace@example.com',
    email_verified: true,
    groups: ['registry-admins'],
  });
  provider.accounts.set('mallory', { email: `${curator.username}@example.test`, email_verified: false });
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

describe('OIDC configuration', () => {
  it('needs tenant:admin (401 without a token, 403 below it) on every form', async () => {
    for (const [method, path] of [
      ['GET', '/v1/tenant/sso'],
      ['DELETE', '/v1/tenant/sso'],
      ['GET', '/v1/tenant/sso/oidc'],
      ['PUT', '/v1/tenant/sso/oidc'],
      ['DELETE', '/v1/tenant/sso/oidc'],
      ['PUT', '/v1/tenant/sso/settings'],
    ] as const) {
      const body = method === 'PUT' ? {} : undefined;
      expect((await call(t, method, path, { body })).status, `${method} ${path}`).toBe(401);
      const denied = await call(t, method, path, { token: curator.token, body });
      expect([denied.status, denied.body.error], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
  });

  it('refuses an issuer on a private address that SSO_PRIVATE_ORIGINS does not list, and plain http elsewhere', async () => {
    const strict = await createTestApp();
    try {
      const owner = await createTestUser(strict.deps, strict.defaultTenantId, {
        role: 'admin',
        scopes: ['tenant:admin'],
      });
      for (const issuer of [
        provider.issuer,
        'http://idp.example.com',
        'https://127.0.0.1:9/x',
        'https://169.254.169.254',
      ]) {
        const put = await call(strict, 'PUT', '/v1/tenant/sso/oidc', {
          token: owner.token,
          body: { issuer_url: issuer, client_id: 'x', client_secret: 'y', default_role: 'viewer' },
        });
        expect([put.status, put.body.error], issuer).toEqual([400, 'bad_request']);
      }
      expect((await call(strict, 'GET', '/v1/tenant/sso', { token: owner.token })).body.kind).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('refuses an unreachable issuer, a bad role and a missing secret', async () => {
    const unreachable = await configure(admin.token, {
      issuer_url: `${provider.origin}/nowhere`,
      client_id: provider.clientId,
      client_secret: provider.clientSecret,
      default_role: 'viewer',
    });
    expect([unreachable.status, unreachable.body.error, codeOf(unreachable)]).toEqual([
      400,
      'bad_request',
      'sso_issuer_unreachable',
    ]);
    const role = await configure(admin.token, {
      issuer_url: provider.issuer,
      client_id: 'x',
      client_secret: 'y',
      default_role: 'owner',
    });
    expect([role.status, role.body.error]).toEqual([400, 'bad_request']);
    const secret = await configure(admin.token, {
      issuer_url: provider.issuer,
      client_id: 'x',
      default_role: 'viewer',
    });
    expect([secret.status, secret.body.error]).toEqual([400, 'bad_request']);
  });

  it('stores the provider (document key `issuer` too), seals the secret and returns only its hint', async () => {
    const put = await configure(admin.token, {
      issuer: provider.issuer,
      client_id: provider.clientId,
      client_secret: provider.clientSecret,
      default_role: 'viewer',
      display_name: 'Example IdP',
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.kind).toBe('oidc');
    expect(put.body.oidc).toMatchObject({
      issuer_url: provider.issuer,
      issuer: provider.issuer,
      client_id: provider.clientId,
      client_secret: null,
      client_secret_hint: `••••${provider.clientSecret.slice(-4)}`,
      default_role: 'viewer',
      display_name: 'Example IdP',
      redirect_uri: `${registryOrigin}/v1/auth/oidc/default/callback`,
    });
    expect(put.text).not.toContain(provider.clientSecret);
    const stored = await t.deps.db.selectFrom('tenant_sso_oidc').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(provider.clientSecret);
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', 'like', 'tenant.sso%')
      .execute();
    expect(JSON.stringify(audit)).not.toContain(provider.clientSecret);
    const single = await call(t, 'GET', '/v1/tenant/sso/oidc', { token: admin.token });
    expect(single.body).toMatchObject({ issuer: provider.issuer, client_secret: null });
    // A later PUT without the secret keeps it.
    const kept = await configure(admin.token, {
      issuer_url: provider.issuer,
      client_id: provider.clientId,
      default_role: 'viewer',
    });
    expect((kept.body.oidc as { client_secret_hint: string }).client_secret_hint).toBe(
      `••••${provider.clientSecret.slice(-4)}`,
    );
    const flags = await call(t, 'GET', '/v1/auth/oidc/discover');
    expect(flags.body).toEqual({ enabled: true, display_name: 'Example IdP' });
  });
});

describe('OIDC sign-in over HTTP', () => {
  it('creates the user, joins the tenant with default_role and answers 303 with a 14-day sps_ session', async () => {
    const result = await signIn('ada');
    expect(result.final.status, result.finalBody).toBe(303);
    const location = new URL(result.location ?? '', registryOrigin);
    expect(location.pathname).toBe('/dashboard');
    expect(location.searchParams.get('tenant')).toBe('default');
    const token = location.searchParams.get('token') ?? '';
    expect(token).toMatch(/^sps_[0-9a-f]{64}$/);
    expect(result.registryCookies.get(registryOrigin, 'agentry_session')).toBe(token);
    const user = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'ada@example.com')
      .executeTakeFirstOrThrow();
    expect(user.display_name).toBe('Ada L');
    expect(user.password_hash).toBeNull();
    const member = await t.deps.db
      .selectFrom('tenant_members')
      .select('role')
      .where('user_id', '=', user.id)
      .where('tenant_id', '=', t.defaultTenantId)
      .executeTakeFirstOrThrow();
    expect(member.role).toBe('viewer');
    const session = await t.deps.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const days = (session.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    // The session is a Bearer on skill-pool's API: a viewer reads, cannot administer.
    expect((await call(t, 'GET', '/v1/tenant/notifications/pending-count', { token })).status).toBe(200);
    expect((await call(t, 'GET', '/v1/tenant/sso', { token })).status).toBe(403);
    // Signing in again links the same user by subject.
    const again = await signIn('ada');
    expect(again.final.status).toBe(303);
    const users = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'ada@example.com')
      .execute();
    expect(users).toHaveLength(1);
    const identities = await t.deps.db
      .selectFrom('sso_identities')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    expect(identities).toEqual([
      expect.objectContaining({ protocol: 'oidc', issuer: provider.issuer, subject: 'ada' }),
    ]);
  });

  it('maps IdP groups to roles (the highest mapped role wins)', async () => {
    const settings = await call(t, 'PUT', '/v1/tenant/sso/settings', {
      token: admin.token,
      body: {
        role_mappings: [
          { group: 'registry-admins', role: 'admin' },
          { group: 'staff', role: 'publisher' },
        ],
      },
    });
    expect(settings.status, settings.text).toBe(200);
    expect(settings.body.role_mappings).toHaveLength(2);
    const result = await signIn('grace');
    const token = new URL(result.location ?? '', registryOrigin).searchParams.get('token') ?? '';
    expect((await call(t, 'GET', '/v1/tenant/sso', { token })).status).toBe(200);
    // ada's "staff" group now maps to publisher, replacing viewer.
    await signIn('ada');
    const ada = await t.deps.db
      .selectFrom('tenant_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('m.role')
      .where('u.email', '=', 'ada@example.com')
      .executeTakeFirstOrThrow();
    expect(ada.role).toBe('publisher');
  });

  it('ends the session at POST /v1/auth/logout (204; the token is 401 afterwards)', async () => {
    const result = await signIn('ada');
    const token = new URL(result.location ?? '', registryOrigin).searchParams.get('token') ?? '';
    expect((await call(t, 'POST', '/v1/auth/logout')).status).toBe(401);
    expect((await call(t, 'POST', '/v1/auth/logout', { token })).status).toBe(204);
    expect((await call(t, 'GET', '/v1/tenant/notifications/pending-count', { token })).status).toBe(401);
    // An API token is left alone.
    expect((await call(t, 'POST', '/v1/auth/logout', { token: curator.token })).status).toBe(204);
    expect(
      (await call(t, 'GET', '/v1/tenant/notifications/pending-count', { token: curator.token })).status,
    ).toBe(200);
  });

  it('with response=cookie sets the session cookie and keeps the token out of the URL', async () => {
    const result = await signIn(
      'ada',
      '/v1/auth/oidc/default/start?return_to=/settings%3Ftab%3D1&response=cookie',
    );
    expect(result.final.status).toBe(303);
    expect(result.location).toBe('/settings?tab=1');
    expect(result.registryCookies.get(registryOrigin, 'agentry_session')).toMatch(/^sps_/);
  });

  it('accepts only relative return_to paths on this site', async () => {
    for (const returnTo of [
      'https://evil.example/x',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/a b',
    ]) {
      const res = await call(
        t,
        'GET',
        `/v1/auth/oidc/default/start?return_to=${encodeURIComponent(returnTo)}`,
      );
      expect([res.status, codeOf(res)], returnTo).toEqual([400, 'sso_return_to_invalid']);
    }
  });

  it('starts with PKCE S256, state and nonce, and a signed state cookie scoped to the OIDC paths', async () => {
    const res = await call(t, 'GET', '/v1/auth/oidc/default/start?return_to=/');
    expect(res.status).toBe(307);
    const url = new URL(res.headers.get('location') ?? '');
    expect(url.origin).toBe(provider.origin);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(`${registryOrigin}/v1/auth/oidc/default/callback`);
    expect(res.headers.get('set-cookie')).toMatch(
      /sp_oidc_state=[^;]+; Max-Age=600; Path=\/v1\/auth\/oidc; HttpOnly; SameSite=Lax/,
    );
  });

  it('refuses a callback without the state cookie, with another state, or with a forged cookie', async () => {
    const bare = await call(t, 'GET', '/v1/auth/oidc/default/callback?code=abc&state=xyz');
    expect([bare.status, bare.body.error, codeOf(bare)]).toEqual([400, 'bad_request', 'sso_state_invalid']);
    const swapped = await signIn('ada', undefined, {
      tamperCallback: (url: URL) => {
        url.searchParams.set('state', 'not-the-state');
        return url;
      },
    });
    expect([swapped.final.status, codeOf(swapped.final)]).toEqual([400, 'sso_state_invalid']);
    const forged = await call(t, 'GET', '/v1/auth/oidc/default/callback?code=abc&state=xyz', {
      headers: { cookie: 'sp_oidc_state=eyJ0ZW5hbnRJZCI6IngifQ.AAAA' },
    });
    expect([forged.status, forged.body.error, codeOf(forged)]).toEqual([
      400,
      'bad_request',
      'sso_state_invalid',
    ]);
  });

  it('does not link an existing account by an email the IdP has not verified', async () => {
    const result = await signIn('mallory');
    expect([result.final.status, codeOf(result.final)]).toEqual([409, 'sso_account_conflict']);
  });

  it('keeps tenants apart: a session of one tenant is 401 in another; each tenant has its own configuration', async () => {
    const other = await secondTenant(t);
    const result = await signIn('ada');
    const token = new URL(result.location ?? '', registryOrigin).searchParams.get('token') ?? '';
    const elsewhere = await call(t, 'GET', '/v1/tenant/notifications/pending-count', {
      token,
      tenant: other.slug,
    });
    expect(elsewhere.status).toBe(401);
    const view = await call(t, 'GET', '/v1/tenant/sso', { token: other.user.token, tenant: other.slug });
    expect([view.status, view.body.kind]).toEqual([200, null]);
    const start = await call(t, 'GET', `/v1/auth/oidc/${other.slug}/start?return_to=/`);
    expect([start.status, start.body.error, codeOf(start)]).toEqual([
      400,
      'bad_request',
      'sso_not_configured',
    ]);
    // Another tenant's admin token cannot change this tenant's configuration.
    const cross = await call(t, 'DELETE', '/v1/tenant/sso/oidc', { token: other.user.token });
    expect(cross.status).toBe(401);
  });

  it('can require SSO: password sign-in is then refused for the tenant', async () => {
    const member = await createTestUser(t.deps, t.defaultTenantId, {
      password: 'a long enough password 123',
    });
    const loginDeps = { db: t.deps.db, limiter: t.deps.limiter, failuresAllowed: 10 };
    await expect(
      logIn(loginDeps, t.defaultTenantId, member.username, 'a long enough password 123', '10.0.0.9'),
    ).resolves.toBeTruthy();
    const on = await call(t, 'PUT', '/v1/tenant/sso/settings', {
      token: admin.token,
      body: { sso_required: true },
    });
    expect(on.body.sso_required).toBe(true);
    await expect(
      logIn(loginDeps, t.defaultTenantId, member.username, 'a long enough password 123', '10.0.0.9'),
    ).rejects.toMatchObject({ code: 'sso_required' });
    await call(t, 'PUT', '/v1/tenant/sso/settings', { token: admin.token, body: { sso_required: false } });
  });

  it('DELETE clears it: start answers sso_not_configured', async () => {
    expect((await call(t, 'DELETE', '/v1/tenant/sso/oidc', { token: admin.token })).status).toBe(204);
    const start = await call(t, 'GET', '/v1/auth/oidc/default/start?return_to=/');
    expect([start.status, start.body.error, codeOf(start)]).toEqual([
      400,
      'bad_request',
      'sso_not_configured',
    ]);
    expect((await call(t, 'GET', '/v1/tenant/sso/oidc', { token: admin.token })).text).toBe('null');
    const required = await call(t, 'PUT', '/v1/tenant/sso/settings', {
      token: admin.token,
      body: { sso_required: true },
    });
    expect([required.status, required.body.error, codeOf(required)]).toEqual([
      400,
      'bad_request',
      'sso_not_configured',
    ]);
  });
});
