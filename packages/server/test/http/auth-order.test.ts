/**
 * 401 → 403 → validation, on every write route the OpenAPI document lists: a caller without (or with a
 * bad) credential learns nothing about a route's schema, and a read-only token is refused for its scope
 * before its body is looked at. Driven from /openapi.json so a new route is covered without editing this.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, unknown> };
}
type Paths = Record<string, Record<string, Operation>>;

let t: TestApp;
let readOnly: string;
let paths: Paths;
beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '100000', PACKS_RATE_LIMIT_ANONYMOUS: '100000' } });
  readOnly = (await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] })).token;
  paths = ((await (await t.request('/openapi.json')).json()) as { paths: Paths }).paths;
});
afterAll(() => t.close());

/** Write routes anybody may call (they authenticate otherwise, or need no caller). */
const anonymousWrites = new Set([
  'POST /api/v1/cli-auth/start',
  'POST /api/v1/cli-auth/exchange',
  'POST /api/v1/scan',
]);

function writeOperations(): { key: string; method: string; path: string; op: Operation }[] {
  return Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
  );
}

function requiredScopes(op: Operation): string[] | undefined {
  const bearerRequirement = op.security?.find((requirement) => 'bearer' in requirement);
  // `{}` among the alternatives means the credential is optional.
  if (!bearerRequirement || op.security?.some((requirement) => Object.keys(requirement).length === 0)) {
    return undefined;
  }
  return bearerRequirement.bearer;
}

/** Path parameters filled with values no schema accepts, a body that is not JSON or not the shape. */
function badRequests(method: string, path: string): { url: string; init: RequestInit }[] {
  const url = path.replace(/\{[^}]+\}/g, '%00..%2F');
  const base = { method: method.toUpperCase() };
  return [
    { url, init: { ...base, headers: { 'content-type': 'application/json' }, body: '{"name": [' } },
    { url, init: { ...base, headers: { 'content-type': 'application/json' }, body: '[1, {"x": null}]' } },
    {
      url,
      init: { ...base, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nbad' },
    },
  ];
}

describe('authentication before validation', () => {
  it('declares a credential on every write route outside a short anonymous list', () => {
    const undeclared = writeOperations()
      .filter(({ key, op }) => !anonymousWrites.has(key) && requiredScopes(op) === undefined)
      .map(({ key }) => key);
    expect(undeclared).toEqual([]);
    // The write routes that need the publish scope say so in the document.
    const publishing = writeOperations().filter(({ op }) => requiredScopes(op)?.includes('skills:publish'));
    expect(publishing.length).toBeGreaterThanOrEqual(19);
  });

  it('answers 401 to every write route called without a credential, whatever the body', async () => {
    const wrong: string[] = [];
    for (const { key, method, path, op } of writeOperations()) {
      if (requiredScopes(op) === undefined) continue;
      for (const { url, init } of badRequests(method, path)) {
        const res = await t.request(url, init);
        if (res.status !== 401) wrong.push(`${key}: ${res.status}`);
        const garbage = await t.request(url, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), Authorization: 'Bearer agt_nope' },
        });
        if (garbage.status !== 401) wrong.push(`${key} (bad token): ${garbage.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 to a read-only token on every route needing the publish scope, whatever the body', async () => {
    const wrong: string[] = [];
    for (const { key, method, path, op } of writeOperations()) {
      if (!requiredScopes(op)?.includes('skills:publish')) continue;
      for (const { url, init } of badRequests(method, path)) {
        const res = await t.request(url, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), ...bearer(readOnly) },
        });
        if (res.status !== 403) wrong.push(`${key}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('still validates once the caller is allowed', async () => {
    const writer = await createTestUser(t.deps, t.defaultTenantId);
    const res = await t.request('/api/v1/orgs', {
      method: 'POST',
      headers: { ...bearer(writer.token), 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 7 }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
  });
});
