import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AgentryError, type ErrorCode } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testSecret } from '../../../test-support/app.js';
import { makeTempDir } from '../../../test-support/db.js';
import type { BlobStore } from '../src/blobs/blob-store.js';
import { createFsStore } from '../src/blobs/fs-store.js';
import { buildSignedBlobUrl, verifySignedBlobRequest } from '../src/blobs/signed-url.js';

const publicUrl = 'http://registry.test';

async function bytesOf(stream: Readable | undefined): Promise<Buffer> {
  if (!stream) throw new Error('expected a stream');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AgentryError) return error.code;
    throw error;
  }
  throw new Error('expected an AgentryError');
}

function codeOfSync(run: () => unknown): ErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof AgentryError) return error.code;
    throw error;
  }
  throw new Error('expected an AgentryError');
}

/** Files whose names start with `.tmp-` anywhere under `dir` (left-overs of a failed write). */
function tempFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((path) =>
    path.split('/').some((part) => part.startsWith('.tmp-')),
  );
}

const uniqueKey = (prefix = 'tarballs/t', ext = '.tgz') =>
  `${prefix}/${randomBytes(6).toString('hex')}${ext}`;

describe('filesystem blob store', () => {
  let root: string;
  let store: BlobStore;
  beforeAll(() => {
    root = join(makeTempDir('blobs'), 'root');
    store = createFsStore({ root, publicUrl, secret: testSecret });
  });
  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('round-trips a Buffer: head gives size and etag, get gives the bytes', async () => {
    const key = uniqueKey();
    const bytes = randomBytes(3000);
    const info = await store.put(key, bytes);
    expect(info.size).toBe(3000);
    expect(info.etag).toMatch(/^".+"$/);
    expect(await store.head(key)).toEqual(info);
    expect(await bytesOf(await store.get(key))).toEqual(bytes);
  });

  it('round-trips a Readable of several chunks', async () => {
    const key = uniqueKey('docs', '.bin');
    const parts = [randomBytes(10), randomBytes(70_000), randomBytes(1)];
    const info = await store.put(key, Readable.from(parts));
    expect(info.size).toBe(70_011);
    expect((await store.head(key))?.size).toBe(70_011);
    expect(await bytesOf(await store.get(key))).toEqual(Buffer.concat(parts));
  });

  it('stores an empty blob', async () => {
    const key = uniqueKey();
    expect((await store.put(key, Buffer.alloc(0))).size).toBe(0);
    expect(await bytesOf(await store.get(key))).toEqual(Buffer.alloc(0));
  });

  it('refuses a second write to a key with upload_complete and keeps the original bytes', async () => {
    const key = uniqueKey();
    const original = randomBytes(100);
    const first = await store.put(key, original);
    expect(await codeOf(store.put(key, randomBytes(100)))).toBe('upload_complete');
    expect(await codeOf(store.put(key, Readable.from([randomBytes(5)])))).toBe('upload_complete');
    expect(await store.head(key)).toEqual(first);
    expect(await bytesOf(await store.get(key))).toEqual(original);
    expect(tempFilesUnder(root)).toEqual([]);
  });

  it('refuses more than maxBytes with payload_too_large and leaves nothing behind', async () => {
    const key = uniqueKey('limits');
    expect(await codeOf(store.put(key, randomBytes(101), { maxBytes: 100 }))).toBe('payload_too_large');
    const stream = Readable.from([randomBytes(60), randomBytes(60)]);
    expect(await codeOf(store.put(key, stream, { maxBytes: 100 }))).toBe('payload_too_large');
    expect(await store.head(key)).toBeUndefined();
    expect(await store.get(key)).toBeUndefined();
    expect(existsSync(join(root, key))).toBe(false);
    expect(tempFilesUnder(root)).toEqual([]);
    // Exactly maxBytes is allowed, and the failed attempts did not use the key up.
    expect((await store.put(key, randomBytes(100), { maxBytes: 100 })).size).toBe(100);
  });

  it.each([['../x'], ['/abs'], ['a//b'], ['a/./b'], ['a/../b'], [''], ['a/'], ['.hidden'], ['a\\b']])(
    'refuses the key %j with bad_request',
    async (key) => {
      expect(await codeOf(store.put(key, Buffer.from('x')))).toBe('bad_request');
      expect(await codeOf(store.get(key))).toBe('bad_request');
      expect(await codeOf(store.head(key))).toBe('bad_request');
      expect(await codeOf(store.delete(key))).toBe('bad_request');
      expect(await codeOf(store.createUploadUrl(key, { expiresInSeconds: 60, maxBytes: 10 }))).toBe(
        'bad_request',
      );
      expect(await codeOf(store.createDownloadUrl(key, { expiresInSeconds: 60 }))).toBe('bad_request');
    },
  );

  it('refuses an overlong key', async () => {
    expect(await codeOf(store.head('a'.repeat(513)))).toBe('bad_request');
  });

  it('answers undefined for a missing key, and for a key that is only a folder of other keys', async () => {
    const key = uniqueKey('folder');
    expect(await store.get(key)).toBeUndefined();
    expect(await store.head(key)).toBeUndefined();
    await store.put(`${key}/inner`, Buffer.from('x'));
    expect(await store.head(key)).toBeUndefined();
    expect(await store.get(key)).toBeUndefined();
    // A key below an existing blob (the blob is a file, not a folder).
    await store.put(`${key}/file`, Buffer.from('y'));
    expect(await store.head(`${key}/file/below`)).toBeUndefined();
    expect(await store.get(`${key}/file/below`)).toBeUndefined();
  });

  it('deletes idempotently, freeing the key', async () => {
    const key = uniqueKey();
    await store.put(key, Buffer.from('first'));
    await store.delete(key);
    expect(await store.head(key)).toBeUndefined();
    await store.delete(key);
    await store.delete(uniqueKey('never'));
    await store.put(key, Buffer.from('second'));
    expect((await bytesOf(await store.get(key))).toString()).toBe('second');
  });

  it('signs URLs on its public URL', async () => {
    const key = uniqueKey();
    const upload = new URL(await store.createUploadUrl(key, { expiresInSeconds: 60, maxBytes: 10 }));
    expect(upload.origin).toBe(publicUrl);
    expect(upload.pathname).toBe(`/_blobs/${key}`);
    expect(upload.searchParams.get('max')).toBe('10');
    const download = new URL(await store.createDownloadUrl(key, { expiresInSeconds: 60, filename: 'a.tgz' }));
    expect(download.searchParams.get('fn')).toBe('a.tgz');
    expect(download.searchParams.get('max')).toBeNull();
  });
});

