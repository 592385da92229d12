/** What the publish pipeline needs from the app: database, blob store, upload cap, scanner, embedder. */
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database } from '../db/schema.js';
import type { ScanPool } from '../scanning/scan-pool.js';
import type { EmbeddingDeps } from './embeddings.js';

export interface PublishDeps extends EmbeddingDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  maxUploadBytes: number;
  scanner: ScanPool;
}

/** The publish dependencies out of the app's. */
export function publishDepsOf(deps: {
  db: Kysely<Database>;
  blobs: BlobStore;
  config: { maxUploadBytes: number };
  scanner: ScanPool;
  embedder?: EmbeddingDeps['embedder'];
  vector?: EmbeddingDeps['vector'];
  logger?: EmbeddingDeps['logger'];
}): PublishDeps {
  return {
    db: deps.db,
    blobs: deps.blobs,
    maxUploadBytes: deps.config.maxUploadBytes,
    scanner: deps.scanner,
    embedder: deps.embedder,
    vector: deps.vector,
    logger: deps.logger,
  };
}
