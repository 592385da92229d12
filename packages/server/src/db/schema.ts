/** Kysely table types; one interface per table, matching migrations/*.sql. */

import type { OrgRole, TenantRole } from '@agentry/core';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type {
  JobsTable,
  ProjectItemsTable,
  ProjectsTable,
  SkillDraftsTable,
  StackMappingsTable,
  TenantNotificationsTable,
} from './inbox-schema.js';
import type { ScimGroupMembersTable, ScimGroupsTable, ScimTokensTable } from './scim-schema.js';
import type {
  SsoIdentitiesTable,
  SsoNoncesTable,
  SsoRoleMappingsTable,
  TenantSsoOidcTable,
  TenantSsoSamlTable,
  TenantSsoSettingsTable,
} from './sso-schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  refuse_failing_scans: Generated<boolean>;
  /** A suspended tenant resolves as an unknown one. */
  suspended_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  email: string | null;
  display_name: string | null;
  password_hash: string | null;
  is_pro: Generated<boolean>;
  created_at: Timestamp;
  disabled_at: NullableTimestamp;
}

export interface TenantMembersTable {
  tenant_id: string;
  user_id: string;
  role: TenantRole;
  created_at: Timestamp;
  /** SCIM `active: false`: kept, but nothing authenticates as this member in the tenant. */
  deactivated_at: NullableTimestamp;
  scim_user_name: string | null;
  scim_external_id: string | null;
  /** The SCIM attributes the identity provider sent (migration 0038). */
  scim_data: ColumnType<Record<string, unknown>, string | undefined, string>;
  updated_at: Timestamp;
}

export interface OrgsTable {
  id: Generated<string>;
  tenant_id: string;
  slug: string;
  name: string;
  description: Generated<string>;
  website_url: string | null;
  github_org: string | null;
  avatar_url: string | null;
  created_at: Timestamp;
}

export interface OrgMembersTable {
  org_id: string;
  user_id: string;
  role: OrgRole;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  scopes: string[];
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  tenant_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  ip: string | null;
  created_at: Timestamp;
}

type Json<T> = ColumnType<T, string | undefined, string>;

export interface PackagesTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  scope: string | null;
  org_id: string | null;
  kind: string;
  visibility: 'public' | 'private' | 'team';
  status: Generated<'active' | 'archived'>;
  description: Generated<string>;
  keywords: Generated<string[]>;
  tool_targets: Generated<string[]>;
  repository: string | null;
  readme: string | null;
  publisher_id: string;
  latest_version_id: string | null;
  latest_version: string | null;
  downloads_total: Generated<number>;
  stars_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  name_norm: Generated<string>;
  bare_norm: Generated<string>;
  description_norm: Generated<string>;
  readme_norm: Generated<string>;
  tags: Generated<string[]>;
  latest_verdict: string | null;
  latest_audit_score: number | null;
  deprecated: Generated<boolean>;
  downloads_7d: Generated<number>;
  /** skill-pool views and downloads so far, and the last one (decay). */
  use_count: Generated<number>;
  last_used_at: NullableTimestamp;
}

export type VersionStatus = 'pending-upload' | 'scanning' | 'published' | 'failed' | 'yanked';

