/** login (device flow and --token), logout, whoami through the saved token, search, info, stars, tokens, orgs, doctor. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { type CliSandbox, errorCodeOf, nextSandbox } from '../../../../test-support/cli.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { decideDeviceLogin } from '../../../server/src/domain/device-auth.js';
import {
  runOrgAdd,
  runOrgCreate,
  runOrgInfo,
  runOrgList,
  runOrgRemove,
  runStar,
  runTokenCreate,
  runTokenList,
  runTokenRevoke,
} from './account.js';
import { runDoctor } from './doctor.js';
import { runLogin, runLogout } from './login.js';
import { runInfo, runSearch, splitSpec } from './search.js';
import { runWhoami } from './whoami.js';

let t: TestApp;
let user: TestUser;
let other: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  user = await createTestUser(t.deps, t.defaultTenantId);
  other = await createTestUser(t.deps, t.defaultTenantId);
  for (const version of ['1.0.0', '1.1.0']) {
    const outcome = await publishVersion(t, user.token, {
      name: 'lint-helper',
      version,
      keywords: ['lint', 'typescript'],
      description: 'Helps with lint.',
    });
    expect(outcome.status).toBe(200);
  }
  expect(
    (
      await publishVersion(t, user.token, {
        name: 'deploy-helper',
        version: '0.1.0',
        kind: 'skill',
        description: 'Deploys.',
      })
    ).status,
  ).toBe(200);
}, 120_000);
afterAll(() => t.close());

const sandbox = (token?: string): CliSandbox => nextSandbox(t, makeTempDir, token);

describe('agentry login', () => {
  it('runs the device flow, polls until approved, and saves the token 0600', async () => {
    const s = sandbox();
    let pollToken = '';
    let polls = 0;
    const result = await runLogin(s.context(), {
      openUrl: (url) => {
        pollToken = new URL(url).searchParams.get('token') ?? '';
      },
      sleep: async () => {
        polls += 1;
        // Approve on the second poll, as a person in a browser would, a little later.
        if (polls === 2) await decideDeviceLogin(t.deps.db, t.defaultTenantId, pollToken, user.id, true);
      },
    });
    expect(polls).toBe(2);
    expect(result).toEqual(
      expect.objectContaining({
        username: user.username,
        method: 'device',
        registry: 'http://registry.test',
      }),
    );
    const file = join(s.configDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(s.configDir).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.auth['http://registry.test'].token).toMatch(/^agt_/);
    // Later commands use the saved token.
    const ctx = s.context({ token: undefined });
    expect(ctx.settings.tokenSource).toBe('config');
    expect((await runWhoami(ctx.client)).username).toBe(user.username);
    expect(runLogout(ctx).removed).toBe(true);
    expect(s.context({ token: undefined }).settings.tokenSource).toBe('none');
    expect(runLogout(s.context({ token: undefined })).removed).toBe(false);
  });

  it('stops with login_expired when the browser denies', async () => {
    const s = sandbox();
    let pollToken = '';
    const code = await errorCodeOf(() =>
      runLogin(s.context(), {
        openUrl: (url) => {
          pollToken = new URL(url).searchParams.get('token') ?? '';
        },
        sleep: async () => {
          await decideDeviceLogin(t.deps.db, t.defaultTenantId, pollToken, user.id, false);
        },
      }),
    );
    expect(code).toBe('login_expired');
  });

  it('saves a --token only after the registry accepts it', async () => {
    const s = sandbox();
    expect(await errorCodeOf(() => runLogin(s.context(), { token: 'agt_not-a-real-token' }))).toBe(
      'not_logged_in',
    );
    expect((await runLogin(s.context(), { token: user.token })).method).toBe('token');
  });

  it('says not_logged_in before calling the registry without a token', async () => {
    const s = sandbox();
    expect(await errorCodeOf(() => runTokenList(s.context()))).toBe('not_logged_in');
  });
});

describe('agentry search and info', () => {
  it('finds artifacts with filters', async () => {
    const s = sandbox();
    const found = await runSearch(s.context(), 'lint');
    expect(found.results.map((r) => r.name)).toContain('lint-helper');
    const tagged = await runSearch(s.context(), '', { tags: ['typescript'] });
    expect(tagged.results.map((r) => r.name)).toEqual(['lint-helper']);
    expect((await runSearch(s.context(), 'lint', { kind: 'mcp' })).results).toEqual([]);
  });

  it('shows versions, verdict, permissions and dependencies, for the latest or a given version', async () => {
    const s = sandbox();
    const info = await runInfo(s.context(), 'lint-helper');
    expect(info.version?.version).toBe('1.1.0');
    expect(info.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(info.version?.verdict).toBe('PASS');
    expect((await runInfo(s.context(), 'lint-helper@1.0.0')).version?.version).toBe('1.0.0');
    expect(await errorCodeOf(() => runInfo(s.context(), 'lint-helper@9.9.9'))).toBe('no_matching_version');
    expect(await errorCodeOf(() => runInfo(s.context(), 'missing-thing'))).toBe('not_found');
    expect(splitSpec('@acme/x@^1.2')).toEqual({ name: '@acme/x', range: '^1.2' });
    expect(splitSpec('@acme/x')).toEqual({ name: '@acme/x', range: undefined });
  });
});

describe('stars, tokens and orgs', () => {
  it('stars and unstars', async () => {
    const s = sandbox(user.token);
    expect(await runStar(s.context(), 'lint-helper', true)).toEqual({
      name: 'lint-helper',
      starred: true,
      stars: 1,
    });
    expect(await runStar(s.context(), 'lint-helper', false)).toEqual({
      name: 'lint-helper',
      starred: false,
      stars: 0,
    });
  });

  it('creates, lists and revokes tokens', async () => {
    const s = sandbox(user.token);
    const created = await runTokenCreate(s.context(), 'ci', { scope: ['skills:read'], expires: '7' });
    expect(created.token).toMatch(/^agt_/);
    expect((await runTokenList(s.context())).tokens.map((tk) => tk.id)).toContain(created.id);
    expect(await runTokenRevoke(s.context(), created.id)).toEqual({ id: created.id, revoked: true });
    expect(await errorCodeOf(() => runTokenCreate(s.context(), 'x', { scope: ['root'] }))).toBe('usage');
    expect(await errorCodeOf(() => runTokenCreate(s.context(), 'x', { expires: 'soon' }))).toBe('usage');
    expect(await errorCodeOf(() => runWhoami(s.context({ token: created.token }).client))).toBe(
      'unauthorized',
    );
  });

  it('creates an org, adds, promotes and removes a member', async () => {
    const s = sandbox(user.token);
    const slug = `team${process.pid}`;
    expect((await runOrgCreate(s.context(), slug, 'The Team')).slug).toBe(slug);
    expect((await runOrgList(s.context())).orgs.map((o) => o.slug)).toContain(slug);
    expect(await runOrgAdd(s.context(), slug, other.username, 'member')).toEqual({
      username: other.username,
      role: 'member',
    });
    expect(await runOrgAdd(s.context(), slug, other.username, 'admin')).toEqual({
      username: other.username,
      role: 'admin',
    });
    expect((await runOrgInfo(s.context(), slug)).members?.map((m) => [m.username, m.role]).sort()).toEqual(
      [
        [other.username, 'admin'],
        [user.username, 'owner'],
      ].sort(),
    );
    expect(await runOrgRemove(s.context(), slug, other.username)).toEqual({
      username: other.username,
      removed: true,
    });
    expect(await errorCodeOf(() => runOrgAdd(s.context(), slug, other.username, 'king'))).toBe('usage');
    expect(await errorCodeOf(() => runOrgCreate(s.context(), slug, undefined))).toBe('conflict');
  });
});

describe('agentry doctor', () => {
  it('checks the registry, the token and the tools', async () => {
    const good = await runDoctor(sandbox(user.token).context());
    expect(good.checks.map((c) => [c.check, c.ok])).toEqual([
      ['registry', true],
      ['auth', true],
      ['tools', false],
    ]);
    expect(good.ok).toBe(true);
    const bad = await runDoctor(sandbox('agt_wrong').context());
    expect(bad.ok).toBe(false);
  });
});
