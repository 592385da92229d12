/** Orgs (namespaces for `@org/name`): create, read, list mine, and manage members and roles. */
import { AgentryError, orgRoles } from '@agentry/core';
import { TankOrg, TankOrgList, TankOrgMemberRemoved, TankOrgMembership } from '@agentry/core/api';
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
import { jsonContent, tankErrors } from './schemas.js';

const Slug = z.string().regex(orgSlugPattern, 'Use 1–39 lower-case letters, digits or hyphens.');
const Role = z.enum(orgRoles);
const OrgView = TankOrg.meta({ id: 'Org' });
const SlugParam = z.object({ slug: z.string() });
const MemberParams = SlugParam.extend({ username: z.string() });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/v1/orgs',
    tags: ['orgs'],
    summary: 'Create an org; the creator becomes its owner',
    ...requiresAuth('skills:publish'),
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ slug: Slug, name: z.string().trim().min(1).max(100).optional() }),
          },
        },
      },
    },
    responses: { 201: jsonContent(OrgView, 'Created'), ...tankErrors(400, 401, 403, 409, 422, 429) },
  }),
  mine: createRoute({
    method: 'get',
    path: '/api/v1/orgs',
    tags: ['orgs'],
    summary: "The caller's orgs and roles",
    ...requiresAuth(),
    responses: {
      200: jsonContent(TankOrgList, 'Orgs'),
      ...tankErrors(401, 429),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/v1/orgs/{slug}',
    tags: ['orgs'],
    summary: 'An org; members are listed to members only',
    request: { params: SlugParam },
    responses: { 200: jsonContent(OrgView, 'Org'), ...tankErrors(401, 404, 429) },
  }),
  add: createRoute({
    method: 'post',
    path: '/api/v1/orgs/{slug}/members',
    tags: ['orgs'],
    summary: 'Add a member (owners and admins; only owners add owners)',
    ...requiresAuth('skills:publish'),
    request: {
      params: SlugParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ username: z.string().min(1).max(39), role: Role.default('member') }),
          },
        },
      },
    },
    responses: {
      201: jsonContent(TankOrgMembership, 'Added'),
      ...tankErrors(400, 401, 403, 404, 409, 422, 429),
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/api/v1/orgs/{slug}/members/{username}',
    tags: ['orgs'],
    summary: "Change a member's role",
    ...requiresAuth('skills:publish'),
    request: {
      params: MemberParams,
      body: { required: true, content: { 'application/json': { schema: z.object({ role: Role }) } } },
    },
    responses: {
      200: jsonContent(TankOrgMembership, 'Changed'),
      ...tankErrors(400, 401, 403, 404, 409, 422, 429),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/v1/orgs/{slug}/members/{username}',
    tags: ['orgs'],
    summary: 'Remove a member (or leave the org yourself)',
    ...requiresAuth('skills:publish'),
    request: { params: MemberParams },
    responses: {
      200: jsonContent(TankOrgMemberRemoved, 'Removed'),
      ...tankErrors(401, 403, 404, 409, 429),
    },
  }),
};

export function tankOrgRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const orgOr404 = async (tenantId: string, slug: string) => {
    const org = await findOrg(deps.db, tenantId, slug);
    if (!org)
      throw new AgentryError('org_not_found', {
        message: `No org "${slug.slice(0, 64)}".`,
        details: { org: slug.slice(0, 64) },
      });
    return org;
  };

  app.openapi(routes.create, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const org = await createOrg(deps.db, {
      tenantId: c.get('tenant').id,
      slug: body.slug,
      name: body.name ?? body.slug,
      ownerId: principal.user.id,
    });
    return c.json(
      {
        slug: org.slug,
        name: org.name,
        createdAt: org.created_at.toISOString(),
        role: 'owner' as const,
        members: await listMembers(org.id),
      },
      201,
    );
  });

  app.openapi(routes.mine, async (c) => {
    const principal = requirePrincipal(c);
    const orgs = await listOrgsOfUser(deps.db, c.get('tenant').id, principal.user.id);
    return c.json(
      {
        orgs: orgs.map((o) => ({
          slug: o.slug,
          name: o.name,
          role: o.role,
          createdAt: o.createdAt.toISOString(),
        })),
      },
      200,
    );
  });

  const listMembers = async (orgId: string) =>
    (await listOrgMembers(deps.db, orgId)).map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }));

  app.openapi(routes.get, async (c) => {
    const org = await orgOr404(c.get('tenant').id, c.req.valid('param').slug);
    const principal = c.get('principal');
    const role = principal ? ((await findOrgRole(deps.db, org.id, principal.user.id)) ?? null) : null;
    return c.json(
      {
        slug: org.slug,
        name: org.name,
        createdAt: org.created_at.toISOString(),
        role,
        ...(role ? { members: await listMembers(org.id) } : {}),
      },
      200,
    );
  });

  app.openapi(routes.add, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const org = await orgOr404(tenantId, c.req.valid('param').slug);
    const { username, role } = c.req.valid('json');
    await changeOrgMember(deps.db, { tenantId, org, actorId: principal.user.id, username, role });
    return c.json({ username, role }, 201);
  });

  app.openapi(routes.update, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const { slug, username } = c.req.valid('param');
    const org = await orgOr404(tenantId, slug);
    // Outsiders get 403 whoever they name; checking the target first would tell them who is a member.
    if (!(await findOrgRole(deps.db, org.id, principal.user.id)))
      throw new AgentryError('not_org_member', {
        message: 'Only members of the org can change it.',
        details: { org: org.slug },
      });
    const members = await listOrgMembers(deps.db, org.id);
    if (!members.some((m) => m.username === username))
      throw new AgentryError('member_not_found', {
        message: `${username} is not a member.`,
        details: { org: org.slug, username },
      });
    const { role } = c.req.valid('json');
    await changeOrgMember(deps.db, { tenantId, org, actorId: principal.user.id, username, role });
    return c.json({ username, role }, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const { slug, username } = c.req.valid('param');
    const org = await orgOr404(tenantId, slug);
    await changeOrgMember(deps.db, { tenantId, org, actorId: principal.user.id, username });
    return c.json({ username, removed: true as const }, 200);
  });
  return app;
}
