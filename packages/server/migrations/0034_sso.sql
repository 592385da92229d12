-- Single sign-on per tenant (skill-pool's SSO surface): one OIDC and one SAML identity provider, the
-- IdP groups that map to tenant roles, whether members must sign in through SSO, the identities that
-- link an IdP subject to a user, and the short-lived state of sign-ins in flight (SAML request ids and
-- assertion ids already consumed, so a response cannot be replayed).

-- The OIDC client secret is sealed (AES-256-GCM under a key derived from the server secret, see
-- domain/secrets.ts); only its last four characters are kept in clear, for the redacted hint.
CREATE TABLE tenant_sso_oidc (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  issuer_url text NOT NULL,
  client_id text NOT NULL,
  client_secret_sealed text NOT NULL,
  client_secret_hint text NOT NULL,
  default_role text NOT NULL CHECK (default_role IN ('viewer', 'publisher', 'curator', 'admin')),
  display_name text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_sso_saml (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  idp_entity_id text NOT NULL,
  idp_sso_url text NOT NULL,
  idp_cert_pem text NOT NULL,
  sp_entity_id text,
  default_role text NOT NULL CHECK (default_role IN ('viewer', 'publisher', 'curator', 'admin')),
  display_name text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Tenant-wide SSO settings: with sso_required, members sign in only through the tenant's IdP.
CREATE TABLE tenant_sso_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  sso_required boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- IdP group (OIDC groups/roles claim, SAML groups/memberOf/Role attribute) → tenant role.
CREATE TABLE sso_role_mappings (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idp_group text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'publisher', 'curator', 'admin')),
  PRIMARY KEY (tenant_id, idp_group)
);

-- Which user an IdP subject is (issuer is the OIDC issuer or the SAML IdP entity id).
CREATE TABLE sso_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  protocol text NOT NULL CHECK (protocol IN ('oidc', 'saml')),
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, protocol, issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- Sign-in state with an expiry: `saml-request` rows are AuthnRequest ids we sent (InResponseTo must
-- name one, once), `saml-assertion` rows are assertion ids already accepted (replay).
CREATE TABLE sso_nonces (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL,
  value text NOT NULL,
  data text,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, kind, value)
);
CREATE INDEX sso_nonces_expiry ON sso_nonces (expires_at);
