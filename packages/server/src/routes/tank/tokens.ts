/** `/api/v1/tokens`: create (raw value shown once), list (no secrets) and revoke the caller's tokens. */
import { AgentryError, tokenScopes } from '@agentry/core';
import { TankCreatedToken, TankTokenList, TankTokenRevoked } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import type { ApiToken } from '../../db/schema.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../domain/api-tokens.js';
import { recordAudit } from '../../domain/audit.js';
import { requirePrincipal } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { tankErrors as errors } from './schemas.js';

const CreateToken = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(tokenScopes)).min(1).default(['skills:read']),
    expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .strict()
  .openapi('CreateToken');

const create = createRoute({
  method: 'post',
  path: '/api/v1/tokens',
  tags: ['tokens'],
  summary: 'Create an API token; the raw value is returned once',
  ...requiresAuth(),
  request: { body: { required: true, content: { 'application/json': { schema: CreateToken } } } },
  responses: {
    201: {
      description: 'The new token',
      content: { 'application/json': { schema: TankCreatedToken } },
    },
    ...errors(400, 401, 403, 422),
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/tokens',
  tags: ['tokens'],
  summary: "List the caller's tokens (no secrets)",
  ...requiresAuth(),
  responses: {
    200: {
      description: 'Tokens, newest first',
      content: { 'application/json': { schema: TankTokenList } },
    },
    ...errors(401),
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/api/v1/tokens/{id}',
  tags: ['tokens'],
  summary: 'Revoke a token; it is refused from the next request on',
  ...requiresAuth(),
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: {
    200: {
      description: 'Revoked',
      content: { 'application/json': { schema: TankTokenRevoked } },
    },
    ...errors(401, 404, 422),
  },
});

function describeToken(row: ApiToken) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as (typeof tokenScopes)[number][],
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export function tankTokenRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(create, async (c) => {
    const principal = requirePrincipal(c);
    const body = c.req.valid('json');
    // A token can only mint tokens with powers it has itself.
    const missing = body.scopes.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) {
      throw new AgentryError('scope_not_grantable', {
        message: `You cannot grant ${missing.join(', ')}.`,
        details: { scopes: missing },
      });
    }
    const tenantId = c.get('tenant').id;
    const { token, record } = await createApiToken(deps.db, {
      tenantId,
      userId: principal.user.id,
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null,
    });
    await recordAudit(deps.db, {
      tenantId,
      action: 'token.create',
      actorUserId: principal.user.id,
      actorTokenId: principal.tokenId ?? null,
      targetType: 'token',
      targetId: record.id,
      data: { name: record.name, scopes: record.scopes },
      ip: c.get('clientIp'),
    });
    return c.json({ ...describeToken(record), token }, 201);
  });

  app.openapi(list, async (c) => {
    const principal = requirePrincipal(c);
    const rows = await listApiTokens(deps.db, c.get('tenant').id, principal.user.id);
    return c.json({ tokens: rows.map(describeToken) }, 200);
  });

  app.openapi(revoke, async (c) => {
    const principal = requirePrincipal(c);
    const { id } = c.req.valid('param');
    const tenantId = c.get('tenant').id;
    if (!(await revokeApiToken(deps.db, tenantId, principal.user.id, id)))
      throw new AgentryError('token_not_found', { details: { id } });
    await recordAudit(deps.db, {
      tenantId,
      action: 'token.revoke',
      actorUserId: principal.user.id,
      actorTokenId: principal.tokenId ?? null,
      targetType: 'token',
      targetId: id,
      ip: c.get('clientIp'),
    });
    return c.json({ id, revoked: true as const }, 200);
  });

  return app;
}