describe('verifySignedBlobRequest', () => {
  const key = 'tarballs/t/v1.tgz';
  const now = 1_800_000_000;
  const queryOf = (url: string) => {
    const params = new URL(url).searchParams;
    return (name: string) => params.get(name) ?? undefined;
  };

  it('returns the grant of a valid URL up to and including its expiry second', () => {
    const url = buildSignedBlobUrl(publicUrl, testSecret, {
      method: 'PUT',
      key,
      expiresAt: now,
      maxBytes: 500,
    });
    const grant = verifySignedBlobRequest(testSecret, 'PUT', key, queryOf(url), now - 100);
    expect(grant).toEqual({ method: 'PUT', key, expiresAt: now, maxBytes: 500 });
    expect(verifySignedBlobRequest(testSecret, 'PUT', key, queryOf(url), now).expiresAt).toBe(now);
    expect(codeOfSync(() => verifySignedBlobRequest(testSecret, 'PUT', key, queryOf(url), now + 1))).toBe(
      'signature_expired',
    );
  });

  it('carries the filename of a download grant', () => {
    const url = buildSignedBlobUrl(publicUrl, testSecret, {
      method: 'GET',
      key,
      expiresAt: now,
      filename: 'skill 1.0.0.tgz',
    });
    expect(verifySignedBlobRequest(testSecret, 'GET', key, queryOf(url), now).filename).toBe(
      'skill 1.0.0.tgz',
    );
  });

  it('reports a forged URL as invalid even when it is also expired', () => {
    const url = new URL(buildSignedBlobUrl(publicUrl, testSecret, { method: 'GET', key, expiresAt: now }));
    url.searchParams.set('exp', String(now - 10));
    expect(
      codeOfSync(() => verifySignedBlobRequest(testSecret, 'GET', key, queryOf(url.toString()), now)),
    ).toBe('signature_invalid');
  });

  it.each([
    ['another secret', () => {}, `${testSecret}-other`, 'GET', key],
    ['another method', () => {}, testSecret, 'PUT', key],
    ['another key', () => {}, testSecret, 'GET', 'tarballs/t/v2.tgz'],
    ['no sig', (url: URL) => url.searchParams.delete('sig'), testSecret, 'GET', key],
    ['empty sig', (url: URL) => url.searchParams.set('sig', ''), testSecret, 'GET', key],
    ['no exp', (url: URL) => url.searchParams.delete('exp'), testSecret, 'GET', key],
    ['non-numeric exp', (url: URL) => url.searchParams.set('exp', '1e12'), testSecret, 'GET', key],
    ['negative max', (url: URL) => url.searchParams.set('max', '-1'), testSecret, 'GET', key],
    ['added max', (url: URL) => url.searchParams.set('max', '1'), testSecret, 'GET', key],
    ['added fn', (url: URL) => url.searchParams.set('fn', 'x.tgz'), testSecret, 'GET', key],
  ] as const)('refuses %s with signature_invalid', (_name, tamper, secret, method, verifiedKey) => {
    const url = new URL(buildSignedBlobUrl(publicUrl, testSecret, { method: 'GET', key, expiresAt: now }));
    tamper(url);
    expect(
      codeOfSync(() => verifySignedBlobRequest(secret, method, verifiedKey, queryOf(url.toString()), now)),
    ).toBe('signature_invalid');
  });
});

