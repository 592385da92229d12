import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BlobStore } from './blob-store.js';
import { createS3Store, parseS3Location, type S3StoreOptions } from './s3-store.js';

// s3rver ships no type declarations; describe the slice of its API this test uses.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const bucket = 'agentry-test';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

/** A port that was free a moment ago and has nothing listening on it now. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('parseS3Location', () => {
  it('reads a bucket without a prefix', () => {
    expect(parseS3Location('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Location('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '' });
  });

  it('normalises the prefix', () => {
    expect(parseS3Location('s3://my-bucket/some/prefix')).toEqual({
      bucket: 'my-bucket',
      prefix: 'some/prefix',
    });
    expect(parseS3Location('s3://my-bucket//some//prefix/')).toEqual({
      bucket: 'my-bucket',
      prefix: 'some/prefix',
    });
  });

  it('rejects other schemes and bad bucket names', () => {
    expect(() => parseS3Location('https://my-bucket/x')).toThrow();
    expect(() => parseS3Location('s3://')).toThrow();
    expect(() => parseS3Location('s3://Bad_Bucket')).toThrow();
  });
});

describe('creating an S3 store', () => {
  it('prints no Node version warning from the SDK (the server supports Node 20)', () => {
    // A fresh process: the SDK warns once per process, and this one may have created clients already.
    const built = new URL('../../dist/blobs/s3-store.js', import.meta.url).href;
    const script = `const { createS3Store } = await import(${JSON.stringify(built)});
      createS3Store({ location: 's3://agentry-test', region: 'us-east-1', forcePathStyle: true,
        endpoint: 'http://127.0.0.1:9', accessKeyId: 'a', secretAccessKey: 'b' });
      await new Promise((resolve) => setTimeout(resolve, 50));`;
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr).not.toMatch(/NodeVersionSupportWarning|Warning/);
  });
});

describe('createS3Store against s3rver', () => {
  let directory: string;
  let s3rver: S3rverInstance;
  let options: S3StoreOptions;
  let store: BlobStore;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'agentry-s3-'));
    s3rver = new S3rver({
      port: 0,
      address: '127.0.0.1',
      directory,
      silent: true,
      configureBuckets: [{ name: bucket }],
    });
    const { port } = await s3rver.run();
    options = {
      location: `s3://${bucket}/tenant-blobs/`,
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    };
    store = createS3Store(options);
  });

  afterAll(async () => {
    await s3rver?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('is an s3 store', () => {
    expect(store.kind).toBe('s3');
  });

  it('round-trips a buffer through put, head and get', async () => {
    const bytes = Buffer.from('hello tarball');
    const info = await store.put('tarballs/t1/a.tgz', bytes, { contentType: 'application/gzip' });
    expect(info.size).toBe(bytes.length);
    expect(info.etag).toMatch(/^".+"$/);

    expect(await store.head('tarballs/t1/a.tgz')).toEqual(info);
    const body = await store.get('tarballs/t1/a.tgz');
    expect(body).toBeDefined();
    expect(await text(body!)).toBe('hello tarball');
  });

  it('stores a stream body under the prefix', async () => {
    await store.put('tarballs/t1/stream.tgz', Readable.from([Buffer.from('one '), Buffer.from('two')]));
    // A store without the prefix sees the object at its full key, proving the prefix is applied.
    const unprefixed = createS3Store({ ...options, location: `s3://${bucket}` });
    expect(await unprefixed.head('tenant-blobs/tarballs/t1/stream.tgz')).toMatchObject({ size: 7 });
    expect(await text((await store.get('tarballs/t1/stream.tgz'))!)).toBe('one two');
  });

  it('returns undefined for a missing key', async () => {
    expect(await store.get('tarballs/missing.tgz')).toBeUndefined();
    expect(await store.head('tarballs/missing.tgz')).toBeUndefined();
  });

  it('refuses bodies over maxBytes', async () => {
    await expectCode(store.put('big/buffer', Buffer.alloc(11), { maxBytes: 10 }), 'payload_too_large');
    const stream = Readable.from([Buffer.alloc(6), Buffer.alloc(6)]);
    await expectCode(store.put('big/stream', stream, { maxBytes: 10 }), 'payload_too_large');
    expect(await store.head('big/buffer')).toBeUndefined();
    expect(await store.head('big/stream')).toBeUndefined();
  });

  it('refuses keys that could escape the prefix', async () => {
    await expectCode(store.put('../x', Buffer.from('x')), 'bad_request');
    await expectCode(store.get('../x'), 'bad_request');
    await expectCode(store.createDownloadUrl('a/../../x', { expiresInSeconds: 60 }), 'bad_request');
  });

  it('deletes idempotently', async () => {
    await store.put('tarballs/t1/doomed.tgz', Buffer.from('bye'));
    await store.delete('tarballs/t1/doomed.tgz');
    expect(await store.head('tarballs/t1/doomed.tgz')).toBeUndefined();
    await expect(store.delete('tarballs/t1/doomed.tgz')).resolves.toBeUndefined();
  });

  it('accepts an upload through a presigned PUT URL', async () => {
    const url = await store.createUploadUrl('uploads/u1.tgz', {
      expiresInSeconds: 300,
      maxBytes: 1024,
      contentType: 'application/gzip',
    });
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/gzip' },
      body: 'uploaded bytes',
    });
    expect(response.status).toBe(200);
    expect(await text((await store.get('uploads/u1.tgz'))!)).toBe('uploaded bytes');
  });

  it('serves bytes through a presigned GET URL with a download file name', async () => {
    await store.put('tarballs/t1/dl.tgz', Buffer.from('download me'));
    const url = await store.createDownloadUrl('tarballs/t1/dl.tgz', {
      expiresInSeconds: 300,
      filename: 'dl-1.0.0.tgz',
    });
    expect(new URL(url).searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="dl-1.0.0.tgz"',
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="dl-1.0.0.tgz"');
    expect(await response.text()).toBe('download me');
  });

  // s3rver does not verify SigV4 signatures (any secret, even a tampered signature, is accepted), so
  // the fetch tests above cannot prove signing. These assertions do: the signature is present, the
  // expiry is the one requested, it is deterministic for a fixed time, and it changes with the secret.
  it('signs presigned URLs with the configured secret', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T12:00:00Z'));
    try {
      const other = createS3Store({ ...options, secretAccessKey: 'ANOTHER-SECRET' });
      const twin = createS3Store(options);
      const urls = await Promise.all(
        [store, twin, other].map((s) => s.createDownloadUrl('tarballs/t1/a.tgz', { expiresInSeconds: 123 })),
      );
      const [mine, same, theirs] = urls.map((url) => new URL(url).searchParams);
      expect(mine?.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(mine?.get('X-Amz-Expires')).toBe('123');
      expect(mine?.get('X-Amz-Date')).toBe('20260301T120000Z');
      expect(theirs?.get('X-Amz-Date')).toBe(mine?.get('X-Amz-Date'));
      expect(same?.get('X-Amz-Signature')).toBe(mine?.get('X-Amz-Signature'));
      expect(theirs?.get('X-Amz-Signature')).not.toBe(mine?.get('X-Amz-Signature'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('pings a reachable bucket', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('fails ping when the endpoint is closed', async () => {
    const port = await findClosedPort();
    const dead = createS3Store({ ...options, endpoint: `http://127.0.0.1:${port}` });
    await expect(dead.ping()).rejects.toThrow();
  });
});

describe('createS3Store create-only writes', () => {
  // s3rver ignores If-None-Match on PUT (it overwrites), so a stub answers the way S3 does for an
  // existing key and we check that the 412 becomes upload_complete and that the header was sent.
  let server: Server;
  let seenIfNoneMatch: string | undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      seenIfNoneMatch = request.headers['if-none-match'];
      request.resume();
      request.on('end', () => {
        response.writeHead(412, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>' +
            '<Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('maps 412 PreconditionFailed to upload_complete', async () => {
    const { port } = server.address() as AddressInfo;
    const store = createS3Store({
      location: `s3://${bucket}/p`,
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    });
    await expectCode(store.put('tarballs/t1/a.tgz', Buffer.from('again')), 'upload_complete');
    expect(seenIfNoneMatch).toBe('*');
  });
});
