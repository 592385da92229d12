import { version } from '@agentry/core';
import { Health } from '@agentry/core/api';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import { checkHealth } from '../domain/health.js';
import type { AppEnv } from '../http/context.js';

const HealthSchema = Health.meta({ id: 'Health' });

function healthRoute(path: string) {
  return createRoute({
    method: 'get',
    path,
    tags: ['health'],
    summary: 'Liveness and dependency status (always HTTP 200)',
    responses: {
      200: { description: 'Health report', content: { 'application/json': { schema: HealthSchema } } },
    },
  });
}

/** Served without tenant or auth: a load balancer must reach it on any host name. */
export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ['/health', '/v1/healthz']) {
    app.openapi(healthRoute(path), async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await checkHealth(deps, version), 200);
    });
  }
  return app;
}
