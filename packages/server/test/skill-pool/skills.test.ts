/**
 * The skill-pool catalog reads: `GET /v1/skills` (keyword with ILIKE wildcards, tags all-of, limit
 * clamps, kind, semantic with similarity), `GET /v1/skills/{slug}` and `/detail`, over artifacts
 * published through Tank (one catalog). Private artifacts stay hidden; a second tenant sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { createHashingEmbedder } from '../../src/embedders/index.js';
import { call, secondTenant } from './support.js';

let t: TestApp;
let owner: TestUser;
let outsider: TestUser;

const fixtures = [
  {
    name: 'pr-reviewer',
    description: 'Reviews pull requests and suggests review comments.',
    keywords: ['git', 'review'],
  },
  {
    name: 'sql-helper',
    description: 'Writes SQL queries for PostgreSQL 100% of the time.',
    keywords: ['sql'],
  },
  { name: 'deploy-agent', description: 'An agent that deploys.', kind: 'agent' },
  { name: 'lint-command', description: 'A command that lints.', kind: 'command' },
  { name: 'a-prompt', description: 'A prompt is not on this surface.', kind: 'prompt' },
  { name: 'secret-skill', description: 'Private to its publisher.', visibility: 'private' as const },
];

beforeAll(async () => {
  t = await createTestApp({ embedder: createHashingEmbedder(128) });
  owner = await createTestUser(t.deps, t.defaultTenantId);
  outsider = await createTestUser(t.deps, t.defaultTenantId);
  for (const { name, ...rest } of fixtures) {
    const files = rest.kind && rest.kind !== 'skill' ? { 'README.md': `# ${name}\n` } : skillFiles(name);
    const published = await publishVersion(t, owner.token, { name, version: '1.0.0', ...rest }, files);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  }
  const scoped = await call(t, 'POST', '/api/v1/orgs', {
    token: owner.token,
    body: { slug: 'acme', name: 'Acme' },
  });
  expect(scoped.status, JSON.stringify(scoped.body)).toBe(201);
  const published = await publishVersion(t, owner.token, {
    name: '@acme/code-style',
    version: '2.0.0',
    description: 'House code style for acme.',
  });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}, 120_000);
afterAll(() => t.close());

const slugs = (rows: Record<string, unknown>[]) => rows.map((row) => row.slug);

describe('GET /v1/skills', () => {
  it('lists the latest published skills by slug, without a credential, in the documented shape', async () => {
    const res = await call(t, 'GET', '/v1/skills');
    expect(res.status).toBe(200);
    expect(slugs(res.list)).toEqual(['acme__code-style', 'pr-reviewer', 'sql-helper']);
    expect(res.list[1]).toEqual({
      slug: 'pr-reviewer',
      name: 'pr-reviewer',
      kind: 'skill',
      version: '1.0.0',
      description: 'Reviews pull requests and suggests review comments.',
      tags: ['git', 'review'],
      status: 'published',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('matches query case-insensitively over slug and description, with % and _ as wildcards', async () => {
    expect(slugs((await call(t, 'GET', '/v1/skills?query=REVIEW')).list)).toEqual(['pr-reviewer']);
    expect(slugs((await call(t, 'GET', '/v1/skills?query=postgresql')).list)).toEqual(['sql-helper']);
    expect(slugs((await call(t, 'GET', '/v1/skills?query=acme__code')).list)).toEqual(['acme__code-style']);
    expect(slugs((await call(t, 'GET', `/v1/skills?query=${encodeURIComponent('pr%er')}`)).list)).toEqual([
      'pr-reviewer',
    ]);
    expect(slugs((await call(t, 'GET', '/v1/skills?query=sql_helper')).list)).toEqual(['sql-helper']);
    // A backslash is a character, not an escape that could break the pattern.
    expect((await call(t, 'GET', `/v1/skills?query=${encodeURIComponent('100\\')}`)).status).toBe(200);
  });

  it('filters by tags (all of them) and clamps limit to 1..200', async () => {
    expect(slugs((await call(t, 'GET', '/v1/skills?tags=git')).list)).toEqual(['pr-reviewer']);
    expect(slugs((await call(t, 'GET', '/v1/skills?tags=git,%20review')).list)).toEqual(['pr-reviewer']);
    expect((await call(t, 'GET', '/v1/skills?tags=git,sql')).list).toEqual([]);
    expect((await call(t, 'GET', '/v1/skills?limit=1')).list).toHaveLength(1);
    expect((await call(t, 'GET', '/v1/skills?limit=0')).list).toHaveLength(1);
    expect((await call(t, 'GET', '/v1/skills?limit=100000')).list).toHaveLength(3);
    expect((await call(t, 'GET', '/v1/skills?limit=many')).list).toHaveLength(3);
  });

  it('lists agents and commands by kind, never other kinds, and refuses an unknown kind', async () => {
    expect(slugs((await call(t, 'GET', '/v1/skills?kind=agent')).list)).toEqual(['deploy-agent']);
    expect(slugs((await call(t, 'GET', '/v1/skills?kind=command')).list)).toEqual(['lint-command']);
    const bad = await call(t, 'GET', '/v1/skills?kind=prompt');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('kind must be one of'),
    });
  });

  it('shows a private skill to its publisher only', async () => {
    expect(slugs((await call(t, 'GET', '/v1/skills', { token: owner.token })).list)).toContain(
      'secret-skill',
    );
    expect(slugs((await call(t, 'GET', '/v1/skills', { token: outsider.token })).list)).not.toContain(
      'secret-skill',
    );
  });

  it('answers 401 to an invalid bearer even though reads need none', async () => {
    const res = await call(t, 'GET', '/v1/skills?limit=1', {
      token: 'spk_not-a-real-token-at-all-000000000000',
    });
    expect(res.status).toBe(401);
  });

  it('ranks by similarity with semantic (which wins over query) and cuts at min_similarity', async (ctx) => {
    if (!t.deps.vector) ctx.skip();
    const res = await call(t, 'GET', '/v1/skills?semantic=review%20my%20pull%20requests&query=sql');
    expect(res.status).toBe(200);
    expect(res.list[0]?.slug).toBe('pr-reviewer');
    const values = res.list.map((row) => row.similarity as number);
    for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    const strict = await call(
      t,
      'GET',
      '/v1/skills?semantic=review%20my%20pull%20requests&min_similarity=0.99',
    );
    expect(strict.list).toEqual([]);
    const tagged = await call(t, 'GET', '/v1/skills?semantic=review%20my%20pull%20requests&tags=sql');
    expect(slugs(tagged.list)).toEqual(['sql-helper']);
  });

  it('answers 400 to semantic when no embedder is configured', async () => {
    const plain = await createTestApp();
    try {
      const res = await call(plain, 'GET', '/v1/skills?semantic=anything');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('bad_request');
    } finally {
      await plain.close();
    }
  });
});

describe('GET /v1/skills/{slug}', () => {
  it('returns the latest version with kind and the SKILL.md frontmatter', async () => {
    const res = await call(t, 'GET', '/v1/skills/pr-reviewer');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      slug: 'pr-reviewer',
      kind: 'skill',
      version: '1.0.0',
      frontmatter: { name: 'pr-reviewer', description: 'A test skill that does one useful thing well.' },
    });
  });

  it('finds scoped artifacts by their flattened slug and by their own name', async () => {
    expect((await call(t, 'GET', '/v1/skills/acme__code-style')).body.name).toBe('@acme/code-style');
    expect((await call(t, 'GET', '/v1/skills/%40acme%2Fcode-style')).body.slug).toBe('acme__code-style');
  });

  it('answers 404 for a missing slug, the wrong kind, a hidden skill and a slug no name can have', async () => {
    for (const path of [
      '/v1/skills/nothing-here',
      '/v1/skills/deploy-agent',
      '/v1/skills/pr-reviewer?kind=agent',
      '/v1/skills/secret-skill',
      '/v1/skills/Bad%20Slug',
    ]) {
      const res = await call(t, 'GET', path, { token: outsider.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    expect((await call(t, 'GET', '/v1/skills/deploy-agent?kind=agent')).status).toBe(200);
  });

  it('serves the portal detail view with usage and edges', async () => {
    const res = await call(t, 'GET', '/v1/skills/pr-reviewer/detail');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      slug: 'pr-reviewer',
      when_to_use: null,
      use_count: 0,
      requires: [],
      required_by: [],
      merge_proposals: [],
    });
    expect(res.body.last_used_at).toEqual(expect.any(String));
  });
});

describe('tenant isolation', () => {
  it('shows a second tenant none of this catalog', async () => {
    const other = await secondTenant(t, 'catalog-other');
    const list = await call(t, 'GET', '/v1/skills', { token: other.user.token, tenant: other.slug });
    expect(list.status).toBe(200);
    expect(list.list).toEqual([]);
    expect((await call(t, 'GET', '/v1/skills/pr-reviewer', { tenant: other.slug })).status).toBe(404);
    expect((await call(t, 'GET', '/v1/skills', { token: owner.token, tenant: other.slug })).status).toBe(401);
  });
});
