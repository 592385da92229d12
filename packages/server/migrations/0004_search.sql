-- Search: accent-folded, lower-cased copies of the searched text (folded in the application, so no
-- extension is needed on either engine), generated full-text vectors, and the indexes every search plan
-- uses. Denormalised latest-version facts make filters and sorts single-table.

ALTER TABLE packages
  ADD COLUMN name_norm text NOT NULL DEFAULT '',
  ADD COLUMN bare_norm text NOT NULL DEFAULT '',
  ADD COLUMN description_norm text NOT NULL DEFAULT '',
  ADD COLUMN readme_norm text NOT NULL DEFAULT '',
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN latest_verdict text,
  ADD COLUMN latest_audit_score integer,
  ADD COLUMN deprecated boolean NOT NULL DEFAULT false,
  ADD COLUMN downloads_7d bigint NOT NULL DEFAULT 0;

UPDATE packages SET
  name_norm = lower(name),
  bare_norm = lower(regexp_replace(name, '^@[^/]+/', '')),
  description_norm = lower(description),
  readme_norm = lower(coalesce(readme, ''));

ALTER TABLE packages
  ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', regexp_replace(name_norm, '[@/_-]', ' ', 'g')), 'A') ||
    setweight(to_tsvector('english', description_norm), 'B')
  ) STORED,
  ADD COLUMN readme_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', left(readme_norm, 100000))) STORED;

CREATE INDEX packages_search_tsv_idx ON packages USING gin (search_tsv);
CREATE INDEX packages_readme_tsv_idx ON packages USING gin (readme_tsv);
CREATE INDEX packages_name_trgm_idx ON packages USING gin (name_norm gin_trgm_ops);
CREATE INDEX packages_bare_trgm_idx ON packages USING gin (bare_norm gin_trgm_ops);
CREATE INDEX packages_tags_idx ON packages USING gin (tags);
CREATE INDEX packages_tools_idx ON packages USING gin (tool_targets);
CREATE INDEX packages_tenant_downloads_idx ON packages (tenant_id, downloads_7d DESC, updated_at DESC);
CREATE INDEX packages_tenant_stars_idx ON packages (tenant_id, stars_count DESC);
CREATE INDEX packages_tenant_updated_idx ON packages (tenant_id, updated_at DESC);
CREATE INDEX packages_tenant_name_idx ON packages (tenant_id, name);
