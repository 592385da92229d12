/**
 * OAuth 2.0 client credentials for bots (ayaiay). A publisher's owners and admins create clients
 * (`client_id` + a secret shown once, stored as a SHA-256 hash, with a subset of scopes); `POST
 * /oauth/token` exchanges them for a short-lived RS256 JWT. The signing key lives in the database
 * (private half encrypted with the server secret), so every server process signs and verifies alike;
 * its public half is the JWKS.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentryError, scopeAllows, type TokenScope } from '@agentry/core';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, OauthClient, Org, User } from '../db/schema.js';
import { parseScopes } from './api-tokens.js';
import { recordAudit } from './audit.js';
import { findOrgRole } from './orgs.js';
import { hashSecret, openSecret, sealSecret } from './secrets.js';

export const accessTokenSeconds = 3600;

interface SigningKey {
  kid: string;
  publicJwk: Record<string, unknown>;
  privatePem: string;
}

/** One key per database handle: it never changes once created, so it is read once per process. */
const cache = new WeakMap<object, { secret: string; key: SigningKey }>();

/** The signing key, created on first use; two processes creating one at once keep the older. */
export async function signingKey(db: Kysely<Database>, secret: string): Promise<SigningKey> {
  const cached = cache.get(db);
  if (cached?.secret === secret) return cached.key;
  let row = await db.selectFrom('signing_keys').selectAll().orderBy('created_at').executeTakeFirst();
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = (await calculateJwkThumbprint(jwk)).slice(0, 16);
    await db
      .insertInto('signing_keys')
      .values({
        kid,
        public_jwk: JSON.stringify({ ...jwk, kid, alg: 'RS256', use: 'sig' }),
        private_key_encrypted: sealSecret(secret, 'signing-key', await exportPKCS8(privateKey)),
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
    row = await db.selectFrom('signing_keys').selectAll().orderBy('created_at').executeTakeFirstOrThrow();
  }
  const key = {
    kid: row.kid,
    publicJwk: row.public_jwk as Record<string, unknown>,
    privatePem: openSecret(secret, 'signing-key', row.private_key_encrypted),
  };
  cache.set(db, { secret, key });
  return key;
}

export async function jwks(
  db: Kysely<Database>,
  secret: string,
): Promise<{ keys: Record<string, unknown>[] }> {
  return { keys: [(await signingKey(db, secret)).publicJwk] };
}

export interface NewClient {
  tenantId: string;
  org: Org;
  actor: User;
  actorScopes: readonly TokenScope[];
  name: string;
  scopes: string[];
}

async function assertCanManage(db: Kysely<Database>, org: Org, userId: string) {
  const role = await findOrgRole(db, org.id, userId);
  if (role !== 'owner' && role !== 'admin')
    throw new AgentryError('org_role_required', {
      message: 'Only owners and admins of the publisher manage its API clients.',
      details: { org: org.slug, required: 'admin' },
    });
}

export async function createOauthClient(
  db: Kysely<Database>,
  input: NewClient,
): Promise<{ client: OauthClient; secret: string }> {
  await assertCanManage(db, input.org, input.actor.id);
  const scopes = parseScopes(input.scopes);
  const beyond = scopes.filter((scope) => !scopeAllows(input.actorScopes, scope));
  if (beyond.length > 0)
    throw new AgentryError('scope_not_grantable', {
      message: `You cannot grant ${beyond.join(', ')}.`,
      details: { scopes: beyond },
    });
  const secret = `ags_${randomBytes(32).toString('base64url')}`;
  const client = await db
    .insertInto('oauth_clients')
    .values({
      tenant_id: input.tenantId,
      org_id: input.org.id,
      name: input.name,
      client_id: `agc_${randomBytes(12).toString('hex')}`,
      secret_hash: hashSecret(secret),
      scopes,
      created_by: input.actor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'oauth_client.create',
    actorUserId: input.actor.id,
    targetType: 'oauth_client',
    targetId: client.id,
    data: { org: input.org.slug, scopes },
  });
  return { client, secret };
}

export async function listOauthClients(
  db: Kysely<Database>,
  org: Org,
  userId: string,
): Promise<OauthClient[]> {
  await assertCanManage(db, org, userId);
  return db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('org_id', '=', org.id)
    .orderBy('created_at')
    .execute();
}

export async function revokeOauthClient(
  db: Kysely<Database>,
  input: { tenantId: string; org: Org; actorId: string; clientId: string },
): Promise<void> {
  await assertCanManage(db, input.org, input.actorId);
  const result = await db
    .updateTable('oauth_clients')
    .set({ revoked_at: sql`now()` })
    .where('org_id', '=', input.org.id)
    .where('client_id', '=', input.clientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n)
    throw new AgentryError('client_not_found', {
      message: `No active client ${input.clientId}.`,
      details: { clientId: input.clientId },
    });
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'oauth_client.revoke',
    actorUserId: input.actorId,
    targetType: 'oauth_client',
    data: { clientId: input.clientId },
  });
}

