/**
 * Package embeddings for semantic search: the text of a package (name, description, the start of its
 * readme) as one vector per package, in `package_embeddings` (only where pgvector is installed).
 * Publishing embeds best effort: a failed embed is logged and never fails the publish. Re-embedding a
 * tenant fills in what is missing (an embedder configured later, a changed model, failed embeds).
 */
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import type { Embedder } from '../embedders/embedder.js';

/** How much of the readme goes into the embedded text (models read ~512 tokens at most anyway). */
export const embeddedReadmeChars = 2000;

export interface EmbeddingDeps {
  db: Kysely<Database>;
  embedder?: Embedder | undefined;
  /** pgvector installed (see db/open.ts). */
  vector?: boolean | undefined;
  logger?: Pick<Logger, 'warn' | 'info'> | undefined;
}

export function embeddingText(pkg: { name: string; description: string; readme: string | null }): string {
  // Names join words with punctuation ("@acme/code-review"); the embedder should see the words.
  const words = pkg.name.replace(/^@/, '').replace(/[-_/.]+/g, ' ');
  const readme = (pkg.readme ?? '').slice(0, embeddedReadmeChars);
  return [words, pkg.description, readme].filter((part) => part.trim()).join('\n\n');
}

/** pgvector's text form; bound as a parameter and cast with `::vector`. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((x) => (Number.isFinite(x) ? Number(x.toPrecision(8)) : 0)).join(',')}]`;
}

/**
 * Creates the table when pgvector was installed after migration 0005 ran (the migration only creates it
 * where the extension exists). Returns whether the store is usable.
 */
export async function ensureEmbeddingStore(db: Kysely<Database>, vector: boolean): Promise<boolean> {
  if (!vector) return false;
  await sql`CREATE TABLE IF NOT EXISTS package_embeddings (
    package_id uuid PRIMARY KEY REFERENCES packages (id) ON DELETE CASCADE,
    model text NOT NULL,
    embedding vector NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  return true;
}

/** Inserts or replaces the vectors of the given packages, all made by `model`. */
export async function storeEmbeddings(
  db: Kysely<Database>,
  model: string,
  rows: readonly { packageId: string; vector: readonly number[] }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('package_embeddings')
    .values(
      rows.map((row) => ({
        package_id: row.packageId,
        model,
        embedding: sql<string>`${toVectorLiteral(row.vector)}::vector`,
      })),
    )
    .onConflict((oc) =>
      oc.column('package_id').doUpdateSet((eb) => ({
        model: eb.ref('excluded.model'),
        embedding: eb.ref('excluded.embedding'),
        updated_at: sql`now()`,
      })),
    )
    .execute();
}

interface EmbeddingSource {
  id: string;
  name: string;
  description: string;
  readme: string | null;
}

async function embedSources(db: Kysely<Database>, embedder: Embedder, sources: EmbeddingSource[]) {
  const vectors = await embedder.embed(sources.map(embeddingText));
  await storeEmbeddings(
    db,
    embedder.name,
    sources.map((source, i) => ({ packageId: source.id, vector: vectors[i] as number[] })),
  );
}

/**
 * Embeds one package's current text. Best effort: never throws; returns whether a vector was stored.
 * Called after a publish has committed.
 */
export async function embedPackage(deps: EmbeddingDeps, packageId: string): Promise<boolean> {
  const { db, embedder } = deps;
  if (!embedder || !deps.vector) return false;
  try {
    const source = await db
      .selectFrom('packages')
      .select([
        'id',
        'name',
        'description',
        sql<string | null>`left(readme, ${embeddedReadmeChars})`.as('readme'),
      ])
      .where('id', '=', packageId)
      .executeTakeFirst();
    if (!source) return false;
    await embedSources(db, embedder, [source]);
    return true;
  } catch (error) {
    deps.logger?.warn(
      { err: error, packageId, embedder: embedder.name },
      'embedding failed; the artifact is published but missing from semantic search until re-embedded',
    );
    return false;
  }
}

export interface EmbedTenantOptions {
  /** Skip packages that already have a vector of this embedder's model (default true). */
  onlyMissing?: boolean;
  /** Packages embedded per round trip (default 64). */
  batchSize?: number;
  /** Stops between batches. */
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
}

/**
 * (Re)embeds every published package of a tenant, in pages ordered by id; returns how many were
 * embedded. Errors (embedder down) propagate: callers decide whether to retry.
 */
export async function embedTenantPackages(
  db: Kysely<Database>,
  embedder: Embedder,
  tenantId: string,
  options: EmbedTenantOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 64;
  const onlyMissing = options.onlyMissing ?? true;
  let after: string | undefined;
  let done = 0;
  for (;;) {
    if (options.signal?.aborted) break;
    const page = await db
      .selectFrom('packages as p')
      .select([
        'p.id',
        'p.name',
        'p.description',
        sql<string | null>`left(p.readme, ${embeddedReadmeChars})`.as('readme'),
      ])
      .where('p.tenant_id', '=', tenantId)
      .where('p.latest_version_id', 'is not', null)
      .$if(after !== undefined, (qb) => qb.where('p.id', '>', after as string))
      .$if(onlyMissing, (qb) =>
        qb.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('package_embeddings as e')
                .select('e.package_id')
                .whereRef('e.package_id', '=', 'p.id')
                .where('e.model', '=', embedder.name),
            ),
          ),
        ),
      )
      .orderBy('p.id')
      .limit(batchSize)
      .execute();
    if (page.length === 0) break;
    await embedSources(db, embedder, page);
    done += page.length;
    after = page[page.length - 1]?.id;
    options.onProgress?.(done);
    if (page.length < batchSize) break;
  }
  return done;
}

/**
 * At start-up with an embedder and pgvector: embeds, tenant by tenant, every package that has no vector
 * of the configured model yet. Runs in the background; logs and stops on the first failure.
 */
export async function backfillEmbeddings(
  deps: EmbeddingDeps & { batchSize?: number },
  signal?: AbortSignal,
): Promise<number> {
  const { db, embedder } = deps;
  if (!embedder || !deps.vector) return 0;
  let total = 0;
  const tenants = await db.selectFrom('tenants').select(['id', 'slug']).orderBy('slug').execute();
  for (const tenant of tenants) {
    if (signal?.aborted) break;
    const count = await embedTenantPackages(db, embedder, tenant.id, {
      onlyMissing: true,
      ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
      ...(signal ? { signal } : {}),
    });
    if (count > 0)
      deps.logger?.info({ tenant: tenant.slug, count, embedder: embedder.name }, 'embedded artifacts');
    total += count;
  }
  return total;
}
