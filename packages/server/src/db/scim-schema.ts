/** Kysely table types for SCIM provisioning (migration 0037). */
import type { TenantRole } from '@agentry/core';
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ScimTokensTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}
export type ScimToken = Selectable<ScimTokensTable>;

export interface ScimGroupsTable {
  id: Generated<string>;
  tenant_id: string;
  display_name: string;
  external_id: string | null;
  role: TenantRole | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type ScimGroup = Selectable<ScimGroupsTable>;

export interface ScimGroupMembersTable {
  group_id: string;
  user_id: string;
}
