-- A publisher's new publish of the same name@version replaces its own unfinished reservation (a retry after a
-- crash or a failed confirm must not be blocked). The replaced reservation's id is remembered for a day so a
-- confirm that still arrives for it (two publishes racing) answers 409 version_exists rather than 404.
CREATE TABLE superseded_reservations (
  version_id uuid PRIMARY KEY,
  package_id uuid NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX superseded_reservations_created_idx ON superseded_reservations (created_at);
