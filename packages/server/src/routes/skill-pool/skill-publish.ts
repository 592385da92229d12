/**
 * skill-pool's writes on the catalog: `POST /v1/skills` (multipart `bundle` + `metadata`) through the one
 * publish pipeline, `POST /v1/skills/validate` (the same bundle checks, nothing stored) and
 * `POST /v1/skills/{slug}/archive` (tenant:admin; the latest version leaves the catalog).
 */
import { AgentryError, validateSkillPoolBundle } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import { publishDepsOf } from '../../domain/publish-deps.js';
import { archiveSkill, parseSkillPoolMetadata, publishSkillBundle } from '../../domain/skill-pool-publish.js';
import { requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, KindQuery, parseKind, skillPoolBundleLimit, spErrors, tags } from './common.js';
import { Skill } from './skills.js';

const isFile = (value: unknown): value is File => value instanceof File;

/** Optional in the schema so the handler answers a missing part with skill-pool's own message. */
const Multipart = {
  content: {
    'multipart/form-data': {
      schema: z.object({
        bundle: z
          .custom<File>(isFile)
          .optional()
          .openapi({ type: 'string', format: 'binary', description: 'gzip tar with SKILL.md at its root' }),
        metadata: z
          .union([z.string(), z.custom<File>(isFile)])
          .optional()
          .openapi({
            type: 'string',
            description: 'JSON: {slug, version, tags?, when_to_use?, kind?}',
            example: '{"slug":"x","version":"1.0.0"}',
          }),
      }),
    },
  },
};

const publish = createRoute({
  method: 'post',
  path: '/v1/skills',
  tags,
  summary: 'Publish a skill bundle (validated, scanned and published like every other surface)',
  ...requiresAuth('skills:publish'),
  request: { body: Multipart },
  responses: { 201: json(Skill, 'The published version'), ...spErrors(400, 401, 403, 409, 413) },
});

const validate = createRoute({
  method: 'post',
  path: '/v1/skills/validate',
  tags,
  summary: "Check a bundle by publish's rules without storing anything",
  ...requiresAuth('skills:publish'),
  request: { body: Multipart },
  responses: {
    200: json(
      z.object({
        ok: z.literal(true),
        name: z.string().nullable(),
        description: z.string(),
        when_to_use: z.string().nullable(),
        tags: z.array(z.string()),
        requires: z.record(z.string(), z.string()),
        size_bytes: z.number().int(),
        sha256: z.string(),
      }),
      'The bundle passes',
    ),
    ...spErrors(400, 401, 403, 413),
  },
});

const archive = createRoute({
  method: 'post',
  path: '/v1/skills/{slug}/archive',
  tags,
  summary: 'Archive the latest published version (an earlier one, if any, becomes the latest)',
  ...requiresAuth('tenant:admin'),
  request: { params: z.object({ slug: z.string().min(1).max(300) }), query: z.object({ kind: KindQuery }) },
  responses: {
    200: json(z.object({ slug: z.string(), version: z.string() }), 'Archived'),
    ...spErrors(400, 401, 403, 404),
  },
});

async function readForm(c: Context<AppEnv>): Promise<{ bundle: Buffer; metadata: string | undefined }> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new AgentryError('bad_request', {
      message: 'send multipart/form-data with `bundle` and `metadata`',
    });
  }
  const form = await c.req.parseBody().catch(() => {
    throw new AgentryError('bad_request', { message: 'multipart: the body could not be read' });
  });
  const bundle = form.bundle;
  if (!(bundle instanceof File)) throw new AgentryError('bad_request', { message: 'missing `bundle` field' });
  const metadata = form.metadata;
  return {
    bundle: Buffer.from(await bundle.arrayBuffer()),
    metadata: metadata instanceof File ? await metadata.text() : metadata,
  };
}

export function skillPublishRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const publishDeps = publishDepsOf(deps);
  const maxBytes = skillPoolBundleLimit(deps);

  app.openapi(publish, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const form = await readForm(c);
    const published = await publishSkillBundle(publishDeps, {
      tenantId: c.get('tenant').id,
      viewer: { userId: principal.user.id, scopes: principal.scopes },
      bytes: form.bundle,
      metadata: parseSkillPoolMetadata(form.metadata),
      maxBytes,
    });
    return c.json(published.skill, 201);
  });

  app.openapi(validate, async (c) => {
    requireScope(c, 'skills:publish');
    const form = await readForm(c);
    const bundle = validateSkillPoolBundle(form.bundle, maxBytes);
    return c.json(
      {
        ok: true as const,
        name: bundle.name,
        description: bundle.description,
        when_to_use: bundle.when_to_use,
        tags: bundle.tags,
        requires: bundle.requires,
        size_bytes: bundle.size_bytes,
        sha256: bundle.sha256,
      },
      200,
    );
  });

  app.openapi(archive, async (c) => {
    const principal = requireScope(c, 'tenant:admin');
    const archived = await archiveSkill(deps.db, {
      tenantId: c.get('tenant').id,
      slug: c.req.valid('param').slug,
      kind: parseKind(c.req.valid('query').kind),
      actorId: principal.user.id,
    });
    return c.json(archived, 200);
  });

  return app;
}
