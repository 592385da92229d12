/**
 * skill-pool projects: a named, ordered list of skills (and agents, commands, plugins) for one codebase,
 * found again from the codebase's git remote. Remotes are stored normalised so the ssh and https
 * spellings of one repository (and a `.git` suffix, a trailing slash, a capitalised host) meet.
 * Slugs are unique per tenant regardless of case; so are remotes.
 */
import { AgentryError } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Project, ProjectItemKind } from '../db/inbox-schema.js';
import type { Database } from '../db/schema.js';
import { recordAudit } from './audit.js';

export const projectItemKinds: readonly ProjectItemKind[] = ['skill', 'agent', 'command', 'plugin'];

/**
 * skill-pool's normalisation: trim; drop `.git`; `git@host:owner/repo` → `https://host/owner/repo` with
 * the host lower-cased; otherwise lower-case scheme and host of `scheme://host/…`, or the whole string
 * when there is no scheme; drop trailing slashes. `ssh://git@host/…` loses its user too, so it meets
 * the other two spellings.
 */
export function normalizeGitRemote(raw: string): string {
  let value = raw.trim().replace(/\/+$/, '');
  if (value.toLowerCase().endsWith('.git')) value = value.slice(0, -4);
  const scp = /^[A-Za-z0-9._-]+@([^:/]+):(.+)$/.exec(value);
  if (scp) value = `https://${(scp[1] as string).toLowerCase()}/${(scp[2] as string).replace(/^\/+/, '')}`;
  else {
    const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/]*@)?([^/]+)(.*)$/.exec(value);
    if (url) {
      const scheme = (url[1] as string).toLowerCase();
      const host = (url[2] as string).toLowerCase().replace(/:22$/, '');
      value = `${scheme === 'ssh' || scheme === 'git' ? 'https' : scheme}://${host}${url[3]}`;
    } else value = value.toLowerCase();
  }
  return value.replace(/\/+$/, '');
}

export interface ProjectItem {
  skill_slug: string;
  kind: ProjectItemKind;
  position: number;
}

export type ProjectWithCount = Project & { item_count: number };

export function listProjects(db: Kysely<Database>, tenantId: string): Promise<ProjectWithCount[]> {
  return db
    .selectFrom('projects as p')
    .selectAll('p')
    .select((eb) =>
      eb
        .selectFrom('project_items as i')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('i.project_id', '=', 'p.id')
        .as('item_count'),
    )
    .where('p.tenant_id', '=', tenantId)
    .orderBy('p.slug')
    .execute()
    .then((rows) => rows.map((row) => ({ ...row, item_count: Number(row.item_count ?? 0) })));
}

export function findProject(
  db: Kysely<Database>,
  tenantId: string,
  slug: string,
): Promise<Project | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(sql`lower(slug)`, '=', slug.toLowerCase())
    .executeTakeFirst();
}

export function listProjectItems(db: Kysely<Database>, projectId: string): Promise<ProjectItem[]> {
  return db
    .selectFrom('project_items')
    .select(['skill_slug', 'kind', 'position'])
    .where('project_id', '=', projectId)
    .orderBy('position')
    .orderBy('skill_slug')
    .execute();
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export interface CreateProjectInput {
  tenantId: string;
  userId: string;
  slug: string;
  name: string;
  description?: string | null | undefined;
  gitRemote?: string | null | undefined;
  stackTags?: string[] | undefined;
}

export async function createProject(db: Kysely<Database>, input: CreateProjectInput): Promise<Project> {
  const slug = input.slug.trim();
  const name = input.name.trim();
  if (!slug || !name) throw new AgentryError('bad_request', { message: 'slug and name are required' });
  const remote = input.gitRemote?.trim() ? normalizeGitRemote(input.gitRemote) : null;
  let project: Project;
  try {
    project = await db
      .insertInto('projects')
      .values({
        tenant_id: input.tenantId,
        slug,
        name,
        description: input.description ?? null,
        git_remote: remote,
        stack_tags: input.stackTags ?? [],
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AgentryError('conflict', { message: `a project with slug \`${slug}\` already exists` });
    }
    throw error;
  }
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'project.create',
    actorUserId: input.userId,
    targetType: 'project',
    targetId: project.id,
    data: { slug },
  });
  return project;
}

