-- Archives served to Agent Skills discovery clients (/.well-known/agent-skills/): the skill's files at
-- the archive root, packed once per published version. The index names each archive's SHA-256, so the
-- bytes are stored (not re-packed per request): every node serves the same bytes the digest was made of.
CREATE TABLE skill_archives (
  version_id uuid PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  sha256 text NOT NULL,
  size_bytes integer NOT NULL,
  blob_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
