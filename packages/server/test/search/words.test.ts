/**
 * Search that finds (issue 22 §3) on fixed data: tags and keywords are searched as text at the name's
 * weight, words match in their forms and as prefixes, a few names with two spellings match either way,
 * and the tiers of ranking.test.ts still hold around them.
 */
import { searchTsQuery } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestApp } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { createSearchApp, insertPackages, names, search } from './support.js';

let t: TestApp;

beforeAll(async () => {
  t = await createSearchApp();
  const user = await createTestUser(t.deps, t.defaultTenantId);
  await insertPackages(t.deps.db, t.defaultTenantId, user.id, [
    { name: 'pg-backup', description: 'Backs up PostgreSQL databases every night.', tags: ['backup'] },
    { name: 'schema-diff', description: 'Compares two schemas.', tags: ['postgres', 'migrations'] },
    { name: 'query-tuner', description: 'Finds slow queries.', tags: ['performance'] },
    { name: 'budget-notes', description: 'Notes on performance budgets for pages.', downloads7d: 500 },
    { name: 'performance-kit', description: 'A kit.' },
    { name: 'pr-helper', description: 'Reviews pull requests before merging.' },
    { name: 'cluster-ops', description: 'Day-two chores.', tags: ['kubernetes'] },
    { name: 'event-counter', description: 'Counts click events on a page.' },
    { name: 'web-lint', description: 'Lints JavaScript in the browser.' },
    { name: 'node-lint', description: 'Lints js files.' },
    { name: 'unrelated', description: 'Paints fences.', tags: ['garden'] },
  ]);
  // Through a real publish too: keywords from the manifest become searchable tags.
  const published = await publishVersion(t, user.token, {
    name: 'cache-warmer',
    version: '1.0.0',
    description: 'Fills caches ahead of traffic.',
    keywords: ['Latency'],
  });
  expect(published.status).toBe(200);
}, 120_000);
afterAll(() => t.close());

describe('tags and keywords as text', () => {
  it('finds an artifact by a tag its name and description never mention', async () => {
    expect(names(await search(t, { q: 'performance' }))).toContain('query-tuner');
    expect(names(await search(t, { q: 'latency' }))).toEqual(['cache-warmer']);
    expect(names(await search(t, { q: 'migration' }))).toEqual(['schema-diff']);
  });

  it('ranks name, then tag (weight A), then description-only (weight B), whatever the downloads', async () => {
    expect(names(await search(t, { q: 'performance' }))).toEqual([
      'performance-kit',
      'query-tuner',
      'budget-notes',
    ]);
  });
});

describe('word forms and prefixes', () => {
  it('postgres finds "PostgreSQL" in a description and the tag postgres; postgresql finds both too', async () => {
    expect(names(await search(t, { q: 'postgres' })).sort()).toEqual(['pg-backup', 'schema-diff']);
    expect(names(await search(t, { q: 'PostgreSQL' })).sort()).toEqual(['pg-backup', 'schema-diff']);
  });

  it('matches other forms of a word and the start of a longer one', async () => {
    expect(names(await search(t, { q: 'reviewing' }))).toEqual(['pr-helper']);
    expect(names(await search(t, { q: 'request' }))).toEqual(['pr-helper']);
    expect(names(await search(t, { q: 'kube' }))).toEqual(['cluster-ops']);
    expect(names(await search(t, { q: 'k8s' }))).toEqual(['cluster-ops']);
    expect(names(await search(t, { q: 'pull req' }))).toEqual([]);
    expect(names(await search(t, { q: 'pull requ' }))).toEqual(['pr-helper']);
  });

  it('matches two spellings either way, and every word must match', async () => {
    expect(names(await search(t, { q: 'js' })).sort()).toEqual(['node-lint', 'web-lint']);
    expect(names(await search(t, { q: 'javascript lints' })).sort()).toEqual(['node-lint', 'web-lint']);
    expect(names(await search(t, { q: 'postgres garden' }))).toEqual([]);
  });

  it('keeps short words exact: "cli" is not the start of "click"', async () => {
    expect(names(await search(t, { q: 'cli' }))).not.toContain('event-counter');
    expect(names(await search(t, { q: 'clic' }))).toContain('event-counter');
  });
});

describe('searchTsQuery', () => {
  it('builds AND of words, prefixes from four letters, alternatives in parentheses', () => {
    expect(searchTsQuery('pull req')).toBe('pull:* & req');
    expect(searchTsQuery('postgresql backup')).toBe('(postgres:* | postgresql:*) & backup:*');
    expect(searchTsQuery('ts')).toBe('(typescript:* | ts)');
  });

  it('lets no operator through, whatever is typed', () => {
    for (const hostile of ["a' | b", '!x & y', 'x:*', '(a', 'x <-> y', '\\\\', "'"])
      expect(searchTsQuery(hostile)).toMatch(/^[\p{L}\p{N}:*&|() ]*$/u);
    expect(searchTsQuery('!!! ---')).toBe('');
  });
});
