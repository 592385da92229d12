/**
 * One MCP request over Streamable HTTP, answered by the MCP SDK's server (stateless: a server and
 * transport per request, JSON responses, no session). Two kinds of client share the endpoint:
 *
 * - MCP clients (the SDK's Streamable HTTP client and the agent tools built on it) send
 *   `Accept: application/json, text/event-stream` and get exactly what the SDK answers;
 * - skill-pool's plain JSON-RPC clients POST one object with any or no Accept header, may leave out
 *   `jsonrpc` and `initialize`'s params, and expect a response object even to a notification
 *   (`result: null`). Their requests are completed before the SDK sees them, and a notification's
 *   202 becomes that 200.
 *
 * `tools/call` without usable params is skill-pool's −32602 `missing params`, answered here because the
 * SDK would report a schema failure as −32603.
 */
import { version } from '@agentry/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { callTool, type ToolCall, toolDefinitions } from './skill-pool-tools.js';

/** What skill-pool's server reports; SDK clients negotiate their own version during initialize. */
const plainProtocolVersion = '2025-03-26';

function createServer(call: ToolCall): Server {
  const server = new Server(
    { name: 'agentry', version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'Search the team catalog with search_skills, read one with get_skill, check get_scan_report before installing, and use get_install_instructions for the user’s agent tool.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...toolDefinitions] }));
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    callTool(call, request.params.name, (request.params.arguments ?? {}) as Record<string, unknown>),
  );
  return server;
}

const jsonRpc = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain client's message made into one the SDK accepts. */
function completePlainMessage(message: Record<string, unknown>): Record<string, unknown> {
  const completed: Record<string, unknown> = { ...message, jsonrpc: '2.0' };
  const params = message.params;
  if (message.method === 'initialize' && !(isObject(params) && typeof params.protocolVersion === 'string')) {
    completed.params = {
      protocolVersion: plainProtocolVersion,
      capabilities: {},
      clientInfo: { name: 'json-rpc', version: '0' },
    };
  }
  return completed;
}

function missingParams(message: Record<string, unknown>): Response | undefined {
  if (message.method !== 'tools/call') return undefined;
  const params = message.params;
  const problem = !isObject(params)
    ? 'missing params'
    : typeof params.name !== 'string'
      ? 'unknown tool: '
      : params.arguments !== undefined && !isObject(params.arguments)
        ? 'invalid arguments: arguments must be an object'
        : undefined;
  if (!problem) return undefined;
  const code = problem.startsWith('unknown') ? ErrorCode.MethodNotFound : ErrorCode.InvalidParams;
  return jsonRpc({ jsonrpc: '2.0', id: message.id ?? null, error: { code, message: problem } });
}

export async function handleMcpRequest(request: Request, call: ToolCall): Promise<Response> {
  const accept = request.headers.get('accept') ?? '';
  const mcpClient = accept.includes('application/json') && accept.includes('text/event-stream');
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return jsonRpc(
      { jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError, message: 'Parse error' } },
      400,
    );
  }
  if (isObject(body)) {
    const early = missingParams(body);
    if (early) return early;
    if (!mcpClient) body = completePlainMessage(body);
  }
  const headers = new Headers(request.headers);
  headers.set('accept', 'application/json, text/event-stream');
  headers.set('content-type', 'application/json');
  const server = createServer(call);
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  try {
    await server.connect(transport);
    const response = await transport.handleRequest(new Request(request.url, { method: 'POST', headers }), {
      parsedBody: body,
    });
    if (response.status === 202 && !mcpClient) return jsonRpc({ jsonrpc: '2.0', id: null, result: null });
    // The body is complete (JSON response mode), so the server can be closed before it is sent.
    const bytes = await response.arrayBuffer();
    return new Response(bytes, { status: response.status, headers: response.headers });
  } finally {
    await server.close();
  }
}
