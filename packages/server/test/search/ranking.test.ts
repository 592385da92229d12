/**
 * Ranking of `GET /api/v1/search` (Tank's formula, seed-systems §5): exact name > name prefix > segment
 * after `/` > substring > trigram > full text on name+description > readme; ties by 7-day downloads, then
 * recency; folded for case and accents; pagination that is disjoint, complete and counts consistently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { createOrg } from '../../src/domain/orgs.js';
import { createSearchApp, insertPackages, names, search, searchPath, setPackage } from './support.js';

let t: TestApp;
let user: TestUser;

async function publish(name: string, description: string, readmeBody?: string) {
  const files = readmeBody
    ? skillFiles(name, { 'README.md': `# Notes\n\n${readmeBody}\n` })
    : skillFiles(name);
  const result = await publishVersion(t, user.token, { name, version: '1.0.0', description }, files);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
}

beforeAll(async () => {
  t = await createSearchApp();
  user = await createTestUser(t.deps, t.defaultTenantId);
  await createOrg(t.deps.db, { tenantId: t.defaultTenantId, slug: 'acme', name: 'Acme', ownerId: user.id });

  // One query ("lint"), one artifact per ranking tier, published in scrambled order.
  await publish(
    'style-guard',
    'Keeps prose consistent across documents.',
    'Also runs a lint pass over markdown.',
  );
  await publish('eslint-helper', 'Explains configuration errors.');
  await publish('code-tidy', 'Runs lint checks before every commit.');
  await publish('linx-kit', 'Bundles a few helpers.');
  await publish('@acme/lint-rules', 'Shared rule presets for teams.');
  await publish('lint', 'The plain tool.');
  await publish('lint-fixer', 'Fixes what it finds automatically.');

  // Case and accents.
  await publish('code-review', 'Reviews pull requests.');
  await publish('code-review-pro', 'Reviews even more pull requests.');
  await publish('cafe-finder', 'Finds a place for coffee nearby.');
  await publish('dessert-menu', 'Lists crème brûlée recipes for a bistro.');
  await publish('unicode-tables', 'Looks up character properties.');
  await publish('glyph-namer', 'Names every Ünïcödé glyph it is shown.');
});
afterAll(() => t.close());

describe('relevance tiers', () => {
  it('orders exact > prefix > /segment > substring > trigram > description-only > readme-only', async () => {
    const body = await search(t, { q: 'lint' });
    expect(names(body)).toEqual([
      'lint',
      'lint-fixer',
      '@acme/lint-rules',
      'eslint-helper',
      'linx-kit',
      'code-tidy',
      'style-guard',
    ]);
    expect(body.total).toBe(7);
    expect(body.page).toBe(1);
    expect(body.limit).toBe(20);
  });

  it('answers the documented result shape', async () => {
    const body = await search(t, { q: 'lint', limit: 1 });
    expect(body.results).toHaveLength(1);
    const [hit] = body.results;
    expect(hit).toMatchObject({
      name: 'lint',
      description: 'The plain tool.',
      visibility: 'public',
      latestVersion: '1.0.0',
      publisher: user.username,
      downloads: 0,
      stars: 0,
    });
    expect(typeof hit?.auditScore).toBe('number');
    expect(Number.isNaN(Date.parse(hit?.updatedAt ?? ''))).toBe(false);
    expect(body.total).toBe(7);
  });

  it('ranks a scoped exact bare name above its prefix matches', async () => {
    // `@acme/lint-rules` is an exact match on the part after the slash.
    const body = await search(t, { q: 'lint-rules' });
    expect(names(body)[0]).toBe('@acme/lint-rules');
  });

  it('finds a typo by trigram similarity', async () => {
    expect(names(await search(t, { q: 'code-reveiw' }))[0]).toBe('code-review');
    expect(names(await search(t, { q: 'lnt-fixer' }))[0]).toBe('lint-fixer');
    expect(names(await search(t, { q: 'unicod-tables' }))[0]).toBe('unicode-tables');
  });
});

describe('case and accents', () => {
  it('is case-insensitive', async () => {
    const body = await search(t, { q: 'CODE-Review' });
    expect(names(body).slice(0, 2)).toEqual(['code-review', 'code-review-pro']);
  });

  it('finds `cafe` with `café` and `CAFÉ`', async () => {
    expect(names(await search(t, { q: 'café' }))[0]).toBe('cafe-finder');
    expect(names(await search(t, { q: 'CAFÉ' }))[0]).toBe('cafe-finder');
  });

  it('folds accents in descriptions and queries alike', async () => {
    expect(names(await search(t, { q: 'creme brulee' }))).toContain('dessert-menu');
    expect(names(await search(t, { q: 'Crème Brûlée' }))).toContain('dessert-menu');
  });

  it('folds `Ünïcödé` to `unicode`', async () => {
    const body = await search(t, { q: 'Ünïcödé' });
    expect(names(body)).toEqual(expect.arrayContaining(['unicode-tables', 'glyph-namer']));
    expect(names(body)[0]).toBe('unicode-tables');
    expect(names(await search(t, { q: 'unicode' }))).toContain('glyph-namer');
  });
});

describe('ties', () => {
  beforeAll(async () => {
    // Same name shape and description: equal relevance for "twine".
    for (const name of ['twine-alpha', 'twine-bravo', 'twine-delta', 'twine-gamma']) {
      await publish(name, 'Knots ropes together.');
    }
    const day = (n: number) => new Date(Date.UTC(2026, 0, n));
    const { db } = t.deps;
    await setPackage(db, t.defaultTenantId, 'twine-alpha', { downloads_7d: 5, updated_at: day(2) });
    await setPackage(db, t.defaultTenantId, 'twine-bravo', { downloads_7d: 5, updated_at: day(9) });
    await setPackage(db, t.defaultTenantId, 'twine-delta', { downloads_7d: 50, updated_at: day(1) });
    await setPackage(db, t.defaultTenantId, 'twine-gamma', { downloads_7d: 0, updated_at: day(20) });
  });

  it('breaks equal relevance by 7-day downloads, then by recency', async () => {
    const body = await search(t, { q: 'twine' });
    expect(names(body)).toEqual(['twine-delta', 'twine-bravo', 'twine-alpha', 'twine-gamma']);
    expect(body.results.map((r) => r.downloads)).toEqual([50, 5, 5, 0]);
  });

  it('never lets downloads lift a lower tier above a higher one', async () => {
    await setPackage(t.deps.db, t.defaultTenantId, 'code-tidy', { downloads_7d: 1_000_000 });
    try {
      const body = await search(t, { q: 'lint' });
      expect(names(body).indexOf('code-tidy')).toBeGreaterThan(names(body).indexOf('eslint-helper'));
    } finally {
      await setPackage(t.deps.db, t.defaultTenantId, 'code-tidy', { downloads_7d: 0 });
    }
  });
});

describe('pagination', () => {
  const pageNames = Array.from({ length: 23 }, (_, i) => `pager-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    await insertPackages(
      t.deps.db,
      t.defaultTenantId,
      user.id,
      pageNames.map((name, i) => ({
        name,
        description: 'Pages through long result lists.',
        // Several equal download counts, so the deterministic tie-breakers matter.
        downloads7d: i % 4,
        updatedAt: new Date(Date.UTC(2026, 1, 1 + (i % 3))),
      })),
    );
  });

  it('serves disjoint pages that cover every result, with a stable total', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const body = await search(t, { q: 'pager', page, limit: 5 });
      expect(body.total).toBe(23);
      expect(body.page).toBe(page);
      expect(body.limit).toBe(5);
      expect(body.results.length).toBe(page < 5 ? 5 : 3);
      seen.push(...names(body));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(pageNames);
    // Page by page equals one big page.
    expect(names(await search(t, { q: 'pager', limit: 50 }))).toEqual(seen);
  });

  it('pages the browse listing the same way', async () => {
    const all = await search(t, { limit: 50 });
    const seen: string[] = [];
    for (let page = 1; (page - 1) * 7 < all.total; page++) {
      const body = await search(t, { page, limit: 7 });
      expect(body.total).toBe(all.total);
      seen.push(...names(body));
    }
    expect(seen).toEqual(names(all));
  });

  it('answers a page beyond the end with no results and the right total', async () => {
    const body = await search(t, { q: 'pager', page: 6, limit: 5 });
    expect(body.results).toEqual([]);
    expect(body.total).toBe(23);
    const far = await search(t, { q: 'pager', page: 10_000, limit: 50 });
    expect(far.results).toEqual([]);
    expect(far.total).toBe(23);
  });

  it('defaults to page 1 and limit 20', async () => {
    const res = await t.request(searchPath({ q: 'pager' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: unknown[]; page: number; limit: number; total: number };
    expect(body).toMatchObject({ page: 1, limit: 20, total: 23 });
    expect(body.results).toHaveLength(20);
  });
});
