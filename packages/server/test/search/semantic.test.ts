/**
 * Semantic search end to end: a deterministic bag-of-words embedder (hashed into 128 dimensions) stands in
 * for a model. Where the database has no pgvector (Debian's PostgreSQL), semantic search must answer
 * NOT_IMPLEMENTED and publishing must not notice; the ranking tests skip there.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TankSearchPage } from '@agentry/core/api';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/app-deps.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { embedTenantPackages } from '../../src/domain/embeddings.js';
import { searchPackages } from '../../src/domain/search.js';
import {
  createEmbedder,
  createHashingEmbedder,
  createHttpEmbedder,
  createLocalEmbedder,
  EmbedderRequestError,
  EmbedderSetupError,
  hashingVector,
} from '../../src/embedders/index.js';

type SearchBody = TankSearchPage;

const embedder = createHashingEmbedder(128);
let t: TestApp;
let owner: TestUser;
let outsider: TestUser;

/** A TestApp over other deps (same database), for `publishVersion` and requests. */
function withDeps(overrides: Partial<AppDeps>): TestApp {
  const app = createApp({ ...t.deps, ...overrides });
  return {
    ...t,
    app,
    deps: { ...t.deps, ...overrides },
    request: (path, init) =>
      Promise.resolve(app.request(new URL(path, t.deps.config.publicUrl).toString(), init)),
  };
}

async function search(app: TestApp, params: Record<string, string>, token?: string) {
  const res = await app.request(`/api/v1/search?${new URLSearchParams(params)}`, {
    headers: token ? bearer(token) : {},
  });
  return { status: res.status, body: (await res.json()) as SearchBody & { error?: string } };
}

async function embeddingRows(): Promise<{ name: string; model: string }[]> {
  if (!t.deps.vector) return [];
  const result = await sql<{ name: string; model: string }>`
    SELECT p.name, e.model FROM package_embeddings e JOIN packages p ON p.id = e.package_id ORDER BY p.name`.execute(
    t.deps.db,
  );
  return result.rows;
}

const fixtures: { name: string; description: string; keywords?: string[]; visibility?: 'private' }[] = [
  { name: 'pr-reviewer', description: 'Reviews pull requests and suggests code review comments.' },
  {
    name: 'sql-helper',
    description: 'Writes SQL queries for PostgreSQL databases and explains query plans.',
    keywords: ['sql'],
  },
  { name: 'test-writer', description: 'Generates unit tests for TypeScript functions.' },
  { name: 'commit-scribe', description: 'Writes git commit messages from staged changes.' },
  {
    name: 'team-review-notes',
    description: 'Reviews pull requests privately for the team.',
    visibility: 'private',
  },
];

beforeAll(async () => {
  t = await createTestApp({ embedder });
  owner = await createTestUser(t.deps, t.defaultTenantId);
  outsider = await createTestUser(t.deps, t.defaultTenantId);
  for (const fixture of fixtures) {
    const { name, ...rest } = fixture;
    const published = await publishVersion(t, owner.token, { name, version: '1.0.0', ...rest });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  }
});
afterAll(() => t?.close());

