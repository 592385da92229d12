/**
 * `POST /v1/mcp` (and `/mcp`): the registry as an MCP server over Streamable HTTP and skill-pool's
 * JSON-RPC adapter in one (mcp/http.ts). The same Bearer credential and tenant header as the REST
 * surface; without a valid credential the answer is HTTP 401 in skill-pool's envelope, never a
 * JSON-RPC error. Stateless: GET (a server-sent stream) and DELETE (a session) are 405. The body is
 * JSON-RPC, read by the MCP SDK, so the route declares no body schema (no validator runs before it).
 */
import { AgentryError } from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../app-deps.js';
import { requirePrincipal, viewerOf } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { handleMcpRequest } from '../../mcp/http.js';
import { json, spErrors, tags } from './common.js';

const JsonRpcResponse = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number(), z.null()]),
    result: z.unknown().optional(),
    error: z.object({ code: z.number().int(), message: z.string() }).optional(),
  })
  .openapi('JsonRpcResponse');

const limit = bodyLimit({
  maxSize: 1024 * 1024,
  onError: () => {
    throw new AgentryError('payload_too_large');
  },
});

function mcpRoute(path: '/v1/mcp' | '/mcp') {
  const auth = requiresAuth();
  return createRoute({
    method: 'post',
    path,
    tags,
    summary:
      path === '/mcp'
        ? 'MCP endpoint (second address)'
        : 'MCP endpoint (Streamable HTTP) and JSON-RPC adapter',
    description:
      'A JSON-RPC 2.0 message: initialize, tools/list, tools/call, ping, notifications/*. MCP clients send `Accept: application/json, text/event-stream`; plain JSON-RPC clients may send one object with any Accept header. See docs/api.md, "MCP".',
    security: auth.security,
    middleware: [...auth.middleware, limit] as const,
    responses: {
      200: json(JsonRpcResponse, 'The JSON-RPC response (also to a notification, for plain clients)'),
      202: { description: 'A notification from an MCP client, accepted' },
      ...spErrors(401, 413),
    },
  });
}

export function mcpRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ['/v1/mcp', '/mcp'] as const) {
    app.openapi(mcpRoute(path), async (c) => {
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
