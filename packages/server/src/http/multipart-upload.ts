/**
 * Multipart uploads streamed to disk. Buffering a whole body (hono's parseBody, then File.arrayBuffer)
 * kept three copies of every tarball in memory per request, so ten concurrent 38 MB uploads took the
 * server past 2 GiB. Here file parts go straight to a temporary file under DATA_DIR/tmp as they arrive;
 * only small text fields are kept in memory, and the caller deletes the files with `cleanup()`.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { AgentryError } from '@agentry/core';
import busboy from 'busboy';
import type { Context } from 'hono';

export interface UploadedFile {
  path: string;
  size: number;
  filename: string;
}

export interface UploadedForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
  /** Deletes the temporary files; safe to call more than once. */
  cleanup(): void;
}

export interface MultipartLimits {
  /** Largest file part, in bytes; past it the upload is refused with payload_too_large. */
  maxFileBytes: number;
  /** Largest whole body (file plus fields and framing), checked on Content-Length and while streaming. */
  maxBodyBytes: number;
  /** Largest text field, in bytes (a manifest's JSON). */
  maxFieldBytes?: number;
  /** Folder for the temporary files (created when missing). */
  tempDir: string;
}

export async function receiveMultipart(c: Context, limits: MultipartLimits): Promise<UploadedForm> {
  const contentType = c.req.header('content-type') ?? '';
  const tooLarge = () =>
    new AgentryError('payload_too_large', { details: { maxBytes: limits.maxFileBytes } });
  // Refused before reading a byte (hono's bodyLimit would buffer a chunked body whole to count it).
  if (Number(c.req.header('content-length') ?? 0) > limits.maxBodyBytes) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) throw new AgentryError('bad_request', { message: 'The multipart body could not be read.' });
  mkdirSync(limits.tempDir, { recursive: true });
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  const written: string[] = [];
  const cleanup = () => {
    for (const path of written.splice(0)) rmSync(path, { force: true });
  };

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: {
        fileSize: limits.maxFileBytes,
        fieldSize: limits.maxFieldBytes ?? 1024 * 1024,
        fields: 50,
        files: 5,
        parts: 60,
      },
    });
  } catch {
    throw new AgentryError('bad_request', { message: 'The multipart body could not be read.' });
  }

  let failure: AgentryError | undefined;
  const fail = (error: AgentryError) => {
    failure ??= error;
  };
  const writes: Promise<void>[] = [];
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated)
      fail(new AgentryError('payload_too_large', { message: `The field ${name} is too large.` }));
    else if (!(name in fields)) fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name in files || failure) {
      stream.resume();
      return;
    }
    const path = join(limits.tempDir, `upload-${randomBytes(12).toString('hex')}`);
    written.push(path);
    const file: UploadedFile = { path, size: 0, filename: info.filename ?? '' };
    files[name] = file;
    stream.on('data', (chunk: Buffer) => {
      file.size += chunk.length;
    });
    stream.on('limit', () => fail(tooLarge()));
    writes.push(
      pipeline(stream, createWriteStream(path, { mode: 0o600 })).catch(() =>
        fail(new AgentryError('bad_request', { message: 'The multipart body could not be read.' })),
      ),
    );
  });
  for (const event of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
    parser.on(event, () =>
      fail(new AgentryError('bad_request', { message: 'The multipart body has too many parts.' })),
    );
  }

  try {
    let received = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > limits.maxBodyBytes ? tooLarge() : null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), counted, parser);
    await Promise.all(writes);
  } catch (error) {
    cleanup();
    if (error instanceof AgentryError) throw error;
    if (failure) throw failure;
    throw new AgentryError('bad_request', { message: 'The multipart body could not be read.' });
  }
  if (failure) {
    cleanup();
    throw failure;
  }
  return { fields, files, cleanup };
}
