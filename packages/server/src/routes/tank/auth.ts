import { TankWhoami } from '@agentry/core/api';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requirePrincipal } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { TankError } from './schemas.js';

const Whoami = TankWhoami.meta({ id: 'Whoami' });

const whoami = createRoute({
  method: 'get',
  path: '/api/v1/auth/whoami',
  tags: ['auth'],
  summary: 'The user and scopes behind the bearer token',
  ...requiresAuth(),
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: Whoami } } },
    401: {
      description: 'Token missing, malformed, expired or revoked',
      content: { 'application/json': { schema: TankError } },
    },
  },
});

export function tankAuthRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(whoami, (c) => {
    const principal = requirePrincipal(c);
    return c.json(
      {
        userId: principal.user.id,
        username: principal.user.username,
        name: principal.user.display_name,
        email: principal.user.email,
        tenant: c.get('tenant').slug,
        scopes: principal.scopes,
        tokenId: principal.tokenId ?? null,
      },
      200,
    );
  });
  return app;
}
