-- skill-pool's drafts inbox: bundles submitted for review (CLI capture, hooks, the web editor) that a
-- curator publishes as a version or discards. The bundle lives in the blob store until the draft is
-- discarded (then `blob_key` is NULL: the bytes are purged, the row is kept for the inbox history).
CREATE TABLE skill_drafts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  slug text NOT NULL,
  description text NOT NULL,
  when_to_use text,
  tags text[] NOT NULL DEFAULT '{}',
  origin text NOT NULL CHECK (origin IN ('cli', 'capture-scorer', 'claude-hook', 'web')),
  notes text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'discarded')),
  blob_key text,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  merge_proposal_slug text,
  merge_proposal_similarity double precision,
  published_version text,
  published_version_id uuid REFERENCES versions (id) ON DELETE SET NULL,
  -- Set while a publish of this draft runs (the pipeline scans outside any transaction); a second
  -- publish meanwhile is refused, and a claim older than the scan timeout is stale.
  publishing_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  reviewed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX skill_drafts_inbox_idx ON skill_drafts (tenant_id, status, created_at DESC);
