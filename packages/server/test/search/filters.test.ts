/**
 * Filters (kind, tool target, tags that must all match, verdict, visibility), sorts, the browse listing
 * without a query, parameter validation (422 VALIDATION_ERROR), and lifecycle: deprecated artifacts stay
 * listed and marked, archived and fully-yanked ones disappear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { createSearchApp, names, type SearchParams, search, searchPath, setPackage } from './support.js';

const sorted = (list: string[]) => [...list].sort();

describe('filters and sorts', () => {
  let t: TestApp;
  let admin: TestUser;

  const all = [
    'flt-deploy-command',
    'flt-mcp-server',
    'flt-review-agent',
    'flt-review-skill',
    'flt-team-prompt',
  ];

  beforeAll(async () => {
    t = await createSearchApp();
    admin = await createTestUser(t.deps, t.defaultTenantId, {
      scopes: ['skills:read', 'skills:publish', 'skills:admin'],
      role: 'admin',
    });
    const manifests = [
      {
        name: 'flt-review-skill',
        kind: 'skill',
        tools: ['claude-code'],
        keywords: ['review', 'git'],
        tags: ['quality'],
      },
      { name: 'flt-review-agent', kind: 'agent', tools: ['cursor'], keywords: ['review'] },
      {
        name: 'flt-deploy-command',
        kind: 'command',
        tools: ['claude-code', 'cursor'],
        keywords: ['deploy', 'git'],
        visibility: 'private' as const,
      },
      { name: 'flt-mcp-server', kind: 'mcp', tags: ['Git', 'quality'] },
      { name: 'flt-team-prompt', kind: 'prompt', tools: ['claude-code'], keywords: ['review', 'quality'] },
    ];
    for (const manifest of manifests) {
      const result = await publishVersion(t, admin.token, {
        version: '1.0.0',
        description: `The ${manifest.kind} used by the filter tests.`,
        ...manifest,
      });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
    const { db } = t.deps;
    const tenant = t.defaultTenantId;
    const day = (n: number) => new Date(Date.UTC(2026, 2, n));
    // Verdicts come from the scanner; set them directly so each value is represented.
    await setPackage(db, tenant, 'flt-review-skill', {
      latest_verdict: 'PASS',
      downloads_7d: 30,
      stars_count: 2,
      updated_at: day(3),
    });
    await setPackage(db, tenant, 'flt-review-agent', {
      latest_verdict: 'FLAGGED',
      downloads_7d: 10,
      stars_count: 7,
      updated_at: day(5),
    });
    await setPackage(db, tenant, 'flt-deploy-command', {
      latest_verdict: 'PASS_WITH_NOTES',
      downloads_7d: 20,
      stars_count: 3,
      updated_at: day(1),
    });
    await setPackage(db, tenant, 'flt-mcp-server', {
      latest_verdict: 'FAIL',
      downloads_7d: 0,
      stars_count: 0,
      updated_at: day(4),
    });
    await setPackage(db, tenant, 'flt-team-prompt', {
      latest_verdict: 'PASS',
      downloads_7d: 5,
      stars_count: 2,
      updated_at: day(2),
      visibility: 'team',
    });
  });
  afterAll(() => t.close());

  /** Names of every result (as the admin, who sees all), checking that `total` agrees. */
  async function found(params: SearchParams): Promise<string[]> {
    const body = await search(t, { limit: 50, ...params }, { token: admin.token });
    expect(body.total).toBe(body.results.length);
    return names(body);
  }

  it('stores tags from keywords and tags, and tool targets from tools', async () => {
    const rows = await t.deps.db
      .selectFrom('packages')
      .select(['name', 'tags', 'tool_targets', 'kind'])
      .where('tenant_id', '=', t.defaultTenantId)
      .orderBy('name')
      .execute();
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
    expect(sorted(byName['flt-review-skill']?.tags ?? [])).toEqual(['git', 'quality', 'review']);
    expect(byName['flt-review-skill']?.tool_targets).toEqual(['claude-code']);
    expect(sorted(byName['flt-mcp-server']?.tags ?? [])).toEqual(['git', 'quality']);
    expect(byName['flt-mcp-server']?.kind).toBe('mcp');
  });

  it('filters by kind', async () => {
    expect(await found({ kind: 'agent' })).toEqual(['flt-review-agent']);
    expect(sorted(await found({ kind: 'skill,agent' }))).toEqual(['flt-review-agent', 'flt-review-skill']);
    expect(await found({ kind: 'hook' })).toEqual([]);
  });

  it('filters by tool target (any of the listed tools)', async () => {
    expect(sorted(await found({ tool: 'cursor' }))).toEqual(['flt-deploy-command', 'flt-review-agent']);
    expect(sorted(await found({ tool: 'claude-code,cursor' }))).toEqual([
      'flt-deploy-command',
      'flt-review-agent',
      'flt-review-skill',
      'flt-team-prompt',
    ]);
    expect(await found({ tool: 'windsurf' })).toEqual([]);
  });

  it('filters by tags, all of which must match, case-insensitively', async () => {
    expect(sorted(await found({ tags: 'review' }))).toEqual([
      'flt-review-agent',
      'flt-review-skill',
      'flt-team-prompt',
    ]);
    expect(await found({ tags: 'review,git' })).toEqual(['flt-review-skill']);
    expect(sorted(await found({ tags: 'git,quality' }))).toEqual(['flt-mcp-server', 'flt-review-skill']);
    expect(sorted(await found({ tags: 'QUALITY,Review' }))).toEqual(['flt-review-skill', 'flt-team-prompt']);
    expect(await found({ tags: 'review,deploy' })).toEqual([]);
  });

  it('filters by verdict', async () => {
    expect(await found({ verdict: 'FAIL' })).toEqual(['flt-mcp-server']);
    expect(await found({ verdict: 'PASS_WITH_NOTES' })).toEqual(['flt-deploy-command']);
    expect(sorted(await found({ verdict: 'PASS,FLAGGED' }))).toEqual([
      'flt-review-agent',
      'flt-review-skill',
      'flt-team-prompt',
    ]);
  });

  it('filters by visibility', async () => {
    expect(sorted(await found({ visibility: 'public' }))).toEqual([
      'flt-mcp-server',
      'flt-review-agent',
      'flt-review-skill',
    ]);
    expect(await found({ visibility: 'private' })).toEqual(['flt-deploy-command']);
    expect(await found({ visibility: 'team' })).toEqual(['flt-team-prompt']);
    expect(sorted(await found({ visibility: 'private,team' }))).toEqual([
      'flt-deploy-command',
      'flt-team-prompt',
    ]);
  });

  it('never widens what a caller may see through the visibility filter', async () => {
    const body = await search(t, { visibility: 'private,team' });
    expect(body.results).toEqual([]);
    expect(body.total).toBe(0);
  });

  it('combines filters (all must hold) and a query', async () => {
    expect(
      sorted(
        await found({ kind: 'skill,prompt', tool: 'claude-code', tags: 'review,quality', verdict: 'PASS' }),
      ),
    ).toEqual(['flt-review-skill', 'flt-team-prompt']);
    expect(
      await found({
        kind: 'skill,prompt',
        tool: 'claude-code',
        tags: 'review,quality',
        verdict: 'PASS',
        visibility: 'team',
      }),
    ).toEqual(['flt-team-prompt']);
    expect(await found({ q: 'review', kind: 'agent', tool: 'cursor' })).toEqual(['flt-review-agent']);
    expect(await found({ q: 'deploy', tags: 'git', verdict: 'FAIL' })).toEqual([]);
    expect(await found({ kind: 'agent', verdict: 'PASS' })).toEqual([]);
  });

  it('browses without a query sorted by 7-day downloads', async () => {
    const byDownloads = [
      'flt-review-skill',
      'flt-deploy-command',
      'flt-review-agent',
      'flt-team-prompt',
      'flt-mcp-server',
    ];
    expect(await found({})).toEqual(byDownloads);
    expect(await found({ sort: 'downloads' })).toEqual(byDownloads);
    expect(await found({ q: '' })).toEqual(byDownloads);
    expect(await found({ q: '   ' })).toEqual(byDownloads);
  });

  it('sorts by stars (ties by downloads), updated and name', async () => {
    expect(await found({ sort: 'stars' })).toEqual([
      'flt-review-agent',
      'flt-deploy-command',
      'flt-review-skill',
      'flt-team-prompt',
      'flt-mcp-server',
    ]);
    expect(await found({ sort: 'updated' })).toEqual([
      'flt-review-agent',
      'flt-mcp-server',
      'flt-review-skill',
      'flt-team-prompt',
      'flt-deploy-command',
    ]);
    expect(await found({ sort: 'name' })).toEqual(all);
    // Without a query every artifact has the same relevance: downloads order it.
    expect(await found({ sort: 'relevance' })).toEqual(await found({ sort: 'downloads' }));
  });

  it('applies a chosen sort before relevance, and relevance breaks its ties', async () => {
    const relevance = await found({ q: 'flt-review-skill' });
    expect(relevance[0]).toBe('flt-review-skill');
    expect(await found({ q: 'flt-review-skill', sort: 'relevance' })).toEqual(relevance);
    const byStars = await found({ q: 'flt-review-skill', sort: 'stars' });
    expect(sorted(byStars)).toEqual(sorted(relevance));
    expect(byStars[0]).toBe('flt-review-agent');
    // flt-review-skill and flt-team-prompt both have 2 stars: browsing by stars puts flt-review-skill
    // first (more downloads), but with a query the more relevant one goes first.
    const pair = (list: string[]) => list.filter((n) => n === 'flt-review-skill' || n === 'flt-team-prompt');
    expect(pair(await found({ sort: 'stars' }))).toEqual(['flt-review-skill', 'flt-team-prompt']);
    expect(pair(await found({ q: 'flt-team', sort: 'stars' }))).toEqual([
      'flt-team-prompt',
      'flt-review-skill',
    ]);
    const byName = await found({ q: 'flt-review', sort: 'name' });
    expect(byName).toEqual(sorted(byName));
    const byDownloads = await found({ q: 'flt', sort: 'downloads' });
    expect(byDownloads).toEqual(await found({ sort: 'downloads' }));
  });

  it.each<[string, SearchParams]>([
    ['page 0', { page: 0 }],
    ['page -1', { page: -1 }],
    ['page non-numeric', { page: 'abc' }],
    ['page fractional', { page: '1.5' }],
    ['limit 0', { limit: 0 }],
    ['limit 51', { limit: 51 }],
    ['limit non-numeric', { limit: 'ten' }],
    ['unknown kind', { kind: 'widget' }],
    ['one unknown kind among known ones', { kind: 'skill,widget' }],
    ['unknown verdict', { verdict: 'MAYBE' }],
    ['unknown visibility', { visibility: 'secret' }],
    ['unknown sort', { sort: 'popular' }],
  ])('answers 422 VALIDATION_ERROR for %s', async (_label, params) => {
    const res = await t.request(searchPath({ q: 'flt', ...params }), { headers: bearer(admin.token) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; issues?: unknown[] };
    expect(body.error).toBe('VALIDATION_ERROR');
    expect(Array.isArray(body.issues)).toBe(true);
  });

  it('accepts the edges of the ranges', async () => {
    for (const params of [{ page: 1 }, { limit: 1 }, { limit: 50 }, { page: 10_000 }]) {
      await search(t, params);
    }
  });
});

