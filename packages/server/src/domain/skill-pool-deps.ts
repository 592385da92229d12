/**
 * skill-pool's version history, dependency closure and detail view. Dependencies are a version's
 * `dependencies` (name → range): a skill-pool publish stores its SKILL.md `requires` there, and the
 * Agentry CLI's publish merges `requires` into them too, so one edge list serves every surface.
 */

import {
  AgentryError,
  packageNameOfSlug,
  type SkillPoolDependency,
  type SkillPoolKind,
  type SkillPoolVersion,
  scopeAllows,
  slugOfPackageName,
} from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Viewer } from './access.js';
import { listMergeProposals } from './drafts.js';
import type { FoundSkill } from './skill-pool-catalog.js';
import { visibleTo } from './visibility.js';

export const maxDependencyDepth = 10;
const maxVersions = 50;

/** `change_summary`: the description cut to 200 characters, with `…` when cut. */
export function changeSummary(description: string): string {
  const chars = [...description];
  return chars.length <= 200 ? description : `${chars.slice(0, 200).join('')}…`;
}

/** Every published or yanked version of (slug, kind), newest first, at most 50; `not_found` when none. */
export async function listSkillVersions(
  db: Kysely<Database>,
  tenantId: string,
  slug: string,
  kind: SkillPoolKind,
  viewer: Viewer,
): Promise<SkillPoolVersion[]> {
  const name = packageNameOfSlug(slug);
  const rows = name
    ? await db
        .selectFrom('versions as v')
        .innerJoin('packages as p', 'p.id', 'v.package_id')
        .leftJoin('users as u', 'u.id', 'v.published_by')
        .select([
          'v.version',
          'v.status',
          'v.yank_reason',
          'v.description',
          'v.published_at',
          'v.created_at',
          'u.email',
        ])
        .where('p.tenant_id', '=', tenantId)
        .where('p.name', '=', name)
        .where('p.kind', '=', kind)
        .where('v.status', 'in', ['published', 'yanked'])
        .where((eb) => visibleTo(eb, viewer))
        .orderBy('v.published_at', 'desc')
        .orderBy('v.created_at', 'desc')
        .limit(maxVersions)
        .execute()
    : [];
  if (rows.length === 0) throw new AgentryError('not_found', { message: 'not found' });
  return rows.map((row) => ({
    version: row.version,
    published_at: (row.published_at ?? row.created_at).toISOString(),
    ...(row.email ? { published_by: row.email } : {}),
    change_summary: changeSummary(row.description),
    // skill-pool's archive is a yank with the reason `archived` (routes/skill-pool/skill-publish.ts).
    status:
      row.status === 'yanked' && row.yank_reason === 'archived'
        ? 'archived'
        : (row.status as 'published' | 'yanked'),
  }));
}

interface Edges {
  readable: boolean;
  dependencies: Record<string, string>;
}

/** The latest published version's dependencies of each named package (unknown names are absent). */
async function edgesOf(
  db: Kysely<Database>,
  tenantId: string,
  names: string[],
  viewer: Viewer,
): Promise<Map<string, Edges>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .selectFrom('packages as p')
    .innerJoin('versions as v', 'v.id', 'p.latest_version_id')
    .select(['p.name', 'v.dependencies', (eb) => visibleTo(eb, viewer).as('readable')])
    .where('p.tenant_id', '=', tenantId)
    .where('p.name', 'in', names)
    .execute();
  return new Map(
    rows.map((row) => [
      row.name,
      { readable: Boolean(row.readable), dependencies: (row.dependencies ?? {}) as Record<string, string> },
    ]),
  );
}

/**
 * The transitive closure, breadth first: each artifact once, at its shallowest depth, ordered by depth
 * then slug, down to depth 10. Cycles end where a name was already seen. A dependency that is not
 * published (a forward reference) is listed and has no edges; one the caller may not read is listed by
 * the name its parent declares, and its own edges are not followed.
 */
