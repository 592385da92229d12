/**
 * Every endpoint of ayaiay-catalog-api.txt with its shapes, ids, statuses and `{ error: { code, message,
 * details } }` envelope; import from a real git repository this test creates (file://), in both
 * ayaiay.yaml shapes, refusing unsafe repositories; the documented rate limits and headers; and an
 * imported pack installed by the CLI into two agent tools.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { createCliSandbox } from '../../../../test-support/cli.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { runInstallCommand } from '../../../cli/src/commands/install.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
let publisherId: string;
let repos: string;

type Json = Record<string, unknown>;

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await t.request(path, {
    method,
    headers: {
      ...(token ? bearer(token) : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Json & { error?: { code: string; message: string; details: Json } },
  };
}

/** A git repository with these files, committed and tagged. */
function gitRepo(name: string, files: Record<string, string>, tag = 'v1.0.0'): string {
  const dir = join(repos, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Test',
        '-c',
        'user.email=test@example.test',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      { cwd: dir, stdio: 'pipe' },
    );
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'pack');
  git('tag', tag);
  return dir;
}

const flatPack = `name: code-reviewer
version: 1.0.0
display_name: Code Reviewer Pack
description: AI agents for code review
tags: [review, quality]
agents:
  - name: senior-reviewer
    description: Expert code reviewer
    system_prompt: |
      # Senior Reviewer

      You are a careful senior reviewer.
    model: claude-3-5-sonnet-20241022
instructions:
  - name: style
    description: House style
    content: Prefer small functions.
prompts:
  - name: review-diff
    description: Review a diff
    template: Review this diff for bugs.
`;

const nestedPack = `apiVersion: v1
kind: Pack
metadata:
  name: platform-kit
  version: 2.1.0
  description: Platform tooling
spec:
  agents:
    - name: deployer
      description: Deploys
      type: github-copilot-agent
      instructions: ./agents/deployer.md
  instructions:
    - name: ops
      path: ./docs/ops.md
  skills:
    - path: ./skills/release/SKILL.md
  mcp_servers:
    - path: ./mcp-servers/metrics.yaml
`;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      IMPORT_ALLOW_FILE_URLS: 'true',
      PACKS_RATE_LIMIT_ANONYMOUS: '100000',
      PACKS_RATE_LIMIT_AUTHENTICATED: '100000',
    },
  });
  alice = await createTestUser(t.deps, t.defaultTenantId);
  bob = await createTestUser(t.deps, t.defaultTenantId);
  repos = makeTempDir('ayaiay-repos');
}, 60_000);
afterAll(() => t.close());

describe('ayaiay publishers', () => {
  it('creates, lists and updates publishers, owners and admins only', async () => {
    const created = await call('POST', '/api/v1/packs/publishers', alice.token, {
      name: 'acme-corp',
      display_name: 'ACME Corporation',
      description: 'Building amazing AI tools',
      website_url: 'https://acme.com',
      github_org: 'acme',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'acme-corp',
      display_name: 'ACME Corporation',
      description: 'Building amazing AI tools',
      website_url: 'https://acme.com',
      github_org: 'acme',
      avatar_url: null,
      created_at: expect.any(String),
    });
    publisherId = created.body.id as string;
    expect(
      (
        await call('POST', '/api/v1/packs/publishers', alice.token, {
          name: 'acme-corp',
          display_name: 'Again',
        })
      ).body.error?.code,
    ).toBe('CONFLICT');
    const bad = await call('POST', '/api/v1/packs/publishers', alice.token, {
      name: 'Bad Name',
      display_name: 'x',
    });
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
    expect(bad.body.error?.details).toEqual({ issues: [expect.objectContaining({ path: ['name'] })] });
    expect(
      (await call('POST', '/api/v1/packs/publishers', undefined, { name: 'x', display_name: 'x' })).body.error
        ?.code,
    ).toBe('UNAUTHORIZED');
    const mine = await call('GET', '/api/v1/packs/publishers/me', alice.token);
    expect((mine.body.publishers as Json[]).map((p) => p.id)).toEqual([publisherId]);
    expect((await call('GET', '/api/v1/packs/publishers/me', bob.token)).body.publishers).toEqual([]);
    const updated = await call('PUT', `/api/v1/packs/publishers/${publisherId}`, alice.token, {
      description: 'Now with packs',
      avatar_url: 'https://avatars.example/u/1',
    });
    expect(updated.body).toMatchObject({
      description: 'Now with packs',
      avatar_url: 'https://avatars.example/u/1',
      display_name: 'ACME Corporation',
    });
    // An empty update changes nothing and answers the publisher as it is (it was a 500: UPDATE … SET nothing).
    const unchanged = await call('PUT', `/api/v1/packs/publishers/${publisherId}`, alice.token, {});
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toEqual(updated.body);
    expect((await call('PUT', `/api/v1/packs/publishers/${publisherId}`, bob.token, {})).status).toBe(403);
    expect(
      (await call('PUT', `/api/v1/packs/publishers/${publisherId}`, bob.token, { description: 'mine now' }))
        .status,
    ).toBe(403);
    const missing = await call(
      'PUT',
      '/api/v1/packs/publishers/00000000-0000-0000-0000-000000000000',
      alice.token,
      { description: 'x' },
    );
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'PUBLISHER_NOT_FOUND']);
  });
});

