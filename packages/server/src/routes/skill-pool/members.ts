/**
 * skill-pool's tenant membership (beyond its document; its portal uses them) and the operator's
 * cross-tenant list: `GET /v1/tenant/members` (any member), `PATCH`/`DELETE /v1/tenant/members/{id}`
 * (tenant:admin scope held by a current admin; the last admin stays), and `GET /v1/tenants`, behind the
 * super-admin gate: a `skills:admin` credential of an admin of the operator's (default) tenant.
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import {
  changeMemberRole,
  listTenantMembers,
  memberWire,
  removeTenantMember,
} from '../../domain/tenant-members.js';
import { listTenants } from '../../domain/tenants.js';
import { findTenantRole } from '../../domain/users.js';
import { requirePrincipal } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, requireTenantRole, spErrors, tags } from './common.js';

const Member = z
  .object({
    id: z.string().openapi({ description: 'The account id (stable per account, the SCIM User id too)' }),
    username: z.string(),
    email: z.string(),
    display_name: z.string().optional(),
    role: z.enum(['viewer', 'publisher', 'curator', 'admin']),
    joined_at: z.string(),
    active: z.boolean().openapi({ description: 'false when deactivated by SCIM' }),
    scim_managed: z.boolean(),
  })
  .openapi('SkillPoolMember');

const MemberId = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

const TenantRow = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    created_at: z.string(),
    suspended: z.boolean(),
    suspended_at: z.string().nullable(),
    member_count: z.number().int(),
  })
  .openapi('SkillPoolTenant');

const listMembers = createRoute({
  method: 'get',
  path: '/v1/tenant/members',
  tags,
  summary: "The tenant's members, in join order",
  ...requiresAuth(),
  responses: { 200: json(z.array(Member), 'Members'), ...spErrors(401, 403) },
});

const patchMember = createRoute({
  method: 'patch',
  path: '/v1/tenant/members/{id}',
  tags,
  summary: "Change a member's role (tenant admins; demoting the last admin is 400)",
  ...requiresAuth('tenant:admin'),
  request: {
    params: MemberId,
    body: {
      content: {
        'application/json': { schema: z.object({ role: z.string().openapi({ example: 'curator' }) }) },
      },
      required: true,
    },
  },
  responses: { 200: json(Member, 'The member'), ...spErrors(400, 401, 403, 404) },
});

const deleteMember = createRoute({
  method: 'delete',
  path: '/v1/tenant/members/{id}',
  tags,
  summary: 'Remove a member; their tokens and sessions in this tenant end at once',
  ...requiresAuth('tenant:admin'),
  request: { params: MemberId },
  responses: { 204: { description: 'Removed' }, ...spErrors(400, 401, 403, 404) },
});

const listAllTenants = createRoute({
  method: 'get',
  path: '/v1/tenants',
  tags,
  summary: "Every tenant (operator only: skills:admin of an admin of the operator's default tenant)",
  ...requiresAuth(),
  responses: { 200: json(z.array(TenantRow), 'Tenants'), ...spErrors(401, 403) },
});

export function memberRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(listMembers, async (c) => {
    await requireTenantRole(c, deps.db, 'viewer');
    const members = await listTenantMembers(deps.db, c.get('tenant').id);
    return c.json(members.map(memberWire), 200);
  });

  app.openapi(patchMember, async (c) => {
    const { principal } = await requireTenantRole(c, deps.db, 'admin');
    const member = await changeMemberRole(
      deps.db,
      { tenantId: c.get('tenant').id, actorUserId: principal.user.id, actorTokenId: principal.tokenId },
      c.req.valid('param').id,
      c.req.valid('json').role,
    );
    return c.json(memberWire(member), 200);
  });

  app.openapi(deleteMember, async (c) => {
    const { principal } = await requireTenantRole(c, deps.db, 'admin');
    await removeTenantMember(
      deps.db,
      { tenantId: c.get('tenant').id, actorUserId: principal.user.id, actorTokenId: principal.tokenId },
      c.req.valid('param').id,
    );
    return c.body(null, 204);
  });

  app.openapi(listAllTenants, async (c) => {
    const principal = requirePrincipal(c);
    const tenant = c.get('tenant');
    const operator =
      tenant.slug === deps.config.defaultTenant &&
      principal.scopes.includes('skills:admin') &&
      (await findTenantRole(deps.db, tenant.id, principal.user.id)) === 'admin';
    if (!operator)
      throw new AgentryError('forbidden', { message: 'This needs the operator (super-admin) credential.' });
    const tenants = await listTenants(deps.db);
    return c.json(
      tenants.map((row) => ({
        id: row.id,
        slug: row.slug,
        name: row.name,
        created_at: row.createdAt.toISOString(),
        suspended: row.suspendedAt !== null,
        suspended_at: row.suspendedAt?.toISOString() ?? null,
        member_count: row.members,
      })),
      200,
    );
  });
  return app;
}
