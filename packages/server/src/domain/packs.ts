/**
 * ayaiay's packs over our artifacts: a pack is an artifact of kind `pack`, its publisher an org.
 * Contents come from the pack's ayaiay.yaml when it has one, else from the conventional folders the
 * installer reads. Import clones a git repository at a tag (with real git), refuses what is unsafe,
 * lays the manifest's components out where the installer reads them, and publishes the result through
 * the same pipeline and scan as every other publish, recording the tag and commit.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  AgentryError,
  type ArtifactFiles,
  listComponents,
  type Manifest,
  manifestSchema,
  type PackManifest,
  PackManifestError,
  packLayout,
  parsePackManifest,
  readArchive,
} from '@agentry/core';
import type { Kysely } from 'kysely';
import semver from 'semver';
import { create as createTar } from 'tar';
import type { Database, Org, Version } from '../db/schema.js';
import type { Viewer } from './access.js';
import { findOrgRole } from './orgs.js';
import { resolvePublicHost } from './public-address.js';
import { type PublishDeps, publishArchive } from './publish.js';
import { readBlob } from './versions.js';

const run = promisify(execFile);

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

export interface ImportInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  publisher: Org;
  repoUrl: string;
  gitTag: string;
  allowFileUrls: boolean;
  /** Clone from hosts on loopback or private networks too (IMPORT_ALLOW_PRIVATE_HOSTS). */
  allowPrivateHosts: boolean;
  maxFiles?: number;
}

const maxImportFiles = 1000;

function refuse(path: string, message: string): never {
  throw new AgentryError('validation_error', { message, issues: [{ path: [path], message }] });
}

/** The same refusal the publish pipeline gives an archive with this entry (see publish.ts). */
function unsafeEntry(entry: string, reason: string, message: string): never {
  throw new AgentryError('unsafe_archive', {
    message: `The repository is unsafe to import: ${message} Nothing was stored.`,
    details: { entry, reason, message, entries: [{ entry, reason, message }] },
  });
}

/** Files of a checkout (no .git), refusing links and anything that is not a file or folder. */
function readCheckout(root: string, maxBytes: number, maxFiles: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let total = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (dir === root && entry.name === '.git') continue;
      const full = join(dir, entry.name);
      const rel = relative(root, full).split('\\').join('/');
      const info = lstatSync(full);
      // tar would turn `a\b` into the path a/b (or `..\x` into ../x): refuse it as an archive entry is.
      if (entry.name.includes('\\')) {
        const raw = relative(root, full);
        unsafeEntry(raw, 'path_backslash', `Entry "${raw}" contains a backslash; it was refused.`);
      }
      if (info.isSymbolicLink())
        unsafeEntry(rel, 'archive_link', `Symbolic link "${rel}" was refused; links are not imported.`);
      if (info.isDirectory()) walk(full);
      else if (info.isFile()) {
        total += info.size;
        if (total > maxBytes)
          throw new AgentryError('payload_too_large', {
            message: `The repository is larger than ${maxBytes} bytes.`,
          });
        if (files.size >= maxFiles) {
          throw new AgentryError('unsafe_archive', {
            message: `The repository has more than ${maxFiles} files. Nothing was stored.`,
            details: { reason: 'too_many_files', entries: [{ reason: 'too_many_files' }] },
          });
        }
        files.set(rel, readFileSync(full));
      } else unsafeEntry(rel, 'archive_special_file', `"${rel}" is not a regular file.`);
    }
  };
  walk(root);
  return files;
}

interface CloneAccess {
  allowFile: boolean;
  allowPrivateHosts: boolean;
}

/**
 * git options that keep a clone to the URL the client gave: no transports but the one allowed, no
 * redirects (a public host could bounce the server to an internal one), and for http(s) the host pinned
 * to the public addresses it was checked against (no second DNS answer).
 */
async function cloneOptions(url: string, access: CloneAccess): Promise<string[]> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'file' && access.allowFile)
    return ['-c', 'protocol.allow=never', '-c', 'protocol.file.allow=always'];
  if (scheme !== 'https' && scheme !== 'http')
    refuse('repo_url', access.allowFile ? 'Use an http(s) or file:// URL.' : 'Use an http(s) URL.');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse('repo_url', 'Not a valid URL.');
  }
  const port = parsed.port || (scheme === 'https' ? '443' : '80');
  const addresses = await resolvePublicHost(parsed.hostname, 'repo_url', access.allowPrivateHosts);
  const pinned = addresses.map((address) => (address.includes(':') ? `[${address}]` : address)).join(',');
  return [
    '-c',
    'protocol.allow=never',
    '-c',
    `protocol.${scheme}.allow=always`,
    '-c',
    'http.followRedirects=false',
    '-c',
    `http.curloptResolve=${parsed.hostname.replace(/^\[(.*)\]$/, '$1')}:${port}:${pinned}`,
  ];
}

