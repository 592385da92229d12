/**
 * The registry's MCP endpoint against a spawned server: the official MCP SDK client over Streamable
 * HTTP (initialize, tools, every tool called, a private artifact invisible to another user, 401 without
 * a token) and skill-pool's plain JSON-RPC requests as raw POSTs (skill-pool-wire.md §6.14).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { Browser } from './browser.js';
import { type AdminServer, cliBin, startAdminServer } from './spawn.js';

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };
const jsonOf = (result: ToolResult) =>
  JSON.parse(result.content[1]?.text.replace(/^```json\n/, '').replace(/\n```$/, '') ?? 'null');

describe(`MCP over Streamable HTTP (${testDbKind()})`, () => {
  let admin: AdminServer;
  let url: string;
  let root: string;
  let outsiderToken: string;
  const clients: Client[] = [];

  const connect = async (token: string, path = '/v1/mcp') => {
    const client = new Client({ name: 'agentry-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(path, url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  const call = (client: Client, name: string, args: Record<string, unknown>) =>
    client.callTool({ name, arguments: args }) as Promise<ToolResult>;

  beforeAll(async () => {
    admin = await startAdminServer();
    url = admin.server.url;
    root = makeTempDir('mcp-http');
    mkdirSync(join(root, 'home'));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: join(root, 'home'),
      AGENTRY_CONFIG_DIR: join(root, 'config'),
      AGENTRY_REGISTRY: url,
      AGENTRY_TOKEN: admin.token,
    };
    const agentry = (args: string[], cwd: string) => {
      const run = spawnSync(process.execPath, [cliBin, ...args], {
        cwd,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr + run.stdout).toBe(0);
    };
    for (const [name, flags] of [
      ['mcp-public', []],
      ['mcp-secret', ['--private']],
    ] as const) {
      const dir = join(root, name);
      agentry(['init', 'skill', '--name', name, '--dir', dir, '--description', `The ${name} skill.`], root);
      agentry(['publish', ...flags], dir);
    }
    // Another member of the tenant, with a read token of their own made on the dashboard.
    const browser = new Browser(url);
    await browser.signUp('outsider');
    const created = await browser.submit('/dashboard/tokens', {
      csrf: await browser.csrfOf('/dashboard/tokens'),
      name: 'mcp',
      scopes: 'skills:read',
      expires: '30',
    });
    const token = /agt_[A-Za-z0-9_-]{20,}/.exec(await created.text())?.[0];
    if (!token) throw new Error('no token on the dashboard page');
    outsiderToken = token;
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await admin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('refuses requests without a valid token with HTTP 401', async () => {
    for (const path of ['/v1/mcp', '/mcp']) {
      for (const headers of [{}, { Authorization: 'Bearer agt_not-a-real-token' }] as Record<
        string,
        string
      >[]) {
        const res = await fetch(new URL(path, url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        });
        expect(res.status, path).toBe(401);
        expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
      }
    }
    // The SDK client reports the HTTP status.
    await expect(connect('agt_not-a-real-token')).rejects.toMatchObject({ code: 401 });
  });

  it('initializes, lists the tools and calls each one', async () => {
    const client = await connect(admin.token);
    expect(client.getServerVersion()?.name).toBe('agentry');
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'search_skills',
      'get_skill',
      'install_skill',
      'list_versions',
      'get_scan_report',
      'get_install_instructions',
    ]);

    const found = await call(client, 'search_skills', { query: 'mcp-' });
    expect(found.content[0]?.text).toMatch(/^2 matching skill\(s\):/);
    expect(jsonOf(found).map((s: { slug: string }) => s.slug)).toEqual(['mcp-public', 'mcp-secret']);

    const skill = await call(client, 'get_skill', { slug: 'mcp-public' });
    expect(skill.content[0]?.text).toMatch(/^---\nname: mcp-public\n/);

    const bundle = jsonOf(await call(client, 'install_skill', { slug: 'mcp-public' }));
    const bytes = Buffer.from(bundle.bundle_base64, 'base64');
    expect(bundle).toMatchObject({
      slug: 'mcp-public',
      version: '0.1.0',
      kind: 'skill',
      size_bytes: bytes.length,
    });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(bundle.sha256);
    expect(gunzipSync(bytes).includes(Buffer.from('name: mcp-public'))).toBe(true);

    const versions = jsonOf(await call(client, 'list_versions', { slug: 'mcp-public' }));
    expect(versions.map((v: { version: string }) => v.version)).toEqual(['0.1.0']);

    const report = await call(client, 'get_scan_report', { slug: 'mcp-public' });
    expect(jsonOf(report).verdict).toMatch(/^PASS/);
    expect(report.content[0]?.text).toMatch(/^mcp-public@0\.1\.0: verdict PASS/);

    const howTo = jsonOf(
      await call(client, 'get_install_instructions', { slug: 'mcp-public', tool: 'claude-code' }),
    );
    expect(howTo.tools).toEqual([
      expect.objectContaining({
        tool: 'claude-code',
        command: `agentry install mcp-public --tool claude-code --registry ${url}`,
        project_path: '.claude/skills/mcp-public/',
      }),
    ]);
  });

  it('answers a missing slug as a tool error, bad arguments and unknown tools as JSON-RPC errors', async () => {
    const client = await connect(admin.token, '/mcp');
    const missing = await call(client, 'get_skill', { slug: 'no-such-skill' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toBe('no published skill `no-such-skill` in tenant `default`');
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => (error instanceof McpError ? error.code : error),
      );
    expect(await codeOf(call(client, 'search_skills', { kind: 'plugin' }))).toBe(ErrorCode.InvalidParams);
    expect(await codeOf(call(client, 'get_skill', {}))).toBe(ErrorCode.InvalidParams);
    expect(await codeOf(call(client, 'no_such_tool', {}))).toBe(ErrorCode.MethodNotFound);
  });

  it('keeps a private artifact invisible to another user', async () => {
    const client = await connect(outsiderToken);
    const found = await call(client, 'search_skills', { query: 'mcp-' });
    expect(jsonOf(found).map((s: { slug: string }) => s.slug)).toEqual(['mcp-public']);
    for (const tool of [
      'get_skill',
      'install_skill',
      'list_versions',
      'get_scan_report',
      'get_install_instructions',
    ]) {
      const hidden = await call(client, tool, { slug: 'mcp-secret' });
      expect(hidden.isError, tool).toBe(true);
      expect(hidden.content[0]?.text).toBe('no published skill `mcp-secret` in tenant `default`');
    }
  });

  describe('plain JSON-RPC, as skill-pool documents it', () => {
    const rpc = async (body: unknown, path = '/v1/mcp') => {
      const res = await fetch(new URL(path, url), {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${admin.token}`,
          'X-Skill-Pool-Tenant': 'default',
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        jsonrpc: string;
        id: unknown;
        result?: Record<string, unknown>;
        error?: { code: number };
      };
    };

    it('initialize, tools/list, tools/call, ping and notifications', async () => {
      const init = await rpc({ jsonrpc: '2.0', id: 1, method: 'initialize' });
      expect(init).toMatchObject({
        jsonrpc: '2.0',
        id: 1,
        result: {
          protocolVersion: '2025-03-26',
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: 'agentry' },
        },
      });
      const list = await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      expect(((list.result?.tools ?? []) as { name: string }[]).map((t) => t.name)).toContain(
        'search_skills',
      );
      const search = await rpc({
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'search_skills', arguments: { query: 'public', limit: 5 } },
      });
      const content = search.result?.content as { text: string }[];
      expect(content[0]?.text).toMatch(/^1 matching skill\(s\):\n- mcp-public — v0\.1\.0/);
      expect(content[1]?.text).toMatch(/^```json\n\[/);
      expect(search.result?.isError).toBe(false);
      expect(await rpc({ jsonrpc: '2.0', id: 4, method: 'ping' }, '/mcp')).toEqual({
        jsonrpc: '2.0',
        id: 4,
        result: {},
      });
      expect(await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' })).toEqual({
        jsonrpc: '2.0',
        id: null,
        result: null,
      });
      // Without the jsonrpc member, as skill-pool's server accepts.
      expect((await rpc({ id: 5, method: 'ping' })).result).toEqual({});
    });

    it('-32601 for unknown methods and tools, -32602 for missing params', async () => {
      expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'resources/nothing' })).error?.code).toBe(-32601);
      expect(
        (await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'nope', arguments: {} } }))
          .error?.code,
      ).toBe(-32601);
      expect((await rpc({ jsonrpc: '2.0', id: 3, method: 'tools/call' })).error?.code).toBe(-32602);
      expect(
        (
          await rpc({
            jsonrpc: '2.0',
            id: 4,
            method: 'tools/call',
            params: { name: 'search_skills', arguments: { limit: 0 } },
          })
        ).error?.code,
      ).toBe(-32602);
    });
  });
});