export interface VersionsTable {
  id: Generated<string>;
  tenant_id: string;
  package_id: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  status: VersionStatus;
  manifest: Json<Record<string, unknown>>;
  permissions: Json<Record<string, unknown>>;
  dependencies: Json<Record<string, string>>;
  description: Generated<string>;
  readme: string | null;
  blob_key: string;
  integrity: string | null;
  size_bytes: number | null;
  unpacked_bytes: number | null;
  file_count: number | null;
  files: Json<{ path: string; size: number; sha256: string; mode: number }[] | null>;
  upload_expires_at: NullableTimestamp;
  published_by: string;
  published_at: NullableTimestamp;
  deprecated_message: string | null;
  yanked_at: NullableTimestamp;
  yank_reason: string | null;
  audit_score: number | null;
  verdict: 'PASS' | 'PASS_WITH_NOTES' | 'FLAGGED' | 'FAIL' | null;
  scan_status: 'pending' | 'completed' | 'flagged' | 'failed' | 'error' | null;
  scan_stages: Json<Record<string, string> | null>;
  scanned_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface ScanFindingsTable {
  id: Generated<string>;
  version_id: string;
  stage: string;
  severity: string;
  rule: string;
  message: string;
  file: string | null;
  line: number | null;
  evidence: string | null;
}

export interface StarsTable {
  package_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface DownloadsDailyTable {
  version_id: string;
  package_id: string;
  day: ColumnType<string, string, string>;
  count: number;
}

export interface DeviceCodesTable {
  id: Generated<string>;
  tenant_id: string;
  poll_token_hash: string;
  /** Tank CLI dialect: hash of the `state` sent to start, checked again on exchange. */
  state_hash: string | null;
  device_name: string | null;
  status: Generated<'pending' | 'approved' | 'denied' | 'consumed'>;
  user_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Exists only where pgvector is installed (migration 0005); `embedding` in pgvector's text form. */
export interface PackageEmbeddingsTable {
  package_id: string;
  model: string;
  embedding: string;
  updated_at: Timestamp;
}

export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  tenant_members: TenantMembersTable;
  scim_tokens: ScimTokensTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  orgs: OrgsTable;
  org_members: OrgMembersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  schema_migrations: SchemaMigrationsTable;
  packages: PackagesTable;
  versions: VersionsTable;
  superseded_reservations: SupersededReservationsTable;
  scan_findings: ScanFindingsTable;
  stars: StarsTable;
  downloads_daily: DownloadsDailyTable;
  oauth_clients: OauthClientsTable;
  signing_keys: SigningKeysTable;
  device_codes: DeviceCodesTable;
  package_embeddings: PackageEmbeddingsTable;
  skill_drafts: SkillDraftsTable;
  jobs: JobsTable;
  tenant_notifications: TenantNotificationsTable;
  projects: ProjectsTable;
  project_items: ProjectItemsTable;
  stack_mappings: StackMappingsTable;
  skill_archives: SkillArchivesTable;
  skill_usage_events: SkillUsageEventsTable;
  tenant_sso_oidc: TenantSsoOidcTable;
  tenant_sso_saml: TenantSsoSamlTable;
  tenant_sso_settings: TenantSsoSettingsTable;
  sso_role_mappings: SsoRoleMappingsTable;
  sso_identities: SsoIdentitiesTable;
  sso_nonces: SsoNoncesTable;
}

export type Tenant = Selectable<TenantsTable>;
export type User = Selectable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;
export type Package = Selectable<PackagesTable>;
export type Version = Selectable<VersionsTable>;
export type Org = Selectable<OrgsTable>;

export interface OauthClientsTable {
  id: Generated<string>;
  tenant_id: string;
  org_id: string;
  name: string;
  client_id: string;
  secret_hash: string;
  scopes: string[];
  created_by: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}
export type OauthClient = Selectable<OauthClientsTable>;

export interface SigningKeysTable {
  kid: string;
  public_jwk: Json<Record<string, unknown>>;
  private_key_encrypted: string;
  created_at: Timestamp;
}

export interface SkillArchivesTable {
  version_id: string;
  tenant_id: string;
  sha256: string;
  size_bytes: number;
  blob_key: string;
  created_at: Timestamp;
}

export interface SkillUsageEventsTable {
  id: Generated<number>;
  tenant_id: string;
  package_id: string;
  version_id: string | null;
  event: 'view' | 'download';
  user_id: string | null;
  token_id: string | null;
  project_hash: string | null;
  created_at: Generated<Date>;
}

export interface SupersededReservationsTable {
  version_id: string;
  package_id: string;
  created_at: Generated<Date>;
}
