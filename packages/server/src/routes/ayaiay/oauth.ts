/**
 * OAuth 2.0 client credentials (ayaiay): `POST /oauth/token`, the discovery document and the JWKS, and
 * the API behind the dashboard's API-clients page. The token endpoint answers errors in RFC 6749's
 * shape (`{ error, error_description }`), which OAuth libraries expect.
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import {
  createOauthClient,
  issueAccessToken,
  jwks,
  listOauthClients,
  OauthError,
  revokeOauthClient,
} from '../../domain/oauth.js';
import { findOrgById } from '../../domain/orgs.js';
import { requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { ayaiayErrors, json } from './common.js';

const Client = z
  .object({
    client_id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi('AyaiayApiClient');
const PublisherParam = z.object({ publisher_id: z.string().max(64) });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/v1/packs/publishers/{publisher_id}/api-clients',
    tags: ['ayaiay'],
    summary: 'Create an OAuth client for bots (owners and admins; the secret is shown once)',
    ...requiresAuth('skills:publish'),
    request: {
      params: PublisherParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              name: z.string().trim().min(1).max(100),
              scopes: z
                .array(z.enum(['skills:read', 'skills:publish']))
                .min(1)
                .default(['skills:read']),
            }),
          },
        },
      },
    },
    responses: {
      201: json(Client.extend({ client_secret: z.string() }), 'Created'),
      ...ayaiayErrors(400, 401, 403, 404, 429),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/v1/packs/publishers/{publisher_id}/api-clients',
    tags: ['ayaiay'],
    summary: "A publisher's OAuth clients (no secrets)",
    ...requiresAuth('skills:publish'),
    request: { params: PublisherParam },
    responses: {
      200: json(z.object({ clients: z.array(Client) }), 'Clients'),
      ...ayaiayErrors(401, 403, 404, 429),
    },
  }),
  revoke: createRoute({
    method: 'delete',
    path: '/api/v1/packs/publishers/{publisher_id}/api-clients/{client_id}',
    tags: ['ayaiay'],
    summary: 'Revoke an OAuth client; its tokens stop working at once',
    ...requiresAuth('skills:publish'),
    request: { params: PublisherParam.extend({ client_id: z.string().max(64) }) },
    responses: {
      200: json(z.object({ client_id: z.string(), revoked: z.literal(true) }), 'Revoked'),
      ...ayaiayErrors(401, 403, 404, 429),
    },
  }),
};

export function clientView(client: {
  client_id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}) {
  return {
    client_id: client.client_id,
    name: client.name,
    scopes: client.scopes,
    created_at: client.created_at.toISOString(),
    last_used_at: client.last_used_at?.toISOString() ?? null,
    revoked_at: client.revoked_at?.toISOString() ?? null,
  };
}

/** The issuer of this tenant's tokens: the public URL (tenant hosts keep their own host). */
export function issuerOf(c: Context<AppEnv>, publicUrl: string): string {
  return new URL(publicUrl).origin === new URL(c.req.url).origin
    ? publicUrl.replace(/\/$/, '')
    : new URL(c.req.url).origin;
}

async function tokenRequest(c: Context<AppEnv>) {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  let body: Record<string, unknown> = {};
  try {
    body = type.startsWith('application/json')
      ? ((await c.req.json()) as Record<string, unknown>)
      : await c.req.parseBody();
  } catch {
    throw new OauthError('invalid_request', 'The body could not be read.');
  }
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  let clientId = field('client_id');
  let clientSecret = field('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    clientSecret = decodeURIComponent(secret ?? '');
  }
  return { grantType: field('grant_type'), clientId, clientSecret, scope: field('scope') };
}

export function ayaiayOauthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const publisherOr404 = async (c: Context<AppEnv>, id: string) => {
    const org = await findOrgById(deps.db, c.get('tenant').id, id);
    if (!org)
      throw new AgentryError('publisher_not_found', {
        message: `Publisher with ID '${id}' not found`,
        details: { id },
      });
    return org;
  };

  app.post('/oauth/token', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      const request = await tokenRequest(c);
      const token = await issueAccessToken(deps.db, deps.secret, {
        tenantId: c.get('tenant').id,
        issuer: issuerOf(c, deps.config.publicUrl),
        ...request,
      });
      return c.json(token, 200);
    } catch (error) {
      if (error instanceof OauthError)
        return c.json(
          { error: error.error, error_description: error.description },
          error.status as 400 | 401,
        );
      throw error;
    }
  });

  app.get('/.well-known/openid-configuration', (c) => {
    const issuer = issuerOf(c, deps.config.publicUrl);
    return c.json({
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['skills:read', 'skills:publish'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    });
  });

  app.get('/.well-known/jwks.json', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(await jwks(deps.db, deps.secret));
  });

  app.openapi(routes.create, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const org = await publisherOr404(c, c.req.valid('param').publisher_id);
    const body = c.req.valid('json');
    const { client, secret } = await createOauthClient(deps.db, {
      tenantId: c.get('tenant').id,
      org,
      actor: principal.user,
      actorScopes: principal.scopes,
      name: body.name,
      scopes: body.scopes,
    });
    return c.json({ ...clientView(client), client_secret: secret }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const org = await publisherOr404(c, c.req.valid('param').publisher_id);
    return c.json(
      { clients: (await listOauthClients(deps.db, org, principal.user.id)).map(clientView) },
      200,
    );
  });

  app.openapi(routes.revoke, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const { publisher_id, client_id } = c.req.valid('param');
    const org = await publisherOr404(c, publisher_id);
    await revokeOauthClient(deps.db, {
      tenantId: c.get('tenant').id,
      org,
      actorId: principal.user.id,
      clientId: client_id,
    });
    return c.json({ client_id, revoked: true as const }, 200);
  });
  return app;
}
