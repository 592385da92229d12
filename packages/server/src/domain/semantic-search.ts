/**
 * Semantic search: the same visibility rules and filters as text search (the caller hands in its
 * filtered query), ranked by cosine similarity between the query's embedding and each package's
 * (`1 - (embedding <=> query)`, clamped to [0, 1]) and cut at `minSimilarity`. It takes precedence over
 * `q`. Without an embedder or without pgvector the feature is off: `not_implemented`.
 */
import { AgentryError } from '@agentry/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Embedder } from '../embedders/embedder.js';
import { toVectorLiteral } from './embeddings.js';
import { hitColumns, type SearchQuery, type SearchResult, type SearchSort, toHit } from './search.js';

export interface SemanticEngine {
  embedder?: Embedder | undefined;
  /** pgvector installed (see db/open.ts). */
  vector?: boolean | undefined;
}

function fromPackages(db: Kysely<Database>) {
  return db.selectFrom('packages as p');
}
/** `packages as p` with the visibility rules and filters applied (built by searchPackages). */
export type FilteredPackages = ReturnType<typeof fromPackages>;

/** Longer semantic queries are cut: embedders read a few hundred tokens at most. */
const maxSemanticLength = 1000;

function notImplemented(message: string): AgentryError {
  return new AgentryError('not_implemented', { message });
}

export async function semanticSearch(
  base: FilteredPackages,
  query: SearchQuery,
  engine: SemanticEngine | undefined,
): Promise<SearchResult> {
  const embedder = engine?.embedder;
  if (!embedder) {
    throw notImplemented('Semantic search needs an embedder (set EMBEDDER, see docs/configuration.md).');
  }
  if (!engine.vector) {
    throw notImplemented('Semantic search needs the pgvector extension in the database.');
  }
  const text = (query.semantic ?? '').trim().slice(0, maxSemanticLength);
  let queryVector: number[];
  try {
    [queryVector = []] = await embedder.embed([text]);
  } catch (error) {
    throw new AgentryError('service_unavailable', {
      message: `The embedder failed: ${(error as Error).message}`,
    });
  }
  const literal = toVectorLiteral(queryVector);
  const distance = sql<number>`(e.embedding <=> ${literal}::vector)`;
  const similarity = sql<number>`greatest(0, least(1, 1 - ${distance}))`;
  const minSimilarity = query.minSimilarity ?? 0;

  const matched = base
    .innerJoin('package_embeddings as e', 'e.package_id', 'p.id')
    .where('e.model', '=', embedder.name)
    .$if(minSimilarity > 0, (qb) => qb.where(sql<SqlBool>`${similarity} >= ${minSimilarity}`));

  const sort: SearchSort = query.sort ?? 'relevance';
  let ordered = matched
    .leftJoin('users as u', 'u.id', 'p.publisher_id')
    .select(hitColumns)
    .select(similarity.as('similarity'));
  // As in text search, a chosen sort comes first and similarity breaks its ties.
  if (sort === 'downloads') ordered = ordered.orderBy('p.downloads_7d', 'desc');
  if (sort === 'stars') ordered = ordered.orderBy('p.stars_count', 'desc');
  if (sort === 'updated') ordered = ordered.orderBy('p.updated_at', 'desc');
  if (sort === 'name') ordered = ordered.orderBy('p.name', 'asc');
  ordered = ordered
    .orderBy(distance)
    .orderBy('p.downloads_7d', 'desc')
    .orderBy('p.updated_at', 'desc')
    .orderBy('p.name', 'asc');

  try {
    const [rows, count, kinds] = await Promise.all([
      ordered.limit(query.limit).offset(query.offset).execute(),
      matched.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      query.facets
        ? matched
            .select(['p.kind', (eb) => eb.fn.countAll<number>().as('n')])
            .groupBy('p.kind')
            .execute()
        : Promise.resolve(undefined),
    ]);
    return {
      hits: rows.map((row) => {
        const value = Math.min(1, Math.max(0, Number(row.similarity)));
        return { ...toHit(row, value), similarity: value };
      }),
      total: Number(count.n),
      ...(kinds ? { facets: { kind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])) } } : {}),
    };
  } catch (error) {
    // pgvector installed after migration 0005 ran and no start-up since: the table is not there yet.
    if ((error as { code?: string }).code === '42P01') {
      throw notImplemented('Semantic search has no embeddings table yet; restart the server to create it.');
    }
    throw error;
  }
}
