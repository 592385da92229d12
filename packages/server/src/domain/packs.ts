/**
 * ayaiay's packs over our artifacts: a pack is an artifact of kind `pack`, its publisher an org.
 * Contents come from the pack's ayaiay.yaml when it has one, else from the conventional folders the
 * installer reads. Import from git is `pack-import.ts`.
 */
import { createHash } from 'node:crypto';
import { type ArtifactFiles, listComponents, type PackManifest, parsePackManifest } from '@agentry/core';
import { readArchive } from '@agentry/core/scanner';
import type { Kysely } from 'kysely';
import type { Database, Version } from '../db/schema.js';
import type { PublishDeps } from './publish-deps.js';
import { readBlob } from './versions.js';

export interface PackStats {
  total_packs: number;
  total_versions: number;
  total_publishers: number;
  total_agents: number;
  total_instructions: number;
  total_prompts: number;
  total_mcp_servers: number;
}

/** Agents, instructions, prompts and MCP servers of a version, counted from its file index (laid-out folders). */
export function countPackComponents(files: readonly { path: string }[] | null) {
  const tally = { agents: 0, instructions: 0, prompts: 0, mcp: 0 };
  for (const file of files ?? []) {
    const [folder, name, more] = file.path.split('/');
    if (!name || more !== undefined) continue;
    if (folder === 'agents' && name.endsWith('.md')) tally.agents += 1;
    else if ((folder === 'instructions' || folder === 'rules') && name.endsWith('.md'))
      tally.instructions += 1;
    else if ((folder === 'prompts' || folder === 'commands') && name.endsWith('.md')) tally.prompts += 1;
    else if (folder === 'mcp-servers' && name.endsWith('.json')) tally.mcp += 1;
  }
  return tally;
}

