/**
 * skill-pool projects: `GET|POST /v1/tenant/projects`, `GET|PATCH|DELETE /v1/tenant/projects/{slug}`,
 * `PUT /v1/tenant/projects/{slug}/items` (all tenant:admin) and the CLI's auto-discovery `GET
 * /v1/projects/resolve?remote=` (any signed-in caller). Items carry `skill_slug` (what the real CLI and
 * portal read) and `slug` (what the document shows).
 */
import { AgentryError } from '@agentry/core';
import {
  SkillPoolProject,
  SkillPoolProjectDetail,
  SkillPoolProjectItem,
  SkillPoolProjectRef,
} from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import type { ProjectItemKind } from '../../db/inbox-schema.js';
import {
  createProject,
  deleteProject,
  findProject,
  listProjectItems,
  listProjects,
  projectItemKinds,
  projectJson,
  resolveProjectByRemote,
  setProjectItems,
  updateProject,
} from '../../domain/projects.js';
import { requirePrincipal, requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';

const Project = SkillPoolProject.meta({ id: 'SkillPoolProject' });
const ProjectDetail = SkillPoolProjectDetail.extend({
  items: z.array(SkillPoolProjectItem.meta({ id: 'SkillPoolProjectItem' })),
}).meta({ id: 'SkillPoolProjectDetail' });

const SlugParam = z.object({ slug: z.string().min(1).max(200) });

const CreateBody = z
  .object({
    slug: z.string().max(200),
    name: z.string().max(500),
    description: z.string().max(5000).nullable().optional(),
    git_remote: z.string().max(2000).nullable().optional(),
    stack_tags: z.array(z.string().max(100)).max(100).optional(),
  })
  .openapi('SkillPoolProjectCreate');

const PatchBody = z
  .object({
    name: z.string().max(500).optional(),
    description: z.string().max(5000).nullable().optional(),
    git_remote: z.string().max(2000).nullable().optional(),
    stack_tags: z.array(z.string().max(100)).max(100).optional(),
    plan_auto_refresh_interval_secs: z.number().int().min(0).nullable().optional(),
  })
  .openapi('SkillPoolProjectPatch');

const ItemsBody = z
  .array(z.object({ slug: z.string().min(1).max(300), kind: z.string().max(20).optional() }))
  .max(1000)
  .openapi('SkillPoolProjectItems');

const admin = requiresAuth('tenant:admin');
const jsonBody = <T>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/tenant/projects',
    tags,
    summary: 'Projects, by slug, with their item counts',
    ...admin,
    responses: { 200: json(z.array(Project), 'Projects'), ...spErrors(401, 403) },
  }),
  create: createRoute({
    method: 'post',
    path: '/v1/tenant/projects',
    tags,
    summary: 'Create a project (409 when the slug or the normalised remote is taken)',
    ...admin,
    request: jsonBody(CreateBody),
    responses: { 201: json(Project, 'Created'), ...spErrors(400, 401, 403, 409) },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/tenant/projects/{slug}',
    tags,
    summary: 'A project with its items in order',
    ...admin,
    request: { params: SlugParam },
    responses: { 200: json(ProjectDetail, 'Project'), ...spErrors(401, 403, 404) },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/v1/tenant/projects/{slug}',
    tags,
    summary: 'Change a project; absent keys stay, null clears',
    ...admin,
    request: { params: SlugParam, ...jsonBody(PatchBody) },
    responses: { 200: json(Project, 'Project'), ...spErrors(400, 401, 403, 404, 409) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/tenant/projects/{slug}',
    tags,
    summary: 'Delete a project and its items',
    ...admin,
    request: { params: SlugParam },
    responses: { 204: { description: 'Deleted' }, ...spErrors(401, 403, 404) },
  }),
  items: createRoute({
    method: 'put',
    path: '/v1/tenant/projects/{slug}/items',
    tags,
    summary: 'Replace the item list; array order becomes position',
    ...admin,
    request: { params: SlugParam, ...jsonBody(ItemsBody) },
    responses: { 204: { description: 'Replaced' }, ...spErrors(400, 401, 403, 404) },
  }),
  resolve: createRoute({
    method: 'get',
    path: '/v1/projects/resolve',
    tags,
    summary: 'The project of a git remote (ssh or https spelling, .git suffix and host case ignored)',
    ...requiresAuth(),
    request: { query: z.object({ remote: z.string().max(2000).optional() }) },
    responses: {
      200: json(SkillPoolProjectRef, 'Project'),
      ...spErrors(400, 401, 404),
    },
  }),
};

