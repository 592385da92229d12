/**
 * OAuth 2.0 client credentials for bots, driven by the `openid-client` library as a real client
 * against a spawned server: discovery, the token endpoint (client_secret_basic), scope subsets, the
 * signed access token checked against the JWKS, using it on the API, and revocation.
 */
import { createPublicKey, verify } from 'node:crypto';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../test-support/db.js';
import { type AdminServer, startAdminServer } from './spawn.js';

describe(`OAuth client credentials (${testDbKind()})`, () => {
  let admin: AdminServer;
  let base: string;
  let publisherId: string;
  let client: { client_id: string; client_secret: string };

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
    };
  };
  const configFor = (id: string, secret: string) =>
    oidc.discovery(new URL(base), id, undefined, oidc.ClientSecretBasic(secret), {
      execute: [oidc.allowInsecureRequests],
    });

  beforeAll(async () => {
    admin = await startAdminServer();
    base = admin.server.url;
    const publisher = await api('POST', '/api/v1/packs/publishers', admin.token, {
      name: 'bots-inc',
      display_name: 'Bots Inc',
    });
    publisherId = publisher.body.id as string;
    const created = await api('POST', `/api/v1/packs/publishers/${publisherId}/api-clients`, admin.token, {
      name: 'ci bot',
      scopes: ['skills:read', 'skills:publish'],
    });
    expect(created.status).toBe(201);
    client = created.body as unknown as typeof client;
  }, 60_000);
  afterAll(() => admin?.close());

  it('discovers the server and gets a token for a subset of the scopes', async () => {
    const config = await configFor(client.client_id, client.client_secret);
    expect(config.serverMetadata()).toMatchObject({
      issuer: base,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'skills:read' });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'skills:read' });
    // The access token is an RS256 JWT under a key of the JWKS, naming the client and the scopes.
    const [header, payload, signature] = tokens.access_token.split('.') as [string, string, string];
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
      keys: ({ kid: string } & Record<string, unknown>)[];
    };
    const key = jwks.keys.find((k) => k.kid === kid);
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(
      verify(
        'RSA-SHA256',
        Buffer.from(`${header}.${payload}`),
        createPublicKey({ key: key as never, format: 'jwk' }),
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      iss: base,
      client_id: client.client_id,
      scope: 'skills:read',
    });

    // Read scope reads; it does not write.
    expect((await api('GET', '/api/v1/packs/me', tokens.access_token)).status).toBe(200);
    const write = await api('POST', '/api/v1/packs/publishers', tokens.access_token, {
      name: 'nope',
      display_name: 'Nope',
    });
    expect([write.status, write.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    const full = await oidc.clientCredentialsGrant(config);
    expect(full.scope).toBe('skills:publish skills:read');
    expect(
      (
        await api('POST', '/api/v1/packs/publishers', full.access_token, {
          name: 'bot-made',
          display_name: 'Bot made',
        })
      ).status,
    ).toBe(201);
  });

  it('refuses a wrong secret, a scope beyond the client, another grant type, and a revoked client', async () => {
    await expect(
      oidc.clientCredentialsGrant(await configFor(client.client_id, 'ags_wrong')),
    ).rejects.toMatchObject({ error: 'invalid_client' });
    const config = await configFor(client.client_id, client.client_secret);
    await expect(oidc.clientCredentialsGrant(config, { scope: 'skills:admin' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    const password = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }),
    });
    expect([password.status, ((await password.json()) as { error: string }).error]).toEqual([
      400,
      'unsupported_grant_type',
    ]);
    // client_secret_post works too.
    const post = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }),
    });
    const token = ((await post.json()) as { access_token: string }).access_token;
    expect((await api('GET', '/api/v1/packs/me', token)).status).toBe(200);
    const listed = await api('GET', `/api/v1/packs/publishers/${publisherId}/api-clients`, admin.token);
    expect(listed.body.clients).toEqual([
      expect.objectContaining({
        client_id: client.client_id,
        last_used_at: expect.any(String),
        revoked_at: null,
      }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(client.client_secret);
    expect(
      (
        await api(
          'DELETE',
          `/api/v1/packs/publishers/${publisherId}/api-clients/${client.client_id}`,
          admin.token,
        )
      ).status,
    ).toBe(200);
    const after = await api('GET', '/api/v1/packs/me', token);
    expect([after.status, after.body.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
