/**
 * Hostile and odd queries: LIKE wildcards, tsquery operators, quotes, NUL, huge strings, emoji, RTL,
 * stopwords, punctuation and SQL. The query is always data: the answer is 200 (or 422 where a parameter
 * is out of range), wildcards match only themselves, and the tables are still there afterwards.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { createSearchApp, names, search, searchPath } from './support.js';

let t: TestApp;
let user: TestUser;

beforeAll(async () => {
  t = await createSearchApp();
  user = await createTestUser(t.deps, t.defaultTenantId);
  for (const [name, description] of [
    ['percent-tool', 'Computes 100% of nothing.'],
    ['under-score', 'Has an under_score in its description.'],
    ['quote-keeper', 'Keeps "quoted" and \'single\' text.'],
    ['plain-helper', 'A plain helper for everyday chores.'],
  ] as const) {
    const result = await publishVersion(t, user.token, { name, version: '1.0.0', description });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  }
});
afterAll(() => t.close());

const hostile: [string, string][] = [
  ['percent', '%'],
  ['double percent', '%%'],
  ['underscore', '_'],
  ['underscores', '___'],
  ['backslash', '\\'],
  ['trailing backslash', 'plain\\'],
  ['backslash percent', '\\%'],
  ['single quote', "'"],
  ['double quote', '"'],
  ['unbalanced quotes', '"plain \'helper'],
  ['quoted phrase', '"plain helper"'],
  ['prefix operator', 'plain:*'],
  ['bare prefix operator', ':*'],
  ['weighted prefix', 'plain:*AB'],
  ['boolean operators', '&|!()'],
  ['operators between words', 'plain & !helper | (chores)'],
  ['leading minus', '-plain'],
  ['only minus', '-'],
  ['or keyword', 'plain or'],
  ['only or', 'or'],
  ['phrase operator', '<->'],
  ['distance operator', 'plain <2> helper'],
  ['tsquery syntax', "'plain' & 'helper':* | !'x'"],
  ['regex', '.*(a|b)+[^c]{2,}$'],
  ['like escape clause', "x' ESCAPE '!"],
  ['sql comment', '-- comment'],
  ['sql block comment', '/* x */'],
  ['sql injection', "'; drop table packages; --"],
  ['sql injection, double quoted', '"; DROP TABLE packages; --'],
  ['union injection', "' UNION SELECT password_hash FROM users --"],
  ['semicolons', ';;;'],
  ['dollar quoting', '$$; drop table packages; $$'],
  ['emoji', '🚀🔥 plain'],
  ['flag emoji and ZWJ', '🏳️‍🌈👩‍👩‍👧'],
  ['right-to-left text', 'مساعد بسيط'],
  ['hebrew', 'עוזר פשוט'],
  ['bidi override', '\u202eplain\u202c'],
  ['zero-width characters', 'pl\u200bain\u200d'],
  ['combining marks only', '\u0301\u0308\u0327'],
  ['CJK', '简单助手'],
  ['only stopwords', 'the and of a to'],
  ['only punctuation', '!?.,;:()[]{}<>'],
  ['only whitespace', ' \t \n '],
  ['unicode whitespace', '\u00a0\u2003\u3000'],
  ['replacement char', '\ufffd'],
  ['html', '<script>alert(1)</script>'],
  ['json', '{"$ne": null}'],
  ['path traversal', '../../etc/passwd'],
  ['at and slash', '@/'],
  ['scope only', '@acme/'],
  ['long word', 'x'.repeat(2000)],
  ['many words', Array.from({ length: 500 }, (_, i) => `w${i}`).join(' ')],
  ['many operators', '&'.repeat(3000)],
  ['10 kB', 'plain helper '.repeat(770).slice(0, 10_000)],
  ['10 kB of multibyte text', 'é'.repeat(5000)],
];