/** RFC 6749 §5.2 errors, answered by the token endpoint in its own shape. */
export class OauthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope',
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
  }
}

export interface TokenRequest {
  tenantId: string;
  issuer: string;
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
}

/**
 * A bot acts as the user who created its client, so it may act only while that user still belongs to
 * the client's publisher: removing someone from an org also stops the bots they made for it.
 */
async function creatorStillMember(db: Kysely<Database>, client: OauthClient): Promise<boolean> {
  return (await findOrgRole(db, client.org_id, client.created_by)) !== undefined;
}

export async function issueAccessToken(db: Kysely<Database>, secret: string, input: TokenRequest) {
  if (input.grantType !== 'client_credentials')
    throw new OauthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  if (!input.clientId || !input.clientSecret)
    throw new OauthError('invalid_request', 'client_id and client_secret are required.');
  const client = await db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('tenant_id', '=', input.tenantId)
    .where('client_id', '=', input.clientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const expected = Buffer.from(client?.secret_hash ?? hashSecret('no such client'));
  const given = Buffer.from(hashSecret(input.clientSecret));
  if (!client || expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new OauthError('invalid_client', 'Unknown client or wrong secret.');
  if (!(await creatorStillMember(db, client)))
    throw new OauthError('invalid_client', 'The client belongs to someone who has left its publisher.');
  const asked = input.scope?.split(' ').filter(Boolean) ?? client.scopes;
  const extra = asked.filter((scope) => !client.scopes.includes(scope));
  if (extra.length > 0 || asked.length === 0)
    throw new OauthError('invalid_scope', `The client may not ask for ${extra.join(' ') || 'nothing'}.`);
  await db
    .updateTable('oauth_clients')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', client.id)
    .execute();
  const key = await signingKey(db, secret);
  const scope = asked.join(' ');
  const accessToken = await new SignJWT({ client_id: client.client_id, tid: input.tenantId, scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid })
    .setIssuer(input.issuer)
    .setAudience(input.issuer)
    .setSubject(client.client_id)
    .setIssuedAt()
    .setExpirationTime(`${accessTokenSeconds}s`)
    .setJti(randomBytes(12).toString('hex'))
    .sign(await importPKCS8(key.privatePem, 'RS256'));
  return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: accessTokenSeconds, scope };
}

/** The client behind a valid access token, and its granted scopes; undefined for anything else. */
export async function verifyAccessToken(
  db: Kysely<Database>,
  secret: string,
  tenantId: string,
  token: string,
): Promise<{ client: OauthClient; user: User; scopes: TokenScope[] } | undefined> {
  let claims: Record<string, unknown>;
  try {
    const key = await signingKey(db, secret);
    const verified = await jwtVerify(token, await importJWK(key.publicJwk as never, 'RS256'), {
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    if (verified.protectedHeader.kid !== key.kid) return undefined;
    claims = verified.payload;
  } catch {
    return undefined;
  }
  if (claims.tid !== tenantId || typeof claims.client_id !== 'string') return undefined;
  const row = await db
    .selectFrom('oauth_clients as c')
    .innerJoin('users as u', 'u.id', 'c.created_by')
    .selectAll('c')
    .select(['u.id as user_id'])
    .where('c.client_id', '=', claims.client_id)
    .where('c.tenant_id', '=', tenantId)
    .where('c.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', row.user_id)
    .executeTakeFirstOrThrow();
  if (user.disabled_at) return undefined;
  const { user_id: _u, ...client } = row;
  if (!(await creatorStillMember(db, client))) return undefined;
  return {
    client,
    user,
    scopes: (typeof claims.scope === 'string' ? claims.scope : '')
      .split(' ')
      .filter((s): s is TokenScope => client.scopes.includes(s)) as TokenScope[],
  };
}
