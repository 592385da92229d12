/**
 * The GitHub Action's script run the way the runner runs it — inputs as INPUT_* variables, outputs
 * appended to $GITHUB_OUTPUT — against a spawned server; and action.yml declares what AI Toolkit's
 * aitk-publish documents.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { type AdminServer, cliBin, runBin, type SpawnedServer, startAdminServer } from './spawn.js';

const root = join(import.meta.dirname, '..');
const script = join(root, 'scripts', 'action-publish.mjs');

describe(`GitHub Action (${testDbKind()})`, () => {
  let admin: AdminServer;
  let server: SpawnedServer;
  let token: string;
  let dir: string;

  beforeAll(async () => {
    admin = await startAdminServer();
    ({ server, token } = admin);
    dir = makeTempDir('action');
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const runAction = (inputs: Record<string, string>, output: string) =>
    spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        AGENTRY_CONFIG_DIR: join(dir, 'config'),
        GITHUB_WORKSPACE: dir,
        GITHUB_OUTPUT: output,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k}`, v])),
      },
    });

  it('declares the documented inputs and output', () => {
    const action = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs).sort()).toEqual([
      'access',
      'api-token',
      'directory',
      'registry-url',
      'team',
    ]);
    expect(action.inputs['api-token'].required).toBe(true);
    expect(Object.keys(action.outputs)).toEqual(['artifact-slug']);
    expect(action.runs.using).toBe('composite');
  });

  it('publishes a folder and writes artifact-slug, personal and for a team', async () => {
    const env = { AGENTRY_CONFIG_DIR: join(dir, 'config'), HOME: dir };
    expect(
      runBin(cliBin, ['init', 'skill', '--name', 'ci-skill', '--dir', join(dir, 'ci-skill')], env).code,
    ).toBe(0);
    const output = join(dir, 'output.txt');
    const run = runAction({ API_TOKEN: token, DIRECTORY: 'ci-skill', REGISTRY_URL: server.url }, output);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${token}`);
    expect(readFileSync(output, 'utf8')).toBe('artifact-slug=admin/ci-skill@0.1.0\n');

    const org = await fetch(`${server.url}/api/v1/teams`, {
      method: 'POST',
      headers: { 'x-api-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'ci-team', name: 'CI' }),
    });
    expect(org.status).toBe(201);
    expect(
      runBin(cliBin, ['init', 'mcp', '--name', 'ci-server', '--dir', join(dir, 'ci-server')], env).code,
    ).toBe(0);
    const teamRun = runAction(
      { API_TOKEN: token, DIRECTORY: 'ci-server', ACCESS: 'team', TEAM: 'ci-team', REGISTRY_URL: server.url },
      output,
    );
    expect(teamRun.status, teamRun.stdout + teamRun.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('artifact-slug=ci-team/ci-server@0.1.0\n');
    const anonymous = await fetch(`${server.url}/api/v1/artifacts/ci-team/ci-server`);
    expect(anonymous.status).toBe(404);
    const member = await fetch(`${server.url}/api/v1/artifacts/ci-team/ci-server`, {
      headers: { 'x-api-token': token },
    });
    expect(((await member.json()) as { data: { visibility: string } }).data.visibility).toBe('team');
  });

  it('fails with an ::error:: annotation on bad inputs and refused publishes', () => {
    const output = join(dir, 'failed.txt');
    const noToken = runAction({ DIRECTORY: 'ci-skill', REGISTRY_URL: server.url }, output);
    expect(noToken.status).toBe(1);
    expect(noToken.stdout).toContain('::error::api-token is required');
    expect(
      runAction({ API_TOKEN: token, ACCESS: 'team', REGISTRY_URL: server.url }, output).stdout,
    ).toContain('::error::access: team needs');
    const again = runAction({ API_TOKEN: token, DIRECTORY: 'ci-skill', REGISTRY_URL: server.url }, output);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('[version_exists]');
    const badToken = runAction(
      { API_TOKEN: 'agt_wrong', DIRECTORY: 'ci-skill', REGISTRY_URL: server.url },
      output,
    );
    expect(badToken.stdout).toContain('[unauthorized]');
  });
});
