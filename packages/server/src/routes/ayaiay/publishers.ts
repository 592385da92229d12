/** ayaiay's publishers: the same orgs as Tank's orgs and AI Toolkit's teams, with a public profile. */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import {
  createOrg,
  findOrgById,
  listOwnedOrgs,
  orgSlugPattern,
  updateOrgProfile,
} from '../../domain/orgs.js';
import { requirePrincipal, requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { ayaiayErrors, json, Publisher, publisherOf } from './common.js';

const url = z
  .string()
  .url()
  .max(500)
  .refine((value) => /^https?:\/\//.test(value), 'Use an http(s) URL.');
const Profile = z.object({
  display_name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).optional(),
  website_url: url.nullable().optional(),
  github_org: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,39}$/)
    .nullable()
    .optional(),
  avatar_url: url.nullable().optional(),
});

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/v1/packs/publishers',
    tags: ['ayaiay'],
    summary: 'Create a publisher (the caller owns it)',
    ...requiresAuth('skills:publish'),
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: Profile.extend({
              name: z.string().regex(orgSlugPattern, 'Use 1–39 lower-case letters, digits or hyphens.'),
            }),
          },
        },
      },
    },
    responses: { 201: json(Publisher, 'Created'), ...ayaiayErrors(400, 401, 403, 409, 429) },
  }),
  me: createRoute({
    method: 'get',
    path: '/api/v1/packs/publishers/me',
    tags: ['ayaiay'],
    summary: 'Publishers the caller owns',
    ...requiresAuth(),
    responses: {
      200: json(z.object({ publishers: z.array(Publisher) }), 'My publishers'),
      ...ayaiayErrors(401, 429),
    },
  }),
  update: createRoute({
    method: 'put',
    path: '/api/v1/packs/publishers/{publisher_id}',
    tags: ['ayaiay'],
    summary: "Update a publisher's profile (owners and admins)",
    ...requiresAuth('skills:publish'),
    request: {
      params: z.object({ publisher_id: z.string().max(64) }),
      body: { required: true, content: { 'application/json': { schema: Profile.partial() } } },
    },
    responses: { 200: json(Publisher, 'Updated'), ...ayaiayErrors(400, 401, 403, 404, 429) },
  }),
};

export function ayaiayPublisherRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(routes.create, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const tenantId = c.get('tenant').id;
    let org = await createOrg(deps.db, {
      tenantId,
      slug: body.name,
      name: body.display_name,
      description: body.description,
      websiteUrl: body.website_url ?? undefined,
      githubOrg: body.github_org ?? undefined,
      ownerId: principal.user.id,
    });
    if (body.avatar_url) {
      org = await updateOrgProfile(deps.db, {
        tenantId,
        org,
        actorId: principal.user.id,
        profile: { avatarUrl: body.avatar_url },
      });
    }
    return c.json(publisherOf(org), 201);
  });

  app.openapi(routes.me, async (c) => {
    const principal = requirePrincipal(c);
    const orgs = await listOwnedOrgs(deps.db, c.get('tenant').id, principal.user.id);
    return c.json({ publishers: orgs.map(publisherOf) }, 200);
  });

  app.openapi(routes.update, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const tenantId = c.get('tenant').id;
    const id = c.req.valid('param').publisher_id;
    const org = await findOrgById(deps.db, tenantId, id);
    if (!org)
      throw new AgentryError('publisher_not_found', {
        message: `Publisher with ID '${id}' not found`,
        details: { id },
      });
    const body = c.req.valid('json');
    const updated = await updateOrgProfile(deps.db, {
      tenantId,
      org,
      actorId: principal.user.id,
      profile: {
        name: body.display_name,
        description: body.description,
        websiteUrl: body.website_url,
        githubOrg: body.github_org,
        avatarUrl: body.avatar_url,
      },
    });
    return c.json(publisherOf(updated), 200);
  });
  return app;
}