describe('lifecycle', () => {
  let t: TestApp;
  let owner: TestUser;

  async function publish(name: string, version: string) {
    const result = await publishVersion(t, owner.token, {
      name,
      version,
      description: 'A lifecycle test artifact.',
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  }

  async function post(path: string, body: unknown) {
    const res = await t.request(path, {
      method: 'POST',
      headers: { ...bearer(owner.token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    t = await createSearchApp();
    owner = await createTestUser(t.deps, t.defaultTenantId);
    await publish('life-current', '1.0.0');
    await publish('life-deprecated', '1.0.0');
    await publish('life-archived', '1.0.0');
    await publish('life-yanked', '1.0.0');
    await publish('life-partly-yanked', '1.0.0');
    await publish('life-partly-yanked', '1.1.0');
    await post('/api/v1/skills/life-deprecated/1.0.0/deprecate', { message: 'Use life-current.' });
    await post('/api/v1/skills/life-yanked/1.0.0/yank', { reason: 'Broken.' });
    await post('/api/v1/skills/life-partly-yanked/1.1.0/yank', { reason: 'Broken.' });
    await setPackage(t.deps.db, t.defaultTenantId, 'life-archived', { status: 'archived' });
  });
  afterAll(() => t.close());

  it('lists deprecated artifacts marked deprecated, the others unmarked', async () => {
    const body = await search(t, { q: 'life' });
    const deprecated = body.results.find((r) => r.name === 'life-deprecated');
    expect(deprecated?.deprecated).toBe(true);
    for (const hit of body.results.filter((r) => r.name !== 'life-deprecated')) {
      expect(hit.deprecated).toBe(false);
    }
    const exact = await search(t, { q: 'life-deprecated' });
    expect(exact.results[0]).toMatchObject({ name: 'life-deprecated', deprecated: true });
  });

  it('hides archived and fully-yanked artifacts, and does not count them', async () => {
    for (const params of [{ q: 'life' }, {}, { sort: 'name' }]) {
      const body = await search(t, params);
      expect(sorted(names(body))).toEqual(['life-current', 'life-deprecated', 'life-partly-yanked']);
      expect(body.total).toBe(3);
    }
    expect((await search(t, { q: 'life-archived' })).results.map((r) => r.name)).not.toContain(
      'life-archived',
    );
    expect((await search(t, { q: 'life-yanked' })).results.map((r) => r.name)).not.toContain('life-yanked');
  });

  it('shows a partly yanked artifact at its newest unyanked version', async () => {
    const body = await search(t, { q: 'life-partly-yanked' });
    expect(body.results[0]).toMatchObject({ name: 'life-partly-yanked', latestVersion: '1.0.0' });
  });

  it('hides archived artifacts from an admin too', async () => {
    const admin = await createTestUser(t.deps, t.defaultTenantId, {
      scopes: ['skills:read', 'skills:admin'],
      role: 'admin',
    });
    const body = await search(t, { q: 'life' }, { token: admin.token });
    expect(sorted(names(body))).toEqual(['life-current', 'life-deprecated', 'life-partly-yanked']);
    expect(body.total).toBe(3);
  });
});
