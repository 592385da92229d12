/**
 * Search over artifacts, as one domain module that every surface's search endpoint calls with options.
 * Ranking is Tank's: exact name 1000, name prefix 800, `/q` segment 600, substring 400, trigram
 * similarity × 300, full-text rank on name, tags (weight A) and description (B) × 100 and on the readme
 * × 50, words matching in their forms and as prefixes (core searchTsQuery); ties by 7-day
 * downloads, then recency. Text is folded (accents, case) on both sides; the query is always bound as a
 * parameter and LIKE wildcards are escaped, so quotes, operators and `%`/`_` are just characters.
 */
import { foldSearchText, searchTsQuery } from '@agentry/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Viewer } from './access.js';
import {
  countMatches,
  fuzzyMatching,
  maxCountedTotal,
  planRelevance,
  type TextQuery,
  textMatch,
} from './search-candidates.js';
import { type SemanticEngine, semanticSearch } from './semantic-search.js';
import { visibleTo } from './visibility.js';

export const searchSorts = ['relevance', 'downloads', 'stars', 'updated', 'name'] as const;
export type SearchSort = (typeof searchSorts)[number];

export interface SearchQuery {
  tenantId: string;
  viewer: Viewer;
  q?: string | undefined;
  kinds?: readonly string[] | undefined;
  /** Artifacts that target any of these tools. */
  tools?: readonly string[] | undefined;
  /** All of these tags must be present. */
  tags?: readonly string[] | undefined;
  verdicts?: readonly string[] | undefined;
  visibility?: readonly ('public' | 'private' | 'team')[] | undefined;
  sort?: SearchSort | undefined;
  limit: number;
  offset: number;
  /** Also count results per kind (for facet lists). */
  facets?: boolean;
  /** Rank by embedding similarity to this text instead (takes precedence over `q`; semantic-search.ts). */
  semantic?: string | undefined;
  /** With `semantic`: drop hits below this cosine similarity (0..1). */
  minSimilarity?: number | undefined;
}

export interface SearchHit {
  id: string;
  name: string;
  description: string;
  kind: string;
  visibility: 'public' | 'private' | 'team';
  latestVersion: string | null;
  auditScore: number | null;
  verdict: string | null;
  publisher: string;
  downloads: number;
  downloadsTotal: number;
  stars: number;
  tags: string[];
  toolTargets: string[];
  deprecated: boolean;
  updatedAt: Date;
  score: number;
  /** Cosine similarity in [0, 1], on semantic searches only. */
  similarity?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Matches, counted up to `maxCountedTotal` (then `totalCapped`). */
  total: number;
  /** More than `maxCountedTotal` artifacts match: `total` is a lower bound. */
  totalCapped?: boolean;
  facets?: { kind: Record<string, number> };
}

