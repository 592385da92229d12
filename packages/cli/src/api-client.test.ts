import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Health, TankSkill, TankStarState, TankVersionList, TankWhoami } from '@agentry/core/api';
import { describe, expect, it } from 'vitest';
import { createClient, RegistryError } from './api-client.js';
import { configPath, readUserConfig, writeUserConfig } from './config-file.js';
import { describeError } from './error-report.js';
import { resolveSettings } from './settings.js';

describe('api client', () => {
  it('sends the token to the registry only, never to another host', async () => {
    const seen: [string, string | null][] = [];
    const client = createClient({
      registry: 'https://registry.example.com/',
      token: 'agt_secret',
      fetch: async (url, init) => {
        seen.push([url, new Headers(init.headers).get('authorization')]);
        return new Response(
          JSON.stringify({
            userId: 'u',
            username: 'alice',
            name: null,
            email: null,
            tenant: 'default',
            scopes: [],
            tokenId: null,
          }),
          { status: 200 },
        );
      },
    });
    await client.request('/api/v1/auth/whoami', TankWhoami);
    await client.download('https://bucket.s3.example.net/t.tgz?sig=1');
    await client.download('https://registry.example.com.evil.test/t.tgz');
    expect(seen).toEqual([
      ['https://registry.example.com/api/v1/auth/whoami', 'Bearer agt_secret'],
      ['https://bucket.s3.example.net/t.tgz?sig=1', null],
      ['https://registry.example.com.evil.test/t.tgz', null],
    ]);
  });

  it('carries the server error code and refuses oversized downloads', async () => {
    const client = createClient({
      registry: 'http://r.test',
      fetch: async (url) =>
        url.endsWith('/big')
          ? new Response('x'.repeat(100), { status: 200 })
          : new Response(JSON.stringify({ error: 'NOT_FOUND', message: 'no such artifact' }), {
              status: 404,
            }),
    });
    await expect(client.request('/api/v1/skills/x', TankSkill)).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    await expect(client.download('/big', 10)).rejects.toMatchObject({ code: 'payload_too_large' });
    const down = createClient({
      registry: 'http://r.test',
      fetch: async () => Promise.reject(new Error('ECONNREFUSED')),
    });
    await expect(down.request('/health', Health)).rejects.toBeInstanceOf(RegistryError);
    await expect(down.request('/health', Health)).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('refuses an answer that does not match its wire schema, naming the endpoint and the field', async () => {
    const version = {
      version: '1.0.0',
      publishedAt: null,
      auditScore: 9,
      verdict: 'PASS',
      auditStatus: 'completed',
    };
    const body = { name: 'x', versions: [{ ...version, yanked: 'no', deprecated: null }] };
    const client = createClient({
      registry: 'http://r.test',
      fetch: async () => new Response(JSON.stringify(body), { status: 200 }),
    });
    const error = await client.request('/api/v1/skills/x/versions', TankVersionList).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({
      code: 'bad_response',
      status: 200,
      details: { endpoint: 'GET /api/v1/skills/x/versions', issues: [{ field: 'versions[0].yanked' }] },
    });
  });

  it('keeps fields this CLI does not know yet in what it returns', async () => {
    const star = { starred: true, stars: 2, since: '2026-01-01' };
    const client = createClient({
      registry: 'http://r.test',
      fetch: async () => new Response(JSON.stringify(star), { status: 200 }),
    });
    expect(await client.request('/api/v1/skills/x/star', TankStarState)).toEqual(star);
  });

  it('names the refused fields of a validation error, and reports it as a usage error (exit 2)', async () => {
    const client = createClient({
      registry: 'http://r.test',
      fetch: async () =>
        new Response(
          JSON.stringify({
            error: 'VALIDATION_ERROR',
            message: 'The request is not valid',
            issues: [
              { path: ['manifest', 'name'], message: 'must be lower-case' },
              { path: ['files', 0], message: 'too long' },
            ],
          }),
          { status: 422, headers: { 'x-agentry-error-code': 'invalid_name' } },
        ),
    });
    const error = await client.request('/api/v1/skills', TankSkill).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    const refused = error as RegistryError;
    expect(refused.code).toBe('validation_error');
    expect(refused.message).toContain('manifest.name: must be lower-case');
    expect(refused.message).toContain('files[0]: too long');
    const report = await describeError(refused);
    expect(report.exit).toBe(2);
    expect(report.hint).toBeDefined();
    const other = await describeError(new RegistryError('not_found', 'gone', 404));
    expect(other.exit).toBe(1);
  });
});

describe('config file and settings', () => {
  it('writes 0600 in a 0700 folder, tightens a wider mode, and ranks flag > env > config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentry-config-'));
    try {
      const env = { AGENTRY_CONFIG_DIR: join(dir, 'cfg') };
      writeUserConfig(env, {
        registry: 'https://saved.example',
        auth: { 'https://saved.example': { token: 'agt_saved' } },
      });
      expect(statSync(configPath(env)).mode & 0o777).toBe(0o600);
      expect(statSync(env.AGENTRY_CONFIG_DIR).mode & 0o777).toBe(0o700);
      chmodSync(configPath(env), 0o644);
      expect(readUserConfig(env).registry).toBe('https://saved.example');
      expect(statSync(configPath(env)).mode & 0o777).toBe(0o600);
      expect(resolveSettings({}, env)).toMatchObject({
        registry: 'https://saved.example',
        token: 'agt_saved',
        tokenSource: 'config',
      });
      expect(resolveSettings({}, { ...env, AGENTRY_TOKEN: 'agt_env' })).toMatchObject({
        token: 'agt_env',
        tokenSource: 'env',
      });
      expect(resolveSettings({ token: 'agt_flag', registry: 'https://other.example/' }, env)).toMatchObject({
        registry: 'https://other.example',
        token: 'agt_flag',
        tokenSource: 'flag',
      });
      // A token saved for one registry is not used for another.
      expect(resolveSettings({ registry: 'https://other.example' }, env).tokenSource).toBe('none');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
