/** agentry bootstrap against an in-process server: stack and remote detection, tiers, accept and install. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { type CliSandbox, errorCodeOf, nextSandbox } from '../../../../test-support/cli.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { runBootstrap } from './bootstrap.js';

let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createTestUser(t.deps, t.defaultTenantId, {
    role: 'admin',
    scopes: ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  for (const [name, keywords] of [
    ['axum-routes', ['rust', 'axum']],
    ['team-conventions', ['process']],
  ] as const) {
    expect(
      (
        await publishVersion(
          t,
          admin.token,
          { name, version: '1.0.0', keywords: [...keywords] },
          skillFiles(name),
        )
      ).status,
    ).toBe(200);
  }
  const headers = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
  await t.request('/v1/tenant/projects', {
    method: 'POST',
    headers,
    body: JSON.stringify({ slug: 'api', name: 'API', git_remote: 'https://github.com/acme/api' }),
  });
  await t.request('/v1/tenant/projects/api/items', {
    method: 'PUT',
    headers,
    body: JSON.stringify([{ slug: 'team-conventions', kind: 'skill' }]),
  });
}, 60_000);
afterAll(() => t.close());

function git(cwd: string, ...args: string[]) {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
}

/** A repository of its own, so the walk up to the project root stops here. */
function gitInit(dir: string) {
  git(dir, 'init', '-q');
}

/** A Rust project whose origin is the `api` project's remote, in ssh form. */
function rustProject(s: CliSandbox, remote = 'git@github.com:acme/api.git'): string {
  gitInit(s.project);
  git(s.project, 'remote', 'add', 'origin', remote);
  writeFileSync(join(s.project, 'Cargo.toml'), '[dependencies]\naxum = "0.8"\n');
  mkdirSync(join(s.project, 'src'), { recursive: true });
  return join(s.project, 'src');
}

describe('agentry bootstrap', () => {
  it('resolves the project from the remote, shows tiers, and installs everything with --yes', async () => {
    const s = nextSandbox(t, makeTempDir, admin.token);
    const cwd = rustProject(s);
    const result = await runBootstrap(s.context({ cwd }), { yes: true, tool: ['claude-code'] });
    expect(result.stack).toEqual(['rust', 'axum']);
    expect(result.remote).toBe('git@github.com:acme/api.git');
    expect(result.project).toEqual({ slug: 'api', name: 'API' });
    expect(result.recommended).toEqual([
      { slug: 'team-conventions', tier: 'project' },
      { slug: 'axum-routes', tier: 'tagged' },
    ]);
    expect(result.accepted).toEqual(['team-conventions', 'axum-routes']);
    expect(existsSync(join(s.project, '.claude', 'skills', 'axum-routes', 'SKILL.md'))).toBe(true);
    expect(existsSync(join(s.project, '.claude', 'skills', 'team-conventions', 'SKILL.md'))).toBe(true);
  });

  it('asks about each recommendation on a terminal and installs only the accepted ones', async () => {
    const s = nextSandbox(t, makeTempDir, admin.token);
    const cwd = rustProject(s);
    const asked: string[] = [];
    const confirm = async (question: string) => {
      asked.push(question);
      return question.includes('axum-routes');
    };
    const result = await runBootstrap(s.context({ cwd, confirm }), { tool: ['claude-code'] });
    expect(asked).toEqual(['Install team-conventions (project)?', 'Install axum-routes (tagged)?']);
    expect(result.accepted).toEqual(['axum-routes']);
    expect(existsSync(join(s.project, '.claude', 'skills', 'team-conventions'))).toBe(false);
  });

  it('installs nothing on --dry-run or without a terminal, and continues without an unknown remote', async () => {
    const s = nextSandbox(t, makeTempDir, admin.token);
    const cwd = rustProject(s, 'https://github.com/acme/unknown.git');
    const dry = await runBootstrap(s.context({ cwd }), { dryRun: true });
    expect(dry.project).toBeNull();
    expect(dry.recommended.map((r) => r.slug)).toEqual(['axum-routes']);
    expect(dry.installed).toBeNull();
    const quiet = await runBootstrap(s.context({ cwd }), {});
    expect(quiet.accepted).toEqual([]);
    expect(quiet.note).toContain('--yes');
  });

  it('needs a token, and says so when nothing is detected', async () => {
    const s = nextSandbox(t, makeTempDir, admin.token);
    expect(await errorCodeOf(() => runBootstrap(s.context({ token: undefined }), {}))).toBe('not_logged_in');
    gitInit(s.project);
    const empty = await runBootstrap(s.context(), {});
    expect(empty).toMatchObject({ stack: [], recommended: [], installed: null });
  });
});
