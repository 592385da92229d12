/** ayaiay's shapes (ayaiay-catalog-api.txt): packs, publishers, and the `{ error: { code, message, details } }` envelope. */
import { z } from '@hono/zod-openapi';
import type { Org } from '../../db/schema.js';
import type { PackRow } from '../../domain/packs.js';

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
