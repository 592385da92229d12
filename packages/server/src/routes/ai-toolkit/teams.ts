/** AI Toolkit teams: the same orgs as Tank's (ai-toolkit-api.txt, "Teams"). Owners are implicit admins. */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import type { Org } from '../../db/schema.js';
import { canReadPackage, type Viewer } from '../../domain/access.js';
import {
  changeOrgMember,
  createOrg,
  findOrg,
  findOrgRole,
  listOrgMembers,
  listOrgsOfUser,
  orgSlugPattern,
} from '../../domain/orgs.js';
import { requirePrincipal, requireScope, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { aitkErrors, isAitkCli, json } from './common.js';

const Member = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  role: z.enum(['owner', 'admin', 'member']),
  joined_at: z.string(),
  user_id: z.string().openapi({ description: "aitk's membership row" }),
  profiles: z
    .object({ username: z.string(), display_name: z.string().nullable(), avatar_url: z.string().nullable() })
    .openapi({ description: 'aitk reads the profile nested, as its real server joins it' }),
});
const TeamArtifact = z.object({
  id: z.string(),
  type: z.string(),
  scope: z.string(),
  name: z.string(),
  description: z.string(),
  latest_version: z.string().nullable(),
  total_downloads: z.number().int(),
});
const TeamCore = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  created_at: z.string(),
});
const Team = TeamCore.extend({
  role: z.enum(['owner', 'admin', 'member']).nullable(),
  members: z.array(Member).optional().openapi({
    description: 'To members; aitk (User-Agent node) always gets the array, empty for outsiders',
  }),
  artifacts: z
    .array(TeamArtifact)
    .optional()
    .openapi({ description: "The team's artifacts the caller may see" }),
  joined_at: z.string().optional().openapi({ description: 'In lists: when the caller joined' }),
  teams: TeamCore.optional().openapi({
    description: "In lists: the team again, nested as aitk's membership rows read it",
  }),
}).openapi('AitkTeam');
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
              description: z
                .string()
                .trim()
                .max(500)
                .nullable()
                .optional()
                .openapi({ description: 'aitk sends null when none is given' }),
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
  removeMember: createRoute({
    method: 'delete',
    path: '/api/v1/teams/{slug}/members',
    tags: ['ai-toolkit'],
    summary:
      'Remove a member, named by a JSON body {username} (as aitk sends it) or ?username=; members may leave',
    ...requiresAuth('skills:publish'),
    request: {
      params: Slug,
      query: z.object({ username: z.string().min(1).max(39).optional() }),
    },
    responses: {
      200: json(z.object({ data: z.object({ removed: z.literal(true) }) }), 'Removed'),
      ...aitkErrors(401, 403, 404, 409, 422, 429),
    },
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
      user_id: m.userId,
      profiles: { username: m.username, display_name: m.displayName, avatar_url: null },
    }));
  /** The team's artifacts with a published version that the viewer may read, most downloaded first. */
  const teamArtifacts = async (org: Org, viewer: Viewer) => {
    const rows = await deps.db
      .selectFrom('packages')
      .selectAll()
      .where('tenant_id', '=', org.tenant_id)
      .where('org_id', '=', org.id)
      .where('latest_version', 'is not', null)
      .orderBy('downloads_total', 'desc')
      .orderBy('name')
      .limit(200)
      .execute();
    const readable = [];
    for (const pkg of rows) if (await canReadPackage(deps.db, pkg, viewer)) readable.push(pkg);
    return readable.map((pkg) => ({
      id: pkg.id,
      type: pkg.kind,
      scope: org.slug,
      name: pkg.name.replace(/^@[^/]+\//, ''),
      description: pkg.description,
      latest_version: pkg.latest_version,
      total_downloads: Number(pkg.downloads_total),
    }));
  };
  const teamOr404 = async (tenantId: string, slug: string) => {
    const org = await findOrg(deps.db, tenantId, slug);
    if (!org)
      throw new AgentryError('org_not_found', { message: `No team ${slug}.`, details: { org: slug } });
    return org;
  };

  app.openapi(routes.list, async (c) => {
    const principal = requirePrincipal(c);
    const teams = await listOrgsOfUser(deps.db, c.get('tenant').id, principal.user.id);
    return c.json(
      {
        data: teams.map((t) => {
          const team = {
            slug: t.slug,
            name: t.name,
            description: t.description,
            created_at: t.createdAt.toISOString(),
          };
          return { ...team, role: t.role, joined_at: t.joinedAt.toISOString(), teams: team };
        }),
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
      description: body.description ?? undefined,
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
    // aitk reads members.length unguarded, so it gets an empty list where others get none.
    const memberList = role ? await members(org.id) : isAitkCli(c) ? [] : undefined;
    return c.json(
      {
        data: {
          slug: org.slug,
          name: org.name,
          description: org.description,
          created_at: org.created_at.toISOString(),
          role,
          ...(memberList ? { members: memberList } : {}),
          artifacts: await teamArtifacts(org, viewerOf(c)),
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
    if (!member) throw new AgentryError('member_not_found', { details: { org: org.slug, username } });
    return c.json({ data: member }, 201);
  });

  app.openapi(routes.removeMember, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const org = await teamOr404(tenantId, c.req.valid('param').slug);
    // aitk sends DELETE with a JSON body; a query parameter serves clients that cannot.
    const body = (await c.req.json().catch(() => ({}))) as { username?: unknown };
    const username = c.req.valid('query').username ?? body.username;
    if (typeof username !== 'string' || username.length === 0 || username.length > 39) {
      throw new AgentryError('validation_error', {
        issues: [{ path: ['username'], message: 'Name the member to remove (body or query).' }],
      });
    }
    await changeOrgMember(deps.db, { tenantId, org, actorId: principal.user.id, username });
    return c.json({ data: { removed: true as const } }, 200);
  });
  return app;
}
