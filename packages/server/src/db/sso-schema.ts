/** Kysely table types for single sign-on (migration 0034). */
import type { TenantRole } from '@agentry/core';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface TenantSsoOidcTable {
  tenant_id: string;
  issuer_url: string;
  client_id: string;
  client_secret_sealed: string;
  client_secret_hint: string;
  default_role: TenantRole;
  display_name: string | null;
  updated_at: Timestamp;
}

export interface TenantSsoSamlTable {
  tenant_id: string;
  idp_entity_id: string;
  idp_sso_url: string;
  idp_cert_pem: string;
  sp_entity_id: string | null;
  default_role: TenantRole;
  display_name: string | null;
  updated_at: Timestamp;
}

export interface TenantSsoSettingsTable {
  tenant_id: string;
  sso_required: boolean;
  updated_at: Timestamp;
}

export interface SsoRoleMappingsTable {
  tenant_id: string;
  idp_group: string;
  role: TenantRole;
}

export type SsoProtocol = 'oidc' | 'saml';

export interface SsoIdentitiesTable {
  id: Generated<string>;
  tenant_id: string;
  protocol: SsoProtocol;
  issuer: string;
  subject: string;
  user_id: string;
  created_at: Timestamp;
  last_login_at: Timestamp;
}

export interface SsoNoncesTable {
  tenant_id: string;
  kind: string;
  value: string;
  data: string | null;
  expires_at: Timestamp;
}
