import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { createApiToken } from '../../src/domain/api-tokens.js';
import { ensureTenant } from '../../src/domain/tenants.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_AUTHENTICATED: '5', RATE_LIMIT_PRO: '8' },
  });
});
afterAll(() => t.close());

const windowSeconds = 3600;
let counter = 0;
/** Every test gets its own client address, so anonymous budgets never leak between tests. */
const freshIp = () => {
  const n = ++counter;
  return `10.2.${n >> 8}.${n & 255}`;
};

function get(path: string, ip: string, headers: Record<string, string> = {}) {
  return t.request(path, { headers: { 'x-test-client-ip': ip, ...headers } });
}

function limitHeaders(res: Response) {
  return {
    limit: res.headers.get('x-ratelimit-limit'),
    remaining: res.headers.get('x-ratelimit-remaining'),
    reset: res.headers.get('x-ratelimit-reset'),
  };
}

function expectLimitHeaders(res: Response, limit: number, remaining: number) {
  const headers = limitHeaders(res);
  expect(headers.limit).toBe(String(limit));
  expect(headers.remaining).toBe(String(remaining));
  expect(headers.reset).toMatch(/^\d+$/);
  const reset = Number(headers.reset);
  const now = Date.now() / 1000;
  expect(reset).toBeGreaterThan(now);
  expect(reset).toBeLessThanOrEqual(Math.ceil(now) + windowSeconds + 1);
}

async function expectRateLimited(res: Response, limit: number) {
  expect(res.status).toBe(429);
  expect(await res.json()).toMatchObject({ error: 'RATE_LIMITED' });
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
  expectLimitHeaders(res, limit, 0);
}

describe('X-RateLimit headers', () => {
  it('are on every /api response: 200, 401, 404, 422 and 429', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const ip = freshIp();
    const ok = await get('/api/v1/auth/whoami', ip, bearer(user.token));
    expect(ok.status).toBe(200);
    expectLimitHeaders(ok, 5, 4);
    const invalid = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer(user.token), 'content-type': 'application/json', 'x-test-client-ip': ip },
      body: JSON.stringify({ name: '' }),
    });
    expect(invalid.status).toBe(422);
    expectLimitHeaders(invalid, 5, 3);
    const missing = await get('/api/v1/skills/rl-missing', ip);
    expect(missing.status).toBe(404);
    expectLimitHeaders(missing, 3, 2);
    const unauthorized = await get('/api/v1/auth/whoami', ip);
    expect(unauthorized.status).toBe(401);
    expectLimitHeaders(unauthorized, 3, 1);
    const badge = await get('/api/v1/badge/rl-missing', ip);
    expect(badge.status).toBe(404);
    expectLimitHeaders(badge, 3, 0);
    await expectRateLimited(await get('/api/v1/skills/rl-missing', ip), 3);
  });

  it('count down the remaining requests', async () => {
    const ip = freshIp();
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) remaining.push(limitHeaders(await get('/api/v1/orgs/rl-none', ip)).remaining);
    expect(remaining).toEqual(['2', '1', '0']);
  });

  it('are not on /health, which is never limited', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await get('/api/v1/skills/rl-missing', ip);
    await expectRateLimited(await get('/api/v1/skills/rl-missing', ip), 3);
    for (let i = 0; i < 6; i++) {
      const res = await get('/health', ip);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      expect(res.headers.get('retry-after')).toBeNull();
    }
  });
});

describe('anonymous requests', () => {
  it('are refused from one address after RATE_LIMIT_ANONYMOUS, while another address is unaffected', async () => {
    const [ip, other] = [freshIp(), freshIp()];
    for (let i = 0; i < 3; i++) expect((await get('/api/v1/skills/rl-missing', ip)).status).toBe(404);
    await expectRateLimited(await get('/api/v1/skills/rl-missing', ip), 3);
    // Every route under /api shares the one budget.
    await expectRateLimited(await get('/api/v1/badge/rl-missing', ip), 3);
    const elsewhere = await get('/api/v1/skills/rl-missing', other);
    expect(elsewhere.status).toBe(404);
    expectLimitHeaders(elsewhere, 3, 2);
  });

  it('are counted per tenant', async () => {
    await ensureTenant(t.deps.db, 'rl-other');
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await get('/api/v1/skills/rl-missing', ip);
    await expectRateLimited(await get('/api/v1/skills/rl-missing', ip), 3);
    const other = await get('/api/v1/skills/rl-missing', ip, { 'X-Skill-Pool-Tenant': 'rl-other' });
    expect(other.status).toBe(404);
    expectLimitHeaders(other, 3, 2);
  });
});

describe('authenticated requests', () => {
  it('get RATE_LIMIT_AUTHENTICATED per token, independent of the address', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await get('/api/v1/skills/rl-missing', ip);
    await expectRateLimited(await get('/api/v1/skills/rl-missing', ip), 3);
    for (let i = 0; i < 5; i++) {
      const res = await get('/api/v1/auth/whoami', ip, bearer(user.token));
      expect(res.status).toBe(200);
      expectLimitHeaders(res, 5, 4 - i);
    }
    await expectRateLimited(await get('/api/v1/auth/whoami', freshIp(), bearer(user.token)), 5);
  });

  it('get RATE_LIMIT_PRO when the user is Pro', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    await t.deps.db.updateTable('users').set({ is_pro: true }).where('id', '=', user.id).execute();
    const ip = freshIp();
    for (let i = 0; i < 8; i++) {
      const res = await get('/api/v1/auth/whoami', ip, bearer(user.token));
      expect(res.status).toBe(200);
      expectLimitHeaders(res, 8, 7 - i);
    }
    await expectRateLimited(await get('/api/v1/auth/whoami', ip, bearer(user.token)), 8);
  });

  it('count two tokens of one user separately', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const second = await createApiToken(t.deps.db, {
      tenantId: t.defaultTenantId,
      userId: user.id,
      name: 'second',
      scopes: ['skills:read'],
    });
    const ip = freshIp();
    for (let i = 0; i < 5; i++)
      expect((await get('/api/v1/auth/whoami', ip, bearer(user.token))).status).toBe(200);
    await expectRateLimited(await get('/api/v1/auth/whoami', ip, bearer(user.token)), 5);
    const other = await get('/api/v1/auth/whoami', ip, bearer(second.token));
    expect(other.status).toBe(200);
    expectLimitHeaders(other, 5, 4);
  });

  it('with invalid bearer tokens count against the address', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const ip = freshIp();
    const badTokens = [`agt_${'x'.repeat(43)}`, 'tank_not-a-real-token', 'garbage', `agt_${'y'.repeat(43)}`];
    for (let i = 0; i < 3; i++) {
      const res = await get('/api/v1/auth/whoami', ip, { Authorization: `Bearer ${badTokens[i]}` });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'UNAUTHORIZED' });
      expectLimitHeaders(res, 3, 2 - i);
    }
    await expectRateLimited(
      await get('/api/v1/auth/whoami', ip, { Authorization: `Bearer ${badTokens[3]}` }),
      3,
    );
    await expectRateLimited(await get('/api/v1/skills/rl-missing', ip), 3);
    // A valid token from the same address has its own budget.
    expect((await get('/api/v1/auth/whoami', ip, bearer(user.token))).status).toBe(200);
    // A revoked token is an invalid one too.
    await t.deps.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', user.tokenId)
      .execute();
    await expectRateLimited(await get('/api/v1/auth/whoami', ip, bearer(user.token)), 3);
  });
});
