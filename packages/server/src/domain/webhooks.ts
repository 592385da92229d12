/**
 * Outbound webhook POSTs. The receiver's host must resolve to public addresses (the server must not be
 * made to reach its own network, see public-address.ts) unless private hosts are allowed by config, and
 * the connection is pinned to the addresses checked, so a second DNS answer cannot swap them. With a
 * secret the body is signed as skill-pool documents: `X-Skill-Pool-Signature: sha256=<hex HMAC-SHA256>`.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { version } from '@agentry/core';
import { resolvePublicHost } from './public-address.js';

export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookRequest {
  url: string;
  body: string;
  secret?: string | undefined;
  timeoutMs: number;
  allowPrivateHosts: boolean;
}

export interface WebhookResponse {
  status: number;
}

/** Resolves (and checks) once; every connection of this request goes to those addresses. */
export function pinnedLookup(addresses: string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const entries = addresses.map((address) => ({ address, family: isIP(address) }));
    if ((options as { all?: boolean }).all) {
      (callback as (error: null, entries: { address: string; family: number }[]) => void)(null, entries);
      return;
    }
    const first = entries[0] as { address: string; family: number };
    callback(null, first.address, first.family);
  };
}

/**
 * POSTs the body; resolves with the receiver's status (any status), rejects on a transport failure,
 * a timeout, or a host the guard refuses (a validation error).
 */
export async function postWebhook(input: WebhookRequest): Promise<WebhookResponse> {
  const url = new URL(input.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported webhook scheme ${url.protocol}`);
  }
  const addresses = await resolvePublicHost(url.hostname, 'webhook_url', input.allowPrivateHosts);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(input.body)),
    'User-Agent': `agentry/${version} (skill-pool-compatible)`,
  };
  if (input.secret) headers['X-Skill-Pool-Signature'] = signatureOf(input.secret, input.body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const req = send(
      url,
      { method: 'POST', headers, lookup: pinnedLookup(addresses), timeout: input.timeoutMs },
      (res) => {
        // The body is not needed; read it so the socket is released.
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${input.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(input.body);
  });
}
