-- Tenant policy: refuse to publish versions whose scan verdict is FAIL (off by default, as in Tank).
ALTER TABLE tenants ADD COLUMN refuse_failing_scans boolean NOT NULL DEFAULT false;
