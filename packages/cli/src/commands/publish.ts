/**
 * `publish [dir]`: read the manifest (tank.json / skills.json, aitk-artifact.json, or SKILL.md
 * frontmatter), pack deterministically, scan locally with the registry's own scanner, then Tank's
 * two-phase publish: reserve the version, upload the bytes, confirm with their SHA-512. `--dry-run`
 * stops after the local scan and shows what would be published.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  computeIntegrity,
  type Manifest,
  manifestSchema,
  parseFrontmatter,
  readRequires,
  type ScanReport,
} from '@agentry/core';
import { TankPublishConfirmed, TankPublishStarted } from '@agentry/core/api';
import { scanArchive } from '@agentry/core/scanner';
import { jsonBody } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { clean, type Paint, verdictColour } from '../format.js';
import { listPackEntries, packFiles, totalSize } from '../pack.js';
import { type CommandContext, requireToken } from './context.js';

export interface PublishOptions {
  dryRun?: boolean;
  visibility?: 'public' | 'private' | 'team' | undefined;
  /** Publish an unscoped name under this org (team): `name` becomes `@scope/name`. */
  scope?: string | undefined;
}

export interface PublishResult {
  name: string;
  version: string;
  kind: string;
  dryRun: boolean;
  manifestSource: string;
  files: string[];
  size: number;
  tarballSize: number;
  integrity: string;
  ignoreSource: string;
  /** Local secrets left out whatever the ignore rules say (`.env`, private keys, `.npmrc` with tokens). */
  secretsLeftOut: string[];
  localScan: { verdict: string; auditScore: number; findings: ScanReport['findings'] };
  /** The registry's answer after confirm. */
  published?: { status: string; verdict: string | null; auditScore: number | null };
}

function readJsonFile(path: string): Record<string, unknown> {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new CliError(
      'invalid_manifest',
      `${basename(path)} is not valid JSON: ${(error as Error).message}`,
      `fix ${path}`,
    );
  }
}

const aitkTypes: Record<string, string> = {
  skill: 'skill',
  mcp: 'mcp',
  template: 'template',
  config: 'config',
  hook: 'hook',
};

/** The manifest as `POST /api/v1/skills` wants it, and which file it came from. */
export function readPublishManifest(dir: string): {
  manifest: Record<string, unknown>;
  source: string;
  /** The file named no visibility, so `public` was assumed. */
  visibilityAssumed?: boolean;
} {
  const skillPath = join(dir, 'SKILL.md');
  const skill = existsSync(skillPath) ? parseFrontmatter(readFileSync(skillPath, 'utf8')).data : undefined;
  const requires = skill ? readRequires(skill) : {};
  for (const name of ['tank.json', 'skills.json']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const input = readJsonFile(path);
    const skills = { ...requires, ...((input.skills as Record<string, string> | undefined) ?? {}) };
    return { manifest: { ...input, ...(Object.keys(skills).length > 0 ? { skills } : {}) }, source: name };
  }
  const aitkPath = join(dir, 'aitk-artifact.json');
  if (existsSync(aitkPath)) {
    const input = readJsonFile(aitkPath);
    const { scope, name, type, toolTargets, dependencies, categories, ...rest } = input as Record<
      string,
      unknown
    >;
    return {
      manifest: {
        ...rest,
        name: typeof scope === 'string' && scope ? `@${scope}/${String(name)}` : name,
        kind: aitkTypes[String(type)] ?? type ?? 'skill',
        visibility: rest.visibility ?? 'public',
        permissions: rest.permissions ?? {},
        ...(dependencies && typeof dependencies === 'object' ? { skills: dependencies } : {}),
        ...(Array.isArray(toolTargets) ? { tool_targets: toolTargets } : {}),
        ...(Array.isArray(categories) ? { categories } : {}),
      },
      source: 'aitk-artifact.json',
      visibilityAssumed: rest.visibility === undefined,
    };
  }
  if (skill) {
    const metadata = (skill.metadata && typeof skill.metadata === 'object' ? skill.metadata : {}) as Record<
      string,
      unknown
    >;
    return {
      manifest: {
        name: skill.name ?? basename(resolve(dir)),
        version: skill.version ?? metadata.version,
        description: skill.description,
        visibility: skill.visibility ?? 'public',
        permissions: skill.permissions ?? {},
        kind: 'skill',
        ...(Array.isArray(skill.tags) ? { keywords: skill.tags } : {}),
        ...(typeof skill.license === 'string' ? { license: skill.license } : {}),
        ...(Object.keys(requires).length > 0 ? { skills: requires } : {}),
      },
      source: 'SKILL.md',
      visibilityAssumed: skill.visibility === undefined,
    };
  }
  throw new CliError(
    'no_manifest',
    `${dir} has no tank.json, aitk-artifact.json or SKILL.md`,
    'agentry init creates one',
  );
}