describe('hostile queries', () => {
  it.each(hostile)('answers 200 for %s', async (_label, q) => {
    const body = await search(t, { q });
    expect(body.total).toBeGreaterThanOrEqual(body.results.length);
    for (const params of [
      { q, sort: 'name' },
      { q, tags: q.slice(0, 100) },
      { q, tool: q.slice(0, 100) },
    ]) {
      const res = await t.request(searchPath(params));
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });

  it('answers 200 for a NUL byte (%00) anywhere in the query', async () => {
    for (const raw of ['%00', 'plain%00helper', '%00%00%00', 'plain%00', '%25%00%5F']) {
      const res = await t.request(`/api/v1/search?q=${raw}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: unknown[]; total: number };
      expect(body.total).toBeGreaterThanOrEqual(body.results.length);
    }
    // A NUL only separates words.
    const res = await t.request('/api/v1/search?q=plain%00helper');
    expect(((await res.json()) as { results: { name: string }[] }).results[0]?.name).toBe('plain-helper');
  });

  it('answers 422 VALIDATION_ERROR for a NUL byte in a filter value (no stored value can hold one)', async () => {
    for (const raw of ['tags=a%00b', 'tool=%00', 'tags=review,%00', 'tool=cursor,claude%00code']) {
      const res = await t.request(`/api/v1/search?q=plain&${raw}`);
      expect(res.status, raw).toBe(422);
      expect(((await res.json()) as { error: string }).error).toBe('VALIDATION_ERROR');
    }
  });

  it('answers 200 for a lone surrogate and for invalid percent-encoding in the query', async () => {
    for (const raw of ['%ED%A0%80', '%C0%AF', '%FF%FE', '%', '%zz', 'plain%E2%82']) {
      const res = await t.request(`/api/v1/search?q=${raw}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });

  it('answers 200 or 422 VALIDATION_ERROR, never a server error, for queries past any size limit', async () => {
    for (const q of ['a'.repeat(10_001), 'plain '.repeat(20_000)]) {
      const res = await t.request(searchPath({ q }));
      expect([200, 422]).toContain(res.status);
      const body = (await res.json()) as { error?: string };
      if (res.status === 422) expect(body.error).toBe('VALIDATION_ERROR');
    }
  });

  it('treats LIKE wildcards as plain characters', async () => {
    // `%` and `_` would match every name if they were wildcards.
    expect(names(await search(t, { q: '%' }))).not.toContain('plain-helper');
    expect(names(await search(t, { q: '_' }))).not.toContain('plain-helper');
    expect(names(await search(t, { q: '___' }))).not.toContain('plain-helper');
    expect(names(await search(t, { q: '\\' }))).not.toContain('plain-helper');
  });

  it('still finds what the words of an odd query name', async () => {
    expect(names(await search(t, { q: '"plain helper"' }))[0]).toBe('plain-helper');
    expect(names(await search(t, { q: 'plain:*' }))).toContain('plain-helper');
    expect(names(await search(t, { q: '-plain' }))).toContain('plain-helper');
    expect(names(await search(t, { q: '🚀 plain' }))).toContain('plain-helper');
    expect(names(await search(t, { q: 'PLAIN-HELPER' }))[0]).toBe('plain-helper');
  });

  it('keeps every table and row after SQL-looking queries', async () => {
    for (const q of [
      "'; drop table packages; --",
      '"; DROP TABLE packages; --',
      "'); DELETE FROM packages; --",
    ]) {
      const res = await t.request(searchPath({ q }), { headers: bearer(user.token) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const exists = await sql<{
      name: string | null;
    }>`SELECT to_regclass('public.packages')::text AS name`.execute(t.deps.db);
    expect(exists.rows[0]?.name).toBe('packages');
    const count = await t.deps.db
      .selectFrom('packages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
    const body = await search(t, {});
    expect(body.total).toBe(4);
    expect(names(await search(t, { q: 'plain-helper' }))[0]).toBe('plain-helper');
  });

  it('answers 422 VALIDATION_ERROR for hostile values of range-checked parameters', async () => {
    for (const raw of [
      "page='; drop table packages; --",
      'page=%00',
      'limit=1e9',
      'limit=-1',
      'page=Infinity',
      'page=NaN',
      'sort=relevance%00',
      "kind=skill'--",
      'verdict=%25',
      'visibility=public%00',
    ]) {
      const res = await t.request(`/api/v1/search?q=plain&${raw}`);
      expect(res.status, raw).toBe(422);
      expect(((await res.json()) as { error: string }).error).toBe('VALIDATION_ERROR');
    }
  });
});
