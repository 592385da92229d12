/**
 * AI Toolkit's shapes over our domain. Its `scope/name` is our `@scope/name` when the scope is an
 * org (AI Toolkit's team), and our unscoped `name` when the scope is the publisher's username. Types
 * skill, mcp, template, config and hook are our kinds of the same name; our other kinds show as they are.
 */
import { AgentryError, artifactKinds } from '@agentry/core';
import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Database, Package } from '../../db/schema.js';
import { canReadPackage, canWritePackage, type Viewer } from '../../domain/access.js';
import type { SearchHit } from '../../domain/search.js';
import { clientDialectOf } from '../../http/surfaces.js';

/** AI Toolkit's real CLI `aitk`: it calls Node's built-in fetch, whose User-Agent is `node`. */
export function isAitkCli(c: { req: { header(name: string): string | undefined } }): boolean {
  return clientDialectOf(c.req.header('user-agent')).aitkCli;
}

export const aitkTypes = ['skill', 'mcp', 'template', 'config', 'hook'] as const;

/** AI Toolkit's error envelope. */
export const AitkError = z
  .object({
    error: z.string().openapi({ example: 'not_found' }),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .openapi('AitkError');

export function aitkErrors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Error', content: { 'application/json': { schema: AitkError } } },
    ]),
  );
}

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const ScopeName = z.object({
  scope: z.string().min(1).max(64).openapi({ example: 'acme' }),
  name: z.string().min(1).max(214).openapi({ example: 'code-review' }),
});

export const Artifact = z
  .object({
    id: z.string(),
    scope: z.string(),
    name: z.string(),
    slug: z.string().openapi({ description: 'scope/name', example: 'acme/code-review' }),
    type: z
      .string()
      .openapi({ description: 'skill, mcp, template, config or hook (or another Agentry kind)' }),
    description: z.string(),
    visibility: z.enum(['public', 'private', 'team']),
    keywords: z.array(z.string()),
    tool_targets: z.array(z.string()),
    latest_version: z.string().nullable(),
    total_downloads: z.number().int(),
    weekly_downloads: z.number().int(),
    stars: z.number().int(),
    verdict: z.string().nullable(),
    audit_score: z.number().int().nullable(),
    deprecated: z.boolean(),
    updated_at: z.string(),
    latestVersion: z.string().nullable().openapi({ description: 'aitk reads camelCase: as latest_version' }),
    totalDownloads: z.number().int().openapi({ description: 'as total_downloads' }),
    toolTargets: z.array(z.string()).openapi({ description: 'as tool_targets' }),
    updatedAt: z.string().openapi({ description: 'as updated_at' }),
  })
  .openapi('AitkArtifact');
export type AitkArtifact = z.infer<typeof Artifact>;

/** The camelCase spellings aitk's types read, beside the documented snake_case ones. */
function withCamelCase(
  artifact: Omit<AitkArtifact, 'latestVersion' | 'totalDownloads' | 'toolTargets' | 'updatedAt'>,
): AitkArtifact {
  return {
    ...artifact,
    latestVersion: artifact.latest_version,
    totalDownloads: artifact.total_downloads,
    toolTargets: artifact.tool_targets,
    updatedAt: artifact.updated_at,
  };
}

export const typeFilter = z
  .enum(artifactKinds)
  .optional()
  .openapi({ description: 'skill, mcp, template, config or hook' });

function split(name: string, publisher: string): { scope: string; bare: string } {
  const match = /^@([^/]+)\/(.+)$/.exec(name);
  return match ? { scope: match[1] as string, bare: match[2] as string } : { scope: publisher, bare: name };
}

export function artifactOfHit(hit: SearchHit): AitkArtifact {
  const { scope, bare } = split(hit.name, hit.publisher);
  return withCamelCase({
    id: hit.id,
    scope,
    name: bare,
    slug: `${scope}/${bare}`,
    type: hit.kind,
    description: hit.description,
    visibility: hit.visibility,
    keywords: hit.tags,
    tool_targets: hit.toolTargets,
    latest_version: hit.latestVersion,
    total_downloads: hit.downloadsTotal,
    weekly_downloads: hit.downloads,
    stars: hit.stars,
    verdict: hit.verdict,
    audit_score: hit.auditScore,
    deprecated: hit.deprecated,
    updated_at: hit.updatedAt.toISOString(),
  });
}

export function artifactOfPackage(pkg: Package, publisher: string): AitkArtifact {
  const { scope, bare } = split(pkg.name, publisher);
  return withCamelCase({
    id: pkg.id,
    scope,
    name: bare,
    slug: `${scope}/${bare}`,
    type: pkg.kind,
    description: pkg.description,
    visibility: pkg.visibility,
    keywords: pkg.keywords,
    tool_targets: pkg.tool_targets,
    latest_version: pkg.latest_version,
    total_downloads: Number(pkg.downloads_total),
    weekly_downloads: Number(pkg.downloads_7d),
    stars: pkg.stars_count,
    verdict: pkg.latest_verdict,
    audit_score: pkg.latest_audit_score,
    deprecated: pkg.deprecated,
    updated_at: new Date(pkg.updated_at as unknown as string).toISOString(),
  });
}

export interface ResolvedArtifact {
  pkg: Package;
  publisher: string;
  published: boolean;
}

/**
 * `scope/name` → the package: `@scope/name` when `scope` is an org, else the unscoped `name` whose
 * publisher is the user `scope`. Hidden and missing look the same (404); a package with no published
 * version yet is visible to those who may publish it.
 */
export async function resolveArtifact(
  db: Kysely<Database>,
  tenantId: string,
  scope: string,
  name: string,
  viewer: Viewer,
): Promise<ResolvedArtifact> {
  const rows = await db
    .selectFrom('packages as p')
    .innerJoin('users as u', 'u.id', 'p.publisher_id')
    .selectAll('p')
    .select('u.username')
    .where('p.tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('p.name', '=', `@${scope}/${name}`),
        eb.and([eb('p.name', '=', name), eb('u.username', '=', scope)]),
      ]),
    )
    .execute();
  const row = rows.find((r) => r.name.startsWith('@')) ?? rows[0];
  if (!row)
    throw new AgentryError('package_not_found', {
      message: `No artifact ${scope}/${name}.`,
      details: { name: `${scope}/${name}` },
    });
  const { username, ...pkg } = row;
  const published = await db
    .selectFrom('versions')
    .select('id')
    .where('package_id', '=', pkg.id)
    .where('status', 'in', ['published', 'yanked'])
    .executeTakeFirst();
  const visible = published ? await canReadPackage(db, pkg, viewer) : await canWritePackage(db, pkg, viewer);
  if (!visible)
    throw new AgentryError('package_not_found', {
      message: `No artifact ${scope}/${name}.`,
      details: { name: `${scope}/${name}` },
    });
  return { pkg, publisher: username, published: !!published };
}
