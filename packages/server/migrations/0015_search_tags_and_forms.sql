-- Search finds tags and keywords as text: they join the name at weight A in the full-text vector (the
-- description stays at B). array_to_string is only STABLE, so an IMMUTABLE wrapper lets a generated
-- column use it (tags hold lower-cased text, no locale-dependent output). Queries match word forms and
-- prefixes (core/src/search-text.ts, searchTsQuery); the vector itself keeps the english stemmer.

CREATE FUNCTION agentry_tags_text(tags text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string(tags, ' '), '') $$;

DROP INDEX IF EXISTS packages_search_tsv_idx;
ALTER TABLE packages DROP COLUMN search_tsv;
ALTER TABLE packages
  ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', regexp_replace(name_norm, '[@/_-]', ' ', 'g')), 'A') ||
    setweight(to_tsvector('english', regexp_replace(agentry_tags_text(tags), '[@/_.-]', ' ', 'g')), 'A') ||
    setweight(to_tsvector('english', description_norm), 'B')
  ) STORED;
CREATE INDEX packages_search_tsv_idx ON packages USING gin (search_tsv);