export async function runPublish(
  ctx: CommandContext,
  dir: string,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const root = resolve(ctx.cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new CliError('usage', `${dir} is not a folder`, 'agentry publish [dir]');
  const { manifest: raw, source, visibilityAssumed } = readPublishManifest(root);
  if (options.visibility) raw.visibility = options.visibility;
  if (options.scope) {
    const current = String(raw.name ?? '');
    const bare = current.replace(/^@[^/]+\//, '');
    if (current.startsWith('@') && !current.startsWith(`@${options.scope}/`)) {
      throw new CliError(
        'usage',
        `${current} is already scoped to another org than ${options.scope}`,
        'drop --scope, or change the name',
      );
    }
    raw.name = `@${options.scope}/${bare}`;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      'invalid_manifest',
      `${source}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      'see docs/api.md for the manifest fields',
      parsed.error.issues,
    );
  }
  const manifest: Manifest = parsed.data;
  const listing = listPackEntries(root);
  if (listing.links.length > 0) {
    throw new CliError(
      'publish_refused',
      `links cannot be published: ${listing.links.join(', ')}`,
      'replace each link with the file it points to, or ignore it in .agentryignore',
    );
  }
  if (listing.files.length === 0)
    throw new CliError(
      'publish_refused',
      'nothing to publish: every file is ignored',
      `check ${listing.ignoreSource}`,
    );
  ctx.progress?.(`packing ${listing.files.length} files`);
  const tarball = await packFiles(root, listing.files);
  const integrity = computeIntegrity(tarball);
  ctx.progress?.('scanning locally');
  // The same inputs the registry's scan gets, so the local verdict and score are the ones it will give.
  const { report } = scanArchive(tarball, {
    kind: manifest.kind,
    description: manifest.description,
    permissions: manifest.permissions,
  });
  const result: PublishResult = {
    name: manifest.name,
    version: manifest.version,
    kind: manifest.kind,
    dryRun: options.dryRun === true,
    manifestSource: source,
    files: listing.files,
    size: totalSize(root, listing.files),
    tarballSize: tarball.length,
    integrity,
    ignoreSource: listing.ignoreSource,
    secretsLeftOut: listing.secrets,
    localScan: { verdict: report.verdict, auditScore: report.auditScore, findings: report.findings },
  };
  if (report.verdict === 'FAIL') {
    throw new CliError(
      'publish_refused',
      `the local scan says FAIL (${report.findings
        .filter((f) => f.severity === 'critical' || f.severity === 'high')
        .map((f) => f.rule)
        .join(', ')}); the registry would refuse it too`,
      'agentry scan . shows every finding',
      report.findings,
    );
  }
  if (options.dryRun) return result;
  requireToken(ctx);
  // A new version sets the artifact's visibility; when the files name none, keep the one it has (set
  // with agentry visibility or on the web) rather than silently making a private artifact public.
  if (visibilityAssumed && !options.visibility) {
    const current = await ctx.registry.getArtifact(manifest.name).catch(() => undefined);
    if (current && current.visibility !== raw.visibility) raw.visibility = current.visibility;
  }
  ctx.progress?.(`reserving ${manifest.name}@${manifest.version}`);
  const reserved = await ctx.client.request('/api/v1/skills', TankPublishStarted, {
    method: 'POST',
    ...jsonBody({ manifest: raw.kind === undefined ? { ...raw, kind: manifest.kind } : raw }),
  });
  ctx.progress?.(`uploading ${Math.ceil(tarball.length / 1024)} KiB`);
  await ctx.client.put(reserved.uploadUrl, new Uint8Array(tarball), 'application/gzip');
  ctx.progress?.('confirming (the registry verifies and scans)');
  const confirmed = await ctx.client.request('/api/v1/skills/confirm', TankPublishConfirmed, {
    method: 'POST',
    ...jsonBody({ skillId: reserved.skillId, versionId: reserved.versionId, integrity }),
  });
  result.published = {
    status: confirmed.status,
    verdict: confirmed.verdict,
    auditScore: confirmed.auditScore,
  };
  return result;
}

export function formatPublish(result: PublishResult, paint: Paint): string {
  const lines = [
    `${paint('bold', clean(result.name))}@${result.version} (${result.kind}, from ${result.manifestSource})`,
    `${result.files.length} files, ${result.size} bytes → ${result.tarballSize} bytes packed (ignore rules: ${result.ignoreSource})`,
    ...result.files.map((file) => `    ${file}`),
    ...(result.secretsLeftOut.length > 0
      ? [`never packed (local secrets): ${result.secretsLeftOut.map(clean).join(', ')}`]
      : []),
    `integrity ${result.integrity}`,
    `local scan: ${verdictColour(paint, result.localScan.verdict)} (audit score ${result.localScan.auditScore}/10, ${result.localScan.findings.length} findings)`,
  ];
  if (result.published) {
    lines.push(
      paint(
        'green',
        `${result.published.status === 'published' ? 'Published' : `Publish ${result.published.status}:`} ${clean(result.name)}@${result.version}; registry verdict ${result.published.verdict ?? '-'} (audit score ${result.published.auditScore ?? '?'}/10)`,
      ),
    );
  } else lines.push('dry run: nothing was sent');
  return lines.join('\n');
}
