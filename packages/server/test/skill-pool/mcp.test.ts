/**
 * The MCP endpoint in-process: tenancy (a token of one tenant sees nothing of another, and a bad tenant
 * header is 401), agents found only with `kind: agent`, and bodies that are not JSON-RPC. The SDK client
 * and skill-pool's documented requests run against a spawned server in e2e/mcp-http.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let user: TestUser;
let other: Awaited<ReturnType<typeof secondTenant>>;

const rpc = (token: string, body: unknown, tenant?: string) =>
  call(t, 'POST', '/v1/mcp', { token, body, ...(tenant ? { tenant } : {}) });
const toolText = (res: Awaited<ReturnType<typeof rpc>>) =>
  ((res.body.result as { content: { text: string }[] }).content[0]?.text ?? '') as string;

beforeAll(async () => {
  t = await createTestApp();
  user = await createTestUser(t.deps, t.defaultTenantId);
  other = await secondTenant(t);
  for (const [name, kind] of [
    ['home-skill', 'skill'],
    ['home-agent', 'agent'],
  ] as const) {
    const files =
      kind === 'skill'
        ? skillFiles(name)
        : { 'AGENT.md': `---\nname: ${name}\ndescription: An agent.\n---\nHi\n` };
    const outcome = await publishVersion(t, user.token, { name, version: '1.0.0', kind }, files);
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
  }
});

afterAll(() => t.close());

describe('POST /v1/mcp', () => {
  it('shows each tenant only its own artifacts', async () => {
    const search = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'search_skills', arguments: {} },
    };
    expect(toolText(await rpc(user.token, search))).toMatch(/^1 matching skill\(s\):\n- home-skill/);
    const elsewhere = await rpc(other.user.token, search, other.slug);
    expect(elsewhere.status).toBe(200);
    expect(toolText(elsewhere)).toBe('No matching skills.');
    const get = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'get_skill', arguments: { slug: 'home-skill' } },
    };
    expect(toolText(await rpc(other.user.token, get, other.slug))).toBe(
      `no published skill \`home-skill\` in tenant \`${other.slug}\``,
    );
    // A token is valid in its own tenant only; an unknown tenant is 401 too.
    expect((await rpc(user.token, search, other.slug)).status).toBe(401);
    expect((await rpc(user.token, search, 'no-such-tenant')).status).toBe(401);
  });

  it('finds agents with kind agent only', async () => {
    const search = (kind?: string) => ({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'search_skills', arguments: { query: 'home', ...(kind ? { kind } : {}) } },
    });
    expect(toolText(await rpc(user.token, search('agent')))).toMatch(/^1 matching agent\(s\):\n- home-agent/);
    expect(toolText(await rpc(user.token, search()))).not.toMatch(/home-agent/);
  });

  it('refuses to inline a bundle over 1 MiB with -32602', async () => {
    const big = randomBytes(1024 * 1024 + 4096);
    const outcome = await publishVersion(
      t,
      user.token,
      { name: 'big-skill', version: '1.0.0' },
      skillFiles('big-skill', { 'assets/blob.bin': big }),
    );
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
    const install = (slug: string) => ({
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/call',
      params: { name: 'install_skill', arguments: { slug } },
    });
    expect((await rpc(user.token, install('big-skill'))).body.error).toMatchObject({ code: -32602 });
    expect((await rpc(user.token, install('home-skill'))).body.result).toMatchObject({ isError: false });
  });

  it('answers a body that is not JSON with a JSON-RPC parse error', async () => {
    const res = await t.request('/v1/mcp', {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it('is POST only', async () => {
    expect((await call(t, 'GET', '/v1/mcp', { token: user.token })).status).toBe(405);
    expect((await call(t, 'GET', '/mcp')).status).toBe(401);
  });
});
