/**
 * A real OpenID Provider (panva's oidc-provider) on loopback for the SSO tests, with its development
 * login and consent pages: any login name signs in as that account. Accounts' claims come from the
 * `accounts` map (email, email_verified, name, groups). `signInOverHttp` walks the whole browser
 * journey with plain HTTP requests — the registry in-process, the provider over the network — keeping
 * each side's cookies, and returns the registry's final answer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  email: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  origin: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

export async function startOidcProvider(input: {
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
}): Promise<TestProvider> {
  let handler:
    | ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void)
    | undefined;
  const server: Server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = input.clientId ?? 'agentry-test';
  const clientSecret = input.clientSecret ?? 'test-client-secret-value-9876';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
  const provider = new Provider(origin, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: input.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  } as never);
  handler = provider.callback() as typeof handler;
  return {
    issuer: origin,
    origin,
    clientId,
    clientSecret,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Send = (path: string, init: RequestInit) => Promise<Response>;

/** One cookie jar per origin (path and expiry attributes are ignored; deletions honoured). */
class Jar {
  private readonly byOrigin = new Map<string, Map<string, string>>();
  header(origin: string): string {
    return [...(this.byOrigin.get(origin) ?? new Map())].map(([n, v]) => `${n}=${v}`).join('; ');
  }
  store(origin: string, res: Response) {
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1));
    }
  }
  get(origin: string, name: string) {
    return this.byOrigin.get(origin)?.get(name);
  }
}

export interface HttpSignIn {
  /** The registry's last answer (the callback's 303, or its error). */
  final: Response;
  finalBody: string;
  location: string | null;
  registryCookies: Jar;
}

/**
 * Starts at the registry's `startPath`, follows redirects across both sides, signs in as `login` on the
 * provider's page and consents, until the registry answers something other than a redirect to the provider.
 */
export async function signInOverHttp(input: {
  registry: Send;
  registryOrigin: string;
  provider: TestProvider;
  startPath: string;
  login: string;
  headers?: Record<string, string>;
  /** Change the callback URL before it reaches the registry (to test tampering). */
  tamperCallback?: (url: URL) => URL;
  jar?: Jar;
}): Promise<HttpSignIn> {
  const jar = input.jar ?? new Jar();
  let url = new URL(input.startPath, input.registryOrigin);
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    const onRegistry = url.origin === input.registryOrigin;
    const headers: Record<string, string> = { accept: 'text/html', ...(onRegistry ? input.headers : {}) };
    const cookie = jar.header(url.origin);
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (onRegistry && input.tamperCallback && url.pathname.endsWith('/callback'))
      url = input.tamperCallback(url);
    const init: RequestInit = { method, headers, redirect: 'manual', ...(body ? { body } : {}) };
    const res = onRegistry
      ? await input.registry(`${url.pathname}${url.search}`, init)
      : await fetch(url, init);
    jar.store(url.origin, res);
    const location = res.headers.get('location');
    if (onRegistry && !(location && new URL(location, url).origin === input.provider.origin)) {
      return { final: res, finalBody: await res.text(), location, registryCookies: jar };
    }
    if (location) {
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page ${res.status}: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url);
    method = 'POST';
    body =
      prompt === 'login'
        ? new URLSearchParams({ prompt, login: input.login, password: 'any' }).toString()
        : new URLSearchParams({ prompt }).toString();
  }
  throw new Error('too many steps in the sign-in');
}

export { Jar as CookieJar };