export async function dependencyClosure(
  db: Kysely<Database>,
  tenantId: string,
  root: { name: string; dependencies: Record<string, string> },
  viewer: Viewer,
): Promise<SkillPoolDependency[]> {
  const seen = new Set([root.name]);
  const out: SkillPoolDependency[] = [];
  let frontier = Object.entries(root.dependencies);
  for (let depth = 1; depth <= maxDependencyDepth && frontier.length > 0; depth += 1) {
    const level = frontier
      .filter(([name]) => !seen.has(name))
      .sort(([a], [b]) => (slugOfPackageName(a) < slugOfPackageName(b) ? -1 : 1));
    const fresh = new Map<string, string>();
    for (const [name, range] of level) if (!fresh.has(name)) fresh.set(name, range);
    for (const [name, range] of fresh) {
      seen.add(name);
      out.push({ slug: slugOfPackageName(name), version_range: range, depth });
    }
    const edges = await edgesOf(db, tenantId, [...fresh.keys()], viewer);
    frontier = [...fresh.keys()].flatMap((name) => {
      const found = edges.get(name);
      return found?.readable ? Object.entries(found.dependencies) : [];
    });
  }
  return out;
}

/** The deps endpoint's parent: the latest published artifact of that slug, of any skill-pool kind. */
export async function requireDependencyRoot(
  db: Kysely<Database>,
  tenantId: string,
  slug: string,
  viewer: Viewer,
): Promise<{ name: string; dependencies: Record<string, string> }> {
  const name = packageNameOfSlug(slug);
  const row = name
    ? await db
        .selectFrom('packages as p')
        .innerJoin('versions as v', 'v.id', 'p.latest_version_id')
        .select(['p.name', 'v.dependencies'])
        .where('p.tenant_id', '=', tenantId)
        .where('p.name', '=', name)
        .where('p.kind', 'in', ['skill', 'agent', 'command'])
        .where('p.status', '=', 'active')
        .where('v.status', '=', 'published')
        .where((eb) => visibleTo(eb, viewer))
        .executeTakeFirst()
    : undefined;
  if (!row) throw new AgentryError('not_found', { message: 'not found' });
  return { name: row.name, dependencies: (row.dependencies ?? {}) as Record<string, string> };
}

interface DetailEdge {
  slug: string;
  version: string;
  version_range: string;
}

/** The portal's detail view of a found skill. */
export async function skillDetail(db: Kysely<Database>, tenantId: string, found: FoundSkill, viewer: Viewer) {
  const dependencies = (found.version.dependencies ?? {}) as Record<string, string>;
  const names = Object.keys(dependencies);
  const targets = names.length
    ? await db
        .selectFrom('packages as p')
        .select(['p.name', 'p.latest_version'])
        .where('p.tenant_id', '=', tenantId)
        .where('p.name', 'in', names)
        .where((eb) => visibleTo(eb, viewer))
        .execute()
    : [];
  const latest = new Map(targets.map((t) => [t.name, t.latest_version ?? '']));
  const requires: DetailEdge[] = names
    .map((name) => ({
      slug: slugOfPackageName(name),
      version: latest.get(name) ?? '',
      version_range: dependencies[name] ?? '*',
    }))
    .sort((a, b) => (a.slug < b.slug ? -1 : 1));
  const dependents = await db
    .selectFrom('packages as p')
    .innerJoin('versions as v', 'v.id', 'p.latest_version_id')
    .select(['p.name', 'v.version', 'v.dependencies'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.status', '=', 'active')
    .where((eb) => visibleTo(eb, viewer))
    .where((eb) => eb.fn('jsonb_exists', ['v.dependencies', eb.val(found.pkg.name)]))
    .execute();
  const requiredBy: DetailEdge[] = dependents
    .map((row) => ({
      slug: slugOfPackageName(row.name),
      version: row.version,
      version_range: (row.dependencies as Record<string, string>)[found.pkg.name] ?? '*',
    }))
    .sort((a, b) => (a.slug < b.slug ? -1 : 1));
  const { when_to_use, ...skill } = found.skill;
  return {
    ...skill,
    when_to_use: when_to_use ?? null,
    use_count: Number(found.pkg.use_count),
    last_used_at: (
      found.pkg.last_used_at ??
      found.version.published_at ??
      found.version.created_at
    ).toISOString(),
    requires,
    required_by: requiredBy,
    // Pending drafts are inbox data: only members who may read the inbox (skills:read) see them here.
    merge_proposals:
      viewer.userId && scopeAllows(viewer.scopes, 'skills:read')
        ? await listMergeProposals(db, tenantId, found.skill.slug)
        : [],
  };
}
