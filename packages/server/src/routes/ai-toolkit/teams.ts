/** AI Toolkit teams: the same orgs as Tank's (ai-toolkit-api.txt, "Teams"). Owners are implicit admins. */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import {
  changeOrgMember,
  createOrg,
  findOrg,
  findOrgRole,
  listOrgMembers,
  listOrgsOfUser,
  orgSlugPattern,
} from '../../domain/orgs.js';
import { requirePrincipal, requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { aitkErrors, json } from './common.js';

const Member = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  role: z.enum(['owner', 'admin', 'member']),
  joined_at: z.string(),
});
const Team = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    created_at: z.string(),
    role: z.enum(['owner', 'admin', 'member']).nullable(),
    members: z.array(Member).optional(),
  })
  .openapi('AitkTeam');
const Slug = z.object({ slug: z.string().max(39) });

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/v1/teams',
    tags: ['ai-toolkit'],
    summary: 'Teams of the caller',
    ...requiresAuth(),
    responses: { 200: json(z.object({ data: z.array(Team) }), 'Teams'), ...aitkErrors(401, 429) },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/v1/teams',
    tags: ['ai-toolkit'],
    summary: 'Create a team (the caller becomes its owner)',
    ...requiresAuth('skills:publish'),
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              slug: z.string().regex(orgSlugPattern, 'Use 1–39 lower-case letters, digits or hyphens.'),
              name: z.string().trim().min(1).max(100),
              description: z.string().trim().max(500).optional(),
            }),
          },
        },
      },
    },
    responses: { 201: json(z.object({ data: Team }), 'Created'), ...aitkErrors(401, 403, 409, 422, 429) },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/v1/teams/{slug}',
    tags: ['ai-toolkit'],
    summary: 'A team; members are listed to members',
    ...requiresAuth(),
    request: { params: Slug },
    responses: { 200: json(z.object({ data: Team }), 'The team'), ...aitkErrors(401, 404, 429) },
  }),
  addMember: createRoute({
    method: 'post',
    path: '/api/v1/teams/{slug}/members',
    tags: ['ai-toolkit'],
    summary: 'Add a member (admin or member), or change the role of one',
    ...requiresAuth('skills:publish'),
    request: {
      params: Slug,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              username: z.string().min(1).max(39),
              role: z.enum(['admin', 'member']).default('member'),
            }),
          },
        },
      },
    },
    responses: { 201: json(z.object({ data: Member }), 'Added'), ...aitkErrors(401, 403, 404, 422, 429) },
  }),
};

export function aitkTeamRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const members = async (orgId: string) =>
    (await listOrgMembers(deps.db, orgId)).map((m) => ({
      username: m.username,
      display_name: m.displayName,
      role: m.role,
      joined_at: m.joinedAt.toISOString(),
    }));
  const teamOr404 = async (tenantId: string, slug: string) => {
    const org = await findOrg(deps.db, tenantId, slug);
    if (!org) throw new AgentryError('not_found', { message: `No team ${slug}.` });
    return org;
  };

  app.openapi(routes.list, async (c) => {
    const principal = requirePrincipal(c);
    const teams = await listOrgsOfUser(deps.db, c.get('tenant').id, principal.user.id);
    return c.json(
      {
        data: teams.map((t) => ({
          slug: t.slug,
          name: t.name,
          description: t.description,
          created_at: t.createdAt.toISOString(),
          role: t.role,
        })),
      },
      200,
    );
  });

  app.openapi(routes.create, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const org = await createOrg(deps.db, {
      tenantId: c.get('tenant').id,
      slug: body.slug,
      name: body.name,
      description: body.description,
      ownerId: principal.user.id,
    });
    return c.json(
      {
        data: {
          slug: org.slug,
          name: org.name,
          description: org.description,
          created_at: org.created_at.toISOString(),
          role: 'owner' as const,
          members: await members(org.id),
        },
      },
      201,
    );
  });

  app.openapi(routes.get, async (c) => {
    const principal = requirePrincipal(c);
    const org = await teamOr404(c.get('tenant').id, c.req.valid('param').slug);
    const role = (await findOrgRole(deps.db, org.id, principal.user.id)) ?? null;
    return c.json(
      {
        data: {
          slug: org.slug,
          name: org.name,
          description: org.description,
          created_at: org.created_at.toISOString(),
          role,
          ...(role ? { members: await members(org.id) } : {}),
        },
      },
      200,
    );
  });

  app.openapi(routes.addMember, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const org = await teamOr404(tenantId, c.req.valid('param').slug);
    const { username, role } = c.req.valid('json');
    await changeOrgMember(deps.db, { tenantId, org, actorId: principal.user.id, username, role });
    const member = (await members(org.id)).find((m) => m.username === username);
    if (!member) throw new AgentryError('not_found');
    return c.json({ data: member }, 201);
  });
  return app;
}