/** Counts over public packs; contents are counted from each latest version's file index. */
export async function packStats(db: Kysely<Database>, tenantId: string): Promise<PackStats> {
  const publicPacks = db
    .selectFrom('packages')
    .where('packages.tenant_id', '=', tenantId)
    .where('packages.kind', '=', 'pack')
    .where('packages.visibility', '=', 'public')
    .where('packages.latest_version_id', 'is not', null);
  const [counts, versions, files] = await Promise.all([
    publicPacks
      .select((eb) => [
        eb.fn.countAll<number>().as('packs'),
        eb.fn.count<number>('org_id').distinct().as('publishers'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['published', 'yanked'])
      .where('package_id', 'in', publicPacks.select('packages.id'))
      .executeTakeFirstOrThrow(),
    publicPacks
      .innerJoin('versions', 'versions.id', 'packages.latest_version_id')
      .select('versions.files')
      .execute(),
  ]);
  const tally = { agents: 0, instructions: 0, prompts: 0, mcp: 0 };
  for (const row of files) {
    const counted = countPackComponents(row.files as { path: string }[] | null);
    for (const key of Object.keys(tally) as (keyof typeof tally)[]) tally[key] += counted[key];
  }
  return {
    total_packs: Number(counts.packs),
    total_versions: Number(versions.n),
    total_publishers: Number(counts.publishers),
    total_agents: tally.agents,
    total_instructions: tally.instructions,
    total_prompts: tally.prompts,
    total_mcp_servers: tally.mcp,
  };
}

/** A stable id for a component of a version, so clients can refer to it. */
function itemId(versionId: string, kind: string, name: string): string {
  const hex = createHash('sha256').update(`${versionId}:${kind}:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface PackContents {
  manifest: Record<string, unknown>;
  agents: Record<string, unknown>[];
  instructions: Record<string, unknown>[];
  prompts: Record<string, unknown>[];
  mcp_servers: Record<string, unknown>[];
}

const text = (files: ArtifactFiles, path: string) => files.get(path)?.toString('utf8');

/** What a version holds, read from its stored archive. */
export async function packContents(
  deps: { db: Kysely<Database>; blobs: PublishDeps['blobs']; maxUploadBytes: number },
  version: Version,
  bareName: string,
): Promise<PackContents> {
  const bytes = await readBlob(deps.blobs, version.blob_key, deps.maxUploadBytes);
  const files: ArtifactFiles = new Map(
    [...(bytes ? readArchive(bytes).files : new Map())].map(([path, entry]) => [
      path,
      entry.content as Buffer,
    ]),
  );
  const stored = version.manifest as unknown as Record<string, unknown>;
  const yaml = text(files, 'ayaiay.yaml') ?? text(files, 'ayaiay.yml');
  let pack: PackManifest | undefined;
  if (yaml) {
    try {
      pack = parsePackManifest(yaml, (path) => text(files, path));
    } catch {
      pack = undefined;
    }
  }
  let components: ReturnType<typeof listComponents> = [];
  try {
    components = listComponents(files, 'pack', bareName);
  } catch {
    // A pack whose folders do not parse still shows its manifest.
  }
  const pathOf = (kind: string, name: string) => {
    const c = components.find((x) => x.kind === kind && x.name === name);
    return c && 'source' in c ? c.source : undefined;
  };
  const agents = components
    .filter((c) => c.kind === 'agent')
    .map((c) => {
      const own = pack?.agents.find((a) => a.name === c.name);
      return {
        id: itemId(version.id, 'agent', c.name),
        name: c.name,
        display_name: c.name,
        description: own?.description ?? null,
        instructions_path: own?.path ?? pathOf('agent', c.name) ?? null,
        instructions_content: own?.content ?? ('source' in c ? text(files, c.source) : '') ?? '',
        model_provider: own?.model
          ? own.model.startsWith('claude')
            ? 'anthropic'
            : own.model.startsWith('gpt')
              ? 'openai'
              : null
          : null,
        model_name: own?.model ?? null,
      };
    });
  const textItems = (
    kind: 'instruction' | 'command',
    own: PackManifest['instructions'] | undefined,
    key: string,
  ) =>
    components
      .filter((c) => c.kind === kind)
      .map((c) => {
        const mine = own?.find((x) => x.name === c.name);
        return {
          id: itemId(version.id, kind, c.name),
          name: c.name,
          description: mine?.description ?? null,
          path: mine?.path ?? ('source' in c ? c.source : null),
          [key]: mine?.content ?? ('source' in c ? text(files, c.source) : '') ?? '',
        };
      });
  const mcp = components
    .filter((c) => c.kind === 'mcp')
    .map((c) => ({
      id: itemId(version.id, 'mcp', c.name),
      name: c.name,
      ...(c.kind === 'mcp' ? c.server : {}),
    }));
  return {
    manifest: pack
      ? {
          name: pack.name,
          display_name: pack.displayName ?? pack.name,
          version: version.version,
          description: pack.description,
          agents: pack.agents.map((a) => ({ name: a.name, description: a.description ?? null })),
          instructions: pack.instructions.map((a) => ({ name: a.name, description: a.description ?? null })),
          prompts: pack.prompts.map((a) => ({ name: a.name, description: a.description ?? null })),
        }
      : {
          name: bareName,
          display_name: stored.display_name ?? bareName,
          version: version.version,
          description: stored.description ?? '',
        },
    agents,
    instructions: textItems('instruction', pack?.instructions, 'content'),
    prompts: textItems('command', [...(pack?.prompts ?? []), ...(pack?.commands ?? [])], 'template'),
    mcp_servers: mcp,
  };
}

export interface PackRow {
  id: string;
  name: string;
  description: string;
  visibility: 'public' | 'private' | 'team';
  repository: string | null;
  latest_version: string | null;
  latest_manifest: unknown;
  latest_files: { path: string }[] | null;
  tags: string[];
  downloads_total: number;
  created_at: Date;
  updated_at: Date;
  org_id: string | null;
  org_slug: string | null;
  org_name: string | null;
  org_avatar: string | null;
  publisher_id: string;
  publisher_username: string;
}

/** Packs by id with their publisher and latest manifest, in the order asked. */
export async function findPackRows(
  db: Kysely<Database>,
  tenantId: string,
  ids: string[],
): Promise<PackRow[]> {
  const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return [];
  const rows = await db
    .selectFrom('packages as p')
    .leftJoin('orgs as o', 'o.id', 'p.org_id')
    .innerJoin('users as u', 'u.id', 'p.publisher_id')
    .leftJoin('versions as v', 'v.id', 'p.latest_version_id')
    .select([
      'p.id',
      'p.name',
      'p.description',
      'p.visibility',
      'p.repository',
      'p.latest_version',
      'v.manifest as latest_manifest',
      'v.files as latest_files',
      'p.tags',
      'p.downloads_total',
      'p.created_at',
      'p.updated_at',
      'p.org_id',
      'o.slug as org_slug',
      'o.name as org_name',
      'o.avatar_url as org_avatar',
      'p.publisher_id',
      'u.username as publisher_username',
    ])
    .where('p.tenant_id', '=', tenantId)
    .where('p.kind', '=', 'pack')
    .where('p.id', 'in', valid)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row as PackRow]));
  return valid.map((id) => byId.get(id)).filter((row): row is PackRow => row !== undefined);
}

/** Ids of the packs the user publishes, directly or through an org they belong to. */
export async function listMyPackIds(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('packages as p')
    .select('p.id')
    .where('p.tenant_id', '=', tenantId)
    .where('p.kind', '=', 'pack')
    .where((eb) =>
      eb.or([
        eb('p.publisher_id', '=', userId),
        eb('p.org_id', 'in', eb.selectFrom('org_members').select('org_id').where('user_id', '=', userId)),
      ]),
    )
    .orderBy('p.updated_at', 'desc')
    .execute();
  return rows.map((row) => row.id);
}