describe('semantic search with pgvector', () => {
  it('stores one embedding per published package, of the configured model', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const rows = await embeddingRows();
    expect(rows.map((r) => r.name)).toEqual(fixtures.map((f) => f.name).sort());
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['hashing-128']));
  });

  it('ranks by similarity, with similarity in [0, 1] on every result', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const { status, body } = await search(t, { semantic: 'review my pull requests' });
    expect(status).toBe(200);
    expect(body.results[0]?.name).toBe('pr-reviewer');
    expect(body.total).toBe(4);
    const similarities = body.results.map((r) => r.similarity as number);
    for (const value of similarities) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect([...similarities].sort((a, b) => b - a)).toEqual(similarities);

    const sqlFirst = await search(t, { semantic: 'postgresql database queries' });
    expect(sqlFirst.body.results[0]?.name).toBe('sql-helper');
    expect(sqlFirst.body.results[0]?.similarity).toBeGreaterThan(sqlFirst.body.results[1]?.similarity ?? 1);
  });

  it('takes precedence over q, composes with filters, and pages', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const both = await search(t, { semantic: 'git commit messages', q: 'sql-helper' });
    expect(both.body.results[0]?.name).toBe('commit-scribe');
    const tagged = await search(t, { semantic: 'review my pull requests', tags: 'sql' });
    expect(tagged.body.results.map((r) => r.name)).toEqual(['sql-helper']);
    expect(tagged.body.total).toBe(1);
    const page2 = await search(t, { semantic: 'review my pull requests', limit: '1', page: '2' });
    const all = await search(t, { semantic: 'review my pull requests' });
    expect(page2.body.results.map((r) => r.name)).toEqual([all.body.results[1]?.name]);
  });

  it('leaves out results below min_similarity', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const all = await search(t, { semantic: 'review my pull requests' });
    const cut = all.body.results[1]?.similarity as number;
    expect(cut).toBeGreaterThan(0);
    const some = await search(t, { semantic: 'review my pull requests', min_similarity: String(cut) });
    expect(some.status).toBe(200);
    expect(some.body.results.length).toBeGreaterThanOrEqual(2);
    expect(some.body.results.length).toBeLessThan(all.body.results.length);
    expect(some.body.total).toBe(some.body.results.length);
    for (const r of some.body.results) expect(r.similarity).toBeGreaterThanOrEqual(cut);
    const none = await search(t, { semantic: 'review my pull requests', min_similarity: '1' });
    expect(none.body.results.every((r) => r.similarity === 1)).toBe(true);
  });

  it('applies privacy: a private artifact is found by its owner only', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const query = { semantic: 'reviews pull requests privately for the team' };
    const anonymous = await search(t, query);
    expect(anonymous.body.results.map((r) => r.name)).not.toContain('team-review-notes');
    const stranger = await search(t, query, outsider.token);
    expect(stranger.body.results.map((r) => r.name)).not.toContain('team-review-notes');
    const own = await search(t, query, owner.token);
    expect(own.body.results[0]).toMatchObject({ name: 'team-review-notes', visibility: 'private' });
    expect(own.body.total).toBe(5);
  });

  it('re-embeds a tenant with another model, then only what is missing', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const other = createHashingEmbedder(32);
    expect(await embedTenantPackages(t.deps.db, other, t.defaultTenantId, { batchSize: 2 })).toBe(5);
    expect(new Set((await embeddingRows()).map((r) => r.model))).toEqual(new Set(['hashing-32']));
    expect(await embedTenantPackages(t.deps.db, other, t.defaultTenantId)).toBe(0);
    // The old model finds nothing until its vectors are back; the new one answers.
    const stale = await search(t, { semantic: 'git commit messages' });
    expect(stale.body.total).toBe(0);
    const fresh = await searchPackages(
      t.deps.db,
      {
        tenantId: t.defaultTenantId,
        viewer: { userId: undefined, scopes: [] },
        semantic: 'git commit messages',
        limit: 10,
        offset: 0,
      },
      { embedder: other, vector: true },
    );
    expect(fresh.hits[0]?.name).toBe('commit-scribe');
    expect(await embedTenantPackages(t.deps.db, embedder, t.defaultTenantId)).toBe(5);
  });
});

describe('semantic search answers NOT_IMPLEMENTED when it cannot run', () => {
  it('without an embedder (EMBEDDER=off)', async () => {
    const { status, body } = await search(withDeps({ embedder: undefined }), { semantic: 'code review' });
    expect(status).toBe(501);
    expect(body.error).toBe('NOT_IMPLEMENTED');
    // Text search is unaffected.
    expect((await search(withDeps({ embedder: undefined }), { q: 'sql' })).status).toBe(200);
  });

  it('on a database without pgvector', async () => {
    // Debian's PostgreSQL has no pgvector: the real thing. On PGlite, the same flag switched off.
    const app = t.deps.vector ? withDeps({ vector: false }) : t;
    const { status, body } = await search(app, { semantic: 'code review' });
    expect(status).toBe(501);
    expect(body.error).toBe('NOT_IMPLEMENTED');
    if (!t.deps.vector) expect(await embeddingRows()).toEqual([]);
  });

  it('validates min_similarity (0..1)', async () => {
    for (const bad of ['-0.1', '1.5', 'abc']) {
      const { status } = await search(t, { semantic: 'code review', min_similarity: bad });
      expect(status).toBe(422);
    }
  });
});

