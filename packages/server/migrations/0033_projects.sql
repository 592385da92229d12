-- skill-pool projects: a curated, ordered list of skills (and agents, commands, plugins) per codebase,
-- found again from the codebase's git remote; and stack mappings, the curated tier of bootstrap.
CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  slug text NOT NULL,
  name text NOT NULL,
  description text,
  -- Normalised (see domain/projects.ts) so ssh and https spellings of one remote meet.
  git_remote text,
  stack_tags text[] NOT NULL DEFAULT '{}',
  plan_auto_refresh_interval_secs integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX projects_slug_idx ON projects (tenant_id, lower(slug));
CREATE UNIQUE INDEX projects_remote_idx ON projects (tenant_id, git_remote) WHERE git_remote IS NOT NULL;

CREATE TABLE project_items (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  skill_slug text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('skill', 'agent', 'command', 'plugin')),
  position integer NOT NULL,
  PRIMARY KEY (project_id, skill_slug, kind)
);

CREATE TABLE stack_mappings (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  stack_tag text NOT NULL,
  skill_slug text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, stack_tag, skill_slug)
);
