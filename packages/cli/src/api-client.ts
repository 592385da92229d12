/** A small typed client for the registry's HTTP API; errors carry the server's stable code. */
import { version } from '@agentry/core';

export class RegistryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface ClientOptions {
  registry: string;
  token?: string | undefined;
  timeoutMs?: number;
}

export function createClient(options: ClientOptions) {
  const base = options.registry.replace(/\/+$/, '');
  async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set('user-agent', `agentry-cli/${version}`);
    headers.set('accept', 'application/json');
    if (options.token) headers.set('authorization', `Bearer ${options.token}`);
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new RegistryError('unreachable', `cannot reach ${base}: ${(error as Error).message}`, 0);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const envelope = body as { error?: unknown; message?: unknown } | undefined;
      const code = typeof envelope?.error === 'string' ? envelope.error.toLowerCase() : `http_${res.status}`;
      const message =
        typeof envelope?.message === 'string' ? envelope.message : `${res.status} ${res.statusText}`;
      throw new RegistryError(code, message, res.status);
    }
    return body as T;
  }
  return { base, request };
}
export type RegistryClient = ReturnType<typeof createClient>;