describe('ayaiay import from git', () => {
  it('imports a flat-shape pack at a tag, recording tag and commit, and serves its contents', async () => {
    const dir = gitRepo('code-reviewer', { 'ayaiay.yaml': flatPack, 'README.md': '# Code Reviewer\n' });
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).toString().trim();
    const imported = await call('POST', '/api/v1/packs/import', alice.token, {
      repo_url: `file://${dir}`,
      publisher_id: publisherId,
      git_tag: 'v1.0.0',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toEqual({
      pack_id: expect.any(String),
      version_id: expect.any(String),
      status: 'imported',
      message: expect.stringContaining('imported'),
    });
    const packId = imported.body.pack_id as string;

    const pack = await call('GET', `/api/v1/packs/${packId}`);
    expect(pack.body).toEqual({
      id: packId,
      name: 'code-reviewer',
      display_name: 'Code Reviewer Pack',
      description: 'AI agents for code review',
      publisher: {
        id: publisherId,
        name: 'acme-corp',
        display_name: 'ACME Corporation',
        avatar_url: 'https://avatars.example/u/1',
      },
      repo_url: `file://${dir}`,
      visibility: 'PUBLIC',
      published_version: '1.0.0',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const versions = await call('GET', `/api/v1/packs/${packId}/versions`);
    expect(versions.body.versions).toEqual([
      {
        id: imported.body.version_id,
        pack_id: packId,
        version: '1.0.0',
        git_tag: 'v1.0.0',
        git_commit_sha: sha,
        changelog: null,
        created_at: expect.any(String),
      },
    ]);
    const version = await call('GET', `/api/v1/packs/${packId}/versions/1.0.0`);
    expect(version.body).toMatchObject({
      id: imported.body.version_id,
      pack_id: packId,
      version: '1.0.0',
      git_tag: 'v1.0.0',
      git_commit_sha: sha,
    });
    expect(version.body.manifest).toMatchObject({
      name: 'code-reviewer',
      display_name: 'Code Reviewer Pack',
      version: '1.0.0',
      agents: [{ name: 'senior-reviewer', description: 'Expert code reviewer' }],
    });
    expect(version.body.agents).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'senior-reviewer',
        description: 'Expert code reviewer',
        instructions_content: expect.stringContaining('You are a careful senior reviewer.'),
        model_provider: 'anthropic',
        model_name: 'claude-3-5-sonnet-20241022',
      }),
    ]);
    expect(version.body.instructions).toEqual([
      expect.objectContaining({ name: 'style', content: 'Prefer small functions.' }),
    ]);
    expect(version.body.prompts).toEqual([
      expect.objectContaining({ name: 'review-diff', template: 'Review this diff for bugs.' }),
    ]);
    expect(version.body.mcp_servers).toEqual([]);
    expect((await call('GET', `/api/v1/packs/${packId}/versions/9.9.9`)).body.error?.code).toBe(
      'VERSION_NOT_FOUND',
    );
    // The same pack through Tank's API, scanned.
    expect((await call('GET', '/api/v1/skills/@acme-corp%2Fcode-reviewer/1.0.0')).body.verdict).toBe('PASS');
    expect(
      (
        await call('POST', '/api/v1/packs/import', alice.token, {
          repo_url: `file://${dir}`,
          publisher_id: publisherId,
          git_tag: 'v1.0.0',
        })
      ).body.error?.code,
    ).toBe('VERSION_EXISTS');
  });

  it('imports the spec-nested shape with skills and MCP servers, and the CLI installs it into two tools', async () => {
    const dir = gitRepo(
      'platform-kit',
      {
        'ayaiay.yaml': nestedPack,
        'agents/deployer.md': '# Deployer\n\nYou deploy carefully.\n',
        'docs/ops.md': 'Page the on-call before deploying.\n',
        'skills/release/SKILL.md':
          '---\nname: release\ndescription: Cuts a release with notes.\n---\n\n# Release\n\nWrite the notes, then tag.\n',
        'mcp-servers/metrics.yaml': 'name: metrics\ncommand: metrics-server\nargs: ["--stdio"]\n',
      },
      'v2.1.0',
    );
    const imported = await call('POST', '/api/v1/packs/import', alice.token, {
      repo_url: `file://${dir}`,
      publisher_id: publisherId,
      git_tag: 'v2.1.0',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const version = await call('GET', `/api/v1/packs/${imported.body.pack_id}/versions/2.1.0`);
    expect((version.body.agents as Json[])[0]).toMatchObject({
      name: 'deployer',
      instructions_path: 'agents/deployer.md',
      instructions_content: expect.stringContaining('deploy carefully'),
    });
    expect((version.body.instructions as Json[])[0]).toMatchObject({
      name: 'ops',
      path: 'docs/ops.md',
      content: expect.stringContaining('on-call'),
    });
    expect(version.body.mcp_servers).toEqual([
      expect.objectContaining({ name: 'metrics', command: 'metrics-server', args: ['--stdio'] }),
    ]);

    const sandbox = createCliSandbox(t, makeTempDir('ayaiay-install'), alice.token);
    const result = await runInstallCommand(sandbox.context(), ['@acme-corp/platform-kit'], {
      tool: ['claude-code', 'cursor'],
    });
    expect(result.installed[0]).toMatchObject({ name: '@acme-corp/platform-kit', version: '2.1.0' });
    const p = sandbox.project;
    for (const path of [
      '.claude/agents/deployer.md',
      '.cursor/agents/deployer.md',
      '.claude/rules/ops.md',
      '.cursor/rules/ops.mdc',
      '.claude/skills/release/SKILL.md',
      '.cursor/skills/release/SKILL.md',
    ]) {
      expect(existsSync(join(p, path)), path).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(p, '.mcp.json'), 'utf8')).mcpServers.metrics).toEqual({
      type: 'stdio',
      command: 'metrics-server',
      args: ['--stdio'],
    });
    expect(JSON.parse(readFileSync(join(p, '.cursor/mcp.json'), 'utf8')).mcpServers.metrics.command).toBe(
      'metrics-server',
    );
  });

  it('refuses unsafe repositories with UNSAFE_ARCHIVE, invalid ones with BAD_REQUEST and field paths', async () => {
    const linked = gitRepo('linked', { 'ayaiay.yaml': flatPack.replace('code-reviewer', 'linked') });
    symlinkSync('/etc/passwd', join(linked, 'passwd'));
    execFileSync('git', ['add', 'passwd'], { cwd: linked });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e.t', 'commit', '-qm', 'link'], {
      cwd: linked,
    });
    execFileSync('git', ['tag', 'v1.1.0'], { cwd: linked });
    const importing = (repo: string, tag: string) =>
      call('POST', '/api/v1/packs/import', alice.token, {
        repo_url: repo,
        publisher_id: publisherId,
        git_tag: tag,
      });
    const link = await importing(`file://${linked}`, 'v1.1.0');
    // A link is an unsafe entry, refused like one in an uploaded archive (issue 15 item 1).
    expect([link.status, link.body.error?.code]).toEqual([422, 'UNSAFE_ARCHIVE']);
    expect(link.body.error?.details).toMatchObject({ reason: 'archive_link' });
    const invalid = gitRepo('invalid', {
      'ayaiay.yaml': 'name: Bad_Name\nagents:\n  - name: a\n  - name: a\n',
    });
    const bad = await importing(`file://${invalid}`, 'v1.0.0');
    expect(bad.body.error?.code).toBe('BAD_REQUEST');
    expect(bad.body.error?.details.issues).toEqual([
      expect.objectContaining({ path: expect.arrayContaining(['ayaiay.yaml']) }),
    ]);
    const dupes = gitRepo('dupes', { 'ayaiay.yaml': 'name: dupes\nagents:\n  - name: a\n  - name: a\n' });
    expect((await importing(`file://${dupes}`, 'v1.0.0')).body.error?.details.issues).toEqual([
      expect.objectContaining({ path: ['ayaiay.yaml', 'agents', 1, 'name'] }),
    ]);
    const leaving = gitRepo('escape', {
      'ayaiay.yaml':
        'apiVersion: v1\nkind: Pack\nmetadata:\n  name: escape\n  version: 1.0.0\nspec:\n  instructions:\n    - name: x\n      path: ../../etc/passwd\n',
    });
    expect((await importing(`file://${leaving}`, 'v1.0.0')).body.error?.code).toBe('BAD_REQUEST');
    const none = gitRepo('none', { 'README.md': 'no manifest' });
    const reason = async (repo: string, tag: string) =>
      (await importing(repo, tag)).headers.get('x-agentry-error-code');
    expect(await reason(`file://${none}`, 'v1.0.0')).toBe('pack_manifest_missing');
    expect(await reason(`file://${none}`, 'v9.9.9')).toBe('clone_failed');
    expect((await importing('ssh://git@example.com/x.git', 'v1.0.0')).status).toBe(400);
    expect((await importing(`file://${none}`, '--upload-pack=evil')).status).toBe(400);
    const foreign = await call('POST', '/api/v1/packs/import', bob.token, {
      repo_url: `file://${none}`,
      publisher_id: publisherId,
      git_tag: 'v1.0.0',
    });
    expect(foreign.body.error?.code).toBe('FORBIDDEN');
    const ghost = await call('POST', '/api/v1/packs/import', alice.token, {
      repo_url: `file://${none}`,
      publisher_id: 'nope',
      git_tag: 'v1.0.0',
    });
    expect(ghost.body.error?.code).toBe('PUBLISHER_NOT_FOUND');
  });
});

