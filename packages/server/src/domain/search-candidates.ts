/**
 * Keeps text search fast on a large catalogue (bench/search.mjs: 100,000 artifacts, p95 ≤ 25 ms on
 * PostgreSQL and ≤ 60 ms on PGlite). search.ts owns the match and the ranking formula; this module decides
 * which rows the formula is applied to, when typo tolerance applies, and counts.
 *
 * Why: a common word ("agent", "review") is in nearly every readme. Scoring every match meant reading
 * ~90,000 readme tsvectors from TOAST per search (~1 s on PostgreSQL, 3–5 s on PGlite), and counting them
 * cost as much again. Trigram matching (`%` at Tank's 0.15) is the other cost: a long query shares a few
 * trigrams with a large share of all names, and each such row must be checked.
 *
 * Relevance order: each way of matching proposes its best rows from its own index, and only their union
 * is scored with Tank's formula:
 *   1. names or bare names starting with the query, shortest first (btree `text_pattern_ops`, 0006);
 *   2. names containing the query, most similar first (GiST trigram nearest neighbours, 0006);
 * and, only while 1–2 do not fill the page (a row found only by the others scores below 405, and a name
 * containing the query at least 400 plus its similarity):
 *   3. bare names similar to the query (`%`, when typo tolerance applies), most similar first (GiST);
 *   4. full-text matches on name, tags and description, most downloaded first;
 *   5. readme matches: among the 500 most downloaded rows first, then any, from the GIN index.
 * Each proposes offset + limit rows (at least `candidatesPerSource`). While no source is cut short, the
 * union is every match and the order is exactly Tank's; when one is, what it left out ranks lower in its
 * own order (longer prefix matches, less similar names, less downloaded text matches).
 *
 * Typo tolerance (trigram similarity of the bare name ≥ 0.15) joins the match only when fewer than
 * `fuzzyBelow` visible names contain the query, and, for a query longer than `fuzzyMaxLength`, only
 * when none does: a long query that names an artifact exactly gains nothing from the thousands of names
 * sharing a few trigrams with it, and a misspelt one still finds its artifact. The score still counts the
 * similarity of the full name and of the bare name.
 *
 * Totals: counting every match of a common word costs as much as ranking them, so matches are counted up
 * to `maxCountedTotal`, each way of matching from its own index, cheapest first, stopping once there are
 * more: a name match never makes anyone read a readme. Beyond it `total` is that number and
 * `totalCapped` says it is a lower bound, as most search engines do.
 */
import type { CompiledQuery, Expression, Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Database, PackagesTable } from '../db/schema.js';

/** Rows each source proposes at least (raised to offset + limit for later pages). */
export const candidatesPerSource = 50;
/** Matches are counted up to this many; `total` never exceeds it. */
export const maxCountedTotal = 1000;
/** Typo tolerance applies while fewer names than this contain the query. */
export const fuzzyBelow = 20;
/** Longer queries get typo tolerance only when no name contains them. */
export const fuzzyMaxLength = 16;

type Packages = SelectQueryBuilder<Database & { p: PackagesTable }, 'p', object>;

export interface TextQuery {
  /** Folded query text. */
  q: string;
  /** `q` with LIKE wildcards escaped. */
  like: string;
  /** to_tsquery of searchTsQuery(q). */
  tsq: RawBuilder<unknown>;
}

/** The ways a row can match a text query; the match is their OR. */
function conditions(text: TextQuery, fuzzy: boolean) {
  const { q, like, tsq } = text;
  return {
    name: sql<SqlBool>`p.name_norm LIKE ${`%${like}%`}`,
    ...(fuzzy ? { fuzzy: sql<SqlBool>`p.bare_norm % ${q}` } : {}),
    description: sql<SqlBool>`p.search_tsv @@ ${tsq}`,
    readme: sql<SqlBool>`p.readme_tsv @@ ${tsq}`,
  };
}

/** The text condition of a search (names are folded, so LIKE is as good as ILIKE here). */
export function textMatch(text: TextQuery, fuzzy: boolean): Expression<SqlBool> {
  const parts = Object.values(conditions(text, fuzzy));
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

const ids = async (qb: { execute(): Promise<{ id: string }[]> }) => (await qb.execute()).map((row) => row.id);

/**
 * Runs a query with only bitmap index scans allowed. For readme matches: the planner prices
 * `readme_tsv @@ q` like any operator, but each row it checks outside the GIN index means reading a
 * ~4 kB tsvector from TOAST, so a LIMIT that tempts it into walking rows is ten times slower than the
 * bitmap it passes over.
 */
async function bitmapIds(db: Kysely<Database>, qb: { compile(): CompiledQuery<{ id: string }> }) {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    await sql`SET LOCAL enable_indexscan = off`.execute(trx);
    return (await trx.executeQuery(qb.compile())).rows.map((row) => row.id);
  });
}

/** Readme matches are looked for among this many most downloaded rows before the index is asked. */
const readmeWalk = 500;

/** Up to `n` readme matches: the most downloaded first, then any. */
async function readmeMatches(db: Kysely<Database>, filtered: Packages, tsq: RawBuilder<unknown>, n: number) {
  // A common word is found among the most downloaded rows after a few checks...
  const walked = await ids(
    db
      .selectFrom(
        filtered
          .select(['p.id', sql<string>`p.readme_tsv`.as('readme_tsv')])
          .orderBy('p.downloads_7d', 'desc')
          .limit(readmeWalk)
          .as('w'),
      )
      .select('w.id')
      .where(sql<SqlBool>`w.readme_tsv @@ ${tsq}`)
      .limit(n),
  );
  if (walked.length >= n) return walked;
  // ...a rarer one through the index. Fewer than `n` there means these are all of them.
  const rest = await bitmapIds(
    db,
    filtered.select('p.id').where(sql<SqlBool>`p.readme_tsv @@ ${tsq}`).limit(n),
  );
  return rest.length < n ? rest : [...new Set([...walked, ...rest])].slice(0, n);
}

