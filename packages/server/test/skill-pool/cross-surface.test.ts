/**
 * One catalog: a skill published through skill-pool is read back through Tank's API and installed by the
 * agentry CLI (its own API client and resolver, SKILL.md `requires` included); artifacts published through
 * Tank and by `agentry publish` are read back through skill-pool, byte for byte.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeIntegrity } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { nextSandbox } from '../../../../test-support/cli.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { makeTarball, publishVersion } from '../../../../test-support/tarball.js';
import { createClient } from '../../../cli/src/api-client.js';
import { runInit } from '../../../cli/src/commands/init.js';
import { runInstallCommand } from '../../../cli/src/commands/install.js';
import { runPublish } from '../../../cli/src/commands/publish.js';
import { createRegistry } from '../../../cli/src/registry.js';
import { call, skillMdOf, spPublish } from './support.js';

let t: TestApp;
let user: TestUser;
let topBundle: Buffer;

beforeAll(async () => {
  t = await createTestApp();
  user = await createTestUser(t.deps, t.defaultTenantId);
  const dep = await spPublish(t, { token: user.token, slug: 'sp-dep', version: '1.2.0' });
  expect(dep.status, dep.text).toBe(201);
  topBundle = await makeTarball({
    'SKILL.md': skillMdOf('sp-top', 'tags: [pool]\nrequires:\n  - sp-dep@^1.0.0\n'),
    'reference.md': '# Reference\n',
  });
  const top = await spPublish(t, { token: user.token, slug: 'sp-top', version: '1.0.0', bytes: topBundle });
  expect(top.status, top.text).toBe(201);
}, 120_000);
afterAll(() => t.close());

describe('published through skill-pool', () => {
  it("reads back through Tank's API and the CLI's API client", async () => {
    const tank = await call(t, 'GET', '/api/v1/skills/sp-top');
    expect(tank.status).toBe(200);
    expect(JSON.stringify(tank.body)).toContain('1.0.0');
    const search = await call(t, 'GET', '/api/v1/search?q=sp-top');
    expect(JSON.stringify(search.body)).toContain('sp-top');
    const registry = createRegistry(
      createClient({
        registry: 'http://registry.test',
        token: user.token,
        fetch: (url, init) => Promise.resolve(t.app.request(url, init)),
      }),
    );
    const info = await registry.getArtifact('sp-top');
    expect(info.name).toBe('sp-top');
    const detail = await registry.getVersion('sp-top', '1.0.0');
    expect(JSON.stringify(detail)).toContain(computeIntegrity(topBundle));
  });

  it('installs with the agentry CLI, dependency from SKILL.md requires included, with the same bytes', async () => {
    const s = nextSandbox(t, makeTempDir, user.token);
    const result = await runInstallCommand(s.context(), ['sp-top'], { tool: ['claude-code'] });
    expect(result.installed.map((i) => `${i.name}@${i.version}`).sort()).toEqual([
      'sp-dep@1.2.0',
      'sp-top@1.0.0',
    ]);
    expect(existsSync(join(s.project, '.claude/skills/sp-top/reference.md'))).toBe(true);
    const lock = JSON.parse(readFileSync(join(s.project, 'agentry.lock'), 'utf8'));
    expect(lock.artifacts['sp-top'].integrity).toBe(computeIntegrity(topBundle));
  });
});

describe('published elsewhere, read through skill-pool', () => {
  it("serves Tank's publish: metadata, SKILL.md, the same bundle bytes, requires as deps", async () => {
    const files = {
      'SKILL.md': skillMdOf('tank-made', 'requires:\n  - sp-top@^1.0.0\n'),
    };
    const published = await publishVersion(
      t,
      user.token,
      { name: 'tank-made', version: '3.1.0', skills: { 'sp-top': '^1.0.0' } },
      files,
    );
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect((await call(t, 'GET', '/v1/skills/tank-made')).body).toMatchObject({
      slug: 'tank-made',
      version: '3.1.0',
    });
    expect((await call(t, 'GET', '/v1/skills/tank-made/skill-md', { token: user.token })).text).toBe(
      files['SKILL.md'],
    );
    const deps = await call(t, 'GET', '/v1/skills/tank-made/deps');
    expect(deps.list).toEqual([
      { slug: 'sp-top', version_range: '^1.0.0', depth: 1 },
      { slug: 'sp-dep', version_range: '^1.0.0', depth: 2 },
    ]);
    const bundle = await t.request('/v1/skills/tank-made/bundle.tar.gz', {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const stored = await t.deps.db
      .selectFrom('versions as v')
      .innerJoin('packages as p', 'p.id', 'v.package_id')
      .select('v.integrity')
      .where('p.name', '=', 'tank-made')
      .executeTakeFirstOrThrow();
    expect(computeIntegrity(Buffer.from(await bundle.arrayBuffer()))).toBe(stored.integrity);
  });

  it('serves what `agentry publish` published, in its versions list too', async () => {
    const s = nextSandbox(t, makeTempDir, user.token);
    const dir = join(s.root, 'cli-made');
    runInit(s.context(), 'skill', { dir, name: 'cli-made' });
    const result = await runPublish(s.context(), dir);
    expect(result.version).toBe('0.1.0');
    const read = await call(t, 'GET', '/v1/skills/cli-made');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      version: '0.1.0',
      kind: 'skill',
      description: 'A skill that helps with cli made.',
    });
    const versions = await call(t, 'GET', '/v1/skills/cli-made/versions');
    expect(versions.list.map((row) => row.version)).toEqual(['0.1.0']);
    expect((await call(t, 'GET', '/v1/skills?query=cli-made')).list.map((row) => row.slug)).toEqual([
      'cli-made',
    ]);
  });
});
