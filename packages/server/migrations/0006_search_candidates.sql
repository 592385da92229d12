-- Indexes for the candidate sources of relevance search (src/domain/search-candidates.ts): names that
-- start with the query (btree with text_pattern_ops answers LIKE 'q%' in any collation), and names in
-- order of trigram similarity (GiST answers ORDER BY name_norm <-> q as a nearest-neighbour scan, which
-- GIN cannot). The GIN trigram indexes of 0004 stay: they serve the match condition and the count.
CREATE INDEX packages_name_prefix_idx ON packages (tenant_id, name_norm text_pattern_ops);
CREATE INDEX packages_bare_prefix_idx ON packages (tenant_id, bare_norm text_pattern_ops);
CREATE INDEX packages_name_gist_idx ON packages USING gist (name_norm gist_trgm_ops);
CREATE INDEX packages_bare_gist_idx ON packages USING gist (bare_norm gist_trgm_ops);
