/** Stars: `POST`/`DELETE`/`GET /api/v1/skills/:name/star`, idempotent, with the current count. */
import { TankStarState } from '@agentry/core/api';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { requireReadablePackage } from '../../domain/access.js';
import { readStar, setStar } from '../../domain/stars.js';
import { requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { jsonContent, NameParam, tankErrors } from './schemas.js';

const StarState = TankStarState.meta({ id: 'StarState' });

function starRoute(method: 'get' | 'post' | 'delete', summary: string) {
  return createRoute({
    method,
    path: '/api/v1/skills/{name}/star',
    tags: ['stars'],
    summary,
    ...requiresAuth('skills:read'),
    request: { params: NameParam },
    responses: { 200: jsonContent(StarState, 'Star state'), ...tankErrors(401, 403, 404, 429) },
  });
}

export function tankStarRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const target = async (c: Parameters<typeof viewerOf>[0], name: string) => {
    const principal = requireScope(c, 'skills:read');
    const pkg = await requireReadablePackage(deps.db, c.get('tenant').id, name, viewerOf(c));
    return { pkg, userId: principal.user.id };
  };
  app.openapi(starRoute('get', 'Whether the caller starred the artifact'), async (c) => {
    const { pkg, userId } = await target(c, c.req.valid('param').name);
    return c.json(await readStar(deps.db, pkg.id, userId), 200);
  });
  app.openapi(starRoute('post', 'Star an artifact (idempotent)'), async (c) => {
    const { pkg, userId } = await target(c, c.req.valid('param').name);
    return c.json(await setStar(deps.db, pkg.id, userId, true), 200);
  });
  app.openapi(starRoute('delete', 'Remove a star (idempotent)'), async (c) => {
    const { pkg, userId } = await target(c, c.req.valid('param').name);
    return c.json(await setStar(deps.db, pkg.id, userId, false), 200);
  });
  return app;
}
