/**
 * skill-pool usage: views and downloads recorded per event (`skill_usage_events`), counted on the
 * package (`use_count`, `last_used_at`) for decay, and read back as the tenant's dashboards (timeline,
 * top list, decay candidates). The web usage page renders from these same functions.
 */
import { slugOfPackageName } from '@agentry/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { DownloadCounter } from './downloads.js';

export type UsageEvent = 'view' | 'download';

export interface UsageInput {
  tenantId: string;
  packageId: string;
  versionId: string | null;
  event: UsageEvent;
  userId?: string | null;
  tokenId?: string | null;
  projectHash?: string | null;
}

/**
 * One event. A download also counts in the download figures every surface shows, as a download
 * through Tank or the CLI does. Callers treat this as best effort (see routes' `bestEffort`).
 */
export async function recordUsage(
  deps: { db: Kysely<Database>; downloads: DownloadCounter },
  input: UsageInput,
): Promise<void> {
  const { db } = deps;
  await db
    .insertInto('skill_usage_events')
    .values({
      tenant_id: input.tenantId,
      package_id: input.packageId,
      version_id: input.versionId,
      event: input.event,
      user_id: input.userId ?? null,
      // OAuth principals carry a non-UUID id; only real token rows are recorded.
      token_id: input.tokenId && /^[0-9a-f-]{36}$/.test(input.tokenId) ? input.tokenId : null,
      project_hash: input.projectHash?.slice(0, 128) ?? null,
    })
    .execute();
  await db
    .updateTable('packages')
    .set({ use_count: sql`use_count + 1`, last_used_at: sql`now()` })
    .where('id', '=', input.packageId)
    .execute();
  if (input.event === 'download' && input.versionId) {
    deps.downloads.record(input.packageId, input.versionId);
  }
}

/** Clamps a query number into [min, max], with a default for missing or unparsable values. */
export function clampParam(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

export interface TimelineDay {
  day: string;
  downloads: number;
  views: number;
  unique_skills: number;
}

/** Exactly `days` UTC days ending today, oldest first, missing days zero-filled. */
export async function usageTimeline(
  db: Kysely<Database>,
  tenantId: string,
  days: number,
): Promise<TimelineDay[]> {
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const first = new Date(today.getTime() - (days - 1) * 86_400_000);
  const rows = await db
    .selectFrom('skill_usage_events')
    .select([
      sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.as('day'),
      sql<number>`count(*) FILTER (WHERE event = 'download')`.as('downloads'),
      sql<number>`count(*) FILTER (WHERE event = 'view')`.as('views'),
      sql<number>`count(DISTINCT package_id)`.as('unique_skills'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', first)
    .groupBy(sql`1`)
    .execute();
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(first.getTime() + i * 86_400_000);
    const row = byDay.get(day.toISOString().slice(0, 10));
    return {
      day: day.toISOString().replace('.000Z', 'Z'),
      downloads: Number(row?.downloads ?? 0),
      views: Number(row?.views ?? 0),
      unique_skills: Number(row?.unique_skills ?? 0),
    };
  });
}

export interface TopSkill {
  slug: string;
  name: string;
  downloads: number;
  views: number;
  total: number;
}

/** The most used artifacts over a rolling window, by total events, then slug. */
export async function topSkills(
  db: Kysely<Database>,
  tenantId: string,
  days: number,
  limit: number,
): Promise<TopSkill[]> {
  const rows = await db
    .selectFrom('skill_usage_events as e')
    .innerJoin('packages as p', 'p.id', 'e.package_id')
    .select([
      'p.name',
      sql<number>`count(*) FILTER (WHERE e.event = 'download')`.as('downloads'),
      sql<number>`count(*) FILTER (WHERE e.event = 'view')`.as('views'),
      sql<number>`count(*)`.as('total'),
    ])
    .where('e.tenant_id', '=', tenantId)
    .where('e.created_at', '>=', new Date(Date.now() - days * 86_400_000))
    .groupBy('p.name')
    .orderBy('total', 'desc')
    .orderBy('p.name')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    slug: slugOfPackageName(row.name),
    name: row.name,
    downloads: Number(row.downloads),
    views: Number(row.views),
    total: Number(row.total),
  }));
}

export interface DecayCandidate {
  slug: string;
  name: string;
  version: string;
  description: string;
  use_count: number;
  last_used_at: string;
  created_at: string;
}

/**
 * Skills (kind skill, active, with a published latest) used fewer than `maxUses` times whose last use
 * (or, never used, their latest publish) is older than `days`: the candidates for archiving.
 */
export async function decayCandidates(
  db: Kysely<Database>,
  tenantId: string,
  input: { days: number; maxUses: number; limit: number },
): Promise<DecayCandidate[]> {
  const lastUsed = sql<Date>`coalesce(p.last_used_at, v.published_at, v.created_at)`;
  const rows = await db
    .selectFrom('packages as p')
    .innerJoin('versions as v', 'v.id', 'p.latest_version_id')
    .select([
      'p.name',
      'v.version',
      'v.description',
      'p.use_count',
      lastUsed.as('last_used'),
      'v.published_at',
      'v.created_at',
    ])
    .where('p.tenant_id', '=', tenantId)
    .where('p.kind', '=', 'skill')
    .where('p.status', '=', 'active')
    .where('v.status', '=', 'published')
    .where('p.use_count', '<', input.maxUses)
    .where(lastUsed, '<', new Date(Date.now() - input.days * 86_400_000))
    .orderBy('last_used')
    .orderBy('p.use_count')
    .orderBy('p.name')
    .limit(input.limit)
    .execute();
  return rows.map((row) => ({
    slug: slugOfPackageName(row.name),
    name: row.name,
    version: row.version,
    description: row.description,
    use_count: Number(row.use_count),
    last_used_at: new Date(row.last_used).toISOString(),
    created_at: (row.published_at ?? row.created_at).toISOString(),
  }));
}
