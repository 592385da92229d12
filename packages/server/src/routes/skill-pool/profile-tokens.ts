/**
 * `/v1/profile/tokens`: a signed-in user's personal `spk_` tokens (list, mint, revoke). The real server
 * takes only a portal session; we take the web-session JWT and API tokens alike, and accept both the
 * seed's `{name, scope}` and the portal's `{label, scopes}`.
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { listApiTokens } from '../../domain/api-tokens.js';
import { mintProfileToken, profileTokenOf, revokeProfileToken } from '../../domain/profile-tokens.js';
import { findTenantRole } from '../../domain/users.js';
import { requirePrincipal } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';

const ProfileToken = z
  .object({
    id: z.string(),
    label: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.string().openapi({ description: 'Space-separated', example: 'skills:read skills:publish' }),
    scope: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi('SkillPoolProfileToken');

const Scopes = z.union([z.string(), z.array(z.string())]);
const MintBody = z
  .object({
    label: z.string().optional(),
    name: z.string().optional(),
    scopes: Scopes.optional(),
    scope: Scopes.optional(),
  })
  .openapi('SkillPoolMintToken');

const list = createRoute({
  method: 'get',
  path: '/v1/profile/tokens',
  tags,
  summary: "The caller's personal tokens, newest first, revoked ones included (no secrets)",
  ...requiresAuth(),
  responses: { 200: json(z.array(ProfileToken), 'Tokens'), ...spErrors(401) },
});

const mint = createRoute({
  method: 'post',
  path: '/v1/profile/tokens',
  tags,
  summary: 'Mint a personal spk_ token; the raw value is returned once',
  ...requiresAuth(),
  request: { body: { required: true, content: { 'application/json': { schema: MintBody } } } },
  responses: {
    200: json(ProfileToken.extend({ raw_token: z.string() }), 'The new token'),
    ...spErrors(400, 401, 403),
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/v1/profile/tokens/{id}',
  tags,
  summary: 'Revoke one of your tokens (idempotent); it is refused from the next request on',
  ...requiresAuth(),
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 204: { description: 'Revoked' }, ...spErrors(400, 401, 404) },
});

export function profileTokenRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(list, async (c) => {
    const principal = requirePrincipal(c);
    const tokens = await listApiTokens(deps.db, c.get('tenant').id, principal.user.id);
    return c.json(tokens.map(profileTokenOf), 200);
  });

  app.openapi(mint, async (c) => {
    const principal = requirePrincipal(c);
    const body = c.req.valid('json');
    const tenantId = c.get('tenant').id;
    const minted = await mintProfileToken(deps.db, {
      tenantId,
      userId: principal.user.id,
      label: body.label ?? body.name,
      scopes: body.scopes ?? body.scope,
      callerScopes: principal.scopes,
      role: await findTenantRole(deps.db, tenantId, principal.user.id),
      actorTokenId: principal.tokenId ?? null,
    });
    return c.json(minted, 200);
  });

  app.openapi(revoke, async (c) => {
    const principal = requirePrincipal(c);
    const found = await revokeProfileToken(deps.db, {
      tenantId: c.get('tenant').id,
      userId: principal.user.id,
      tokenId: c.req.valid('param').id,
      actorTokenId: principal.tokenId ?? null,
    });
    if (!found) throw new AgentryError('token_not_found', { details: { id: c.req.valid('param').id } });
    return c.body(null, 204);
  });

  return app;
}
