-- Where a tenant's draft notifications go. The webhook secret is sealed (AES-256-GCM under a key
-- derived from the server secret, see domain/secrets.ts) and never returned by the API.
CREATE TABLE tenant_notifications (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  webhook_url text,
  webhook_secret_sealed text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
