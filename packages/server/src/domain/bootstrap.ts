/**
 * skill-pool's bootstrap: which skills a codebase should start with, from its stack tags and (optionally)
 * its project. Four tiers, in precedence order and deduplicated by slug, capped at 8 in total:
 * project (the project's items in curated order; an unknown project is ignored), curated (the tenant's
 * stack mappings for these tags), tagged (published skills carrying any of the tags), semantic (the
 * published skills nearest to the tags' embedding, only with an embedder). Stack mappings are the
 * curated tier's data and are managed here too.
 */
import { AgentryError, slugOfPackageName } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { ProjectItemKind } from '../db/inbox-schema.js';
import type { Database } from '../db/schema.js';
import type { Embedder } from '../embedders/embedder.js';
import type { Viewer } from './access.js';
import { recordAudit } from './audit.js';
import { toVectorLiteral } from './embeddings.js';
import { findProject, listProjectItems } from './projects.js';
import { visibleTo } from './visibility.js';

export const bootstrapCap = 8;
const tierLimit = 16;

export interface BootstrapDeps {
  db: Kysely<Database>;
  embedder?: Embedder | undefined;
  vector?: boolean | undefined;
}

export interface BootstrapInput {
  tenantId: string;
  stack: string[];
  project?: string | undefined;
  /** Who asks: the tagged and semantic tiers list only skills the caller may read. */
  viewer: Viewer;
}

export interface BootstrapResult {
  stack: string[];
  skills: string[];
  project?: { slug: string; name: string };
  project_items?: { slug: string; kind: ProjectItemKind; source: string }[];
  tier_breakdown: { project?: string[]; curated: string[]; tagged: string[]; semantic: string[] };
}

