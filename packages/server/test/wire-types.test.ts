/**
 * What the server sends is what its route table declares: every JSON answer of the main endpoints is
 * parsed with the response schema of the route that served it (found in the app's OpenAPI registry, so a
 * new route is covered by calling it), must lose nothing to the parse (no field the schema leaves out),
 * and the schema must be the shared one from `@agentry/core/api` (the CLI checks answers with it).
 */
import { computeIntegrity } from '@agentry/core';
import * as wire from '@agentry/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../test-support/app.js';
import { localPath, makeTarball, manifestOf, skillFiles } from '../../../test-support/tarball.js';
import { createOrg } from '../src/domain/orgs.js';

type Json = Record<string, unknown>;

interface RouteEntry {
  key: string;
  pattern: RegExp;
  literals: number;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

let t: TestApp;
let owner: TestUser;
let other: TestUser;
let routes: RouteEntry[];
/** `METHOD /path/{param}` of every route whose JSON answer was checked, with the status. */
const checked = new Map<string, Set<number>>();

/** The definitions behind every schema `@agentry/core/api` exports (`.openapi()` keeps the definition). */
const coreDefinitions = new Set<unknown>(
  Object.values(wire as Record<string, unknown>)
    .filter((value): value is z.ZodType => typeof value === 'object' && value !== null && '_zod' in value)
    .map((schema) => schema._zod.def),
);

function routeTable(): RouteEntry[] {
  return t.app.openAPIRegistry.definitions.flatMap((definition) => {
    if (definition.type !== 'route') return [];
    const { method, path, responses } = definition.route;
    const segments = path.split('/');
    const pattern = segments.map((s) =>
      s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
    );
    return [
      {
        key: `${method.toUpperCase()} ${path}`,
        pattern: new RegExp(`^${method.toUpperCase()} ${pattern.join('/')}$`),
        literals: segments.filter((s) => !s.startsWith('{')).length,
        responses: responses as RouteEntry['responses'],
      },
    ];
  });
}

/** The declared route a request reached: the most specific match, as the router prefers literal segments. */
function routeOf(method: string, path: string): RouteEntry {
  const request = `${method} ${path.split('?')[0]}`;
  const matches = routes
    .filter((route) => route.pattern.test(request))
    .sort((a, b) => b.literals - a.literals);
  const route = matches[0];
  if (!route) throw new Error(`no declared route serves ${request}`);
  return route;
}

/** A request whose JSON answer is checked against the declared schema of its route and status. */
async function call(
  method: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Json }> {
  const res = await t.request(path, { ...init, method });
  const body = (await res.json()) as Json;
  const route = routeOf(method, path);
  const schema = route.responses[String(res.status)]?.content?.['application/json']?.schema as
    | z.ZodType
    | undefined;
  expect(schema, `${route.key} ${res.status} declares a JSON schema`).toBeDefined();
  if (res.status < 400) {
    const parsed = schema?.safeParse(body);
    expect(parsed?.error?.issues, `${route.key} ${res.status}`).toBeUndefined();
    // Fields the schema does not declare would be stripped: the answer must survive the parse whole.
    expect(parsed?.data, `${route.key} ${res.status}: undeclared fields`).toEqual(body);
    const statuses = checked.get(route.key) ?? new Set<number>();
    checked.set(route.key, statuses.add(res.status));
  }
  return { status: res.status, body };
}

const json = (token: string | undefined, body: unknown): RequestInit => ({
  headers: { ...(token ? bearer(token) : {}), 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const started = (body: Json) => body as wire.TankPublishStarted;

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '100000' } });
  owner = await createTestUser(t.deps, t.defaultTenantId, { role: 'admin', scopes: ['skills:admin'] });
  other = await createTestUser(t.deps, t.defaultTenantId);
  await createOrg(t.deps.db, { tenantId: t.defaultTenantId, slug: 'wire', name: 'Wire', ownerId: owner.id });
  routes = routeTable();
});
afterAll(() => t.close());

