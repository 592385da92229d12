-- Every change to what a package's reads answer (its row, its versions, their findings) announces the
-- package id on channel `agentry_cache` when its transaction commits. Each server process listens and
-- drops its cached answers for that package, so no code path that writes can forget to invalidate.
-- Identical notifications within one transaction are delivered once.

CREATE FUNCTION agentry_notify_package() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'packages' THEN
    PERFORM pg_notify('agentry_cache', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text);
  ELSIF TG_TABLE_NAME = 'versions' THEN
    PERFORM pg_notify('agentry_cache', CASE WHEN TG_OP = 'DELETE' THEN OLD.package_id ELSE NEW.package_id END::text);
  ELSE
    PERFORM pg_notify('agentry_cache', v.package_id::text)
      FROM versions v WHERE v.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER packages_notify_cache AFTER UPDATE OR DELETE ON packages
  FOR EACH ROW EXECUTE FUNCTION agentry_notify_package();
CREATE TRIGGER versions_notify_cache AFTER INSERT OR UPDATE OR DELETE ON versions
  FOR EACH ROW EXECUTE FUNCTION agentry_notify_package();
CREATE TRIGGER scan_findings_notify_cache AFTER INSERT OR UPDATE OR DELETE ON scan_findings
  FOR EACH ROW EXECUTE FUNCTION agentry_notify_package();