/** `a, B ,,c` → `['a', 'b', 'c']`. */
export function parseStackTags(raw: string | undefined): string[] {
  return [
    ...new Set(
      (raw ?? '')
        .split(',')
        .map((tag) => tag.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** Skills as skill-pool's catalog lists them: kind skill, active, a published latest, readable by the caller. */
function publishedSkills(db: Kysely<Database>, tenantId: string, viewer: Viewer) {
  return db
    .selectFrom('packages as p')
    .where('p.tenant_id', '=', tenantId)
    .where('p.kind', '=', 'skill')
    .where('p.status', '=', 'active')
    .where('p.latest_version_id', 'is not', null)
    .where((eb) => visibleTo(eb, viewer));
}

async function curatedTier(db: Kysely<Database>, tenantId: string, stack: string[]): Promise<string[]> {
  if (stack.length === 0) return [];
  const rows = await db
    .selectFrom('stack_mappings')
    .select('skill_slug')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('stack_tag', 'in', stack)
    .orderBy('skill_slug')
    .limit(tierLimit)
    .execute();
  return rows.map((row) => row.skill_slug);
}

async function taggedTier(db: Kysely<Database>, input: BootstrapInput): Promise<string[]> {
  const { stack } = input;
  if (stack.length === 0) return [];
  const rows = await publishedSkills(db, input.tenantId, input.viewer)
    .select('p.name')
    .where(sql<boolean>`p.tags && ${sql.val(stack)}::text[]`)
    .orderBy('p.name')
    .limit(tierLimit)
    .execute();
  return rows.map((row) => slugOfPackageName(row.name));
}

async function semanticTier(deps: BootstrapDeps, input: BootstrapInput): Promise<string[]> {
  const { stack } = input;
  if (!deps.embedder || !deps.vector || stack.length === 0) return [];
  try {
    const [vector] = await deps.embedder.embed([stack.join(' ')]);
    if (!vector) return [];
    const literal = toVectorLiteral(vector);
    const rows = await publishedSkills(deps.db, input.tenantId, input.viewer)
      .innerJoin('package_embeddings as e', 'e.package_id', 'p.id')
      .select('p.name')
      .where('e.model', '=', deps.embedder.name)
      .orderBy(sql`e.embedding <=> ${literal}::vector`)
      .orderBy('p.name')
      .limit(tierLimit)
      .execute();
    return rows.map((row) => slugOfPackageName(row.name));
  } catch {
    // The semantic tier only backfills; an embedder outage leaves the other tiers' answer.
    return [];
  }
}

export async function bootstrapSkills(deps: BootstrapDeps, input: BootstrapInput): Promise<BootstrapResult> {
  const project = input.project ? await findProject(deps.db, input.tenantId, input.project) : undefined;
  if (input.stack.length === 0 && !input.project) {
    throw new AgentryError('bad_request', {
      message: 'stack query must contain at least one comma-separated tag (or supply ?project=)',
    });
  }
  const items = project ? await listProjectItems(deps.db, project.id) : [];
  // Plugins have no catalogue of their own here: they are listed as project items but add no skills.
  const projectTier = items.filter((item) => item.kind !== 'plugin').map((item) => item.skill_slug);
  const [curated, tagged, semantic] = await Promise.all([
    curatedTier(deps.db, input.tenantId, input.stack),
    taggedTier(deps.db, input),
    semanticTier(deps, input),
  ]);
  const skills: string[] = [];
  for (const slug of [...projectTier, ...curated, ...tagged, ...semantic]) {
    if (skills.length >= bootstrapCap) break;
    if (!skills.includes(slug)) skills.push(slug);
  }
  return {
    stack: input.stack,
    skills,
    ...(project ? { project: { slug: project.slug, name: project.name } } : {}),
    ...(items.length > 0
      ? { project_items: items.map((item) => ({ slug: item.skill_slug, kind: item.kind, source: 'direct' })) }
      : {}),
    tier_breakdown: {
      ...(projectTier.length > 0 ? { project: projectTier } : {}),
      curated,
      tagged,
      semantic,
    },
  };
}

export interface StackMapping {
  stack: string;
  skill: string;
}

export async function listStackMappings(db: Kysely<Database>, tenantId: string): Promise<StackMapping[]> {
  const rows = await db
    .selectFrom('stack_mappings')
    .select(['stack_tag', 'skill_slug'])
    .where('tenant_id', '=', tenantId)
    .orderBy('stack_tag')
    .orderBy('skill_slug')
    .execute();
  return rows.map((row) => ({ stack: row.stack_tag, skill: row.skill_slug }));
}

function checkMapping(mapping: StackMapping): StackMapping {
  const stack = mapping.stack.trim().toLowerCase();
  const skill = mapping.skill.trim();
  if (!stack || !skill) throw new AgentryError('bad_request', { message: 'stack and skill are required' });
  return { stack, skill };
}

export async function setStackMapping(
  db: Kysely<Database>,
  input: { tenantId: string; userId: string; mapping: StackMapping },
): Promise<StackMapping> {
  const mapping = checkMapping(input.mapping);
  await db
    .insertInto('stack_mappings')
    .values({ tenant_id: input.tenantId, stack_tag: mapping.stack, skill_slug: mapping.skill })
    .onConflict((oc) => oc.columns(['tenant_id', 'stack_tag', 'skill_slug']).doNothing())
    .execute();
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'stack_mapping.set',
    actorUserId: input.userId,
    targetType: 'stack_mapping',
    targetId: `${mapping.stack}:${mapping.skill}`,
  });
  return mapping;
}

export async function removeStackMapping(
  db: Kysely<Database>,
  input: { tenantId: string; userId: string; mapping: StackMapping },
): Promise<boolean> {
  const mapping = checkMapping(input.mapping);
  const deleted = await db
    .deleteFrom('stack_mappings')
    .where('tenant_id', '=', input.tenantId)
    .where('stack_tag', '=', mapping.stack)
    .where('skill_slug', '=', mapping.skill)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) return false;
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'stack_mapping.remove',
    actorUserId: input.userId,
    targetType: 'stack_mapping',
    targetId: `${mapping.stack}:${mapping.skill}`,
  });
  return true;
}
