-- Semantic search: one embedding per package, written at publish (best effort) and by re-embedding.
-- Only where the pgvector extension is installed (PGlite loads it; Debian's PostgreSQL has none), so
-- the same file applies on both engines. `model` names the embedder that made the vector: search
-- compares only vectors of the configured model. The column has no fixed dimension, so models of any
-- size fit; search scans the tenant's matching rows exactly (filters and privacy apply first).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    CREATE TABLE IF NOT EXISTS package_embeddings (
      package_id uuid PRIMARY KEY REFERENCES packages (id) ON DELETE CASCADE,
      model text NOT NULL,
      embedding vector NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  END IF;
END
$$;
