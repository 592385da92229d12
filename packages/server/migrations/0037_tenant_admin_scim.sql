-- Tenant administration and SCIM 2.0 provisioning.
--
-- A membership can be deactivated (SCIM `active: false`) without being forgotten: the identity
-- provider may turn it back on. A deactivated member's tokens and sessions in the tenant are revoked
-- at once and nothing authenticates as them there. `scim_user_name` and `scim_external_id` keep what
-- the identity provider sent, so its own filters (`userName eq "…"`, `externalId eq "…"`) find the user.
ALTER TABLE tenant_members ADD COLUMN deactivated_at timestamptz;
ALTER TABLE tenant_members ADD COLUMN scim_user_name text;
ALTER TABLE tenant_members ADD COLUMN scim_external_id text;
ALTER TABLE tenant_members ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX tenant_members_scim_user_name_idx
  ON tenant_members (tenant_id, lower(scim_user_name)) WHERE scim_user_name IS NOT NULL;

-- SCIM bearer tokens: one tenant each, separate from API tokens; only the SHA-256 is stored.
CREATE TABLE scim_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX scim_tokens_tenant_idx ON scim_tokens (tenant_id);

-- SCIM groups, each mapped to a tenant role (or to none); a member's role follows the highest role of
-- the mapped groups they belong to.
CREATE TABLE scim_groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  display_name text NOT NULL,
  external_id text,
  role text CHECK (role IN ('viewer', 'publisher', 'curator', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_groups_name_idx ON scim_groups (tenant_id, lower(display_name));

CREATE TABLE scim_group_members (
  group_id uuid NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user_idx ON scim_group_members (user_id);
