/**
 * skill-pool's draft submission and publish: `POST /v1/drafts` (multipart `bundle` + `metadata`, the
 * bundle validated exactly as a publish validates it) and `POST /v1/drafts/{id}/publish {version, slug?}`
 * (through skill-pool's publish, hence the shared pipeline and scanner). Both need skills:publish. A new
 * draft queues its `draft.created` webhook; the job worker delivers it, never this request.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { publishDraftToCatalog } from '../../domain/draft-submissions.js';
import { draftJson } from '../../domain/drafts.js';
import { requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';
import { createDraftFromForm } from './draft-form.js';
import { Draft, IdParam, requireDraft } from './drafts.js';

const write = requiresAuth('skills:publish');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/drafts',
    tags,
    summary:
      'Submit a bundle to the inbox (multipart: bundle, metadata {slug, origin?, notes?, tags?, when_to_use?})',
    ...write,
    request: {
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({
              bundle: z.any().optional().openapi({ type: 'string', format: 'binary' }),
              metadata: z.string().optional().openapi({ description: 'JSON text' }),
            }),
          },
        },
        required: false,
      },
    },
    responses: { 201: json(Draft, 'Draft'), ...spErrors(400, 401, 403, 413) },
  }),
  publish: createRoute({
    method: 'post',
    path: '/v1/drafts/{id}/publish',
    tags,
    summary: 'Publish a pending draft as slug@version through the publish pipeline (400 when already used)',
    ...write,
    request: {
      params: IdParam,
      body: {
        content: {
          'application/json': {
            schema: z.object({ version: z.string().max(100), slug: z.string().max(300).optional() }),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json(
        z.object({ draft_id: z.string(), skill_id: z.string(), slug: z.string(), version: z.string() }),
        'Published',
      ),
      ...spErrors(400, 401, 403, 404, 409),
    },
  }),
};

export function draftSubmissionRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(routes.create, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const draft = await createDraftFromForm(deps, c, principal.user.id);
    return c.json(draftJson(draft), 201);
  });
  app.openapi(routes.publish, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const { id } = c.req.valid('param');
    await requireDraft(deps, c, id);
    const body = c.req.valid('json');
    const published = await publishDraftToCatalog(deps, {
      tenantId: c.get('tenant').id,
      principal,
      id,
      version: body.version,
      slug: body.slug,
    });
    return c.json(
      {
        draft_id: published.draftId,
        skill_id: published.skillId,
        slug: published.slug,
        version: published.version,
      },
      200,
    );
  });
  return app;
}