/** Longer queries are cut: nobody types 10 kB into a search box, and trigram work grows with length. */
const maxQueryLength = 200;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export async function searchPackages(
  db: Kysely<Database>,
  query: SearchQuery,
  engine?: SemanticEngine,
): Promise<SearchResult> {
  // PostgreSQL text cannot hold NUL (binding one fails the query): in a query it only separates words.
  const q = foldSearchText(query.semantic === undefined ? (query.q ?? '') : '')
    .replace(/\0/g, ' ')
    .trim()
    .slice(0, maxQueryLength);
  const like = escapeLike(q);
  // Every word, in its word forms, as a prefix and under its other spellings (searchTsQuery); only
  // letters and digits reach to_tsquery, so quotes, "-" and ":*" in a query are just separators.
  const tsq = sql`to_tsquery('english', ${searchTsQuery(q)})`;

  /** Visible to the viewer and through every filter; the text condition comes on top. */
  const filtered = db
    .selectFrom('packages as p')
    .where('p.tenant_id', '=', query.tenantId)
    .where('p.status', '=', 'active')
    .where('p.latest_version_id', 'is not', null)
    .where((eb) => visibleTo(eb, query.viewer))
    .$if((query.kinds?.length ?? 0) > 0, (qb) => qb.where('p.kind', 'in', query.kinds as string[]))
    .$if((query.tools?.length ?? 0) > 0, (qb) =>
      qb.where(sql<SqlBool>`p.tool_targets && ${sql.val(query.tools)}::text[]`),
    )
    .$if((query.tags?.length ?? 0) > 0, (qb) =>
      qb.where(sql<SqlBool>`p.tags @> ${sql.val(query.tags?.map((t) => t.toLowerCase()))}::text[]`),
    )
    .$if((query.verdicts?.length ?? 0) > 0, (qb) =>
      qb.where('p.latest_verdict', 'in', query.verdicts as string[]),
    )
    .$if((query.visibility?.length ?? 0) > 0, (qb) =>
      qb.where('p.visibility', 'in', query.visibility as ('public' | 'private' | 'team')[]),
    );

  if (query.semantic !== undefined) return semanticSearch(filtered, query, engine);

  // Which rows a relevance search scores, when typo tolerance applies, and counting: search-candidates.ts.
  const text: TextQuery | undefined = q.length > 0 ? { q, like, tsq } : undefined;
  const sort: SearchSort = query.sort ?? (text ? 'relevance' : 'downloads');
  const plan = text && sort === 'relevance' ? await planRelevance(db, filtered, text, query) : undefined;
  const fuzzy = text ? (plan?.fuzzy ?? (await fuzzyMatching(filtered, text))) : false;
  const base = text ? filtered.where(textMatch(text, fuzzy)) : filtered;

  const score =
    q.length > 0
      ? sql<number>`(CASE WHEN p.name_norm = ${q} OR p.bare_norm = ${q} THEN 1000 ELSE 0 END)
        + (CASE WHEN p.name_norm LIKE ${`${like}%`} THEN 800 ELSE 0 END)
        + (CASE WHEN p.name_norm LIKE ${`%/${like}%`} THEN 600 ELSE 0 END)
        + (CASE WHEN p.name_norm LIKE ${`%${like}%`} THEN 400 ELSE 0 END)
        + greatest(similarity(p.name_norm, ${q}), similarity(p.bare_norm, ${q})) * 300
        + ts_rank(p.search_tsv, ${tsq}) * 100
        + ts_rank(p.readme_tsv, ${tsq}) * 50`
      : sql<number>`0`;

  const ranked = plan ? filtered.where(sql<SqlBool>`p.id = ANY(${plan.ids}::uuid[])`) : base;
  let ordered = ranked
    .leftJoin('users as u', 'u.id', 'p.publisher_id')
    .select(hitColumns)
    .select(score.as('score'));
  // A chosen sort comes first and relevance breaks its ties (Tank applies non-default sorts before relevance).
  if (sort === 'downloads') ordered = ordered.orderBy('p.downloads_7d', 'desc');
  if (sort === 'stars') ordered = ordered.orderBy('p.stars_count', 'desc');
  if (sort === 'updated') ordered = ordered.orderBy('p.updated_at', 'desc');
  if (sort === 'name') ordered = ordered.orderBy('p.name', 'asc');
  if (q.length > 0) ordered = ordered.orderBy('score', 'desc');
  ordered = ordered
    .orderBy('p.downloads_7d', 'desc')
    .orderBy('p.updated_at', 'desc')
    .orderBy('p.name', 'asc');

  const [rows, count, kinds] = await Promise.all([
    ordered.limit(query.limit).offset(query.offset).execute(),
    plan?.exactTotal ?? countMatches(db, filtered, text, fuzzy, plan?.known),
    query.facets
      ? base
          .select(['p.kind', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('p.kind')
          .execute()
      : Promise.resolve(undefined),
  ]);
  return {
    hits: rows.map((row) => toHit(row, Number(row.score))),
    total: Math.min(count, maxCountedTotal),
    totalCapped: count > maxCountedTotal,
    ...(kinds ? { facets: { kind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])) } } : {}),
  };
}

/** The columns every kind of search returns, and how a row becomes a hit. */
export const hitColumns = [
  'p.id',
  'p.name',
  'p.description',
  'p.kind',
  'p.visibility',
  'p.latest_version',
  'p.latest_audit_score',
  'p.latest_verdict',
  'p.scope',
  'u.username',
  'p.downloads_7d',
  'p.downloads_total',
  'p.stars_count',
  'p.tags',
  'p.tool_targets',
  'p.deprecated',
  'p.updated_at',
] as const;

export interface HitRow {
  id: string;
  name: string;
  description: string;
  kind: string;
  visibility: 'public' | 'private' | 'team';
  latest_version: string | null;
  latest_audit_score: number | null;
  latest_verdict: string | null;
  scope: string | null;
  username: string | null;
  downloads_7d: number;
  downloads_total: number;
  stars_count: number;
  tags: string[];
  tool_targets: string[];
  deprecated: boolean;
  updated_at: Date;
}

export function toHit(row: HitRow, score: number): SearchHit {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    visibility: row.visibility,
    latestVersion: row.latest_version,
    auditScore: row.latest_audit_score,
    verdict: row.latest_verdict,
    publisher: row.scope ?? row.username ?? 'unknown',
    downloads: Number(row.downloads_7d),
    downloadsTotal: Number(row.downloads_total),
    stars: row.stars_count,
    tags: row.tags,
    toolTargets: row.tool_targets,
    deprecated: row.deprecated,
    updatedAt: row.updated_at,
    score,
  };
}

/** Near names for a 404, among artifacts the viewer may see (never a hidden one). */
export async function suggestNames(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
  viewer: Viewer,
): Promise<string[]> {
  const result = await searchPackages(db, { tenantId, viewer, q: name.slice(0, 100), limit: 5, offset: 0 });
  return result.hits.filter((hit) => hit.name !== name).map((hit) => hit.name);
}
