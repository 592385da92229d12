import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../test-support/app.js';
import { ensureTenant } from '../src/domain/tenants.js';

let t: TestApp;
let acmeToken: string;
let otherToken: string;
beforeAll(async () => {
  t = await createTestApp({ env: { BASE_DOMAIN: 'registry.test' } });
  acmeToken = (await createTestUser(t.deps, (await ensureTenant(t.deps.db, 'acme')).id)).token;
  otherToken = (await createTestUser(t.deps, (await ensureTenant(t.deps.db, 'other')).id)).token;
});
afterAll(() => t.close());

async function whoamiTenant(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await t.app.request(url, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { tenant: string }).tenant;
}

describe('tenant resolution', () => {
  it('uses the default tenant when nothing names one', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    expect(await whoamiTenant('http://registry.test/api/v1/auth/whoami', bearer(user.token))).toBe('default');
  });

  it('selects a tenant by the X-Skill-Pool-Tenant header', async () => {
    const headers = { ...bearer(acmeToken), 'X-Skill-Pool-Tenant': 'ACME' };
    expect(await whoamiTenant('http://registry.test/api/v1/auth/whoami', headers)).toBe('acme');
    const res = await t.request('/api/v1/auth/whoami', { headers: bearer(acmeToken) });
    expect(res.status).toBe(401);
  });

  it('selects a tenant by subdomain of BASE_DOMAIN', async () => {
    expect(await whoamiTenant('http://acme.registry.test/api/v1/auth/whoami', bearer(acmeToken))).toBe(
      'acme',
    );
  });

  it('prefers the header over the subdomain', async () => {
    const headers = { ...bearer(otherToken), 'X-Skill-Pool-Tenant': 'other' };
    expect(await whoamiTenant('http://acme.registry.test/api/v1/auth/whoami', headers)).toBe('other');
  });

  it('answers an unknown tenant with each surface envelope, never the default tenant', async () => {
    const headers = { 'X-Skill-Pool-Tenant': 'no-such-tenant' };
    const tank = await t.request('/api/v1/auth/whoami', { headers });
    expect(tank.status).toBe(404);
    expect(await tank.json()).toMatchObject({ error: 'TENANT_RESOLUTION_FAILED' });
    // skill-pool's server answers an unknown tenant as a bad credential, so a tenant's existence stays hidden.
    const pool = await t.request('/v1/skills', { headers });
    expect(pool.status).toBe(401);
    expect(await pool.json()).toMatchObject({ error: 'unauthorized' });
    const sub = await t.app.request('http://nowhere.registry.test/v1/skills');
    expect(await sub.json()).toMatchObject({ error: 'unauthorized' });
    const tankSub = await t.app.request('http://nowhere.registry.test/api/v1/auth/whoami');
    expect(await tankSub.json()).toMatchObject({ error: 'TENANT_RESOLUTION_FAILED' });
  });

  it.each([['../x'], ['a'.repeat(200)], ['acme/../default'], ['-acme']])(
    'refuses the malformed tenant name %s',
    async (value) => {
      const res = await t.request('/api/v1/auth/whoami', { headers: { 'X-Skill-Pool-Tenant': value } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'TENANT_RESOLUTION_FAILED' });
      const pool = await t.request('/v1/skills', { headers: { 'X-Skill-Pool-Tenant': value } });
      expect(pool.status).toBe(401);
      expect(await pool.json()).toMatchObject({ error: 'unauthorized' });
    },
  );

  it.each(['/health', '/v1/healthz', '/metrics', '/openapi.json'])(
    'serves %s whatever the tenant header says',
    async (path) => {
      const res = await t.request(path, { headers: { 'X-Skill-Pool-Tenant': 'no-such-tenant' } });
      expect(res.status).toBe(200);
    },
  );
});

