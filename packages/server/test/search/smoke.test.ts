import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('ranks exact, prefix and description matches', async () => {
  const user = await createTestUser(t.deps, t.defaultTenantId);
  for (const [name, description] of [
    ['code-review', 'Reviews pull requests.'],
    ['code-review-pro', 'Reviews more.'],
    ['linter', 'Helps with code review of style.'],
    ['café-helper', 'Orders coffee.'],
  ]) {
    const r = await publishVersion(t, user.token, { name: name as string, version: '1.0.0', description });
    expect(r.status === 200 || r.status === 422).toBe(true);
  }
  const res = await t.request('/api/v1/search?q=code-review');
  const body = (await res.json()) as { results: { name: string }[]; total: number };
  expect(res.status).toBe(200);
  expect(body.results.map((r) => r.name).slice(0, 3)).toEqual(['code-review', 'code-review-pro', 'linter']);
  const bad = await t.request('/api/v1/search?limit=51');
  expect(bad.status).toBe(422);
  const hostile = await t.request(`/api/v1/search?q=${encodeURIComponent('%_\'":* & | ! ()')}`);
  expect(hostile.status).toBe(200);
  const missing = await t.request('/api/v1/skills/code-reviw');
  const body404 = (await missing.json()) as { error: string; details: { suggestions: string[] } };
  expect(body404.error).toBe('NOT_FOUND');
  expect(body404.details.suggestions[0]).toBe('code-review');
});
