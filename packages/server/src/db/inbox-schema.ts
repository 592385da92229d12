/** Kysely table types for skill-pool's inbox side: drafts, jobs, notifications, projects (migrations 0030–0033). */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type DraftStatus = 'pending' | 'published' | 'discarded';
export type DraftOrigin = 'cli' | 'capture-scorer' | 'claude-hook' | 'web';

export interface SkillDraftsTable {
  id: Generated<string>;
  tenant_id: string;
  slug: string;
  description: string;
  when_to_use: string | null;
  tags: string[];
  origin: DraftOrigin;
  notes: string | null;
  status: Generated<DraftStatus>;
  blob_key: string | null;
  size_bytes: number;
  sha256: string;
  merge_proposal_slug: string | null;
  merge_proposal_similarity: number | null;
  published_version: string | null;
  published_version_id: string | null;
  publishing_at: NullableTimestamp;
  created_by: string | null;
  reviewed_by: string | null;
  reviewed_at: NullableTimestamp;
  created_at: Timestamp;
}
export type SkillDraft = Selectable<SkillDraftsTable>;

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<string>;
  tenant_id: string | null;
  kind: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<JobStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_after: Timestamp;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}
export type Job = Selectable<JobsTable>;

export interface TenantNotificationsTable {
  tenant_id: string;
  webhook_url: string | null;
  webhook_secret_sealed: string | null;
  updated_at: Timestamp;
}

export type ProjectItemKind = 'skill' | 'agent' | 'command' | 'plugin';

export interface ProjectsTable {
  id: Generated<string>;
  tenant_id: string;
  slug: string;
  name: string;
  description: string | null;
  git_remote: string | null;
  stack_tags: Generated<string[]>;
  plan_auto_refresh_interval_secs: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type Project = Selectable<ProjectsTable>;

export interface ProjectItemsTable {
  project_id: string;
  skill_slug: string;
  kind: ProjectItemKind;
  position: number;
}

export interface StackMappingsTable {
  tenant_id: string;
  stack_tag: string;
  skill_slug: string;
  created_at: Timestamp;
}
