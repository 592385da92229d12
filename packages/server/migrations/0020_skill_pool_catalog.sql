-- skill-pool surface: suspended tenants, usage events (views and downloads) and the decay counters.

-- A suspended tenant answers as an unknown one (skill-pool: 401; other surfaces: tenant_resolution_failed).
ALTER TABLE tenants ADD COLUMN suspended_at timestamptz;

-- One row per view or download, from the skill-pool endpoints and from clients' POST /v1/usage.
CREATE TABLE skill_usage_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
  version_id uuid REFERENCES versions (id) ON DELETE SET NULL,
  event text NOT NULL CHECK (event IN ('view', 'download')),
  user_id uuid,
  token_id uuid,
  project_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX skill_usage_events_tenant_time_idx ON skill_usage_events (tenant_id, created_at);
CREATE INDEX skill_usage_events_package_time_idx ON skill_usage_events (package_id, created_at);

-- Decay reads these instead of scanning the events: uses so far and the last one (null: never used).
ALTER TABLE packages ADD COLUMN use_count bigint NOT NULL DEFAULT 0;
ALTER TABLE packages ADD COLUMN last_used_at timestamptz;