/** An OpenAI-compatible embeddings server on 127.0.0.1:0 whose answers the test controls. */
interface FakeEmbeddings {
  url: string;
  mode: 'ok' | 'error' | 'slow' | 'reversed';
  requests: { auth: string | undefined; body: { model: string; input: string[] } }[];
  close(): Promise<void>;
}

async function startFakeEmbeddings(): Promise<FakeEmbeddings> {
  const state: Omit<FakeEmbeddings, 'url' | 'close'> = { mode: 'ok', requests: [] };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  };
  const server: Server = createServer((req, res) => {
    readBody(req).then(
      async (body: { model: string; input: string[] }) => {
        if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
          res.writeHead(404).end();
          return;
        }
        state.requests.push({ auth: req.headers.authorization, body });
        if (state.mode === 'error') {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'model overloaded' } }));
          return;
        }
        if (state.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 1000));
        const data = body.input.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: hashingVector(text, 64),
        }));
        if (state.mode === 'reversed') data.reverse();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data, model: body.model }));
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake = state as FakeEmbeddings;
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

describe('the http embedder (OpenAI embeddings protocol)', () => {
  let fake: FakeEmbeddings;
  beforeAll(async () => {
    fake = await startFakeEmbeddings();
  });
  afterAll(() => fake?.close());

  it('posts {model, input} in batches with the bearer key and keeps the order of the texts', async () => {
    fake.mode = 'reversed';
    fake.requests.length = 0;
    const http = createHttpEmbedder({ url: fake.url, model: 'test-model', apiKey: 'sk-test', batchSize: 2 });
    const texts = ['one review', 'two queries', 'three tests', 'four commits', 'five'];
    const vectors = await http.embed(texts);
    expect(vectors).toEqual(texts.map((text) => hashingVector(text, 64)));
    expect(fake.requests.map((r) => r.body.input.length)).toEqual([2, 2, 1]);
    expect(fake.requests[0]).toEqual({
      auth: 'Bearer sk-test',
      body: { model: 'test-model', input: texts.slice(0, 2) },
    });
    expect(http.name).toBe('http:test-model');
    expect(http.dimensions).toBe(64);
  });

  it('fails with the status on an error answer, and on a timeout', async () => {
    fake.mode = 'error';
    const http = createHttpEmbedder({ url: fake.url, model: 'test-model', timeoutMs: 200 });
    const failed = await http.embed(['x']).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(EmbedderRequestError);
    expect(failed).toMatchObject({ status: 500, message: expect.stringContaining('HTTP 500') });
    fake.mode = 'slow';
    await expect(http.embed(['x'])).rejects.toThrow(/within 200 ms/);
  });

  it('is built from configuration', async () => {
    fake.mode = 'ok';
    const config = loadConfig({
      DATA_DIR: t.database.dataDir,
      EMBEDDER: 'http',
      EMBEDDER_URL: fake.url,
      EMBEDDER_MODEL: 'nomic-embed-text',
      EMBEDDER_API_KEY: 'sk-config',
    });
    const built = await createEmbedder(config);
    expect(built?.name).toBe('http:nomic-embed-text');
    await built?.ping();
    expect(fake.requests.at(-1)?.auth).toBe('Bearer sk-config');
    expect(await createEmbedder(loadConfig({ DATA_DIR: t.database.dataDir }))).toBeUndefined();
    expect(() => loadConfig({ EMBEDDER: 'http', EMBEDDER_MODEL: 'm' })).toThrow(ConfigError);
    expect(() => loadConfig({ EMBEDDER: 'http', EMBEDDER_URL: fake.url })).toThrow(/EMBEDDER_MODEL/);
    expect(() => loadConfig({ EMBEDDER: 'local' })).toThrow(/EMBEDDER_MODEL_DIR/);
    expect(() => loadConfig({ EMBEDDER: 'sometimes' })).toThrow(/EMBEDDER/);
  });

  it('never fails a publish: an embedder error is logged, and the next publish embeds', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const http = createHttpEmbedder({ url: fake.url, model: 'remote-model' });
    const app = withDeps({ embedder: http, logger });
    fake.mode = 'error';
    fake.requests.length = 0;
    const failed = await publishVersion(app, owner.token, {
      name: 'flaky-embed',
      version: '1.0.0',
      description: 'Formats changelogs for releases.',
    });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect((await search(app, { q: 'flaky-embed' })).body.results[0]?.name).toBe('flaky-embed');
    if (t.deps.vector) {
      expect(fake.requests).toHaveLength(1);
      // Name (as words), description, then the start of the readme.
      expect(fake.requests[0]?.body.input[0]).toMatch(
        /^flaky embed\n\nFormats changelogs for releases\.\n\n/,
      );
      expect(lines.join('')).toContain('embedding failed');
      expect((await embeddingRows()).map((r) => r.name)).not.toContain('flaky-embed');
    } else {
      // No pgvector: nothing to store, so the embedder is not even asked.
      expect(fake.requests).toHaveLength(0);
    }

    fake.mode = 'ok';
    const ok = await publishVersion(app, owner.token, {
      name: 'flaky-embed',
      version: '1.0.1',
      description: 'Formats changelogs for releases.',
    });
    expect(ok.status).toBe(200);
    if (!t.deps.vector) return;
    expect(await embeddingRows()).toContainEqual({ name: 'flaky-embed', model: 'http:remote-model' });
    const found = await search(app, { semantic: 'release changelogs' });
    expect(found.body.results.map((r) => r.name)).toEqual(['flaky-embed']);
  });

  it('shows in health: up, down, off', async () => {
    const health = async (app: TestApp) =>
      (await (await app.request('/health')).json()) as {
        status: string;
        deps: { embedder: { status: string; latency_ms?: number } };
      };
    expect((await health(withDeps({ embedder: undefined }))).deps.embedder).toEqual({ status: 'off' });
    expect((await health(t)).deps.embedder).toEqual({ status: 'up', latency_ms: expect.any(Number) });
    fake.mode = 'ok';
    const http = withDeps({ embedder: createHttpEmbedder({ url: fake.url, model: 'm' }) });
    expect((await health(http)).deps.embedder).toEqual({ status: 'up', latency_ms: expect.any(Number) });
    fake.mode = 'error';
    const down = await health(http);
    expect(down.deps.embedder).toEqual({ status: 'down', latency_ms: expect.any(Number) });
    expect(down.status).toBe('degraded');
    const unreachable = withDeps({ embedder: createHttpEmbedder({ url: 'http://127.0.0.1:1', model: 'm' }) });
    expect((await health(unreachable)).deps.embedder.status).toBe('down');
  });
});

describe('the local embedder (transformers.js, optional)', () => {
  const install = 'ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers';

  it('stops start-up with the install command when @huggingface/transformers is absent', async () => {
    const modelDir = makeTempDir('models');
    const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await createLocalEmbedder({
      modelDir,
      model: 'all-MiniLM-L6-v2',
      importModule: () => Promise.reject(missing),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbedderSetupError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(install);
    expect((error as Error).message).toMatch(
      /^invalid configuration: EMBEDDER is "local" but @huggingface\/transformers is not installed/,
    );
  });

  it('really is absent here, and the configured path says so', async (ctx) => {
    const specifier = '@huggingface/transformers';
    const installed = await import(/* @vite-ignore */ specifier).then(
      () => true,
      () => false,
    );
    if (installed) ctx.skip();
    const config = loadConfig({
      DATA_DIR: t.database.dataDir,
      EMBEDDER: 'local',
      EMBEDDER_MODEL_DIR: makeTempDir('models'),
    });
    await expect(createEmbedder(config)).rejects.toThrow(install);
  });
});
