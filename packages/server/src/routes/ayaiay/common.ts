/** ayaiay's shapes (ayaiay-catalog-api.txt): packs, publishers, and the `{ error: { code, message, details } }` envelope. */
import { z } from '@hono/zod-openapi';
import type { Org } from '../../db/schema.js';
import { countPackComponents, type PackRow } from '../../domain/packs.js';
import { clientDialectOf } from '../../http/surfaces.js';

export const AyaiayError = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'PACK_NOT_FOUND' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .openapi('AyaiayError');

export function ayaiayErrors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 429)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Error', content: { 'application/json': { schema: AyaiayError } } },
    ]),
  );
}

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const Publisher = z
  .object({
    id: z.string(),
    name: z.string(),
    display_name: z.string(),
    description: z.string(),
    website_url: z.string().nullable(),
    github_org: z.string().nullable(),
    avatar_url: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('AyaiayPublisher');

export function publisherOf(org: Org) {
  return {
    id: org.id,
    name: org.slug,
    display_name: org.name,
    description: org.description,
    website_url: org.website_url,
    github_org: org.github_org,
    avatar_url: org.avatar_url,
    created_at: org.created_at.toISOString(),
  };
}

export const Pack = z
  .object({
    id: z.string(),
    name: z.string(),
    display_name: z.string(),
    description: z.string(),
    publisher: z.object({
      id: z.string().nullable(),
      name: z.string(),
      display_name: z.string(),
      avatar_url: z.string().nullable().optional(),
    }),
    repo_url: z.string().nullable(),
    visibility: z.enum(['PUBLIC', 'PRIVATE', 'TEAM']),
    published_version: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('AyaiayPack');

export function packOf(row: PackRow, detail = false) {
  const manifest = (row.latest_manifest ?? {}) as Record<string, unknown>;
  const bare = row.name.replace(/^@[^/]+\//, '');
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    id: row.id,
    name: bare,
    display_name: str(manifest.display_name) ?? bare,
    description: row.description,
    publisher: {
      id: row.org_id,
      name: row.org_slug ?? row.publisher_username,
      display_name: row.org_name ?? row.publisher_username,
      ...(detail ? { avatar_url: row.org_avatar } : {}),
    },
    repo_url: str(manifest.repo_url) ?? row.repository,
    visibility: row.visibility.toUpperCase() as 'PUBLIC' | 'PRIVATE' | 'TEAM',
    published_version: row.latest_version,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** The real ayaiay CLI (every call carries `User-Agent: ayaiay-cli/<version>`). */
export function isAyaiayCli(c: { req: { header(name: string): string | undefined } }): boolean {
  return clientDialectOf(c.req.header('user-agent')).ayaiayCli;
}

/**
 * The CLI's `pack_type`, from what the pack holds: agents, else instructions, else prompts; a pack of only
 * MCP servers (or of nothing recognised) says `agent`. Its model accepts only these three values and
 * dereferences the field unguarded, so `mcp` or `mixed` would crash it.
 */
export function packTypeOf(row: PackRow): 'agent' | 'instruction' | 'prompt' {
  const count = countPackComponents(row.latest_files);
  if (count.agents > 0) return 'agent';
  if (count.instructions > 0) return 'instruction';
  if (count.prompts > 0) return 'prompt';
  return 'agent';
}

/** An http(s) URL the CLI's strict URL type accepts, else null (never `""` or a file: URL). */
function httpUrlOrNull(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A pack as ayaiay-cli reads it: the documented pack plus `pack_type`, `latest_version`,
 * `repository_url` (always present: the CLI copies `repo_url` into it otherwise, and rejects non-http URLs),
 * `tags` and `downloads` (never null).
 */
export function cliPackOf(row: PackRow, detail = false) {
  const pack = packOf(row, detail);
  return {
    ...pack,
    pack_type: packTypeOf(row),
    latest_version: row.latest_version,
    repository_url: httpUrlOrNull(pack.repo_url),
    tags: row.tags ?? [],
    downloads: Number(row.downloads_total ?? 0),
  };
}
