/**
 * Importing a pack over smart HTTP from a real git server (git http-backend), and the guard that keeps
 * a client from pointing the server at its own network: loopback, private and metadata addresses are
 * refused unless IMPORT_ALLOW_PRIVATE_HOSTS, and redirects are never followed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { type GitHttpServer, startGitHttpServer } from '../../../../test-support/git-http-server.js';
import { isPublicAddress } from '../../src/domain/public-address.js';

const pack = `name: http-pack
version: 1.0.0
description: Imported over HTTP
prompts:
  - name: hello
    description: Say hello
    template: Say hello.
`;

let guarded: TestApp;
let open: TestApp;
let git: GitHttpServer;
let redirector: Server;
let redirectUrl: string;
let sha: string;

async function importFrom(t: TestApp, user: TestUser, publisherId: string, repoUrl: string) {
  const res = await t.request('/api/v1/packs/import', {
    method: 'POST',
    headers: { ...bearer(user.token), 'content-type': 'application/json' },
    body: JSON.stringify({ repo_url: repoUrl, publisher_id: publisherId, git_tag: 'v1.0.0' }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      pack_id?: string;
      error?: { code: string; details: { issues?: { path: string[] }[] } };
    },
  };
}

async function publisherOf(t: TestApp, user: TestUser, name: string): Promise<string> {
  const res = await t.request('/api/v1/packs/publishers', {
    method: 'POST',
    headers: { ...bearer(user.token), 'content-type': 'application/json' },
    body: JSON.stringify({ name, display_name: name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  const root = makeTempDir('git-http');
  const dir = join(root, 'http-pack.git');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ayaiay.yaml'), pack);
  const run = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=T', '-c', 'user.email=t@e.t', '-c', 'init.defaultBranch=main', ...args],
      {
        cwd: dir,
        stdio: 'pipe',
      },
    );
  run('init', '-q');
  run('add', '-A');
  run('commit', '-q', '-m', 'pack');
  run('tag', 'v1.0.0');
  sha = run('rev-parse', 'HEAD').toString().trim();
  git = await startGitHttpServer(root);
  // A server that only redirects to the git server: git must not follow it.
  redirector = createServer((req, res) => {
    res.writeHead(302, { location: `${git.url}${req.url}` });
    res.end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  guarded = await createTestApp();
  open = await createTestApp({ env: { IMPORT_ALLOW_PRIVATE_HOSTS: 'true' } });
}, 60_000);
afterAll(async () => {
  await guarded?.close();
  await open?.close();
  await git?.close();
  await new Promise((resolve) => redirector?.close(resolve));
});

describe('isPublicAddress', () => {
  it('accepts global unicast addresses', () => {
    for (const address of ['8.8.8.8', '140.82.112.3', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(isPublicAddress(address), address).toBe(true);
  });
  it('refuses loopback, private, link-local, reserved and embedded private addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::10.0.0.1',
      'not-an-address',
    ])
      expect(isPublicAddress(address), address).toBe(false);
  });
});

describe('ayaiay import over http', () => {
  it('imports from a git server over smart HTTP when private hosts are allowed, recording the commit', async () => {
    const user = await createTestUser(open.deps, open.defaultTenantId);
    const publisher = await publisherOf(open, user, 'http-publisher');
    const imported = await importFrom(open, user, publisher, `${git.url}/http-pack.git`);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const version = await open.request(`/api/v1/packs/${imported.body.pack_id}/versions/1.0.0`);
    expect(version.status).toBe(200);
    expect(JSON.stringify(await version.json())).toContain(sha);
  });

  it('never follows a redirect, even to an allowed host', async () => {
    const user = await createTestUser(open.deps, open.defaultTenantId);
    const publisher = await publisherOf(open, user, 'redirected-publisher');
    const redirected = await importFrom(open, user, publisher, `${redirectUrl}/http-pack.git`);
    expect([redirected.status, redirected.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
  });

  it('refuses loopback, private and metadata hosts by default, before any request', async () => {
    const user = await createTestUser(guarded.deps, guarded.defaultTenantId);
    const publisher = await publisherOf(guarded, user, 'guarded-publisher');
    const port = new URL(git.url).port;
    const before = git.requests;
    for (const url of [
      `${git.url}/http-pack.git`,
      `http://localhost:${port}/http-pack.git`,
      `http://[::1]:${port}/http-pack.git`,
      `http://0x7f000001:${port}/http-pack.git`,
      'http://169.254.169.254/latest/meta-data',
      'https://10.0.0.1/repo.git',
    ]) {
      const refused = await importFrom(guarded, user, publisher, url);
      expect([refused.status, refused.body.error?.code], url).toEqual([400, 'BAD_REQUEST']);
      expect(refused.body.error?.details.issues?.[0]?.path, url).toEqual(['repo_url']);
    }
    expect(git.requests).toBe(before);
  });
});