describe('ayaiay catalog', () => {
  it('lists public packs with query, limit and offset; my packs; stats', async () => {
    expect((await publishVersion(t, alice.token, { name: 'not-a-pack', version: '1.0.0' })).status).toBe(200);
    const all = await call('GET', '/api/v1/packs');
    expect(all.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect((all.body.packs as Json[]).map((p) => p.name).sort()).toEqual(['code-reviewer', 'platform-kit']);
    const found = await call('GET', '/api/v1/packs?query=review&limit=10');
    expect((found.body.packs as Json[]).map((p) => p.name)).toEqual(['code-reviewer']);
    expect((await call('GET', '/api/v1/packs?limit=1&offset=1')).body.packs).toHaveLength(1);
    const over = await call('GET', '/api/v1/packs?limit=101');
    expect([over.status, over.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
    expect(
      ((await call('GET', '/api/v1/packs/me', alice.token)).body.packs as Json[]).map((p) => p.name).sort(),
    ).toEqual(['code-reviewer', 'platform-kit']);
    expect((await call('GET', '/api/v1/packs/me', bob.token)).body).toEqual({ packs: [], total: 0 });
    expect((await call('GET', '/api/v1/packs/me')).body.error?.code).toBe('UNAUTHORIZED');
    const stats = await call('GET', '/api/v1/packs/stats');
    expect(stats.body).toEqual({
      total_packs: 2,
      total_versions: 2,
      total_publishers: 1,
      total_agents: 2,
      total_instructions: 2,
      total_prompts: 1,
      total_mcp_servers: 1,
    });
    const missing = await call('GET', '/api/v1/packs/invalid-id');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'PACK_NOT_FOUND', message: "Pack with ID 'invalid-id' not found", details: {} },
    });
  });
});

describe('ayaiay rate limits', () => {
  it('applies 60 per hour per address by default, with the documented headers', async () => {
    const limited = await createTestApp();
    try {
      const answers: Response[] = [];
      for (let i = 0; i < 61; i++) answers.push(await limited.request('/api/v1/packs/stats'));
      expect(answers[59]?.status).toBe(200);
      expect(answers[0]?.headers.get('x-ratelimit-limit')).toBe('60');
      expect(answers[0]?.headers.get('x-ratelimit-remaining')).toBe('59');
      const refused = answers[60] as Response;
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMIT_EXCEEDED');
      // Tank's paths keep their own, separate limit.
      expect((await limited.request('/api/v1/search')).headers.get('x-ratelimit-limit')).toBe('100');
      const user = await createTestUser(limited.deps, limited.defaultTenantId);
      const authed = await limited.request('/api/v1/packs/stats', { headers: bearer(user.token) });
      expect(authed.status).toBe(200);
      expect(authed.headers.get('x-ratelimit-limit')).toBe('5000');
      expect(Number(authed.headers.get('x-ratelimit-remaining'))).toBe(4999);
      expect(Number(authed.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    } finally {
      await limited.close();
    }
  });
});
