/** Tank's two-phase publish: `POST /api/v1/skills` reserves a version, `POST /api/v1/skills/confirm` publishes it. */
import { AgentryError, manifestSchema, withIssuePrefix } from '@agentry/core';
import { TankPublishConfirmed, TankPublishStarted } from '@agentry/core/api';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { confirmPublish } from '../../domain/publish-confirm.js';
import { publishDepsOf } from '../../domain/publish-deps.js';
import { initiatePublish } from '../../domain/publish-reserve.js';
import { requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { tolerateWrappedLines } from '../../http/tolerant-json.js';
import { jsonContent, tankErrors } from './schemas.js';

const PublishBody = z
  .object({
    manifest: manifestSchema,
    readme: z
      .string()
      .max(512 * 1024)
      .optional(),
    files: z.array(z.string().max(1024)).max(10_000).optional(),
  })
  .openapi('PublishRequest');

const publish = createRoute({
  method: 'post',
  path: '/api/v1/skills',
  tags: ['skills'],
  summary: 'Start publishing a version: validates the manifest and returns an upload URL',
  ...requiresAuth('skills:publish'),
  request: { body: { required: true, content: { 'application/json': { schema: PublishBody } } } },
  responses: {
    201: jsonContent(
      TankPublishStarted.meta({ id: 'PublishResponse' }),
      'Upload the gzipped tarball to uploadUrl (PUT, valid for one hour), then confirm',
    ),
    ...tankErrors(400, 401, 403, 409, 422, 429),
  },
});

const ConfirmBody = z
  .object({
    /** Optional: Tank's CLI sends only versionId (seed 001); the reservation is found by it. */
    skillId: z.string().uuid().optional(),
    versionId: z.string().uuid(),
    integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/, 'Expected sha512-<base64>.'),
    fileCount: z.number().int().min(0).optional(),
    tarballSize: z.number().int().min(0).optional(),
    readme: z
      .string()
      .max(512 * 1024)
      .optional(),
  })
  .openapi('ConfirmRequest');

const confirm = createRoute({
  method: 'post',
  path: '/api/v1/skills/confirm',
  tags: ['skills'],
  summary: 'Finish publishing: verify SHA-512, scan, publish',
  ...requiresAuth('skills:publish'),
  request: { body: { required: true, content: { 'application/json': { schema: ConfirmBody } } } },
  responses: {
    200: jsonContent(TankPublishConfirmed.meta({ id: 'ConfirmResponse' }), 'Published'),
    ...tankErrors(400, 401, 403, 404, 409, 422, 429),
  },
});

export function tankPublishRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const publishDeps = publishDepsOf(deps);

  app.openapi(publish, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const result = await initiatePublish(publishDeps, {
      tenantId: c.get('tenant').id,
      viewer: { userId: principal.user.id, scopes: principal.scopes },
      manifest: body.manifest,
      readme: body.readme,
    }).catch((error: unknown) => {
      // The domain names manifest fields; Tank's body nests them under `manifest`.
      throw error instanceof AgentryError ? withIssuePrefix(error, ['manifest']) : error;
    });
    return c.json(
      { uploadUrl: result.uploadUrl, skillId: result.packageId, versionId: result.versionId },
      201,
    );
  });

  app.use('/api/v1/skills/confirm', tolerateWrappedLines());
  app.openapi(confirm, async (c) => {
    const principal = requireScope(c, 'skills:publish');
    const body = c.req.valid('json');
    const result = await confirmPublish(publishDeps, {
      tenantId: c.get('tenant').id,
      viewer: { userId: principal.user.id, scopes: principal.scopes },
      packageId: body.skillId,
      versionId: body.versionId,
      integrity: body.integrity,
      // Tank's CLI sends "" when it found no README: fall back to the archive's own.
      readme: body.readme || undefined,
    });
    return c.json(
      {
        success: true as const,
        name: result.name,
        version: result.version,
        status: 'published' as const,
        auditScore: result.report.auditScore,
        verdict: result.report.verdict,
      },
      200,
    );
  });
  return app;
}
