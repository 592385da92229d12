/**
 * A small typed client for the registry's HTTP API; errors carry the server's stable code. Every JSON
 * answer is checked against its schema from `@agentry/core/api` (the server declares its routes with the
 * same ones), so a registry that answers differently fails here with `bad_response`, naming the endpoint
 * and the field, instead of somewhere later as undefined behaviour.
 */
import { version } from '@agentry/core/version';
import type { z } from 'zod';

export class RegistryError extends Error {
  /**
   * The registry's specific catalogue code (`token_lacks_scope`, `package_not_found`, …) from its
   * `X-Agentry-Error-Code` header, where the body's documented `code` is the general one; else `code`.
   */
  readonly reason: string;

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
    reason?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
    this.reason = reason ?? code;
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  registry: string;
  token?: string | undefined;
  timeoutMs?: number;
  /** For tests: an in-process server's request function instead of the network. */
  fetch?: FetchLike;
}

/** Largest tarball the CLI downloads; the server's own limit is lower by default. */
export const maxDownloadBytes = 100 * 1024 * 1024;

export function createClient(options: ClientOptions) {
  const base = options.registry.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));

  async function send(
    url: string,
    init: RequestInit,
    accept: string,
    timeoutMs = options.timeoutMs ?? 30_000,
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('user-agent', `agentry-cli/${version}`);
    headers.set('accept', accept);
    // The token goes only to the registry itself, never to another host a URL points at.
    if (options.token && url.startsWith(`${base}/`)) headers.set('authorization', `Bearer ${options.token}`);
    try {
      return await doFetch(url, {
        ...init,
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RegistryError('unreachable', `cannot reach ${base}: ${(error as Error).message}`, 0);
    }
  }

  async function failure(res: Response): Promise<RegistryError> {
    const text = await res.text().catch(() => '');
    let body: { error?: unknown; message?: unknown; details?: unknown; issues?: unknown } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const code = typeof body?.error === 'string' ? body.error.toLowerCase() : `http_${res.status}`;
    const said = typeof body?.message === 'string' ? body.message : `${res.status} ${res.statusText}`;
    // A refused value is named by its field, so the user knows what to fix without --json.
    const fields = fieldsNamed(body?.issues ?? body?.details);
    const message = fields && !said.includes(fields) ? `${said} (${fields})` : said;
    const reason = res.headers.get('x-agentry-error-code') ?? undefined;
    return new RegistryError(code, message, res.status, body?.details ?? body?.issues, reason);
  }

  /** The JSON answer of a registry call, checked against `schema`. */
  async function request<S extends z.ZodType>(
    path: string,
    schema: S,
    init: RequestInit = {},
  ): Promise<z.output<S>> {
    const res = await send(`${base}${path}`, init, 'application/json');
    if (!res.ok) throw await failure(res);
    return checked(schema, await readJson(res, path), endpointOf(path, init), res.status);
  }

  /**
   * A status-aware call for flows where several answers are expected (device-flow polling): each status
   * in `schemas` is checked against its schema; other failures throw as usual.
   */
  async function requestStatus<M extends Record<number, z.ZodType>>(
    path: string,
    schemas: M,
    init: RequestInit = {},
  ): Promise<StatusAnswer<M>> {
    const res = await send(`${base}${path}`, init, 'application/json');
    const schema = schemas[res.status];
    if (!schema) {
      if (!res.ok) throw await failure(res);
      throw new RegistryError(
        'bad_response',
        `${endpointOf(path, init)} answered ${res.status} unasked`,
        res.status,
      );
    }
    const body = checked(schema, await readJson(res, path), endpointOf(path, init), res.status);
    return { status: res.status, body } as StatusAnswer<M>;
  }

  async function readJson(res: Response, path: string): Promise<unknown> {
    const text = await res.text();
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      throw new RegistryError('bad_response', `${base}${path} did not answer JSON`, res.status);
    }
  }

  /** Bytes of a URL (absolute, or relative to the registry), refusing more than `limit`. */
  async function download(url: string, limit = maxDownloadBytes): Promise<Buffer> {
    const answer = await downloadIfChanged(url, { limit });
    if (answer === 'not-modified')
      throw new RegistryError('bad_response', `${url} answered 304 unasked`, 304);
    return answer;
  }

  /**
   * Bytes of a URL, or 'not-modified' when `ifNoneMatch` (an ETag the caller holds the bytes for) still
   * matches: the registry then sends no body and counts no download. `headers` say why the bytes are
   * wanted (Agentry-Command, Agentry-Dry-Run).
   */
  async function downloadIfChanged(
    url: string,
    wanted: { ifNoneMatch?: string | undefined; headers?: Record<string, string>; limit?: number } = {},
  ): Promise<Buffer | 'not-modified'> {
    const limit = wanted.limit ?? maxDownloadBytes;
    const absolute = /^https?:\/\//.test(url) ? url : `${base}${url}`;
    const headers: Record<string, string> = { ...wanted.headers };
    if (wanted.ifNoneMatch) headers['if-none-match'] = wanted.ifNoneMatch;
    // Downloads get longer than API calls: the timeout covers reading the whole body.
    const res = await send(
      absolute,
      { headers },
      'application/octet-stream',
      Math.max(options.timeoutMs ?? 0, 300_000),
    );
    if (res.status === 304 && wanted.ifNoneMatch) {
      await res.body?.cancel();
      return 'not-modified';
    }
    if (!res.ok) throw await failure(res);
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > limit)
      throw new RegistryError('payload_too_large', `${absolute} is ${declared} bytes (limit ${limit})`, 0);
    const chunks: Buffer[] = [];
    let total = 0;
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > limit)
          throw new RegistryError('payload_too_large', `${absolute} exceeds ${limit} bytes`, 0);
        chunks.push(Buffer.from(chunk));
      }
    }
    return Buffer.concat(chunks);
  }

  async function put(url: string, body: Uint8Array, contentType: string): Promise<void> {
    const absolute = /^https?:\/\//.test(url) ? url : `${base}${url}`;
    const res = await send(
      absolute,
      { method: 'PUT', body, headers: { 'content-type': contentType } },
      'application/json',
      300_000,
    );
    if (!res.ok) throw await failure(res);
  }

  return { base, request, requestStatus, download, downloadIfChanged, put };
}
export type RegistryClient = ReturnType<typeof createClient>;

