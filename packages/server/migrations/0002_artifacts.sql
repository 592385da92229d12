-- Artifacts: packages and their versions, scan results, stars, daily downloads, CLI device logins.

CREATE TABLE packages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL,
  scope text,
  org_id uuid REFERENCES orgs (id) ON DELETE RESTRICT,
  kind text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('public', 'private', 'team')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  description text NOT NULL DEFAULT '',
  keywords text[] NOT NULL DEFAULT '{}',
  tool_targets text[] NOT NULL DEFAULT '{}',
  repository text,
  readme text,
  publisher_id uuid NOT NULL REFERENCES users (id),
  latest_version_id uuid,
  latest_version text,
  downloads_total bigint NOT NULL DEFAULT 0,
  stars_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
CREATE INDEX packages_org_idx ON packages (org_id);
CREATE INDEX packages_publisher_idx ON packages (publisher_id);

-- A version is visible only once `published`; pending and failed rows never leak (see domain/versions.ts).
CREATE TABLE versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
  version text NOT NULL,
  major integer NOT NULL,
  minor integer NOT NULL,
  patch integer NOT NULL,
  prerelease text,
  status text NOT NULL CHECK (status IN ('pending-upload', 'scanning', 'published', 'failed', 'yanked')),
  manifest jsonb NOT NULL,
  permissions jsonb NOT NULL DEFAULT '{}'::jsonb,
  dependencies jsonb NOT NULL DEFAULT '{}'::jsonb,
  description text NOT NULL DEFAULT '',
  readme text,
  blob_key text NOT NULL,
  integrity text,
  size_bytes bigint,
  unpacked_bytes bigint,
  file_count integer,
  files jsonb,
  upload_expires_at timestamptz,
  published_by uuid NOT NULL REFERENCES users (id),
  published_at timestamptz,
  deprecated_message text,
  yanked_at timestamptz,
  yank_reason text,
  audit_score integer,
  verdict text CHECK (verdict IN ('PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL')),
  scan_status text CHECK (scan_status IN ('pending', 'completed', 'flagged', 'failed', 'error')),
  scan_stages jsonb,
  scanned_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (package_id, version)
);
CREATE INDEX versions_package_published_idx ON versions (package_id, published_at DESC);
CREATE INDEX versions_pending_idx ON versions (upload_expires_at) WHERE status IN ('pending-upload', 'failed');

CREATE TABLE scan_findings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  version_id uuid NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  stage text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  rule text NOT NULL,
  message text NOT NULL,
  file text,
  line integer,
  evidence text
);
CREATE INDEX scan_findings_version_idx ON scan_findings (version_id);

CREATE TABLE stars (
  package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (package_id, user_id)
);
CREATE INDEX stars_user_idx ON stars (user_id);

CREATE TABLE downloads_daily (
  version_id uuid NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
  day date NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (version_id, day)
);
CREATE INDEX downloads_daily_package_idx ON downloads_daily (package_id, day);

-- Tank's CLI device login: the poll token is stored hashed; an approved row becomes one API token, once.
CREATE TABLE device_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  poll_token_hash text NOT NULL UNIQUE,
  device_name text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX device_codes_expires_idx ON device_codes (expires_at);
