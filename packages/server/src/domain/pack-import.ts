/**
 * ayaiay's pack import: clones a git repository at a tag (with real git), refuses what is unsafe, lays the
 * manifest's components out where the installer reads them, and publishes the result through the same
 * pipeline and scan as every other publish, recording the tag and commit.
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  AgentryError,
  issuesFromZod,
  type Manifest,
  manifestSchema,
  type PackManifest,
  PackManifestError,
  packLayout,
  parsePackManifest,
} from '@agentry/core';
import semver from 'semver';
import { create as createTar } from 'tar';
import type { Org } from '../db/schema.js';
import type { Viewer } from './access.js';
import { findOrgRole } from './orgs.js';
import { resolvePublicHost } from './public-address.js';
import { publishArchive } from './publish.js';
import type { PublishDeps } from './publish-deps.js';

const run = promisify(execFile);

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
  throw new AgentryError('import_refused', {
    message,
    issues: [{ path: [path], message }],
    details: { field: path },
  });
}

/** The same refusal the publish pipeline gives an archive with this entry (see publish-confirm.ts). */
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
    throw new AgentryError('clone_failed', {
      details: { repoUrl: url, tag },
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
    throw new AgentryError('not_org_member', {
      message: 'Only members of the publisher can import its packs.',
      details: { org: input.publisher.slug },
    });
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
    if (!yamlPath)
      throw new AgentryError('pack_manifest_missing', {
        issues: [{ path: ['repo_url'], message: 'The repository has no ayaiay.yaml at its root.' }],
      });
    let pack: PackManifest;
    try {
      pack = parsePackManifest((files.get(yamlPath) as Buffer).toString('utf8'), (path) =>
        files.get(path)?.toString('utf8'),
      );
    } catch (error) {
      if (error instanceof PackManifestError) {
        throw new AgentryError('invalid_manifest', {
          message: `${yamlPath} is not valid: ${error.message}`,
          issues: issuesFromZod(error.issues, [yamlPath]),
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
      throw new AgentryError('invalid_manifest', { issues: issuesFromZod(parsed.error.issues) });
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