describe('/_blobs routes', () => {
  let t: TestApp;
  let root: string;
  beforeAll(async () => {
    t = await createTestApp();
    root = join(t.database.dataDir, 'blobs');
  });
  afterAll(() => t.close());

  /** The path and query of an absolute signed URL, for t.request. */
  const pathOf = (url: string | URL) => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };

  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: code });
  }

  const put = (
    url: string | URL,
    body: Buffer | ReadableStream<Uint8Array>,
    headers: Record<string, string> = {},
  ) => t.request(pathOf(url), { method: 'PUT', body, headers, duplex: 'half' } as RequestInit);

  const uploadUrl = (key: string, maxBytes = 1000) =>
    t.deps.blobs.createUploadUrl(key, { expiresInSeconds: 300, maxBytes });

  async function stored(bytes: Buffer, key = uniqueKey()): Promise<string> {
    await t.deps.blobs.put(key, bytes);
    return key;
  }

  /** A body stream that declares no length, as a chunked upload would. */
  function streamOf(...chunks: Buffer[]): ReadableStream<Uint8Array> {
    return new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
        controller.close();
      },
    });
  }

  it('accepts an upload to a signed URL once, answering 200 with the ETag, then 409 UPLOAD_COMPLETE', async () => {
    const key = uniqueKey();
    const url = await uploadUrl(key);
    const bytes = randomBytes(700);
    const res = await put(url, bytes);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ size: 700 });
    const info = await t.deps.blobs.head(key);
    expect(res.headers.get('etag')).toBe(info?.etag);
    expect(await bytesOf(await t.deps.blobs.get(key))).toEqual(bytes);

    await expectError(await put(url, randomBytes(700)), 409, 'UPLOAD_COMPLETE');
    expect(await bytesOf(await t.deps.blobs.get(key))).toEqual(bytes);
    expect(tempFilesUnder(root)).toEqual([]);
  });

  it('accepts a streamed upload without content-length', async () => {
    const key = uniqueKey();
    const parts = [randomBytes(300), randomBytes(300)];
    const res = await put(await uploadUrl(key), streamOf(...parts));
    expect(res.status).toBe(200);
    expect(await bytesOf(await t.deps.blobs.get(key))).toEqual(Buffer.concat(parts));
  });

  it('refuses more than the signed maximum with 413, by content-length or by counting the stream', async () => {
    const key = uniqueKey();
    const url = await uploadUrl(key, 1000);
    const big = randomBytes(1001);
    await expectError(await put(url, big, { 'content-length': '1001' }), 413, 'PAYLOAD_TOO_LARGE');
    // A declared length above the cap is refused before any byte is read.
    await expectError(
      await put(url, randomBytes(10), { 'content-length': '5000' }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await expectError(await put(url, streamOf(randomBytes(600), randomBytes(600))), 413, 'PAYLOAD_TOO_LARGE');
    expect(await t.deps.blobs.head(key)).toBeUndefined();
    expect(tempFilesUnder(root)).toEqual([]);
    // Failed attempts do not use the URL up.
    const exact = randomBytes(1000);
    expect((await put(url, exact)).status).toBe(200);
    expect(await bytesOf(await t.deps.blobs.get(key))).toEqual(exact);
  });

  it('caps an upload at MAX_UPLOAD_BYTES even when the URL allows more', async () => {
    const small = await createTestApp({ env: { MAX_UPLOAD_BYTES: '2048' } });
    try {
      const key = uniqueKey();
      const url = await small.deps.blobs.createUploadUrl(key, { expiresInSeconds: 60, maxBytes: 10_000 });
      const res = await small.request(pathOf(url), {
        method: 'PUT',
        body: streamOf(randomBytes(2049)),
        duplex: 'half',
      } as RequestInit);
      await expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await small.deps.blobs.head(key)).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('serves a signed download with type, disposition, ETag and immutable caching', async () => {
    const bytes = randomBytes(5000);
    const key = await stored(bytes);
    const url = await t.deps.blobs.createDownloadUrl(key, {
      expiresInSeconds: 300,
      filename: 'my-skill-1.0.0.tgz',
    });
    const res = await t.request(pathOf(url));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-length')).toBe('5000');
    expect(res.headers.get('content-disposition')).toContain('my-skill-1.0.0.tgz');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('etag')).toBe((await t.deps.blobs.head(key))?.etag);
    const cache = res.headers.get('cache-control') ?? '';
    expect(cache).toContain('immutable');
    const maxAge = Number(/max-age=(\d+)/.exec(cache)?.[1]);
    expect(maxAge).toBeGreaterThan(250);
    expect(maxAge).toBeLessThanOrEqual(300);
  });

  it('serves other keys as octet-stream and without disposition when no filename was signed', async () => {
    const key = await stored(Buffer.from('plain'), uniqueKey('docs', '.bin'));
    const res = await t.request(pathOf(await t.deps.blobs.createDownloadUrl(key, { expiresInSeconds: 60 })));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(await res.text()).toBe('plain');
  });

  it('keeps a signed filename from breaking out of the header', async () => {
    const key = await stored(Buffer.from('x'));
    const filename = 'a"b\\c\r\nSet-Cookie: x=1.tgz';
    const res = await t.request(
      pathOf(await t.deps.blobs.createDownloadUrl(key, { expiresInSeconds: 60, filename })),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition.startsWith('attachment; filename="a_b_c__Set-Cookie: x=1.tgz"')).toBe(true);
    expect(disposition).not.toMatch(/[\r\n]/);
  });

  it('serves a non-ASCII filename instead of failing', async () => {
    const key = await stored(Buffer.from('x'));
    const filename = 'skill-名前.tgz';
    const res = await t.request(
      pathOf(await t.deps.blobs.createDownloadUrl(key, { expiresInSeconds: 60, filename })),
    );
    expect(res.status).toBe(200);
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toBe(
      `attachment; filename="skill-__.tgz"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('x');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const key = await stored(randomBytes(100));
    const path = pathOf(await t.deps.blobs.createDownloadUrl(key, { expiresInSeconds: 60 }));
    const first = await t.request(path);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await t.request(path, { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    const other = await t.request(path, { headers: { 'If-None-Match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  describe('refuses a tampered download URL with 403 SIGNATURE_INVALID', () => {
    let url: URL;
    let otherKey: string;
    beforeAll(async () => {
      const key = await stored(Buffer.from('secret bytes'));
      otherKey = await stored(Buffer.from('other bytes'));
      url = new URL(await t.deps.blobs.createDownloadUrl(key, { expiresInSeconds: 300, filename: 'a.tgz' }));
      expect((await t.request(pathOf(url))).status).toBe(200);
    });

    it.each([
      ['exp', (u: URL) => u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 1000))],
      ['fn', (u: URL) => u.searchParams.set('fn', 'b.tgz')],
      ['fn removed', (u: URL) => u.searchParams.delete('fn')],
      ['max added', (u: URL) => u.searchParams.set('max', '10')],
      [
        'sig',
        (u: URL) => {
          const sig = u.searchParams.get('sig') ?? '';
          u.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
        },
      ],
      ['sig missing', (u: URL) => u.searchParams.delete('sig')],
      ['exp missing', (u: URL) => u.searchParams.delete('exp')],
      ['key path', (u: URL) => (u.pathname = `/_blobs/${otherKey}`)],
    ] as const)('%s', async (_name, tamper) => {
      const changed = new URL(url);
      tamper(changed);
      await expectError(await t.request(pathOf(changed)), 403, 'SIGNATURE_INVALID');
    });
  });

  describe('refuses a tampered upload URL with 403 SIGNATURE_INVALID', () => {
    it.each([
      ['max raised', (u: URL) => u.searchParams.set('max', '1000000')],
      ['max removed', (u: URL) => u.searchParams.delete('max')],
      ['exp', (u: URL) => u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 1))],
      ['fn added', (u: URL) => u.searchParams.set('fn', 'x.tgz')],
      ['sig missing', (u: URL) => u.searchParams.delete('sig')],
      ['key path', (u: URL) => (u.pathname = `${u.pathname}.other`)],
    ] as const)('%s', async (_name, tamper) => {
      const key = uniqueKey();
      const url = new URL(await uploadUrl(key, 100));
      tamper(url);
      await expectError(await put(url, randomBytes(10)), 403, 'SIGNATURE_INVALID');
      expect(await t.deps.blobs.head(key)).toBeUndefined();
      expect(await t.deps.blobs.head(`${key}.other`)).toBeUndefined();
    });
  });

  it('refuses a URL signed with another secret', async () => {
    const key = await stored(Buffer.from('x'));
    const foreign = createFsStore({ root, publicUrl, secret: `${testSecret}-other` });
    const download = await foreign.createDownloadUrl(key, { expiresInSeconds: 60 });
    await expectError(await t.request(pathOf(download)), 403, 'SIGNATURE_INVALID');
    const fresh = uniqueKey();
    const upload = await foreign.createUploadUrl(fresh, { expiresInSeconds: 60, maxBytes: 100 });
    await expectError(await put(upload, Buffer.from('x')), 403, 'SIGNATURE_INVALID');
    expect(await t.deps.blobs.head(fresh)).toBeUndefined();
  });

  it('refuses an expired URL with 403 SIGNATURE_EXPIRED', async () => {
    const key = await stored(Buffer.from('x'));
    const expiresAt = Math.floor(Date.now() / 1000) - 5;
    const download = buildSignedBlobUrl(publicUrl, testSecret, { method: 'GET', key, expiresAt });
    await expectError(await t.request(pathOf(download)), 403, 'SIGNATURE_EXPIRED');
    const fresh = uniqueKey();
    const upload = buildSignedBlobUrl(publicUrl, testSecret, {
      method: 'PUT',
      key: fresh,
      expiresAt,
      maxBytes: 10,
    });
    await expectError(await put(upload, Buffer.from('x')), 403, 'SIGNATURE_EXPIRED');
    expect(await t.deps.blobs.head(fresh)).toBeUndefined();
  });

  it('refuses a download URL used to upload, and an upload URL used to download', async () => {
    const fresh = uniqueKey();
    const download = await t.deps.blobs.createDownloadUrl(fresh, { expiresInSeconds: 60 });
    await expectError(await put(download, Buffer.from('x')), 403, 'SIGNATURE_INVALID');
    expect(await t.deps.blobs.head(fresh)).toBeUndefined();
    const key = await stored(Buffer.from('x'));
    const upload = await t.deps.blobs.createUploadUrl(key, { expiresInSeconds: 60, maxBytes: 10 });
    await expectError(await t.request(pathOf(upload)), 403, 'SIGNATURE_INVALID');
  });

  it('refuses a request without any signature', async () => {
    const key = await stored(Buffer.from('x'));
    await expectError(await t.request(`/_blobs/${key}`), 403, 'SIGNATURE_INVALID');
    await expectError(
      await put(`${publicUrl}/_blobs/${uniqueKey()}`, Buffer.from('x')),
      403,
      'SIGNATURE_INVALID',
    );
  });

  it('answers 404 NOT_FOUND for a validly signed download of a missing key', async () => {
    const url = await t.deps.blobs.createDownloadUrl(uniqueKey(), { expiresInSeconds: 60 });
    await expectError(await t.request(pathOf(url)), 404, 'NOT_FOUND');
  });

  it('refuses a key that escapes the store with 400 BAD_REQUEST', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    await expectError(await t.request(`/_blobs/a%2F..%2Fsecret.key?exp=${exp}&sig=x`), 400, 'BAD_REQUEST');
  });
});