function nameMatches(filtered: Packages, text: TextQuery, limit: number) {
  return ids(
    filtered
      .select('p.id')
      .where(sql<SqlBool>`p.name_norm LIKE ${`%${text.like}%`}`)
      .orderBy(sql`p.name_norm <-> ${text.q}`)
      .limit(limit),
  );
}

function fuzzyApplies(text: TextQuery, nameMatchCount: number): boolean {
  return nameMatchCount < fuzzyBelow && (text.q.length <= fuzzyMaxLength || nameMatchCount === 0);
}

/** Whether typo tolerance applies to this query (one cheap, indexed query). */
export async function fuzzyMatching(filtered: Packages, text: TextQuery): Promise<boolean> {
  return fuzzyApplies(text, (await nameMatches(filtered, text, fuzzyBelow)).length);
}

type Way = 'name' | 'description' | 'readme' | 'fuzzy';
/** Ids per way of matching, each complete up to `maxCountedTotal + 1`, found while planning. */
export type KnownMatches = Partial<Record<Way, string[]>>;

export interface RelevancePlan {
  /** The rows to score (all of them match). */
  ids: string[];
  fuzzy: boolean;
  known: KnownMatches;
  /** Every match, when no source was cut short (then no count is needed). */
  exactTotal: number | undefined;
}

export async function planRelevance(
  db: Kysely<Database>,
  filtered: Packages,
  text: TextQuery,
  page: { offset: number; limit: number },
): Promise<RelevancePlan> {
  const { q, like, tsq } = text;
  const cap = maxCountedTotal + 1;
  // Beyond the counted total nobody pages; the bound keeps a far page from scanning everything.
  const quota = Math.min(Math.max(candidatesPerSource, page.offset + page.limit), cap + page.limit);
  const [prefix, named] = await Promise.all([
    ids(
      filtered
        .select('p.id')
        .where(sql<SqlBool>`(p.name_norm LIKE ${`${like}%`} OR p.bare_norm LIKE ${`${like}%`})`)
        .orderBy(sql`length(p.bare_norm)`)
        .orderBy('p.downloads_7d', 'desc')
        .limit(quota),
    ),
    nameMatches(filtered, text, quota + 1),
  ]);
  const fuzzy = fuzzyApplies(text, named.length);
  const found = new Set([...prefix, ...named.slice(0, quota)]);
  if (named.length > quota) return { ids: [...found], fuzzy, known: {}, exactTotal: undefined };

  // Fewer names contain the query than the page needs: the lower tiers fill it. The description and
  // trigram sources fetch what the count needs too (their cost hardly depends on the limit).
  const [similar, described, readme] = await Promise.all([
    fuzzy
      ? ids(
          filtered
            .select('p.id')
            .where(sql<SqlBool>`p.bare_norm % ${q}`)
            .orderBy(sql`p.bare_norm <-> ${q}`)
            .limit(cap),
        )
      : Promise.resolve([]),
    ids(
      filtered
        .select('p.id')
        .where(sql<SqlBool>`p.search_tsv @@ ${tsq}`)
        .orderBy('p.downloads_7d', 'desc')
        .limit(cap),
    ),
    readmeMatches(db, filtered, tsq, quota + 1),
  ]);
  for (const rows of [similar, described, readme]) for (const id of rows.slice(0, quota)) found.add(id);
  const known: KnownMatches = { name: named, description: described };
  if (fuzzy) known.fuzzy = similar;
  if (readme.length <= quota) known.readme = readme;
  const cut = [similar, described].some((rows) => rows.length > quota) || readme.length > quota;
  return { ids: [...found], fuzzy, known, exactTotal: cut ? undefined : found.size };
}

/**
 * Matches counted up to `maxCountedTotal + 1` (the count stops there). With a text query, each way of
 * matching is read from its own index, cheapest first, and their ids united until there are more than
 * `maxCountedTotal`: a name match never makes anyone read a readme, and an OR never rechecks every
 * condition (readme included) for each row a trigram index proposes.
 */
export async function countMatches(
  db: Kysely<Database>,
  filtered: Packages,
  text: TextQuery | undefined,
  fuzzy: boolean,
  known: KnownMatches = {},
): Promise<number> {
  const limit = maxCountedTotal + 1;
  if (!text) {
    const row = await db
      .selectFrom(filtered.select(sql<number>`1`.as('one')).limit(limit).as('m'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
  const ways = conditions(text, fuzzy);
  const seen = new Set<string>();
  const order = (['name', 'description', 'readme', 'fuzzy'] as const).filter((way) => ways[way]);
  // What planning already fetched costs nothing: it goes first.
  for (const way of [...order.filter((w) => known[w]), ...order.filter((w) => !known[w])]) {
    const where = ways[way];
    if (!where) continue;
    const query = filtered.select('p.id').where(where).limit(limit);
    const found = known[way] ?? (await (way === 'readme' ? bitmapIds(db, query) : ids(query)));
    for (const id of found) seen.add(id);
    if (seen.size >= limit) break;
  }
  return seen.size;
}
