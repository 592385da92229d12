/**
 * skill-pool's drafts inbox, reading and reviewing: `GET /v1/drafts?status=`, `GET /v1/drafts/{id}`,
 * `GET /v1/drafts/{id}/skill-md`, `PATCH /v1/drafts/{id}` (the portal's edit) and `POST
 * /v1/drafts/{id}/discard`. Reads need skills:read, writes skills:publish (curators and publishers, as
 * skill-pool has it).
 */
import { AgentryError } from '@agentry/core';
import { SkillPoolDraft } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import type { SkillDraft } from '../../db/inbox-schema.js';
import {
  type DraftFilter,
  discardDraft,
  draftJson,
  findDraft,
  isDraftId,
  listDrafts,
  readDraftSkillMd,
  updateDraft,
} from '../../domain/drafts.js';
import { requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';

export const Draft = SkillPoolDraft.meta({ id: 'SkillPoolDraft' });

export const IdParam = z.object({ id: z.string().max(100) });
const read = requiresAuth('skills:read');
const write = requiresAuth('skills:publish');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/drafts',
    tags,
    summary: 'The inbox, newest first (at most 200); with status=all pending drafts come first',
    ...read,
    request: {
      query: z.object({
        status: z
          .string()
          .max(20)
          .optional()
          .openapi({ description: 'pending (default), published, discarded, all' }),
      }),
    },
    responses: { 200: json(z.array(Draft), 'Drafts'), ...spErrors(400, 401, 403) },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/drafts/{id}',
    tags,
    summary: 'One draft',
    ...read,
    request: { params: IdParam },
    responses: { 200: json(Draft, 'Draft'), ...spErrors(400, 401, 403, 404) },
  }),
  skillMd: createRoute({
    method: 'get',
    path: '/v1/drafts/{id}/skill-md',
    tags,
    summary: "The draft bundle's SKILL.md as text/plain",
    ...read,
    request: { params: IdParam },
    responses: {
      200: { description: 'SKILL.md', content: { 'text/plain': { schema: z.string() } } },
      ...spErrors(400, 401, 403, 404),
    },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/v1/drafts/{id}',
    tags,
    summary: "Edit a pending draft's metadata (never its bundle)",
    ...write,
    request: {
      params: IdParam,
      body: {
        content: {
          'application/json': {
            schema: z.object({
              slug: z.string().max(300).optional(),
              description: z.string().max(10_000).optional(),
              when_to_use: z.string().max(10_000).optional(),
              tags: z.array(z.string().max(100)).max(100).optional(),
              notes: z.string().max(10_000).optional(),
            }),
          },
        },
        required: true,
      },
    },
    responses: { 200: json(Draft, 'Draft'), ...spErrors(400, 401, 403, 404) },
  }),
  discard: createRoute({
    method: 'post',
    path: '/v1/drafts/{id}/discard',
    tags,
    summary: 'Discard a pending draft (its bundle is purged)',
    ...write,
    request: { params: IdParam },
    responses: { 204: { description: 'Discarded' }, ...spErrors(400, 401, 403, 404) },
  }),
};

const filters: readonly DraftFilter[] = ['pending', 'published', 'discarded', 'all'];

function notFound(): AgentryError {
  return new AgentryError('draft_not_found', { message: 'not found' });
}

/** skill-pool answers a malformed draft id with 400, an unknown one with 404. */
export async function requireDraft(deps: AppDeps, c: Context<AppEnv>, id: string): Promise<SkillDraft> {
  if (!isDraftId(id)) throw new AgentryError('bad_request', { message: 'draft id must be a UUID' });
  const draft = await findDraft(deps.db, c.get('tenant').id, id);
  if (!draft) throw notFound();
  return draft;
}

export function draftRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(routes.list, async (c) => {
    requireScope(c, 'skills:read');
    const status = c.req.valid('query').status || 'pending';
    if (!(filters as readonly string[]).includes(status)) {
      throw new AgentryError('bad_request', { message: `status must be one of ${filters.join(', ')}` });
    }
    const drafts = await listDrafts(deps.db, c.get('tenant').id, status as DraftFilter);
    return c.json(drafts.map(draftJson), 200);
  });
  app.openapi(routes.get, async (c) => {
    requireScope(c, 'skills:read');
    return c.json(draftJson(await requireDraft(deps, c, c.req.valid('param').id)), 200);
  });
  app.openapi(routes.skillMd, async (c) => {
    requireScope(c, 'skills:read');
    const draft = await requireDraft(deps, c, c.req.valid('param').id);
    const text = await readDraftSkillMd(deps, draft);
    if (text === undefined) throw notFound();
    return c.text(text, 200);
  });
  app.openapi(routes.patch, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const { id } = c.req.valid('param');
    await requireDraft(deps, c, id);
    const body = c.req.valid('json');
    const draft = await updateDraft(deps.db, {
      tenantId: c.get('tenant').id,
      id,
      userId: principal.user.id,
      changes: {
        slug: body.slug,
        description: body.description,
        whenToUse: body.when_to_use,
        tags: body.tags,
        notes: body.notes,
      },
    });
    if (!draft) throw notFound();
    return c.json(draftJson(draft), 200);
  });
  app.openapi(routes.discard, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const { id } = c.req.valid('param');
    await requireDraft(deps, c, id);
    const discarded = await discardDraft(deps, {
      tenantId: c.get('tenant').id,
      id,
      userId: principal.user.id,
    });
    if (!discarded) throw notFound();
    return c.body(null, 204);
  });
  return app;
}
