/**
 * skill-pool's bootstrap (`GET /v1/bootstrap?stack=&project=&debug=1`, any signed-in caller) and the
 * stack mappings behind its curated tier (`GET|POST|DELETE /v1/tenant/stack-mappings`, tenant:admin;
 * DELETE takes the same JSON body as POST, as the portal sends it).
 */
import { AgentryError } from '@agentry/core';
import { SkillPoolBootstrap } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import {
  bootstrapSkills,
  listStackMappings,
  parseStackTags,
  removeStackMapping,
  setStackMapping,
} from '../../domain/bootstrap.js';
import { requirePrincipal, requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';

const Bootstrap = SkillPoolBootstrap.meta({ id: 'SkillPoolBootstrap' });

const StackMapping = z
  .object({ stack: z.string().max(100), skill: z.string().max(300) })
  .openapi('SkillPoolStackMapping');

const admin = requiresAuth('tenant:admin');
const mappingBody = { body: { content: { 'application/json': { schema: StackMapping } }, required: true } };

const routes = {
  bootstrap: createRoute({
    method: 'get',
    path: '/v1/bootstrap',
    tags,
    summary: 'Recommended skills for a stack and project: project → curated → tagged → semantic, at most 8',
    ...requiresAuth(),
    request: {
      query: z.object({
        stack: z.string().max(2000).optional().openapi({ example: 'rust,axum' }),
        project: z.string().max(200).optional(),
        debug: z.string().max(10).optional().openapi({ description: '1 or true adds tier_breakdown' }),
      }),
    },
    responses: { 200: json(Bootstrap, 'Recommendations'), ...spErrors(400, 401) },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/tenant/stack-mappings',
    tags,
    summary: "Stack tag → skill mappings (bootstrap's curated tier)",
    ...admin,
    responses: { 200: json(z.array(StackMapping), 'Mappings'), ...spErrors(401, 403) },
  }),
  set: createRoute({
    method: 'post',
    path: '/v1/tenant/stack-mappings',
    tags,
    summary: 'Map a stack tag to a skill (idempotent)',
    ...admin,
    request: mappingBody,
    responses: { 200: json(StackMapping, 'Mapping'), ...spErrors(400, 401, 403) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/tenant/stack-mappings',
    tags,
    summary: 'Remove a mapping (JSON body as for POST)',
    ...admin,
    request: mappingBody,
    responses: { 204: { description: 'Removed' }, ...spErrors(400, 401, 403, 404) },
  }),
};

export function bootstrapRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(routes.bootstrap, async (c) => {
    requirePrincipal(c);
    const query = c.req.valid('query');
    const result = await bootstrapSkills(deps, {
      tenantId: c.get('tenant').id,
      stack: parseStackTags(query.stack),
      project: query.project?.trim() || undefined,
      viewer: viewerOf(c),
    });
    const debug = query.debug === '1' || query.debug === 'true';
    const { tier_breakdown: breakdown, ...rest } = result;
    return c.json(debug ? { ...rest, tier_breakdown: breakdown } : rest, 200);
  });
  app.openapi(routes.list, async (c) => {
    requireScope(c, 'tenant:admin');
    return c.json(await listStackMappings(deps.db, c.get('tenant').id), 200);
  });
  app.openapi(routes.set, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const mapping = await setStackMapping(deps.db, {
      tenantId: c.get('tenant').id,
      userId: principal.user.id,
      mapping: c.req.valid('json'),
    });
    return c.json(mapping, 200);
  });
  app.openapi(routes.remove, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const removed = await removeStackMapping(deps.db, {
      tenantId: c.get('tenant').id,
      userId: principal.user.id,
      mapping: c.req.valid('json'),
    });
    if (!removed) throw new AgentryError('not_found', { message: 'not found' });
    return c.body(null, 204);
  });
  return app;
}
