/**
 * An answer given before the request body is read (413 on Content-Length, a full scan queue) closes the
 * connection: kept alive, the unread body bytes would be parsed as the next request on it. Driven over a
 * real socket, since keep-alive only exists there.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testSecret } from '../../../../test-support/app.js';
import { buildSignedBlobUrl } from '../../src/blobs/signed-url.js';

let t: TestApp;
let server: Server;
let port: number;
beforeAll(async () => {
  t = await createTestApp({ env: { MAX_UPLOAD_BYTES: '100000' } });
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** Sends a head and part of the body it announces; resolves with all the server sent once it closes. */
function exchange(head: string, bodyPart: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a socket it closed while we were still writing: the answer is what counts.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve(received);
      else reject(error);
    });
    socket.on('close', () => resolve(received));
    socket.write(head);
    socket.write(bodyPart);
  });
}

describe('answers before reading the body', () => {
  it('closes the connection after a 413 on an upload URL', async () => {
    const url = new URL(
      buildSignedBlobUrl(`http://127.0.0.1:${port}`, testSecret, {
        method: 'PUT',
        key: 'uploads/early.tgz',
        expiresAt: Math.floor(Date.now() / 1000) + 60,
        maxBytes: 1000,
      }),
    );
    const received = await exchange(
      `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/gzip\r\nContent-Length: 500000\r\n\r\n`,
      Buffer.alloc(4096, 7),
    );
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it('closes the connection after a 413 on POST /api/v1/scan', async () => {
    const received = await exchange(
      'POST /api/v1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000000\r\n\r\n',
      Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a.tgz"\r\n\r\n'),
    );
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(received).toContain('"error":"PAYLOAD_TOO_LARGE"');
  });

  it('closes the connection after a 503 from a full scan queue, with Retry-After', async () => {
    const held = [];
    for (let slot = t.deps.scanner.admit(); slot; slot = t.deps.scanner.admit()) held.push(slot);
    try {
      const received = await exchange(
        'POST /api/v1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 90000\r\n\r\n',
        Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a.tgz"\r\n\r\n'),
      );
      expect(received).toMatch(/^HTTP\/1\.1 503 /);
      expect(received.toLowerCase()).toContain('connection: close');
      expect(received.toLowerCase()).toMatch(/retry-after: \d+/);
      expect(received).toContain('"error":"SERVICE_UNAVAILABLE"');
    } finally {
      for (const slot of held) slot.release();
    }
  });
});