type StatusAnswer<M extends Record<number, z.ZodType>> = {
  [K in keyof M & number]: { status: K; body: z.output<M[K]> };
}[keyof M & number];

function endpointOf(path: string, init: RequestInit): string {
  return `${(init.method ?? 'GET').toUpperCase()} ${path.split('?')[0]}`;
}

/** A field path as the user reads it: `versions[0].deprecated`. */
/** `field: message; …` from a registry's validation issues (`[{path, message}]`, bare or in `details.issues`). */
function fieldsNamed(raw: unknown): string | undefined {
  const nested =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { issues?: unknown }).issues : raw;
  if (!Array.isArray(nested)) return undefined;
  const named = nested.flatMap((item: unknown) => {
    if (!item || typeof item !== 'object') return [];
    const { path, message } = item as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    const keys = Array.isArray(path)
      ? path.filter((key): key is string | number => typeof key === 'string' || typeof key === 'number')
      : [];
    return [keys.length > 0 ? `${fieldOf(keys)}: ${message}` : message];
  });
  return named.length > 0 ? named.slice(0, 5).join('; ') : undefined;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return (
    path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
      .join('') || '(body)'
  );
}

/**
 * `body` itself once it matches `schema` (the wire schemas have no defaults or transforms, and fields
 * this CLI does not know yet stay in `--json` output); `bad_response` naming the endpoint and the field
 * when it does not.
 */
function checked<S extends z.ZodType>(
  schema: S,
  body: unknown,
  endpoint: string,
  status: number,
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return body as z.output<S>;
  const issues = result.error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
  const first = issues[0] ?? { field: '(body)', message: 'unexpected answer' };
  throw new RegistryError(
    'bad_response',
    `${endpoint} answered something this CLI does not understand: ${first.field}: ${first.message}`,
    status,
    { endpoint, issues },
  );
}

export function jsonBody(value: unknown): RequestInit {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}
