import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '@agentry/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testSecret } from '../../../test-support/app.js';
import { createApp } from '../src/app.js';
import { createFsStore } from '../src/blobs/fs-store.js';
import type { Database } from '../src/db/schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function healthOf(app: { request: TestApp['app']['request'] }, path = '/health') {
  const res = await app.request(`http://registry.test${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    status: string;
    deps: Record<string, { status: string; latency_ms?: number }>;
  };
}

describe('health', () => {
  it.each(['/health', '/v1/healthz'])('%s reports every dependency in the documented shape', async (path) => {
    const res = await t.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      status: 'ok',
      version,
      deps: {
        db: { status: 'up', latency_ms: expect.any(Number) },
        storage: { status: 'up', latency_ms: expect.any(Number) },
        embedder: { status: 'off' },
      },
    });
  });

  it('is degraded, still with HTTP 200, when the database is down', async () => {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: 'postgres://x@127.0.0.1:1/x', connectionTimeoutMillis: 500 }),
      }),
    });
    try {
      const body = await healthOf(createApp({ ...t.deps, db }), '/v1/healthz');
      expect(body.status).toBe('degraded');
      expect(body.deps.db).toMatchObject({ status: 'down', latency_ms: expect.any(Number) });
      expect(body.deps.storage?.status).toBe('up');
    } finally {
      await db.destroy();
    }
  });

  it('is degraded when storage is down', async () => {
    const root = join(t.database.dataDir, 'not-a-directory');
    writeFileSync(root, 'a file where the blob root should be');
    const blobs = createFsStore({ root, publicUrl: t.deps.config.publicUrl, secret: testSecret });
    const body = await healthOf(createApp({ ...t.deps, blobs }));
    expect(body.status).toBe('degraded');
    expect(body.deps.storage?.status).toBe('down');
    expect(body.deps.db?.status).toBe('up');
  });
});

describe('metrics', () => {
  it('counts requests by route in Prometheus text format, with process metrics', async () => {
    await t.request('/health');
    await t.request('/api/v1/auth/whoami');
    const res = await t.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE agentry_http_requests_total counter');
    expect(text).toMatch(/agentry_http_requests_total\{[^}]*route="\/health"[^}]*status="200"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /agentry_http_requests_total\{[^}]*route="\/api\/v1\/auth\/whoami"[^}]*status="401"/,
    );
    expect(text).toMatch(/^agentry_process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^agentry_nodejs_heap_size_used_bytes /m);
  });
});

describe('documents', () => {
  const documented = [
    '/health',
    '/v1/healthz',
    '/api/v1/auth/whoami',
    '/api/v1/tokens',
    '/api/v1/tokens/{id}',
  ];

  it('serves an OpenAPI 3.1 document with the routes and a bearer scheme', async () => {
    const res = await t.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(documented));
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('renders the reference at /docs/api as HTML listing the routes', async () => {
    const res = await t.request('/docs/api');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const path of documented) expect(html).toContain(`<code>${path}</code>`);
  });

  it('serves the stylesheet as text/css', async () => {
    const res = await t.request('/assets/app.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await res.text()).toContain('{');
  });
});
