/**
 * `GET /api/v1/badge/:name`: the audit score of the latest version as an SVG badge. A private or
 * missing artifact gets the same grey "not found" badge and status, so a badge reveals nothing.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import { canReadPackage, findPackage } from '../../domain/access.js';
import { latestScoreBadge, notFoundBadge } from '../../domain/badge.js';
import { fileSandboxCsp } from '../../domain/files.js';
import { viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { NameParam, tankErrors } from './schemas.js';

const badge = createRoute({
  method: 'get',
  path: '/api/v1/badge/{name}',
  tags: ['badge'],
  summary: 'Audit score badge (SVG): 9–10 green, 7–8 yellow-green, 5–6 yellow, 3–4 orange, 0–2 red',
  request: { params: NameParam },
  responses: {
    200: { description: 'Badge', content: { 'image/svg+xml': { schema: { type: 'string' } } } },
    404: {
      description: 'Unknown or private artifact (a grey badge)',
      content: { 'image/svg+xml': { schema: { type: 'string' } } },
    },
    ...tankErrors(429),
  },
});

export function tankBadgeRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(badge, async (c) => {
    const pkg = await findPackage(deps.db, c.get('tenant').id, c.req.valid('param').name);
    const visible = pkg && (await canReadPackage(deps.db, pkg, viewerOf(c)));
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Content-Security-Policy', fileSandboxCsp);
    if (!visible || !pkg.latest_version_id) {
      c.header('Cache-Control', 'no-cache');
      return c.body(notFoundBadge(), 404);
    }
    c.header('Cache-Control', pkg.visibility === 'public' ? 'public, max-age=300' : 'private, no-store');
    return c.body(await latestScoreBadge(deps.db, pkg), 200);
  });
  return app;
}
