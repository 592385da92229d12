/** Any registry URL: agentry config, login making the default, and a project's agentry.json registry. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { errorCodeOf, testRegistry } from '../../../../test-support/cli.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { runConfigDelete, runConfigGet, runConfigList, runConfigSet } from './config.js';
import { type ContextOptions, createContext, requireToken } from './context.js';
import { runLogin } from './login.js';
import { runWhoami } from './whoami.js';

let t: TestApp;
let user: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  user = await createTestUser(t.deps, t.defaultTenantId);
}, 120_000);
afterAll(() => t.close());

let n = 0;
/** A user with no config yet; `ctx()` builds a context the way main.ts does, with or without --registry. */
function person() {
  n += 1;
  const root = makeTempDir(`config-${n}`);
  const project = join(root, 'project');
  const configDir = join(root, 'config');
  mkdirSync(project, { recursive: true });
  const ctx = (options: ContextOptions['options'] = {}, extra: Partial<ContextOptions> = {}) =>
    createContext({
      options,
      env: { AGENTRY_CONFIG_DIR: configDir },
      cwd: project,
      home: root,
      fetch: async (url, init) => t.app.request(url, init),
      ...extra,
    });
  return { root, project, configDir, ctx };
}

describe('agentry login --registry', () => {
  it('makes that registry the default when none is set, so whoami works without --registry', async () => {
    const p = person();
    expect(p.ctx().settings).toMatchObject({ registry: 'http://localhost:3737', registrySource: 'default' });
    const result = await runLogin(p.ctx({ registry: `${testRegistry}/` }), { token: user.token });
    expect(result.madeDefault).toBe(true);
    const later = p.ctx();
    expect(later.settings).toMatchObject({
      registry: testRegistry,
      registrySource: 'user',
      tokenSource: 'config',
    });
    expect((await runWhoami(later.client)).username).toBe(user.username);
    expect(runConfigGet(later, 'registry')).toMatchObject({ value: testRegistry, source: 'user' });
  });

  it('asks before replacing another default, and keeps it when the answer is no', async () => {
    const p = person();
    runConfigSet(p.ctx(), 'registry', 'https://other.example');
    const questions: string[] = [];
    const declined = await runLogin(
      p.ctx(
        { registry: testRegistry },
        {
          confirm: async (q) => {
            questions.push(q);
            return false;
          },
        },
      ),
      { token: user.token },
    );
    expect(questions).toHaveLength(1);
    expect(declined.madeDefault).toBe(false);
    expect(declined.defaultHint).toContain(`agentry config set registry ${testRegistry}`);
    expect(p.ctx().settings.registry).toBe('https://other.example');
    // Without a terminal nothing is asked and the default stays.
    expect((await runLogin(p.ctx({ registry: testRegistry }), { token: user.token })).madeDefault).toBe(
      false,
    );
    const accepted = await runLogin(p.ctx({ registry: testRegistry }, { confirm: async () => true }), {
      token: user.token,
    });
    expect(accepted.madeDefault).toBe(true);
    expect(p.ctx().settings.registry).toBe(testRegistry);
  });

  it('names the registry it is logged in to when another one has no token', async () => {
    const p = person();
    await runLogin(p.ctx({ registry: testRegistry }), { token: user.token });
    const elsewhere = p.ctx({ registry: 'https://third.example' });
    let hint = '';
    try {
      requireToken(elsewhere);
    } catch (error) {
      hint = (error as { hint?: string }).hint ?? '';
    }
    expect(hint).toContain(testRegistry);
  });
});

describe('agentry config', () => {
  it('sets, lists and deletes registry and tools; rejects bad keys and values with usage', async () => {
    const p = person();
    expect(runConfigSet(p.ctx(), 'registry', 'https://reg.example.com/').value).toBe(
      'https://reg.example.com',
    );
    expect(runConfigSet(p.ctx(), 'tools', 'cursor, claude-code').value).toBe('cursor,claude-code');
    const saved = JSON.parse(readFileSync(join(p.configDir, 'config.json'), 'utf8'));
    expect(saved).toMatchObject({ registry: 'https://reg.example.com', tools: ['cursor', 'claude-code'] });
    expect(runConfigList(p.ctx()).map((v) => [v.key, v.value, v.source])).toEqual([
      ['registry', 'https://reg.example.com', 'user'],
      ['tools', 'cursor,claude-code', 'user'],
    ]);
    // Flag and environment still win over the saved default.
    expect(runConfigGet(p.ctx({ registry: 'https://flag.example' }), 'registry')).toMatchObject({
      value: 'https://flag.example',
      source: 'flag',
    });
    runConfigDelete(p.ctx(), 'registry');
    expect(runConfigGet(p.ctx(), 'registry')).toMatchObject({
      value: 'http://localhost:3737',
      source: 'default',
    });
    for (const [key, value] of [
      ['colour', 'x'],
      ['registry', 'ftp://x.example'],
      ['registry', 'https://user:pw@x.example'],
      ['registry', 'not a url'],
      ['tools', 'vim'],
    ] as const)
      expect(await errorCodeOf(() => runConfigSet(p.ctx(), key, value))).toBe('usage');
  });

  it("honours the project's agentry.json registry from a subfolder, below --registry and above the user default", () => {
    const p = person();
    runConfigSet(p.ctx(), 'registry', 'https://user-default.example');
    const change = runConfigSet(p.ctx(), 'registry', 'https://team.example', { project: true });
    expect(change.file).toBe(join(p.project, 'agentry.json'));
    expect(JSON.parse(readFileSync(change.file, 'utf8'))).toMatchObject({
      registry: 'https://team.example',
      dependencies: {},
    });
    const sub = join(p.project, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    const inSub = p.ctx({}, { cwd: sub });
    expect(inSub.settings).toMatchObject({ registry: 'https://team.example', registrySource: 'project' });
    expect(p.ctx({ registry: 'https://flag.example' }).settings.registrySource).toBe('flag');
    expect(
      createContext({
        env: { AGENTRY_CONFIG_DIR: p.configDir, AGENTRY_REGISTRY: 'https://env.example' },
        cwd: sub,
      }).settings,
    ).toMatchObject({ registry: 'https://env.example', registrySource: 'env' });
    runConfigDelete(p.ctx(), 'registry', { project: true });
    expect(p.ctx().settings).toMatchObject({
      registry: 'https://user-default.example',
      registrySource: 'user',
    });
  });

  it('a hand-written agentry.json with a bad registry is refused as invalid_manifest', async () => {
    const p = person();
    writeFileSync(join(p.project, 'agentry.json'), JSON.stringify({ registry: 'ftp://x', dependencies: {} }));
    expect(await errorCodeOf(() => runConfigSet(p.ctx(), 'tools', 'cursor', { project: true }))).toBe(
      'invalid_manifest',
    );
  });
});
