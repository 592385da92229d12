/**
 * Yank and deprecate versions: `POST`/`DELETE /api/v1/skills/:name/:version/(yank|deprecate)`; change an
 * artifact's visibility: `PATCH /api/v1/skills/:name`.
 */
import { TankDeprecationState, TankVisibilityState, TankYankState } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { requireWritablePackage } from '../../domain/access.js';
import { setDeprecated, setVisibility, setYanked } from '../../domain/lifecycle.js';
import { requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { jsonContent, NameParam, tankErrors, VersionParams } from './schemas.js';

const Yanked = TankYankState.meta({ id: 'YankState' });
const Deprecated = TankDeprecationState.meta({ id: 'DeprecationState' });

const yank = createRoute({
  method: 'post',
  path: '/api/v1/skills/{name}/{version}/yank',
  tags: ['skills'],
  summary: 'Yank a version: never resolved as latest, still downloadable by exact version',
  ...requiresAuth('skills:publish'),
  request: {
    params: VersionParams,
    body: {
      required: false,
      content: { 'application/json': { schema: z.object({ reason: z.string().max(500).optional() }) } },
    },
  },
  responses: { 200: jsonContent(Yanked, 'Yanked'), ...tankErrors(401, 403, 404, 422, 429) },
});
const unyank = createRoute({
  method: 'delete',
  path: '/api/v1/skills/{name}/{version}/yank',
  tags: ['skills'],
  summary: 'Restore a yanked version',
  ...requiresAuth('skills:publish'),
  request: { params: VersionParams },
  responses: { 200: jsonContent(Yanked, 'Restored'), ...tankErrors(401, 403, 404, 429) },
});
const deprecate = createRoute({
  method: 'post',
  path: '/api/v1/skills/{name}/{version}/deprecate',
  tags: ['skills'],
  summary: 'Mark a version deprecated with a message shown to installers',
  ...requiresAuth('skills:publish'),
  request: {
    params: VersionParams,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ message: z.string().trim().min(1).max(500) }) } },
    },
  },
  responses: { 200: jsonContent(Deprecated, 'Deprecated'), ...tankErrors(400, 401, 403, 404, 422, 429) },
});
const undeprecate = createRoute({
  method: 'delete',
  path: '/api/v1/skills/{name}/{version}/deprecate',
  tags: ['skills'],
  summary: 'Remove the deprecation of a version',
  ...requiresAuth('skills:publish'),
  request: { params: VersionParams },
  responses: { 200: jsonContent(Deprecated, 'Not deprecated'), ...tankErrors(401, 403, 404, 429) },
});

const VisibilityState = TankVisibilityState.meta({ id: 'VisibilityState' });
const changeVisibility = createRoute({
  method: 'patch',
  path: '/api/v1/skills/{name}',
  tags: ['skills'],
  summary: "Change an artifact's visibility (every version): public, private, or team (scoped names only)",
  ...requiresAuth('skills:publish'),
  request: {
    params: NameParam,
    body: {
      required: true,
      content: {
        'application/json': { schema: z.object({ visibility: z.enum(['public', 'private', 'team']) }) },
      },
    },
  },
  responses: {
    200: jsonContent(VisibilityState, 'The new visibility'),
    ...tankErrors(400, 401, 403, 404, 422, 429),
  },
});

export function tankLifecycleRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const target = async (c: Parameters<typeof viewerOf>[0], name: string) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const pkg = await requireWritablePackage(deps.db, tenantId, name, viewerOf(c));
    return { tenantId, pkg, actorId: principal.user.id };
  };
  const change = async (c: Parameters<typeof viewerOf>[0], name: string, version: string) => ({
    ...(await target(c, name)),
    version,
  });
  app.openapi(yank, async (c) => {
    const { name, version } = c.req.valid('param');
    // The body is optional: a bare POST yanks without a reason.
    const body = (await c.req.json().catch(() => ({}))) as { reason?: unknown };
    const reason = typeof body.reason === 'string' ? body.reason.slice(0, 500) : undefined;
    return c.json(await setYanked(deps.db, await change(c, name, version), true, reason), 200);
  });
  app.openapi(unyank, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(await setYanked(deps.db, await change(c, name, version), false), 200);
  });
  app.openapi(deprecate, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(
      await setDeprecated(deps.db, await change(c, name, version), c.req.valid('json').message),
      200,
    );
  });
  app.openapi(undeprecate, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(await setDeprecated(deps.db, await change(c, name, version), null), 200);
  });
  app.openapi(changeVisibility, async (c) => {
    const { name } = c.req.valid('param');
    return c.json(await setVisibility(deps.db, await target(c, name), c.req.valid('json').visibility), 200);
  });
  return app;
}
