import { version } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import { checkHealth } from '../domain/health.js';
import type { AppEnv } from '../http/context.js';

const Dep = z.object({ status: z.enum(['up', 'down', 'off']), latency_ms: z.number().int().optional() });
const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    deps: z.object({ db: Dep, storage: Dep, embedder: Dep }),
  })
  .openapi('Health');

function healthRoute(path: string) {
  return createRoute({
    method: 'get',
    path,
    tags: ['health'],
    summary: 'Liveness and dependency status (always HTTP 200)',
    responses: { 200: { description: 'Health report', content: { 'application/json': { schema: Health } } } },
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