describe('error envelopes', () => {
  it('answers an unknown /api path with 404 NOT_FOUND', async () => {
    const res = await t.request('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('NOT_FOUND');
    expect(typeof body.message).toBe('string');
  });

  it("answers real clients' error dialects beside the documented envelopes, picked by User-Agent", async () => {
    const aitk = (headers: Record<string, string>) =>
      t.request('/api/v1/artifacts/nobody/nothing', { headers });
    // AI Toolkit documents { error: "code", message }; aitk (Node's fetch: User-Agent "node") reads error.message.
    expect(await (await aitk({})).json()).toMatchObject({ error: 'not_found', message: expect.any(String) });
    const nested = await aitk({ 'user-agent': 'node' });
    expect(nested.status).toBe(404);
    const body = (await nested.json()) as { error: { code: string; message: string; status: number } };
    expect(body.error).toEqual({ code: 'not_found', message: expect.any(String), status: 404 });
    expect(body).toMatchObject({ message: body.error.message });
    // ayaiay documents { error: { code, message, details } }; ayaiay-cli prints a top-level `detail`.
    const packs = (ua?: string) =>
      t.request('/api/v1/packs?limit=500', { headers: ua ? { 'user-agent': ua } : {} });
    const documented = (await (await packs()).json()) as Record<string, unknown>;
    expect(Object.keys(documented)).toEqual(['error']);
    const cli = (await (await packs('ayaiay-cli/1.2.0')).json()) as {
      detail: string;
      error: { code: string };
    };
    expect(cli.error.code).toBe('BAD_REQUEST');
    expect(typeof cli.detail).toBe('string');
  });

  it('answers an unknown /v1 path with 404 not_found', async () => {
    const res = await t.request('/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers an unknown page with an HTML page or JSON, per Accept', async () => {
    const page = await t.request('/no-such-page', { headers: { accept: 'text/html,*/*' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/^<!doctype html>/i);
    const json = await t.request('/no-such-page', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer(acmeToken), 'X-Skill-Pool-Tenant': 'acme', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer(acmeToken), 'X-Skill-Pool-Tenant': 'acme', 'content-type': 'application/json' },
      body: '{"name": "x", ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'INVALID_JSON' });
  });

  it.each(['/login', '/signup', '/logout'])(
    'answers an unreadable form on %s with 400 bad_request',
    async (path) => {
      const res = await t.request(path, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'multipart/form-data; boundary=x' },
        body: 'not multipart at all',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'bad_request' });
    },
  );

  it('never answers odd requests with a 5xx', async () => {
    let seed = 42;
    const pick = <T>(items: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return items[seed % items.length] as T;
    };
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;
    const prefixes = [
      '/api/v1/',
      '/api/v1/tokens/',
      '/api/v1/auth/',
      '/v1/',
      '/v1/skills/',
      '/_blobs/',
      '/login',
      '/signup',
    ];
    const segments = [
      '%00',
      '%',
      '%zz',
      'x'.repeat(5000),
      'ünïcödé/☃',
      '..%2f..%2fetc',
      'whoami',
      '?next=%',
      '',
    ];
    const bodies = ['{"name":', '[]', 'null', '\u0000\u0001', 'csrf=&login=%', '{"name":"a","scopes":"x"}'];
    const types = [
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'x/y',
    ];
    const auth = [
      'Bearer ',
      'Bearer agt_',
      `Bearer agt_${'!'.repeat(300)}`,
      'Basic ===',
      'Bearer a b c',
      'ÿþ',
    ];
    const failures: string[] = [];
    for (let i = 0; i < 50; i++) {
      const method = pick(methods);
      const path = pick(prefixes) + pick(segments);
      const headers: Record<string, string> = {
        'content-type': pick(types),
        accept: pick(['text/html', '*/*']),
      };
      if (i % 2 === 0) headers.authorization = pick(auth);
      const init: RequestInit = { method, headers };
      if (method !== 'GET' && method !== 'HEAD') init.body = pick(bodies);
      const res = await t.request(path, init);
      if (res.status >= 500) failures.push(`${method} ${path.slice(0, 80)} -> ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('response headers', () => {
  it.each([
    ['an API response', '/api/v1/auth/whoami'],
    ['a page', '/login'],
  ])('sets the security headers on %s', async (_name, path) => {
    const res = await t.request(path, { headers: { accept: 'text/html' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBeTruthy();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('echoes a safe X-Request-Id, generates one when absent and replaces an unsafe one', async () => {
    const echoed = await t.request('/health', { headers: { 'x-request-id': 'abc-123.def:4' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123.def:4');
    const generated = (await t.request('/health')).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await t.request('/health')).headers.get('x-request-id')).not.toBe(generated);
    for (const unsafe of ['<script>', 'a b', 'x'.repeat(129)]) {
      const res = await t.request('/health', { headers: { 'x-request-id': unsafe } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('values the database cannot hold', () => {
  it.each([
    ['a NUL in an artifact name', '/api/v1/skills/a%00b'],
    ['a NUL in a versions lookup', '/api/v1/skills/a%00b/versions'],
    ['a NUL in a badge name', '/api/v1/badge/x%00y'],
  ])('answer %s without a 5xx', async (_name, path) => {
    const res = await t.request(path);
    expect(res.status).toBeLessThan(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it('answers a NUL in a log-in name without a 5xx', async () => {
    const page = await t.request('/login');
    const cookie =
      page.headers
        .getSetCookie()
        .find((c) => c.startsWith('agentry_csrf='))
        ?.split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const res = await t.request('/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
        'x-test-client-ip': '10.77.0.1',
      },
      body: new URLSearchParams({ csrf, login: 'ad\u0000min', password: 'whatever-long-enough' }).toString(),
    });
    expect(res.status).toBeLessThan(500);
  });
});
