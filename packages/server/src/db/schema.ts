/** Kysely table types; one interface per table, matching migrations/*.sql. */

import type { OrgRole, TenantRole } from '@agentry/core';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
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
}

export interface OrgsTable {
  id: Generated<string>;
  tenant_id: string;
  slug: string;
  name: string;
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

export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  tenant_members: TenantMembersTable;
  orgs: OrgsTable;
  org_members: OrgMembersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type User = Selectable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;
