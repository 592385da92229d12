/**
 * Every request single sign-on makes to an identity provider (OIDC discovery, keys, token exchange)
 * goes through here: the URL must be https on a public address, or belong to an origin the operator
 * listed in SSO_PRIVATE_ORIGINS (an IdP on their own network). The host is resolved and checked once by
 * public-address.ts and the connection pinned to those addresses, so a tenant admin's issuer URL cannot
 * make the server reach its own network. Bodies are capped; redirects are returned, never followed.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AgentryError, version } from '@agentry/core';
import { resolvePublicHost } from './public-address.js';
import { pinnedLookup } from './webhooks.js';

const maxBodyBytes = 1024 * 1024;

export interface SsoFetchOptions {
  /** Origins (from SSO_PRIVATE_ORIGINS) that may be private and plain http. */
  privateOrigins: readonly string[];
  timeoutMs?: number;
}

/** The check before any connection: an AgentryError (validation_error) for a URL SSO may not fetch. */
export async function checkSsoUrl(raw: string, field: string, options: SsoFetchOptions): Promise<string[]> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentryError('validation_error', { issues: [{ path: [field], message: 'Not a URL.' }] });
  }
  const listed = options.privateOrigins.includes(url.origin);
  if (url.protocol !== 'https:' && !(listed && url.protocol === 'http:')) {
    throw new AgentryError('validation_error', {
      message: `${field} must be an https URL (plain http only for origins in SSO_PRIVATE_ORIGINS).`,
      issues: [{ path: [field], message: 'Use https.' }],
    });
  }
  return resolvePublicHost(url.hostname, field, listed);
}

function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** A fetch (the shape openid-client's customFetch takes) that only reaches URLs checkSsoUrl allows. */
export function createSsoFetch(options: SsoFetchOptions) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (
    raw: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal | null },
  ): Promise<Response> => {
    const addresses = await checkSsoUrl(raw, 'issuer_url', options);
    const url = new URL(raw);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : init.body instanceof URLSearchParams
          ? init.body.toString()
          : typeof init.body === 'string'
            ? init.body
            : Buffer.from(init.body as ArrayBuffer);
    const headers: Record<string, string> = { 'user-agent': `agentry/${version} (sso)` };
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    return new Promise<Response>((resolve, reject) => {
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          lookup: pinnedLookup(addresses),
          timeout: timeoutMs,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBodyBytes) {
              req.destroy(new Error('identity provider response too large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(payload, { status, headers: headersOf(res.headers) }));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  };
}
