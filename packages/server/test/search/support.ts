/**
 * Shared helpers for the search tests: an app with rate limits out of the way, a typed search call, and
 * a bulk insert that writes packages and versions with the same search columns a publish sets.
 */
import { foldSearchText } from '@agentry/core';
import type { TankSearchPage, TankSearchResult } from '@agentry/core/api';
import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../../test-support/app.js';
import type { Database } from '../../src/db/schema.js';

export const searchEnv = { RATE_LIMIT_ANONYMOUS: '1000000', RATE_LIMIT_AUTHENTICATED: '1000000' };

export function createSearchApp(): Promise<TestApp> {
  return createTestApp({ env: searchEnv });
}

export type SearchResultRow = TankSearchResult;
export type SearchBody = TankSearchPage;

export type SearchParams = Record<string, string | number | undefined>;

export function searchPath(params: SearchParams = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  const text = query.toString();
  return text ? `/api/v1/search?${text}` : '/api/v1/search';
}

/** GET /api/v1/search; asserts 200 and the response shape. */
export async function search(
  t: TestApp,
  params: SearchParams = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<SearchBody> {
  const res = await t.request(searchPath(params), {
    headers: { ...(options.token ? bearer(options.token) : {}), ...options.headers },
  });
  const body = (await res.json()) as SearchBody;
  expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
  expect(Array.isArray(body.results)).toBe(true);
  expect(typeof body.total).toBe('number');
  return body;
}

export const names = (body: SearchBody) => body.results.map((r) => r.name);

export interface SeedPackage {
  name: string;
  description?: string;
  readme?: string;
  kind?: string;
  visibility?: 'public' | 'private' | 'team';
  tags?: string[];
  tools?: string[];
  verdict?: 'PASS' | 'PASS_WITH_NOTES' | 'FLAGGED' | 'FAIL' | null;
  auditScore?: number | null;
  downloads7d?: number;
  stars?: number;
  updatedAt?: Date;
  deprecated?: boolean;
  status?: 'active' | 'archived';
  orgId?: string | null;
}

/**
 * Inserts published packages directly (one version each), with the columns publish.ts's searchColumns
 * and versions.ts's refreshLatestVersion would set. Much faster than publishing for bulk rows.
 */
export async function insertPackages(
  db: Kysely<Database>,
  tenantId: string,
  publisherId: string,
  packages: readonly SeedPackage[],
): Promise<void> {
  for (let start = 0; start < packages.length; start += 500) {
    const chunk = packages.slice(start, start + 500);
    const rows = await db
      .insertInto('packages')
      .values(
        chunk.map((p) => {
          const scope = p.name.startsWith('@') ? p.name.slice(1, p.name.indexOf('/')) : null;
          const description = p.description ?? 'A seeded artifact.';
          return {
            tenant_id: tenantId,
            name: p.name,
            scope,
            org_id: p.orgId ?? null,
            kind: p.kind ?? 'skill',
            visibility: p.visibility ?? 'public',
            status: p.status ?? 'active',
            description,
            keywords: p.tags ?? [],
            tool_targets: p.tools ?? [],
            readme: p.readme ?? null,
            publisher_id: publisherId,
            latest_version: '1.0.0',
            name_norm: foldSearchText(p.name),
            bare_norm: foldSearchText(p.name.replace(/^@[^/]+\//, '')),
            description_norm: foldSearchText(description),
            readme_norm: foldSearchText(p.readme ?? ''),
            tags: (p.tags ?? []).map((tag) => tag.toLowerCase()),
            latest_verdict: p.verdict === undefined ? 'PASS' : p.verdict,
            latest_audit_score: p.auditScore === undefined ? 9 : p.auditScore,
            deprecated: p.deprecated ?? false,
            downloads_7d: p.downloads7d ?? 0,
            downloads_total: p.downloads7d ?? 0,
            stars_count: p.stars ?? 0,
            ...(p.updatedAt ? { updated_at: p.updatedAt, created_at: p.updatedAt } : {}),
          };
        }),
      )
      .returning(['id', 'name'])
      .execute();
    await db
      .insertInto('versions')
      .values(
        rows.map((row) => ({
          tenant_id: tenantId,
          package_id: row.id,
          version: '1.0.0',
          major: 1,
          minor: 0,
          patch: 0,
          status: 'published' as const,
          manifest: JSON.stringify({ name: row.name, version: '1.0.0' }),
          blob_key: `tarballs/${tenantId}/${row.id}.tgz`,
          published_by: publisherId,
          published_at: sql<Date>`now()`,
          verdict: 'PASS',
          audit_score: 9,
        })),
      )
      .execute();
    await sql`UPDATE packages p SET latest_version_id = v.id FROM versions v
      WHERE v.package_id = p.id AND p.id = ANY(${rows.map((row) => row.id)}::uuid[])`.execute(db);
  }
}

/** Sets facts on a published package the way the background jobs would (downloads, stars, recency, …). */
export async function setPackage(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
  values: {
    downloads_7d?: number;
    stars_count?: number;
    updated_at?: Date;
    latest_verdict?: string | null;
    visibility?: 'public' | 'private' | 'team';
    status?: 'active' | 'archived';
  },
): Promise<void> {
  const result = await db
    .updateTable('packages')
    .set(values)
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  expect(result.numUpdatedRows).toBe(1n);
}
