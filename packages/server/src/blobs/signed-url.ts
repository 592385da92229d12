/**
 * HMAC-signed, expiring URLs for the filesystem blob store, so uploads and downloads can be handed to
 * clients exactly like S3 presigned URLs. The signature covers method, key, expiry and the size cap,
 * so none of them can be changed without the secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AgentryError } from '@agentry/core';

export interface BlobGrant {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix seconds. */
  expiresAt: number;
  maxBytes?: number;
  filename?: string;
  /** Path segment the URL is served under (default `_blobs`); part of the signature when set. */
  route?: string;
}

function sign(secret: string, grant: BlobGrant): string {
  const fields = [grant.method, grant.key, grant.expiresAt, grant.maxBytes ?? '', grant.filename ?? ''];
  if (grant.route !== undefined) fields.push(grant.route);
  const payload = fields.join('\n');
  return createHmac('sha256', `blob-url:${secret}`).update(payload).digest('base64url');
}

export function buildSignedBlobUrl(baseUrl: string, secret: string, grant: BlobGrant): string {
  const route = grant.route ?? '_blobs';
  const url = new URL(`${baseUrl}/${route}/${grant.key.split('/').map(encodeURIComponent).join('/')}`);
  url.searchParams.set('exp', String(grant.expiresAt));
  if (grant.maxBytes !== undefined) url.searchParams.set('max', String(grant.maxBytes));
  if (grant.filename !== undefined) url.searchParams.set('fn', grant.filename);
  url.searchParams.set('sig', sign(secret, grant));
  return url.toString();
}

/** Checks a request against its signature; returns the grant it carries. */
export function verifySignedBlobRequest(
  secret: string,
  method: 'GET' | 'PUT',
  key: string,
  query: (name: string) => string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  route?: string,
): BlobGrant {
  const exp = query('exp');
  const sig = query('sig');
  const max = query('max');
  const filename = query('fn');
  if (!exp || !/^\d{1,12}$/.test(exp) || !sig || (max !== undefined && !/^\d{1,16}$/.test(max))) {
    throw new AgentryError('signature_invalid');
  }
  const grant: BlobGrant = { method, key, expiresAt: Number(exp) };
  if (max !== undefined) grant.maxBytes = Number(max);
  if (filename !== undefined) grant.filename = filename;
  if (route !== undefined) grant.route = route;
  const expected = Buffer.from(sign(secret, grant));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new AgentryError('signature_invalid');
  // Expiry is checked after the signature so a forged expiry is reported as forged, not as expired.
  if (grant.expiresAt < nowSeconds) throw new AgentryError('signature_expired');
  return grant;
}