async function gitCheckout(url: string, tag: string, dir: string, access: CloneAccess): Promise<string> {
  const options = await cloneOptions(url, access);
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/.test(tag) || tag.includes('..'))
    refuse('git_tag', 'Not a valid tag name.');
  const env = { PATH: process.env.PATH ?? '', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
  try {
    await run(
      'git',
      [
        ...options,
        '-c',
        'core.symlinks=true',
        'clone',
        '--quiet',
        '--depth',
        '1',
        '--no-tags',
        '--branch',
        tag,
        '--',
        url,
        join(dir, 'repo'),
      ],
      { env, timeout: 60_000, maxBuffer: 1024 * 1024 },
    );
    const { stdout } = await run('git', ['-C', join(dir, 'repo'), 'rev-parse', 'HEAD'], {
      env,
      timeout: 10_000,
    });
    return stdout.trim();
  } catch (error) {
    const message =
      String((error as { stderr?: string }).stderr ?? (error as Error).message)
        .split('\n')
        .find((line) => line.trim()) ?? 'git failed';
    throw new AgentryError('validation_error', {
      message: `Cannot clone ${url} at ${tag}: ${message.replace(/^fatal: /, '').slice(0, 300)}`,
      issues: [{ path: ['repo_url'], message: 'The repository or tag could not be fetched.' }],
    });
  }
}

async function tarball(files: Map<string, Buffer>, dir: string): Promise<Buffer> {
  const stage = join(dir, 'stage');
  for (const [path, bytes] of files) {
    const full = join(stage, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of createTar(
    { gzip: true, cwd: stage, portable: true, noMtime: true },
    [...files.keys()].sort(),
  )) {
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

export interface ImportResult {
  packId: string;
  versionId: string;
  name: string;
  version: string;
  commit: string;
  verdict: string;
}

export async function importPack(deps: PublishDeps, input: ImportInput): Promise<ImportResult> {
  if (!(await findOrgRole(deps.db, input.publisher.id, input.viewer.userId))) {
    throw new AgentryError('forbidden', { message: 'Only members of the publisher can import its packs.' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'agentry-import-'));
  try {
    const commit = await gitCheckout(input.repoUrl, input.gitTag, dir, {
      allowFile: input.allowFileUrls,
      allowPrivateHosts: input.allowPrivateHosts,
    });
    const files = readCheckout(join(dir, 'repo'), deps.maxUploadBytes, input.maxFiles ?? maxImportFiles);
    const yamlPath = files.has('ayaiay.yaml')
      ? 'ayaiay.yaml'
      : files.has('ayaiay.yml')
        ? 'ayaiay.yml'
        : undefined;
    if (!yamlPath) refuse('repo_url', 'The repository has no ayaiay.yaml at its root.');
    let pack: PackManifest;
    try {
      pack = parsePackManifest((files.get(yamlPath) as Buffer).toString('utf8'), (path) =>
        files.get(path)?.toString('utf8'),
      );
    } catch (error) {
      if (error instanceof PackManifestError) {
        throw new AgentryError('validation_error', {
          message: `${yamlPath} is not valid: ${error.message}`,
          issues: error.issues.map((issue) => ({ path: [yamlPath, ...issue.path], message: issue.message })),
        });
      }
      throw error;
    }
    const version = semver.clean(pack.version ?? input.gitTag.replace(/^v/, '')) ?? '';
    if (!semver.valid(version))
      refuse('git_tag', `Neither ayaiay.yaml nor the tag ${input.gitTag} gives a semver version.`);
    for (const [path, bytes] of packLayout(pack, files)) files.set(path, bytes);
    const candidate = {
      name: `@${input.publisher.slug}/${pack.name}`,
      version,
      description: pack.description || pack.displayName || pack.name,
      visibility: 'public',
      kind: 'pack',
      permissions: {},
      keywords: pack.tags,
      ...(pack.license ? { license: pack.license } : {}),
      ...(/^https?:\/\//.test(input.repoUrl) ? { repository: input.repoUrl } : {}),
      display_name: pack.displayName ?? pack.name,
      git_tag: input.gitTag,
      git_commit_sha: commit,
      repo_url: input.repoUrl,
    };
    const parsed = manifestSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new AgentryError('validation_error', {
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
          message: issue.message,
        })),
      });
    }
    const bytes = await tarball(files, dir);
    const readme = files.get('README.md')?.toString('utf8');
    const result = await publishArchive(deps, {
      tenantId: input.tenantId,
      viewer: input.viewer,
      manifest: parsed.data as Manifest,
      bytes,
      readme,
    });
    return {
      packId: result.packageId,
      versionId: result.versionId,
      name: result.name,
      version: result.version,
      commit,
      verdict: result.report.verdict,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