export interface ProjectChanges {
  name?: string | undefined;
  description?: string | null | undefined;
  gitRemote?: string | null | undefined;
  stackTags?: string[] | undefined;
  planAutoRefreshIntervalSecs?: number | null | undefined;
}

/** Absent keys stay; `null` clears description, remote and refresh interval. */
export async function updateProject(
  db: Kysely<Database>,
  input: { tenantId: string; userId: string; slug: string; changes: ProjectChanges },
): Promise<Project | undefined> {
  const project = await findProject(db, input.tenantId, input.slug);
  if (!project) return undefined;
  const { changes } = input;
  const values: Record<string, unknown> = {};
  if (changes.name !== undefined) values.name = changes.name;
  if (changes.description !== undefined) values.description = changes.description;
  if (changes.gitRemote !== undefined) {
    values.git_remote = changes.gitRemote?.trim() ? normalizeGitRemote(changes.gitRemote) : null;
  }
  if (changes.stackTags !== undefined) values.stack_tags = changes.stackTags;
  if (changes.planAutoRefreshIntervalSecs !== undefined) {
    values.plan_auto_refresh_interval_secs = changes.planAutoRefreshIntervalSecs;
  }
  let updated: Project;
  try {
    updated = await db
      .updateTable('projects')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', project.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AgentryError('conflict', { message: 'another project already uses this git remote' });
    }
    throw error;
  }
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'project.update',
    actorUserId: input.userId,
    targetType: 'project',
    targetId: project.id,
    data: { fields_changed: Object.keys(values) },
  });
  return updated;
}

export async function deleteProject(
  db: Kysely<Database>,
  input: { tenantId: string; userId: string; slug: string },
): Promise<boolean> {
  const project = await findProject(db, input.tenantId, input.slug);
  if (!project) return false;
  await db.deleteFrom('projects').where('id', '=', project.id).execute();
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'project.delete',
    actorUserId: input.userId,
    targetType: 'project',
    targetId: project.id,
    data: { slug: project.slug },
  });
  return true;
}

/**
 * Replaces the item list in one transaction; position is the array index, and a repeated (slug, kind)
 * keeps its last position. Slugs are not checked against the catalog (a project may name a skill
 * before it is published).
 */
export async function setProjectItems(
  db: Kysely<Database>,
  input: {
    tenantId: string;
    userId: string;
    slug: string;
    items: { slug: string; kind: ProjectItemKind }[];
  },
): Promise<boolean> {
  const project = await findProject(db, input.tenantId, input.slug);
  if (!project) return false;
  const byKey = new Map<string, { skill_slug: string; kind: ProjectItemKind; position: number }>();
  input.items.forEach((item, position) => {
    const key = `${item.kind}\u0000${item.slug}`;
    byKey.delete(key);
    byKey.set(key, { skill_slug: item.slug, kind: item.kind, position });
  });
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('project_items').where('project_id', '=', project.id).execute();
    if (byKey.size > 0) {
      await trx
        .insertInto('project_items')
        .values([...byKey.values()].map((item) => ({ ...item, project_id: project.id })))
        .execute();
    }
    await trx.updateTable('projects').set({ updated_at: new Date() }).where('id', '=', project.id).execute();
  });
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'project.set_items',
    actorUserId: input.userId,
    targetType: 'project',
    targetId: project.id,
    data: { count: byKey.size },
  });
  return true;
}

/** The project whose normalised remote equals this one's, if any. */
export function resolveProjectByRemote(
  db: Kysely<Database>,
  tenantId: string,
  remote: string,
): Promise<Project | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('git_remote', '=', normalizeGitRemote(remote))
    .executeTakeFirst();
}

/** The documented Project JSON. */
export function projectJson(project: Project, itemCount: number) {
  return {
    slug: project.slug,
    name: project.name,
    description: project.description,
    git_remote: project.git_remote,
    stack_tags: project.stack_tags,
    plan_auto_refresh_interval_secs: project.plan_auto_refresh_interval_secs,
    created_at: new Date(project.created_at).toISOString(),
    updated_at: new Date(project.updated_at).toISOString(),
    item_count: itemCount,
  };
}