describe('server answers match the shared wire schemas', () => {
  it('health, auth, tokens and orgs', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/v1/healthz')).status).toBe(200);
    expect((await call('GET', '/api/v1/auth/whoami', { headers: bearer(owner.token) })).status).toBe(200);
    const started = await call('POST', '/api/v1/cli-auth/start', json(undefined, { deviceName: 'test' }));
    expect(started.status).toBe(200);
    const pending = await call(
      'POST',
      '/api/v1/cli-auth/exchange',
      json(undefined, { pollToken: (started.body as wire.TankCliAuthStarted).pollToken }),
    );
    expect(pending.status).toBe(202);

    const token = await call(
      'POST',
      '/api/v1/tokens',
      json(other.token, { name: 'wire', scopes: ['skills:read'] }),
    );
    expect(token.status).toBe(201);
    expect((await call('GET', '/api/v1/tokens', { headers: bearer(other.token) })).status).toBe(200);
    const revoked = await call('DELETE', `/api/v1/tokens/${(token.body as wire.TankCreatedToken).id}`, {
      headers: bearer(other.token),
    });
    expect(revoked.status).toBe(200);

    expect((await call('POST', '/api/v1/orgs', json(owner.token, { slug: 'wire-two' }))).status).toBe(201);
    expect((await call('GET', '/api/v1/orgs', { headers: bearer(owner.token) })).status).toBe(200);
    const member = json(owner.token, { username: other.username });
    expect((await call('POST', '/api/v1/orgs/wire/members', member)).status).toBe(201);
    expect((await call('GET', '/api/v1/orgs/wire', { headers: bearer(owner.token) })).status).toBe(200);
    expect((await call('GET', '/api/v1/orgs/wire')).status).toBe(200);
    const promote = { ...json(owner.token, { role: 'admin' }) };
    expect((await call('PATCH', `/api/v1/orgs/wire/members/${other.username}`, promote)).status).toBe(200);
    const remove = { headers: bearer(owner.token) };
    expect((await call('DELETE', `/api/v1/orgs/wire/members/${other.username}`, remove)).status).toBe(200);
  });

  it('publish, read, search, star, yank, deprecate and visibility', async () => {
    const name = '@wire/shape';
    const reserved = await call(
      'POST',
      '/api/v1/skills',
      json(owner.token, { manifest: manifestOf({ name, version: '1.0.0', keywords: ['wire'] }) }),
    );
    expect(reserved.status).toBe(201);
    const tarball = await makeTarball(skillFiles(name));
    const put = await t.request(localPath(started(reserved.body).uploadUrl), {
      method: 'PUT',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(tarball),
    });
    expect(put.status).toBe(200);
    const confirm = json(owner.token, {
      skillId: started(reserved.body).skillId,
      versionId: started(reserved.body).versionId,
      integrity: computeIntegrity(tarball),
    });
    expect((await call('POST', '/api/v1/skills/confirm', confirm)).status).toBe(200);

    const encoded = encodeURIComponent(name);
    const read = { headers: bearer(owner.token) };
    for (const path of [
      `/api/v1/skills/${encoded}`,
      `/api/v1/skills/${encoded}/versions`,
      `/api/v1/skills/${encoded}/1.0.0`,
      '/api/v1/search?q=shape',
      '/api/v1/search',
    ])
      expect((await call('GET', path, read)).status, path).toBe(200);

    for (const method of ['POST', 'GET', 'DELETE'])
      expect((await call(method, `/api/v1/skills/${encoded}/star`, read)).status).toBe(200);

    const version = `/api/v1/skills/${encoded}/1.0.0`;
    expect((await call('POST', `${version}/yank`, json(owner.token, { reason: 'test' }))).status).toBe(200);
    expect((await call('DELETE', `${version}/yank`, read)).status).toBe(200);
    expect((await call('POST', `${version}/deprecate`, json(owner.token, { message: 'use x' }))).status).toBe(
      200,
    );
    // A deprecated latest version: search says so with a boolean, the versions list with the message.
    const found = await call('GET', '/api/v1/search?q=shape', read);
    expect((found.body as wire.TankSearchPage).results[0]).toMatchObject({ name, deprecated: true });
    const versions = await call('GET', `/api/v1/skills/${encoded}/versions`, read);
    expect((versions.body as wire.TankVersionList).versions[0]).toMatchObject({ deprecated: 'use x' });
    expect((await call('DELETE', `${version}/deprecate`, read)).status).toBe(200);
    const visibility = json(owner.token, { visibility: 'private' });
    expect((await call('PATCH', `/api/v1/skills/${encoded}`, visibility)).status).toBe(200);
  });

  it('skill-pool: bootstrap and project resolution', async () => {
    const headers = bearer(owner.token);
    const project = json(owner.token, {
      slug: 'wire',
      name: 'Wire',
      git_remote: 'https://github.com/acme/wire',
    });
    expect((await t.request('/v1/tenant/projects', { method: 'POST', ...project })).status).toBe(201);
    const remote = encodeURIComponent('git@github.com:acme/wire.git');
    expect((await call('GET', `/v1/projects/resolve?remote=${remote}`, { headers })).status).toBe(200);
    expect(
      (await call('GET', '/v1/bootstrap?stack=typescript&project=wire&debug=1', { headers })).status,
    ).toBe(200);
  });

  it('every route checked above declares its answer with a schema from @agentry/core/api', () => {
    const notShared = [...checked.keys()].filter((key) => {
      const route = routes.find((r) => r.key === key);
      return Object.entries(route?.responses ?? {}).some(([status, response]) => {
        const schema = response.content?.['application/json']?.schema as z.ZodType | undefined;
        return Number(status) < 400 && schema !== undefined && !coreDefinitions.has(schema._zod.def);
      });
    });
    expect(notShared).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(25);
  });
});
