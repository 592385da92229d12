/**
 * The hot path on one node: metadata and download answers come from the read cache once warm, every
 * change that alters an answer invalidates it (through the database's triggers, so also changes made
 * by plain SQL), download counts are batched, and HTTP validators and ranges behave.
 */
import { computeIntegrity } from '@agentry/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../test-support/app.js';
import { localPath, publishVersion } from '../../../test-support/tarball.js';
import { createDownloadCounter } from '../src/domain/downloads.js';
import { createHotCache } from '../src/hot-cache.js';
import { matchesIfNoneMatch, parseRange } from '../src/http/conditional.js';

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '100000' } });
  owner = await createTestUser(t.deps, t.defaultTenantId);
});
afterAll(() => t.close());

let counter = 0;
const uniqueName = (prefix: string) => `hot-${prefix}-${++counter}`;

async function publish(name: string, version: string, visibility: 'public' | 'private' = 'public') {
  const result = await publishVersion(t, owner.token, { name, version, visibility });
  expect(result.status).toBe(200);
  return result;
}

async function getJson(path: string, headers: Record<string, string> = {}) {
  const res = await t.request(path, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function post(path: string, body: unknown, method = 'POST') {
  const res = await t.request(path, {
    method,
    headers: { ...bearer(owner.token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
}

describe('read cache', () => {
  it('serves a warm metadata read from the cache', async () => {
    const name = uniqueName('warm');
    await publish(name, '1.0.0');
    await getJson(`/api/v1/skills/${name}/1.0.0`);
    const before = t.deps.cache.stats().hits;
    await getJson(`/api/v1/skills/${name}/1.0.0`);
    // The package row and the rendered answer.
    expect(t.deps.cache.stats().hits - before).toBe(2);
  });

  it('reflects each mutation on the next read: yank, unyank, deprecate, publish, star', async () => {
    const name = uniqueName('mutations');
    await publish(name, '1.0.0');
    const detail = `/api/v1/skills/${name}/1.0.0`;
    expect(await getJson(detail)).toMatchObject({ yanked: false, deprecated: null });
    expect(await getJson(`/api/v1/skills/${name}`)).toMatchObject({ latestVersion: '1.0.0', stars: 0 });
    await getJson(`/api/v1/skills/${name}/versions`);

    await post(`${detail}/yank`, { reason: 'broken' });
    expect(await getJson(detail)).toMatchObject({ yanked: true, yankReason: 'broken' });
    const listed = (await getJson(`/api/v1/skills/${name}/versions`)).versions as { yanked: boolean }[];
    expect(listed[0]?.yanked).toBe(true);

    await post(`${detail}/yank`, {}, 'DELETE');
    expect(await getJson(detail)).toMatchObject({ yanked: false });

    await post(`${detail}/deprecate`, { message: 'use 2' });
    expect(await getJson(detail)).toMatchObject({ deprecated: 'use 2' });

    await publish(name, '1.1.0');
    expect(await getJson(`/api/v1/skills/${name}`)).toMatchObject({ latestVersion: '1.1.0' });

    await post(`/api/v1/skills/${name}/star`, {});
    expect(await getJson(`/api/v1/skills/${name}`)).toMatchObject({ stars: 1 });
  });

  // On PostgreSQL the invalidation of a write made outside a request arrives asynchronously; cacheSync()
  // waits for it, as the middleware does after every write request.
  it('follows changes made outside the routes (visibility, archive, delete) through the triggers', async () => {
    const name = uniqueName('sql');
    const { versionId } = await publish(name, '1.0.0');
    const { downloadUrl } = await getJson(`/api/v1/skills/${name}/1.0.0`);
    expect((await t.request(localPath(String(downloadUrl)))).status).toBe(200);

    await sql`UPDATE packages SET description = 'changed by hand' WHERE name = ${name}`.execute(t.deps.db);
    await t.deps.cacheSync();
    expect(await getJson(`/api/v1/skills/${name}`)).toMatchObject({ description: 'changed by hand' });

    await sql`UPDATE packages SET visibility = 'private' WHERE name = ${name}`.execute(t.deps.db);
    await t.deps.cacheSync();
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(404);
    expect((await t.request(`/api/v1/skills/${name}/1.0.0`)).status).toBe(404);
    expect((await getJson(`/api/v1/skills/${name}`, bearer(owner.token))).visibility).toBe('private');

    await sql`UPDATE packages SET visibility = 'public', status = 'archived' WHERE name = ${name}`.execute(
      t.deps.db,
    );
    await t.deps.cacheSync();
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(200);

    await sql`DELETE FROM versions WHERE id = ${String(versionId)}`.execute(t.deps.db);
    await t.deps.cacheSync();
    expect((await t.request(localPath(String(downloadUrl)))).status).toBe(404);
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(404);
  });

  it('caches anonymous search answers until any package changes', async () => {
    const word = `zebrafish${counter}`;
    const names = async () => {
      const body = await getJson(`/api/v1/search?q=${word}`);
      return (body.results as { name: string }[]).map((r) => r.name).sort();
    };
    const first = uniqueName(word);
    await publishVersion(t, owner.token, { name: first, version: '1.0.0', description: `About ${word}.` });
    expect(await names()).toEqual([first]);
    const hits = t.deps.cache.stats().hits;
    expect(await names()).toEqual([first]);
    expect(t.deps.cache.stats().hits).toBeGreaterThan(hits);

    const second = uniqueName(word);
    await publishVersion(t, owner.token, { name: second, version: '1.0.0', description: `About ${word}.` });
    expect(await names()).toEqual([first, second].sort());
    await sql`UPDATE packages SET visibility = 'private' WHERE name = ${second}`.execute(t.deps.db);
    await t.deps.cacheSync();
    expect(await names()).toEqual([first]);
  });

  it('keeps the access check of a private artifact on every request', async () => {
    const name = uniqueName('private');
    await publish(name, '1.0.0', 'private');
    expect((await t.request(`/api/v1/skills/${name}`, { headers: bearer(owner.token) })).status).toBe(200);
    // Cached now; an outsider still gets not_found.
    const outsider = await createTestUser(t.deps, t.defaultTenantId);
    expect((await t.request(`/api/v1/skills/${name}`, { headers: bearer(outsider.token) })).status).toBe(404);
    expect((await t.request(`/api/v1/skills/${name}`)).status).toBe(404);
  });

  it('bounds entries and bytes, and never stores what was read before an invalidation', () => {
    const cache = createHotCache({ maxEntries: 2, maxBytes: 1000 });
    const g = cache.generation();
    cache.set('a', 'p1', 'A', 10, g);
    cache.set('b', 'p1', 'B', 10, g);
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('c', 'p2', 'C', 10, g);
    expect(cache.get('b')).toBeUndefined();
    cache.set('big', 'p2', 'X', 995, cache.generation());
    expect(cache.stats().bytes).toBeLessThanOrEqual(1000);
    expect(cache.get('a')).toBeUndefined();

    const stale = cache.generation();
    cache.invalidate('p9');
    cache.set('late', 'p9', 'old', 10, stale);
    expect(cache.get('late')).toBeUndefined();
    cache.set('x', 'p3', 'X', 10, cache.generation());
    cache.invalidate('p3');
    expect(cache.get('x')).toBeUndefined();
  });
});

describe('HTTP validators and ranges', () => {
  it('answers metadata with an ETag and 304 on If-None-Match', async () => {
    const name = uniqueName('etag');
    await publish(name, '1.0.0');
    for (const path of [
      `/api/v1/skills/${name}`,
      `/api/v1/skills/${name}/versions`,
      `/api/v1/skills/${name}/1.0.0`,
    ]) {
      const first = await t.request(path);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await t.request(path, { headers: { 'If-None-Match': String(etag) } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect((await t.request(path, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    }
    const before = (await t.request(`/api/v1/skills/${name}`)).headers.get('etag');
    await post(`/api/v1/skills/${name}/star`, {});
    const after = await t.request(`/api/v1/skills/${name}`, { headers: { 'If-None-Match': String(before) } });
    expect(after.status).toBe(200);
  });

  it('serves tarballs with a strong ETag, Content-Length, immutable caching, 304, 206 and 416', async () => {
    const name = uniqueName('range');
    await publish(name, '1.0.0');
    const { downloadUrl, integrity } = await getJson(`/api/v1/skills/${name}/1.0.0`);
    const path = localPath(String(downloadUrl));
    const full = await t.request(path);
    expect(full.status).toBe(200);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(computeIntegrity(bytes)).toBe(integrity);
    expect(full.headers.get('etag')).toBe(`"${integrity}"`);
    expect(full.headers.get('content-length')).toBe(String(bytes.length));
    expect(full.headers.get('cache-control')).toContain('immutable');
    expect(full.headers.get('accept-ranges')).toBe('bytes');

    // Served from memory the second time, same bytes.
    const hits = t.deps.cache.stats().hits;
    const again = Buffer.from(await (await t.request(path)).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
    expect(t.deps.cache.stats().hits).toBeGreaterThan(hits);

    const etag = String(full.headers.get('etag'));
    expect((await t.request(path, { headers: { 'If-None-Match': `W/${etag}, "x"` } })).status).toBe(304);

    const part = await t.request(path, { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
    expect(part.headers.get('content-length')).toBe('10');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);

    const tail = await t.request(path, { headers: { Range: 'bytes=-5' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(-5))).toBe(true);

    const beyond = await t.request(path, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    // A stale If-Range gets the whole tarball.
    const stale = await t.request(path, { headers: { Range: 'bytes=0-1', 'If-Range': '"old"' } });
    expect(stale.status).toBe(200);
  });

  it('streams ranges of tarballs too large to keep in memory', async () => {
    const big = await createTestApp({ env: { HOT_CACHE_TARBALL_KB: '0' } });
    try {
      const user = await createTestUser(big.deps, big.defaultTenantId);
      expect((await publishVersion(big, user.token, { name: 'streamed', version: '1.0.0' })).status).toBe(
        200,
      );
      const res = await big.request('/api/v1/skills/streamed/1.0.0');
      const { downloadUrl } = (await res.json()) as { downloadUrl: string };
      const full = Buffer.from(await (await big.request(localPath(downloadUrl))).arrayBuffer());
      const part = await big.request(localPath(downloadUrl), { headers: { Range: 'bytes=3-' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(3))).toBe(true);
    } finally {
      await big.close();
    }
  });

  it('parses ranges and If-None-Match lists', () => {
    expect(parseRange('bytes=0-99', 50)).toEqual({ start: 0, end: 49 });
    expect(parseRange('bytes=-10', 50)).toEqual({ start: 40, end: 49 });
    expect(parseRange('bytes=60-', 50)).toBeNull();
    expect(parseRange('bytes=5-2', 50)).toBeNull();
    expect(parseRange('bytes=0-1,3-4', 50)).toBeUndefined();
    expect(parseRange('items=0-1', 50)).toBeUndefined();
    expect(matchesIfNoneMatch('*', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('"b", W/"a"', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('"b"', '"a"')).toBe(false);
  });
});

describe('download counting', () => {
  it('sums downloads in memory and writes them in one batch; two counters (two nodes) add up', async () => {
    const name = uniqueName('counted');
    const { versionId, skillId } = await publish(name, '1.0.0');
    const packageId = String(skillId);
    await t.deps.downloads.flush();
    const nodeA = createDownloadCounter(t.deps.db, { flushMs: 3_600_000 });
    const nodeB = createDownloadCounter(t.deps.db, { flushMs: 3_600_000 });
    for (let i = 0; i < 5; i++) nodeA.record(packageId, String(versionId));
    for (let i = 0; i < 3; i++) nodeB.record(packageId, String(versionId));
    expect(nodeA.pending()).toBe(5);
    const total = async () =>
      (
        await t.deps.db
          .selectFrom('packages')
          .select('downloads_total')
          .where('id', '=', packageId)
          .executeTakeFirstOrThrow()
      ).downloads_total;
    expect(await total()).toBe(0);
    await Promise.all([nodeA.close(), nodeB.close()]);
    await t.deps.cacheSync();
    expect(await total()).toBe(8);
    const daily = await t.deps.db
      .selectFrom('downloads_daily')
      .select('count')
      .where('version_id', '=', String(versionId))
      .execute();
    expect(daily.map((row) => Number(row.count))).toEqual([8]);
    expect((await getJson(`/api/v1/skills/${name}/1.0.0`)).downloads).toBe(8);
  });

  it('keeps counts it could not write for the next flush', async () => {
    const name = uniqueName('retry');
    const { versionId, skillId } = await publish(name, '1.0.0');
    const counter = createDownloadCounter(t.deps.db, { flushMs: 3_600_000 });
    // Not a uuid: the statement fails and nothing is written.
    counter.record(String(skillId), 'not-a-uuid');
    counter.record(String(skillId), String(versionId));
    await expect(counter.flush()).rejects.toThrow();
    expect(counter.pending()).toBe(2);
  });
});
