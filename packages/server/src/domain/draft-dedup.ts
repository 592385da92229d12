/**
 * Does a new draft look like a skill the tenant already publishes? skill-pool proposes a merge when the
 * closest published skill (any kind) is at least 0.85 similar. With an embedder (and pgvector) that is the
 * cosine similarity of the draft's embedding text to each package's stored embedding. Without one the
 * fallback is lexical: pg_trgm's trigram similarity between "name description" of the draft and of each
 * published package (lower-cased, name punctuation as spaces), with an identical name counting as 1.0.
 * Both engines ship pg_trgm, so the fallback works everywhere. Only public skills are candidates: a
 * proposal is stored on the draft and shown to every reader of the inbox, so it must never name a private
 * or team artifact (nor let a draft probe whether one exists).
 */
import { slugOfPackageName } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Embedder } from '../embedders/embedder.js';
import { embeddingText, toVectorLiteral } from './embeddings.js';

export const mergeThreshold = 0.85;

export interface MergeProposal {
  /** The published package's Agentry name; `slug` is its skill-pool slug. */
  name: string;
  slug: string;
  similarity: number;
}

interface DedupDeps {
  db: Kysely<Database>;
  embedder?: Embedder | undefined;
  vector?: boolean | undefined;
}

export interface DraftText {
  slug: string;
  description: string;
  body?: string | undefined;
}

/** Lexical form of name + description: words only, lower case. */
export function lexicalText(name: string, description: string): string {
  return `${name.replace(/^@/, '').replace(/[-_/.]+/g, ' ')} ${description}`.toLowerCase();
}

async function semanticProposal(
  deps: DedupDeps & { embedder: Embedder },
  tenantId: string,
  draft: DraftText,
): Promise<{ name: string; similarity: number } | undefined> {
  const [vector] = await deps.embedder.embed([
    embeddingText({ name: draft.slug, description: draft.description, readme: draft.body ?? null }),
  ]);
  if (!vector) return undefined;
  const literal = toVectorLiteral(vector);
  const row = await deps.db
    .selectFrom('packages as p')
    .innerJoin('package_embeddings as e', 'e.package_id', 'p.id')
    .select(['p.name', sql<number>`1 - (e.embedding <=> ${literal}::vector)`.as('similarity')])
    .where('p.tenant_id', '=', tenantId)
    .where('p.status', '=', 'active')
    .where('p.latest_version_id', 'is not', null)
    .where('p.visibility', '=', 'public')
    .where('e.model', '=', deps.embedder.name)
    .orderBy(sql`e.embedding <=> ${literal}::vector`)
    .limit(1)
    .executeTakeFirst();
  return row ? { name: row.name, similarity: Number(row.similarity) } : undefined;
}

async function lexicalProposal(
  db: Kysely<Database>,
  tenantId: string,
  draft: DraftText,
): Promise<{ name: string; similarity: number } | undefined> {
  const text = lexicalText(draft.slug, draft.description);
  const bare = draft.slug.toLowerCase();
  const similarity = sql<number>`CASE WHEN p.bare_norm = ${bare} THEN 1.0 ELSE similarity(
    lower(regexp_replace(regexp_replace(p.name, '^@', ''), '[-_/.]+', ' ', 'g')) || ' ' || p.description_norm,
    ${text}) END`;
  const row = await db
    .selectFrom('packages as p')
    .select(['p.name', similarity.as('similarity')])
    .where('p.tenant_id', '=', tenantId)
    .where('p.status', '=', 'active')
    .where('p.latest_version_id', 'is not', null)
    .where('p.visibility', '=', 'public')
    .orderBy(similarity, 'desc')
    .orderBy('p.name')
    .limit(1)
    .executeTakeFirst();
  return row ? { name: row.name, similarity: Number(row.similarity) } : undefined;
}

/** The closest published package when it is at least `mergeThreshold` similar; best effort. */
export async function findMergeProposal(
  deps: DedupDeps,
  tenantId: string,
  draft: DraftText,
): Promise<MergeProposal | undefined> {
  let best: { name: string; similarity: number } | undefined;
  if (deps.embedder && deps.vector) {
    try {
      best = await semanticProposal({ ...deps, embedder: deps.embedder }, tenantId, draft);
    } catch {
      // An embedder outage must not lose the draft: fall back to the lexical comparison.
      best = undefined;
    }
  }
  best ??= await lexicalProposal(deps.db, tenantId, draft);
  if (!best || best.similarity < mergeThreshold) return undefined;
  const similarity = Math.min(1, Math.max(0, Math.round(best.similarity * 10_000) / 10_000));
  return { name: best.name, slug: slugOfPackageName(best.name), similarity };
}
