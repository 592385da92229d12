/**
 * OpenID Connect sign-in with openid-client: the authorization-code flow with PKCE (S256), a random
 * state and nonce kept in a short-lived HMAC-signed cookie, the code exchanged and the ID token
 * validated (signature by the issuer's JWKS, issuer, audience, expiry, nonce) by the library. Every
 * request to the IdP goes through sso-fetch.ts (public addresses only, or SSO_PRIVATE_ORIGINS).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import * as client from 'openid-client';
import { checkSsoUrl, createSsoFetch, type SsoFetchOptions } from './sso-fetch.js';

export const oidcStateCookie = 'sp_oidc_state';
export const oidcStateSeconds = 600;

interface CachedConfig {
  key: string;
  config: client.Configuration;
  expires: number;
}

const cacheMs = 5 * 60_000;

export interface OidcClientSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Discovers the issuer (cached five minutes per tenant and settings) and returns the client configuration. */
export function createOidcClients(fetchOptions: SsoFetchOptions) {
  const cache = new Map<string, CachedConfig>();
  const ssoFetch = createSsoFetch(fetchOptions);

  async function discover(settings: OidcClientSettings): Promise<client.Configuration> {
    const issuer = new URL(settings.issuerUrl);
    // The guard's refusal (private address, plain http) is reported as itself, not as "unreachable".
    await checkSsoUrl(settings.issuerUrl, 'issuer_url', fetchOptions);
    try {
      const config = await client.discovery(
        issuer,
        settings.clientId,
        { client_secret: settings.clientSecret },
        client.ClientSecretPost(settings.clientSecret),
        {
          [client.customFetch]: ssoFetch as client.CustomFetch,
          ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
          timeout: 10,
        },
      );
      return config;
    } catch (error) {
      if (error instanceof AgentryError) throw error;
      throw new AgentryError('sso_issuer_unreachable', {
        message:
          `The discovery document of ${settings.issuerUrl} could not be read: ${(error as Error).message}`.slice(
            0,
            400,
          ),
        issues: [{ path: ['issuer_url'], message: 'The discovery document could not be read.' }],
        cause: error,
      });
    }
  }

  return {
    discover,
    /** The configuration for a tenant, rediscovered when its settings change or after five minutes. */
    async configFor(
      tenantId: string,
      settings: OidcClientSettings,
      version: string,
    ): Promise<client.Configuration> {
      const key = `${settings.issuerUrl}\n${settings.clientId}\n${version}`;
      const hit = cache.get(tenantId);
      if (hit && hit.key === key && hit.expires > Date.now()) return hit.config;
      const config = await discover(settings);
      cache.set(tenantId, { key, config, expires: Date.now() + cacheMs });
      return config;
    },
    forget(tenantId: string) {
      cache.delete(tenantId);
    },
  };
}

export type OidcClients = ReturnType<typeof createOidcClients>;

export interface OidcState {
  tenantId: string;
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

function stateKey(serverSecret: string): Buffer {
  return createHmac('sha256', serverSecret).update('oidc-state-cookie').digest();
}

export function sealOidcState(serverSecret: string, state: OidcState): string {
  const body = Buffer.from(JSON.stringify(state)).toString('base64url');
  const mac = createHmac('sha256', stateKey(serverSecret)).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** The state cookie's content when its MAC is valid, it is unexpired and it belongs to this tenant. */
export function openOidcState(serverSecret: string, cookie: string | undefined, tenantId: string): OidcState {
  const invalid = () => new AgentryError('sso_state_invalid');
  const [body, mac] = (cookie ?? '').split('.');
  if (!body || !mac) throw invalid();
  const expected = createHmac('sha256', stateKey(serverSecret)).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let state: OidcState;
  try {
    state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as OidcState;
  } catch {
    throw invalid();
  }
  if (state.tenantId !== tenantId || !(state.expiresAt > Date.now())) throw invalid();
  return state;
}

/** Same-origin relative paths only (`/x`, never `//host`, `/\\host` or an absolute URL); absent means `/`. */
export function checkReturnTo(value: string | undefined, publicUrl: string): string {
  if (value === undefined || value === '') return '/';
  const base = new URL(publicUrl);
  if (
    value.length > 2000 ||
    !/^\/(?![/\\])/.test(value) ||
    /[\s\\]/.test(value) ||
    [...value].some((ch) => ch.charCodeAt(0) < 0x20)
  ) {
    throw new AgentryError('sso_return_to_invalid');
  }
  const resolved = new URL(value, base);
  if (resolved.origin !== base.origin) throw new AgentryError('sso_return_to_invalid');
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/** Where to send the browser, and the state to keep in the cookie. */
export async function beginOidcSignIn(
  config: client.Configuration,
  input: { tenantId: string; redirectUri: string; returnTo: string },
): Promise<{ url: URL; state: OidcState }> {
  const verifier = client.randomPKCECodeVerifier();
  const state: OidcState = {
    tenantId: input.tenantId,
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    returnTo: input.returnTo,
    expiresAt: Date.now() + oidcStateSeconds * 1000,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: 'openid email profile',
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: state.state,
    nonce: state.nonce,
  });
  return { url, state };
}

export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string | undefined;
  groups: string[];
}

/** The first of the `groups`, `roles` or `memberOf` claims that is an array of strings (skill-pool's order). */
export function groupsOf(claims: Record<string, unknown>): string[] {
  for (const name of ['groups', 'roles', 'memberOf']) {
    const value = claims[name];
    if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string');
  }
  return [];
}

/** Exchanges the code (PKCE verifier, state and nonce checked) and returns the validated ID token's claims. */
export async function finishOidcSignIn(
  config: client.Configuration,
  input: { callbackUrl: URL; state: OidcState },
): Promise<OidcClaims> {
  const given = Buffer.from(input.callbackUrl.searchParams.get('state') ?? '');
  const expected = Buffer.from(input.state.state);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AgentryError('sso_state_invalid');
  }
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, input.callbackUrl, {
      pkceCodeVerifier: input.state.verifier,
      expectedState: input.state.state,
      expectedNonce: input.state.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    if (error instanceof AgentryError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new AgentryError('sso_login_failed', {
      message: `The sign-in was not completed: ${detail}`.slice(0, 300),
      cause: error,
    });
  }
  if (!claims)
    throw new AgentryError('sso_login_failed', { message: 'The identity provider sent no ID token.' });
  const record = claims as unknown as Record<string, unknown>;
  const email = typeof record.email === 'string' ? record.email : '';
  if (!email) throw new AgentryError('sso_login_failed', { message: 'The ID token has no email claim.' });
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    emailVerified: record.email_verified === true,
    name: typeof record.name === 'string' ? record.name : undefined,
    groups: groupsOf(record),
  };
}
