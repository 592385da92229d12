/**
 * `POST /v1/mcp` (and `/mcp`): the registry as an MCP server over Streamable HTTP and skill-pool's
 * JSON-RPC adapter in one (mcp/http.ts). The same Bearer credential and tenant header as the REST
 * surface; without a valid credential the answer is HTTP 401 in skill-pool's envelope, never a
 * JSON-RPC error. Stateless: GET (a server-sent stream) and DELETE (a session) are 405.
 */
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../app-deps.js';
import { requirePrincipal, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { handleMcpRequest } from '../../mcp/http.js';

export function mcpRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const limit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new AgentryError('payload_too_large');
    },
  });

  for (const path of ['/v1/mcp', '/mcp']) {
    app.post(path, limit, async (c) => {
      requirePrincipal(c);
      const tenant = c.get('tenant');
      return handleMcpRequest(c.req.raw, {
        deps,
        tenant: { id: tenant.id, slug: tenant.slug },
        viewer: viewerOf(c),
        origin: deps.config.publicUrl,
      });
    });
    app.on(['GET', 'DELETE'], path, (c) => {
      requirePrincipal(c);
      c.header('Allow', 'POST');
      return c.body(null, 405);
    });
  }
  return app;
}