function notFound(): AgentryError {
  return new AgentryError('project_not_found', { message: 'not found' });
}

export function projectRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(routes.list, async (c) => {
    requireScope(c, 'tenant:admin');
    const projects = await listProjects(deps.db, c.get('tenant').id);
    return c.json(
      projects.map((p) => projectJson(p, p.item_count)),
      200,
    );
  });
  app.openapi(routes.create, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const body = c.req.valid('json');
    const project = await createProject(deps.db, {
      tenantId: c.get('tenant').id,
      userId: principal.user.id,
      slug: body.slug,
      name: body.name,
      description: body.description,
      gitRemote: body.git_remote,
      stackTags: body.stack_tags,
    });
    return c.json(projectJson(project, 0), 201);
  });
  app.openapi(routes.get, async (c) => {
    requireScope(c, 'tenant:admin');
    const project = await findProject(deps.db, c.get('tenant').id, c.req.valid('param').slug);
    if (!project) throw notFound();
    const items = await listProjectItems(deps.db, project.id);
    return c.json(
      {
        ...projectJson(project, items.length),
        items: items.map((item) => ({ ...item, slug: item.skill_slug })),
      },
      200,
    );
  });
  app.openapi(routes.patch, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const body = c.req.valid('json');
    const tenantId = c.get('tenant').id;
    const project = await updateProject(deps.db, {
      tenantId,
      userId: principal.user.id,
      slug: c.req.valid('param').slug,
      changes: {
        name: body.name,
        description: body.description,
        gitRemote: body.git_remote,
        stackTags: body.stack_tags,
        planAutoRefreshIntervalSecs: body.plan_auto_refresh_interval_secs,
      },
    });
    if (!project) throw notFound();
    // The real server answers item_count 0 here; the true count costs one query and misleads no one.
    const items = await listProjectItems(deps.db, project.id);
    return c.json(projectJson(project, items.length), 200);
  });
  app.openapi(routes.remove, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const slug = c.req.valid('param').slug;
    if (!(await deleteProject(deps.db, { tenantId: c.get('tenant').id, userId: principal.user.id, slug }))) {
      throw notFound();
    }
    return c.body(null, 204);
  });
  app.openapi(routes.items, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const items = c.req.valid('json').map((item) => {
      const kind = item.kind ?? 'skill';
      if (!(projectItemKinds as readonly string[]).includes(kind)) {
        throw new AgentryError('bad_request', {
          message: `kind must be one of ${JSON.stringify(projectItemKinds)}, got \`${kind}\``,
        });
      }
      return { slug: item.slug, kind: kind as ProjectItemKind };
    });
    const replaced = await setProjectItems(deps.db, {
      tenantId: c.get('tenant').id,
      userId: principal.user.id,
      slug: c.req.valid('param').slug,
      items,
    });
    if (!replaced) throw notFound();
    return c.body(null, 204);
  });
  app.openapi(routes.resolve, async (c) => {
    requirePrincipal(c);
    const remote = c.req.valid('query').remote;
    if (remote === undefined) throw new AgentryError('bad_request', { message: 'missing `remote`' });
    if (!remote.trim()) throw new AgentryError('bad_request', { message: 'remote must not be blank' });
    const project = await resolveProjectByRemote(deps.db, c.get('tenant').id, remote);
    if (!project) throw notFound();
    return c.json({ slug: project.slug, name: project.name }, 200);
  });
  return app;
}
